"""The alignment cache and lazy imports: a repeated run does no matching, says the same, and survives a broken
cache; `--help` loads none of the engine."""

from __future__ import annotations

import gc
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from typer.testing import CliRunner

from tests.conftest import PLANS, cache_without_alignments, copy_library

runner = CliRunner()


def invoke(*args: str, plans: Path = PLANS) -> str:
    result = runner.invoke(app, [*args, "--plans-dir", str(plans)])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def cache(tmp_path, monkeypatch, city_alignments) -> Path:
    """A cache folder of this test's own, holding no alignment (tests/conftest.py)."""
    folder = cache_without_alignments(tmp_path / "cache", city_alignments)
    monkeypatch.setenv("JTCOMPARE_CACHE_DIR", str(folder))
    return folder


def test_a_second_align_is_served_from_the_cache(cache, monkeypatch) -> None:
    first = invoke("align", "chongqing", "--format", "json")
    assert len(list((cache / "alignments").glob("*.pickle"))) == 1
    monkeypatch.setattr("jtcompare.match.classify.align", _refuse)
    assert invoke("align", "chongqing", "--format", "json") == first
    assert invoke("report", "chongqing", "--format", "json")  # report reads the same entry


def test_no_cache_does_the_matching(cache, monkeypatch) -> None:
    invoke("align", "wuhan")
    monkeypatch.setattr("jtcompare.match.classify.align", _refuse)
    result = runner.invoke(app, ["--debug", "align", "wuhan", "--no-cache", "--plans-dir", str(PLANS)])
    assert isinstance(result.exception, AssertionError)


def test_a_changed_plan_or_setting_is_aligned_afresh(cache, tmp_path) -> None:
    lib = copy_library(tmp_path / "plans")
    invoke("align", "wuhan", plans=lib)
    invoke("align", "wuhan", "--check-below", "0.9", plans=lib)
    text = lib / "wuhan.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    invoke("align", "wuhan", plans=lib)
    assert len(list((cache / "alignments").glob("*.pickle"))) == 3


@pytest.mark.parametrize("garbage", [b"garbage", b"", "truncated"])
def test_a_broken_entry_is_ignored_and_written_again(cache, garbage) -> None:
    first = invoke("align", "wuhan", "--format", "json")
    (entry,) = (cache / "alignments").glob("*.pickle")
    entry.write_bytes(entry.read_bytes()[:1000] if garbage == "truncated" else garbage)
    assert invoke("align", "wuhan", "--format", "json") == first
    assert type(pickle.loads(entry.read_bytes())).__name__ == "Alignment"


def test_overrides_apply_on_top_of_a_cached_alignment(cache, tmp_path, monkeypatch) -> None:
    lib = copy_library(tmp_path / "plans")
    before = json.loads(invoke("align", "wuhan", "--format", "json", plans=lib))
    engine = next(m for m in before["measures"] if m["id"] == "N08.03")
    pinned = "omitted" if engine["status"] != "omitted" else "adopted"
    invoke("override", "wuhan", "N08.03", pinned, "--note", "read it again", plans=lib)
    monkeypatch.setattr("jtcompare.match.classify.align", _refuse)
    after = json.loads(invoke("align", "wuhan", "--format", "json", plans=lib))
    cell = next(m for m in after["measures"] if m["id"] == "N08.03")
    assert cell["status"] == pinned and cell["overridden"]
    no_overrides = json.loads(invoke("align", "wuhan", "--format", "json", "--no-overrides", plans=lib))
    assert no_overrides == before


@pytest.fixture(scope="module")
def filled(tmp_path_factory, city_alignments) -> Path:
    """A cache filled by one cold matrix (JSON), whose output is kept beside it as cold.json."""
    folder = cache_without_alignments(tmp_path_factory.mktemp("filled") / "cache", city_alignments)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JTCOMPARE_CACHE_DIR", str(folder))
        (folder / "cold.json").write_text(invoke("matrix", "--format", "json"), encoding="utf-8")
    assert len(list((folder / "alignments").glob("*.pickle"))) == 3
    return folder


@pytest.mark.parametrize("fmt", ["json", "csv", "md", "table"])
def test_matrix_says_the_same_cold_warm_and_uncached(filled, monkeypatch, fmt) -> None:
    """Each format: read back from the cache (warm) as computed afresh (uncached); JSON, which carries every
    field of a judgement, also as the run that computed and stored them (cold)."""
    monkeypatch.setenv("JTCOMPARE_CACHE_DIR", str(filled))
    warm = invoke("matrix", "--format", fmt)
    assert warm == invoke("matrix", "--format", fmt, "--no-cache")
    if fmt == "json":
        assert warm == (filled / "cold.json").read_text(encoding="utf-8")


def test_matrix_streams_the_same_json_as_one_document(filled) -> None:
    """The streamed JSON (that of the cold run, which streamed as it aligned) is what json.dumps of the whole
    matrix gives, byte for byte."""
    text = (filled / "cold.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def test_matrix_csv_file_starts_with_a_bom_and_equals_stdout(filled, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("JTCOMPARE_CACHE_DIR", str(filled))
    out = tmp_path / "m.csv"
    invoke("matrix", "--out", str(out))
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())
    assert data[3:].decode("utf-8").rstrip("\n") == invoke("matrix", "--format", "csv").rstrip("\n")


def test_matrix_workers_say_what_one_process_says(tmp_path, monkeypatch) -> None:
    """Cold (workers do the matching), then warm (the cache serves it), both as one process on its own cache."""
    monkeypatch.setenv("JTCOMPARE_CACHE_DIR", str(tmp_path / "one"))
    one = invoke("matrix", "--format", "json", "--jobs", "1")
    monkeypatch.setenv("JTCOMPARE_CACHE_DIR", str(tmp_path / "two"))
    cold = invoke("matrix", "--format", "json", "--jobs", "2")
    assert len(list((tmp_path / "two" / "alignments").glob("*.pickle"))) == 3
    assert cold == one
    assert gc.get_freeze_count() == 0  # the objects frozen for the fork are collectable again
    assert invoke("matrix", "--format", "json", "--jobs", "2") == one


def _imports_of(*args: str) -> set[str]:
    """The modules a fresh `jtcompare ARGS` has loaded when it ends (run in its own interpreter)."""
    code = (
        "import sys; from jtcompare.cli.main import app; sys.argv = ['jtcompare', *sys.argv[1:]]\n"
        "try:\n    app()\nfinally:\n    print('\\n'.join(sys.modules), file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=os.environ)
    assert proc.returncode == 0, proc.stderr
    return set(proc.stderr.split())


I18N = "jtcompare.report.i18n"
HEAVY = {"pandas", "numpy", "jieba", "rapidfuzz", "openpyxl", "jinja2", "opencc", "pypinyin", "matplotlib"}


def test_help_and_version_load_none_of_the_engine(cache) -> None:
    for args in (["--help"], ["--version"], ["matrix", "--help"]):
        loaded = _imports_of(*args)
        assert not loaded & HEAVY, (args, loaded & HEAVY)
        # the labels' module decides the language of help (it reads no labels for that); no renderer, no matcher
        assert not any(m.startswith(("jtcompare.match", "jtcompare.report.")) for m in loaded - {I18N}), args


def test_a_warm_align_loads_none_of_the_matcher(cache) -> None:
    invoke("align", "chongqing")
    loaded = _imports_of("align", "chongqing", "--plans-dir", str(PLANS))
    assert not loaded & {"jieba", "pandas", "openpyxl", "jinja2", "numpy", "rapidfuzz"}
    matcher = {
        f"jtcompare.match.{m}"
        for m in ("classify", "units", "scoring", "strength", "unit_model", "semantic", "targets")
    }
    assert not loaded & matcher, loaded & matcher
    assert "jtcompare.match.results" in loaded  # what a cached judgement is made of


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("the matcher ran although the alignment was cached")


def test_progress_is_shown_on_a_terminal_only(filled, monkeypatch) -> None:
    import pty

    monkeypatch.setenv("JTCOMPARE_CACHE_DIR", str(filled))  # warm: the runs below are quick
    cmd = [sys.executable, "-m", "jtcompare.cli.main", "matrix", "--plans-dir", str(PLANS), "--format", "csv"]
    piped = subprocess.run(cmd, capture_output=True, text=True, env=os.environ, check=True)
    assert piped.stderr == ""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=follower, env=os.environ)
    os.close(follower)
    shown = b""
    try:
        while chunk := _read(leader):  # read while it runs: a full terminal buffer would stall it
            shown += chunk
    finally:
        os.close(leader)
        assert proc.wait(timeout=60) == 0
    assert b"3/3" in shown and b"chengdu" in shown


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal's other end is closed: all was read
        return b""


def test_matrix_writes_each_plan_before_it_aligns_the_next(cache, monkeypatch) -> None:
    """Streaming: a plan's rows are out before the next plan is aligned, so no alignment waits for the end."""
    from jtcompare.cli.matrix_output import Reduce, write_matrix
    from jtcompare.match.settings import DEFAULTS
    from jtcompare.plans.registry import open_library
    from jtcompare.workflow import cache as alignment_cache
    from jtcompare.workflow.run import Stream

    events: list[str] = []
    real = alignment_cache.Aligner.__call__

    def aligning(self, plan_id: str):
        events.append(f"align {plan_id}")
        return real(self, plan_id)

    monkeypatch.setattr(alignment_cache.Aligner, "__call__", aligning)
    stream = Stream(open_library(PLANS), None, "national", DEFAULTS, Reduce("csv", "en"), jobs=1)
    write_matrix(stream, "csv", "en", lambda piece: events.append(f"write {piece.split(',', 1)[0]}"))
    plans = ["chongqing", "wuhan", "chengdu"]
    assert events == ["write plan", *(e for p in plans for e in (f"align {p}", f"write {p}"))]
