"""Refresh the README's sample output from the commands it shows (tests/test_docs.py checks it never drifts).

    python -m benchmarks.readme_sample          # prints what would change
    python -m benchmarks.readme_sample --write  # rewrites README.md

Each shown line is replaced by the printed line that starts with the same word (the summary line, the
table's header, the rows of the measures and plans shown); lines whose first word is not unique in the
output (warnings, wrapped continuations) are kept as they are and the docs test says if they drifted.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def refreshed(readme: str) -> str:
    from jtcompare.cli.main import app

    head, rest = readme.split("<!-- sample output:", 1)
    intro, rest = rest.split("```text\n", 1)
    block, tail = rest.split("```", 1)
    out, printed = [], []
    for line in block.splitlines():
        if line.startswith("$ jtcompare "):
            command = shlex.split(line.removeprefix("$ jtcompare "))
            plans = ["--plans-dir", str(ROOT / "data" / "plans")]
            result = CliRunner().invoke(app, [*command, *plans], env={"COLUMNS": "110"})
            printed = result.stdout.splitlines()
        elif line.strip() and line.strip() != "...":
            first = line.split()[0]
            same = [p for p in printed if p.split() and p.split()[0] == first]
            line = same[0] if len(same) == 1 else line
        out.append(line)
    return head + "<!-- sample output:" + intro + "```text\n" + "\n".join(out) + "\n```" + tail


def main() -> None:
    old = README.read_text(encoding="utf-8")
    new = refreshed(old)
    if "--write" in sys.argv:
        README.write_text(new, encoding="utf-8")
    for a, b in zip(old.splitlines(), new.splitlines(), strict=False):
        if a != b:
            print(f"- {a}\n+ {b}")


if __name__ == "__main__":
    main()
