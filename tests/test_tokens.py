"""The tokeniser builds jieba's dictionary itself (one pass over dict.txt, cached in JTCOMPARE_CACHE_DIR): it must
be exactly the dictionary and tag table jieba builds, and must never write anywhere else."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PLANS

# Run in a fresh interpreter: jieba and our tokenizer are built once per process. The three states (no cached
# dictionary, a cached one, a damaged one) run in that one interpreter, each after our caches are cleared: stock
# jieba's reference is built once, and that is most of the time. The tags of the whole plan are compared in the
# first state; the later ones build the same tables (checked equal to jieba's) and tag the plan's first lines.
_COMPARE = """
import os, re, sys
import jieba, jieba.posseg
from jtcompare.cachedir import cache_root
from jtcompare.text import tokens
reference = jieba.Tokenizer()
freq, total = reference.gen_pfdict(reference.get_dict_file())
word_tags = jieba.posseg.POSTokenizer(reference).word_tag_tab
text = open({plan!r}, encoding="utf-8").read()
for state in ("empty", "cached", "damaged"):
    for cached in (tokens._dictionary, tokens.jieba_instance, tokens.pos_tagger):
        cached.cache_clear()
    stored = sorted(cache_root().glob("jieba-*.dict"))
    assert len(stored) == (0 if state == "empty" else 1), (state, stored)
    if state == "damaged":
        stored[0].write_bytes(stored[0].read_bytes()[:1000])  # a copy cut short, say by a full disk elsewhere
    ours = tokens._dictionary()
    assert ours[0] == freq, (state, "prefix dictionary differs from jieba's")
    assert ours[1] == total, (state, ours[1], total)
    assert ours[2] == word_tags, (state, "tags differ from jieba's")
    tagger = jieba.posseg.POSTokenizer(tokens.jieba_instance())
    lines = re.split("[，。；：\\n]", text)  # the matcher tags one comma part at a time
    # the whole plan once; after that the dictionary, checked equal above, is all a state changes
    for line in lines if state == "empty" else lines[:200]:
        assert tokens.pos_tagger()(line) == [(p.word, p.flag) for p in tagger.lcut(line)], (state, line)
    assert len(list(cache_root().glob("jieba-*.dict"))) == 1, state
    assert os.listdir({tmp!r}) == [], (state, "jieba wrote its own cache outside JTCOMPARE_CACHE_DIR")
    print(state, "same")
"""


# Our tokenizer picks jieba's route in one pass (tokens._route); stock jieba, holding the same dictionary, must
# cut every sentence of the real plans the same way, in every mode the matcher uses.
_SAME_CUTS = """
import jieba, jieba.posseg
from jtcompare.plans.registry import open_library
from jtcompare.text.tokens import jieba_instance, pos_tagger
ours = jieba_instance()
stock = jieba.Tokenizer()
stock.FREQ, stock.total, stock.initialized = dict(ours.FREQ), ours.total, True
tagger = jieba.posseg.POSTokenizer(stock)
lib = open_library({plans!r})
n = 0
for name in ("national", "chongqing", "wuhan", "chengdu"):
    plan = lib.load(name, use_cache=False)
    for m in plan.measures:
        for line in (m.text, *m.text.split("，")):
            assert ours.lcut(line) == stock.lcut(line), line
            assert ours.lcut_for_search(line) == stock.lcut_for_search(line), line
            assert ours.lcut(line, HMM=False) == stock.lcut(line, HMM=False), line
            n += 1
        assert pos_tagger()(m.text) == [(p.word, p.flag) for p in tagger.lcut(m.text)], m.text
print(n)
"""


def test_tokens_are_the_cuts_stock_jieba_makes_with_the_same_dictionary(tmp_path: Path) -> None:
    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    cache.mkdir(), tmp.mkdir()
    result = _run(_SAME_CUTS.format(plans=str(PLANS)), cache, tmp)
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout) > 1000  # measures and their comma parts in four plans, so the loop really ran


def _run(code: str, cache: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JTCOMPARE_CACHE_DIR": str(cache), "TMPDIR": str(tmp)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)


def test_the_dictionary_is_jiebas_own_whether_built_cached_or_rebuilt(tmp_path: Path) -> None:
    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    cache.mkdir(), tmp.mkdir()
    code = _COMPARE.format(plan=str(PLANS / "national.txt"), tmp=str(tmp))  # simplified text: what the matcher tags
    result = _run(code, cache, tmp)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["empty", "same", "cached", "same", "damaged", "same"]
    assert list(tmp.iterdir()) == [], "jieba wrote its own cache outside JTCOMPARE_CACHE_DIR"


def test_a_cache_folder_that_cannot_be_made_still_tokenises(tmp_path: Path) -> None:
    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    cache.write_text("a file where the cache folder should be"), tmp.mkdir()
    code = "from jtcompare.text.tokens import tokenize; print(tokenize('推进减污降碳协同增效'))"
    result = _run(code, cache, tmp)
    assert result.returncode == 0, result.stderr
    assert "减污降碳" in result.stdout
