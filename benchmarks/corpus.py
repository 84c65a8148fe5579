"""A corpus of N synthetic city plans made from the seed plans, for the scaling benchmark.

Each plan takes a seed city plan's numbered clauses, shuffles them into new chapters, drops
and duplicates measures, changes the numbers (values by -30%..+30%, years by -2..+3) and puts
some clauses in traditional script. It keeps the numbered structure (一、 chapters, (一) clauses,
departments in brackets) so it parses like a real plan. Seeded: the same N and seed give the same
files.

    python -m benchmarks.corpus 100 /tmp/plans     # write 100 plans, national.txt and plans.toml
"""

from __future__ import annotations

import random
import re
import shutil
import sys
from pathlib import Path

import tomli_w
from jtcompare.plans.model import Plan
from jtcompare.plans.parse import parse
from jtcompare.plans.registry import open_library

from benchmarks.noise import to_traditional

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ("chongqing", "wuhan", "chengdu")
_DIGITS = "零一二三四五六七八九"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals as clause headings write them: 一, 十, 十二, 二十一."""
    if not 0 < n < 100:
        raise ValueError(f"{n}: only 1..99")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def _change_number(match: re.Match[str], rnd: random.Random) -> str:
    text = match.group(0)
    value = float(text)
    if "." not in text and 1990 <= value <= 2060:
        return str(int(value) + rnd.randint(-2, 3))
    new = value * rnd.uniform(0.7, 1.3)
    return f"{new:.1f}" if "." in text else str(max(1, round(new)))


def synthetic_text(seed: Plan, name: str, rnd: random.Random) -> str:
    """One synthetic plan text from a parsed seed plan."""
    clauses = [c for c in seed.clauses if c.number is not None and c.measures]
    rnd.shuffle(clauses)
    pool = [m.text for c in clauses for m in c.measures]
    chapters = list(dict.fromkeys(c.chapter for c in clauses)) or ["重点任务"]
    lines = [f"{name}减污降碳协同增效实施方案", ""]
    k = chapter_no = 0
    while k < len(clauses):
        size = rnd.randint(3, 6)
        chapter_no += 1
        lines.append(f"{cn_number(chapter_no)}、{chapters[(chapter_no - 1) % len(chapters)]}")
        for clause in clauses[k : k + size]:
            k += 1
            measures = [m.text for m in clause.measures if rnd.random() >= 0.15]
            if rnd.random() < 0.3:
                measures.insert(rnd.randint(0, len(measures)), rnd.choice(pool))
            body = "".join(_NUMBER.sub(lambda m: _change_number(m, rnd), t) for t in measures or [pool[0]])
            line = f"（{cn_number(k)}）{clause.title}。{body}"
            if clause.departments:
                line += f"（{'、'.join(clause.departments)}按职责分工负责）"
            lines.append(to_traditional(line) if rnd.random() < 0.3 else line)
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, n: int, *, seed: int = 0) -> list[str]:
    """Write national.txt, n synthetic plans and plans.toml into `folder`; returns the plan ids."""
    lib = open_library(ROOT / "data" / "plans")
    seeds = [parse(lib.read_text(lib.find(s)), lib.find(s)) for s in SEEDS]
    folder.mkdir(parents=True, exist_ok=True)
    national = lib.find("national")
    shutil.copyfile(lib.text_path(national), folder / national.file)
    entries: dict[str, dict] = {
        "national": {
            "name": national.name,
            "level": national.level,
            "kind": national.kind,
            "title": national.title,
            "file": national.file,
            "prefix": national.prefix,
        }
    }
    rnd = random.Random(seed)
    ids = []
    for i in range(1, n + 1):
        pid, name = f"synth{i:04d}", f"合成{i:04d}市"
        text = synthetic_text(seeds[(i - 1) % len(seeds)], name, rnd)
        (folder / f"{pid}.txt").write_text(text, encoding="utf-8")
        entries[pid] = {
            "name": name,
            "level": "city",
            "kind": "减污降碳协同增效实施方案",
            "title": f"{name}减污降碳协同增效实施方案",
            "file": f"{pid}.txt",
            "prefix": f"S{i:04d}",
        }
        ids.append(pid)
    (folder / "plans.toml").write_text(tomli_w.dumps(entries), encoding="utf-8")
    return ids


if __name__ == "__main__":
    print(len(write_corpus(Path(sys.argv[2]), int(sys.argv[1]))), "plans written to", sys.argv[2])
