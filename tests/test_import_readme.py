"""The README's import examples are real: run each command on the sample files and compare the output."""

from __future__ import annotations

import re
import shlex
import shutil

from jtcompare.cli.main import app
from typer.testing import CliRunner

from tests.conftest import ROOT
from tests.fixtures import make

runner = CliRunner()


def examples() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- import examples.*?```console\n(.*?)```", readme, re.S)
    assert block, "README has no import examples"
    steps: list[tuple[str, list[str]]] = []
    for line in block.group(1).splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return [(command, "\n".join(output)) for command, output in steps]


def test_readme_import_examples_match_the_real_output(tmp_path, monkeypatch) -> None:
    fixtures = tmp_path / "tests" / "fixtures"
    fixtures.mkdir(parents=True)
    for name in ("wuhan-plan.docx", "chongqing-news.html"):
        shutil.copy(make.HERE / name, fixtures / name)
    monkeypatch.chdir(tmp_path)
    commands = examples()
    assert [c.split()[1] for c in (c for c, _ in commands) if c.startswith("jtcompare")] == ["import"] * 3
    for command, expected in commands:
        args = shlex.split(command)
        if args[0] == "mkdir":
            (tmp_path / args[1]).mkdir()
            continue
        result = runner.invoke(app, args[1:])
        assert result.output.rstrip("\n") == expected, command


def test_the_sample_files_are_what_make_builds() -> None:
    """The checked-in samples come from the seeds (a .docx differs in its zip timestamps only)."""
    from jtcompare.ingest.readers import read_document

    assert read_document(make.HERE / "wuhan-plan.docx").text == make.seed("wuhan")
    headline = "重庆市生态环境局等部门关于印发《重庆市减污降碳协同增效实施方案》的函"
    html = make.html_bytes(make.seed("chongqing"), encoding="gbk", headline=headline)
    assert (make.HERE / "chongqing-news.html").read_bytes() == html
