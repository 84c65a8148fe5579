"""`jtcompare import` through the runner, checked through the library it writes to."""

from __future__ import annotations

import json
import tomllib

import pytest
from jtcompare.cli.main import app
from jtcompare.ingest.readers import parse_size
from jtcompare.plans.library_edit import updated_metadata
from jtcompare.plans.metadata import guess_meta, parse_date
from jtcompare.plans.registry import open_library
from typer.testing import CliRunner

from tests.conftest import PLANS
from tests.fixtures import make

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def outline(plan):
    return [(c.number, c.title, c.departments) for c in plan.clauses]


@pytest.fixture
def docx(tmp_path):
    path = tmp_path / "武汉市方案.docx"
    path.write_bytes(make.docx_bytes(make.seed("wuhan")))
    return path


def test_import_a_word_file_into_an_empty_folder(tmp_path, docx, plans) -> None:
    lib_dir = tmp_path / "lib"
    lib_dir.mkdir()
    result = run("import", docx, "--plans-dir", lib_dir)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"{docx}: read as Word .docx"
    assert "26 numbered clauses, 1 unnumbered, 160 measures" in result.stdout
    assert result.stdout.splitlines()[-1] == f"added plan 'wuhan' in {lib_dir}: wuhan.txt, wuhan.orig.docx, plans.toml"
    assert sorted(p.name for p in lib_dir.iterdir()) == ["plans.toml", "wuhan.orig.docx", "wuhan.txt"]
    assert (lib_dir / "wuhan.orig.docx").read_bytes() == docx.read_bytes()
    assert (lib_dir / "wuhan.txt").read_text(encoding="utf-8") == make.seed("wuhan")
    entry = tomllib.loads((lib_dir / "plans.toml").read_text(encoding="utf-8"))["wuhan"]
    assert entry["source"] == docx.name
    assert entry["guessed"] == ["id", "name", "level", "kind", "title", "date", "province"]
    assert entry["province"] == "湖北"  # the text names it: measures bound to other regions do not apply
    lib = open_library(lib_dir)
    assert outline(lib.load("武汉")) == outline(plans["wuhan"])
    shown = run("show", "wuhan", "--plans-dir", lib_dir, "--format", "json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["date"] == "2023-05-11"


def test_given_metadata_wins_and_is_marked_given(tmp_path, docx) -> None:
    result = run(
        "import", docx, "--plans-dir", tmp_path, "--id", "wh2", "--name", "武汉", "--level", "city",
        "--date", "2023年5月12日", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["import"]
    assert (data["id"], data["name"], data["date"], data["prefix"]) == ("wh2", "武汉", "2023-05-12", "WH")
    assert data["guessed"] == ["kind", "title", "province"] and data["province"] == "湖北"
    assert open_library(tmp_path).find("wh2").kind == "减污降碳协同增效实施方案"


def test_dry_run_writes_nothing_and_fails_on_a_clash_as_the_real_run(tmp_path, docx) -> None:
    dry = run("import", docx, "--plans-dir", PLANS, "--dry-run")
    real = run("import", docx, "--plans-dir", PLANS)
    assert dry.exit_code == real.exit_code == 3, dry.output
    assert dry.stderr == real.stderr and real.stderr.startswith(f"error: {docx}: plan 'wuhan' exists already")
    assert (
        dry.stdout.splitlines()[-1] == "dry run: nothing written; a real import would be refused with the error below"
    )
    assert not (PLANS / "wuhan.orig.docx").exists()


def test_an_existing_id_is_refused_then_replaced_with_force(tmp_path, docx) -> None:
    assert run("import", docx, "--plans-dir", tmp_path).exit_code == 0
    again = run("import", docx, "--plans-dir", tmp_path)
    assert again.exit_code == 3
    assert again.stderr.strip() == (
        f"error: {docx}: plan 'wuhan' exists already in {tmp_path} (武汉市减污降碳协同增效实施方案); "
        "give another --id, or --force to replace it"
    )
    pdf = tmp_path / "wuhan.pdf"
    pdf.write_bytes(make.pdf_bytes(make.seed("wuhan")))
    forced = run("import", pdf, "--plans-dir", tmp_path, "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.stdout.splitlines()[-1].startswith("replaced plan 'wuhan'")
    assert not (tmp_path / "wuhan.orig.docx").exists()  # the replaced plan's original goes with it
    assert (tmp_path / "wuhan.orig.pdf").read_bytes() == pdf.read_bytes()
    assert list(open_library(tmp_path).plans) == ["wuhan"]


def test_importing_keeps_the_library_comments_and_a_broken_entry(tmp_path, docx) -> None:
    original = (
        '# my library\n\n[chengdu]\nname = "成都市"\nlevel = "city"\nkind = "k"\ntitle = "t"\n'
        'file = "chengdu.txt"  # kept\n\n[broken]\nname = "坏"\nlevel = "planet"\n'
    )
    (tmp_path / "plans.toml").write_text(original, encoding="utf-8")
    (tmp_path / "chengdu.txt").write_text(make.seed("chengdu"), encoding="utf-8")
    result = run("import", docx, "--plans-dir", tmp_path)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "plans.toml").read_text(encoding="utf-8")
    assert text.startswith(original.rstrip())
    lib = open_library(tmp_path)
    assert list(lib.plans) == ["chengdu", "wuhan"] and "broken" in lib.broken


def test_replacing_an_entry_keeps_the_others_byte_for_byte(tmp_path) -> None:
    current = (PLANS / "plans.toml").read_text(encoding="utf-8")
    entry = {"name": "武汉市", "level": "city", "kind": "k", "title": "t", "file": "wuhan.txt", "prefix": "WH"}
    new = updated_metadata(current, "wuhan", entry)
    assert tomllib.loads(new)["wuhan"] == entry
    assert new.split("[wuhan]")[0] == current.split("[wuhan]")[0]
    assert new.split("[chengdu]")[1] == current.split("[chengdu]")[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-05-11", "2023-05-11"),
        ("2023/5/1", "2023-05-01"),
        ("2023.5.11", "2023-05-11"),
        ("2023年5月11日", "2023-05-11"),
        ("二〇二三年五月十一日", "2023-05-11"),
    ],
)
def test_dates(text, expected) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"), [("20MB", 20 << 20), ("500k", 500 << 10), ("0.5 GB", 1 << 29), ("3", 3 << 20)]
)
def test_sizes(text, expected) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        (
            "湖北省减污降碳协同增效实施方案\n为推进。\n一、总体要求",
            None,
            ("湖北省", "province", "减污降碳协同增效实施方案"),
        ),
        ("关于印发《西宁市碳达峰实施方案》的通知\n各区:\n一、总体要求", None, ("西宁市", "city", "碳达峰实施方案")),
        (
            "各单位:\n一、总体要求",
            "长沙市减污降碳协同增效实施方案_政策_网站",
            ("长沙市", "city", "减污降碳协同增效实施方案"),
        ),
        ("城市污水处理提质增效方案\n一、总体要求", None, (None, None, "城市污水处理提质增效方案")),
    ],
)
def test_title_name_and_kind_are_guessed(text, hint, expected) -> None:
    g = guess_meta(text, hint)
    assert (g.name, g.level, g.kind) == expected


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("某市方案\n二〇二三年五月十一日\n一、总体要求", "2023-05-11"),
        ("某市方案\n(2023年8月18日)\n一、总体要求\n到2025年12月31日完成。", "2023-08-18"),
        ("发布时间:2023-09-01 10:20\n一、总体要求", "2023-09-01"),
        ("一、总体要求\n到2025年12月31日完成。\n某市人民政府\n2023年2月30日", None),
    ],
)
def test_date_is_guessed_from_the_signature(text, date) -> None:
    assert guess_meta(text).date == date
