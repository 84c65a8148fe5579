"""A city plan that cites the national scheme is never taken for a second national plan (issue 26, item 2).

In the hostile trial a city plan that quoted 环综合〔2022〕42号 on a line of its own became the library's
national base. The level comes from the title's place and, for a title naming none, from the issuer; a cited
document number or a title quoted in 《》 on its own line sets nothing. Whatever the guess, a second national
plan needs `--level national` given explicitly; without it the import is refused in one line saying so.
"""

from __future__ import annotations

import shutil
import time
import tomllib
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from jtcompare.plans.importer import import_plan
from jtcompare.plans.metadata import guess_meta
from jtcompare.plans.registry import open_library
from typer.testing import CliRunner

from tests.conftest import PLANS

runner = CliRunner()
NUMBER = "环综合〔2022〕42号"
NATIONAL_TITLE = "减污降碳协同增效实施方案"
CITY_TITLE = "重庆市减污降碳协同增效实施方案"


def body() -> str:
    """The real chongqing plan from its first chapter on: its clauses, without its own front matter."""
    text = (PLANS / "chongqing.txt").read_text(encoding="utf-8")
    return text[text.index("一、总体要求") :]


# Front matters a city plan is found with: each cites the national scheme by its number and title
CITY_HEADS = {
    "the number alone, then its own title": f"{NUMBER}\n{CITY_TITLE}\n",
    "its own title, then the national title in 《》 and the number": f"{CITY_TITLE}\n《{NATIONAL_TITLE}》\n{NUMBER}\n",
    "its own title, then the national title bare and the number": f"{CITY_TITLE}\n{NATIONAL_TITLE}\n{NUMBER}\n",
    "a title line quoting the national title": f"重庆市贯彻落实《{NATIONAL_TITLE}》实施方案\n{NUMBER}\n",
    "the national letter quoted on a line of its own": (
        f"{CITY_TITLE}\n生态环境部等7部门关于印发《{NATIONAL_TITLE}》的通知\n({NUMBER})\n"
    ),
    "a preamble citing it after the number": f"{CITY_TITLE}\n{NUMBER}\n为贯彻落实《{NATIONAL_TITLE}》,制定本方案。\n",
}


def library(tmp_path: Path) -> Path:
    """A library holding the national scheme (the base) and wuhan."""
    folder = tmp_path / "lib"
    folder.mkdir()
    for name in ("national.txt", "wuhan.txt"):
        shutil.copy(PLANS / name, folder / name)
    toml = (PLANS / "plans.toml").read_text(encoding="utf-8")
    entries = (
        toml[toml.index("[national]") : toml.index("[chongqing]")]
        + toml[toml.index("[wuhan]") : toml.index("[chengdu]")]
    )
    (folder / "plans.toml").write_text(entries, encoding="utf-8")
    return folder


def invoke(*args: object):
    started = time.monotonic()
    result = runner.invoke(app, [str(a) for a in args])
    assert time.monotonic() - started < 60
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("head", list(CITY_HEADS), ids=list(CITY_HEADS))
def test_a_city_plan_citing_the_national_number_and_title_is_a_city_plan(tmp_path, head) -> None:
    lib = library(tmp_path)
    source = tmp_path / "plan.txt"
    source.write_text(CITY_HEADS[head] + body(), encoding="utf-8")
    result = invoke("import", source, "--plans-dir", lib)
    assert result.exit_code == 0, result.output
    added = [m for m in open_library(lib).plans.values() if m.id not in ("national", "wuhan")]
    assert [(m.id, m.name, m.level) for m in added] == [("chongqing", "重庆市", "city")]
    assert open_library(lib).find("national").title == NATIONAL_TITLE  # the base is untouched
    plan = open_library(lib).load("chongqing", use_cache=False)
    assert len(plan.numbered_clauses) == len(open_library(PLANS).load("chongqing").numbered_clauses)


@pytest.mark.parametrize(
    "head",
    [
        f"{NUMBER}\n《{NATIONAL_TITLE}》\n",  # no title of its own: only the national one, cited
        f"关于印发《{NATIONAL_TITLE}》的通知\n{NUMBER}\n",  # the national letter's heading, with no issuer
        f"{NUMBER}\n",
    ],
    ids=["number and quoted title", "national heading", "number only"],
)
def test_a_plan_whose_only_national_sign_is_a_cited_number_is_not_national(tmp_path, head) -> None:
    """Nothing but the number and title it cites: the name cannot be told, and the import asks for it."""
    text = head + body()
    assert guess_meta(text).level is None
    lib = library(tmp_path)
    source = tmp_path / "plan.txt"
    source.write_text(text, encoding="utf-8")
    result = invoke("import", source, "--plans-dir", lib)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "give it with --name" in result.stderr
    assert sorted(open_library(lib).plans) == ["national", "wuhan"]


def issued_nationally() -> str:
    """A plan whose front matter is signed by national ministries only, with a title naming no place."""
    return f"{NATIONAL_TITLE}\n生态环境部 国家发展和改革委员会\n{NUMBER}\n" + body()


def test_a_guess_that_would_add_a_second_national_plan_is_refused_saying_how(tmp_path) -> None:
    lib = library(tmp_path)
    before = (lib / "plans.toml").read_bytes()
    source = tmp_path / "plan.txt"
    source.write_text(issued_nationally(), encoding="utf-8")
    for extra in ([], ["--id", "mee2"], ["--id", "mee2", "--force"], ["--dry-run", "--id", "mee2"]):
        result = invoke("import", source, "--plans-dir", lib, *extra)
        message = (
            f"{source}: read as a national plan from its issuer line '生态环境部 国家发展和改革委员会', but national "
            f"({NATIONAL_TITLE}) is the library's national plan; give --level national to add a second one, or "
            "--name and --level for what it is (e.g. --name 武汉市 --level city)"
        )
        if "--dry-run" in extra:  # a dry run shows the plan and fails as the real run would
            assert result.exit_code == 2 and result.stderr == f"error: {message}\n"
            assert "would be refused" in result.stdout
        else:
            assert result.exit_code == 2, result.output
            assert result.stderr == f"error: {message}\n"
    assert (lib / "plans.toml").read_bytes() == before
    assert sorted(p.name for p in lib.iterdir()) == ["national.txt", "plans.toml", "wuhan.txt"]


def test_a_name_given_as_national_does_not_make_a_second_base_either(tmp_path) -> None:
    lib = library(tmp_path)
    source = tmp_path / "plan.txt"
    source.write_text(CITY_TITLE + "\n" + body(), encoding="utf-8")
    result = invoke("import", source, "--plans-dir", lib, "--name", "国家", "--id", "n2")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {source}: read as a national plan from the name 国家, but national")
    assert "n2" not in open_library(lib).plans


def test_a_name_given_keeps_the_issuer_as_the_reason_for_the_guess(tmp_path) -> None:
    lib = library(tmp_path)
    source = tmp_path / "plan.txt"
    source.write_text(issued_nationally(), encoding="utf-8")
    result = invoke("import", source, "--plans-dir", lib, "--name", "生态环境部", "--id", "mee")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {source}: read as a national plan from its issuer line '生态环境部 国家")
    assert "mee" not in open_library(lib).plans


def test_level_national_given_explicitly_adds_a_second_national_plan(tmp_path) -> None:
    lib = library(tmp_path)
    source = tmp_path / "plan.txt"
    source.write_text(issued_nationally(), encoding="utf-8")
    result = invoke("import", source, "--plans-dir", lib, "--id", "mee2", "--level", "national")
    assert result.exit_code == 0, result.output
    entries = open_library(lib).plans
    assert (entries["mee2"].name, entries["mee2"].level) == ("国家", "national")
    assert entries["national"].title == NATIONAL_TITLE
    stored = tomllib.loads((lib / "plans.toml").read_text(encoding="utf-8"))["mee2"]
    assert "level" not in stored["guessed"] and "name" in stored["guessed"]


def test_the_first_national_plan_of_an_empty_library_is_still_guessed(tmp_path) -> None:
    source = tmp_path / "plan.txt"
    source.write_text(issued_nationally(), encoding="utf-8")
    result = import_plan(source, tmp_path)
    assert (result.meta.id, result.meta.name, result.meta.level) == ("national", "国家", "national")
    assert "level" in result.guessed
