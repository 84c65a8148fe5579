"""One vocabulary in and out (issue 27, item 2): a status is typed as the outputs print it, in either language;
the base is the second argument of every command that compares two plans, --base the same; confidence is named
置信度 and its flag threshold explained where it is shown."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from jtcompare.match.results import STATUSES
from jtcompare.match.settings import DEFAULTS
from jtcompare.report.i18n import LANGS
from jtcompare.report.vocab import parse_status, status_table, status_word
from typer.testing import CliRunner

from tests.conftest import copy_library

runner = CliRunner()


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    return copy_library(tmp_path / "plans")


def run(*args: object, lib: Path | None = None):
    extra = ["--plans-dir", str(lib)] if lib else []
    return runner.invoke(app, [*(str(a) for a in args), *extra])


def ok(*args: object, lib: Path | None = None) -> str:
    result = run(*args, lib=lib)
    assert result.exit_code == 0, result.output
    return result.stdout


def measures(plan: str, *args: object, lib: Path | None = None) -> dict[str, dict]:
    data = json.loads(ok("align", plan, "--format", "json", *args, lib=lib))
    return {m["id"]: m for m in data["measures"]}


def help_words(command: str) -> str:
    """A command's --help as one line of words, without the boxes its panels are drawn in."""
    text = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"}).stdout
    return " ".join(re.sub("[│╭╮╰╯─]", " ", text).split())


# --- statuses ------------------------------------------------------------------------------------------------


def test_every_status_name_the_outputs_print_reads_back() -> None:
    table = status_table()
    assert table["partial"]["zh"] == "部分采纳" and table["adopted"]["zh"] == "采纳"
    for status in STATUSES:
        for lang in LANGS:
            assert parse_status(status_word(status, lang)) == status
        assert parse_status(status) == status
    assert parse_status("Not-Applicable") == "not_applicable" and parse_status("ＰＡＲＴＩＡＬ") == "partial"
    assert parse_status(" 部分采纳 ") == "partial"
    assert parse_status("采") is None and parse_status("") is None


def test_the_zh_table_prints_names_that_read_back(library) -> None:
    """The statuses of wuhan's zh terminal table are names of the table, and each reads back as its JSON status."""
    table = ok("align", "wuhan", "--lang", "zh", "--no-overrides")
    by_id = measures("wuhan", "--no-overrides")
    rows = [ln.split() for ln in table.splitlines() if re.match(r"N\d", ln)]
    assert len(rows) == len(by_id) == len(library.load("national").measures)
    for row in rows:
        assert parse_status(row[1].rstrip("*?")) == by_id[row[0]]["status"], row


def test_override_takes_the_chinese_name_and_says_it_back(lib: Path) -> None:
    before = measures("wuhan", lib=lib)
    target = next(m for m in before.values() if m["counted"] and m["status"] == "partial")
    out = ok("override", "wuhan", target["id"], "采纳", "--note", "见 WH08 城市更新", lib=lib)
    assert out.startswith(f"{target['id']} pinned as 采纳 for wuhan")
    rows = list(csv.DictReader(io.StringIO((lib / "wuhan.overrides.csv").read_text(encoding="utf-8"))))
    assert [(r["measure"], r["status"]) for r in rows] == [(target["id"], "adopted")]  # stored by id
    after = measures("wuhan", lib=lib)
    assert after[target["id"]]["status"] == "adopted" and after[target["id"]]["overridden"]
    # the English id is said back in English; a name not in the table is refused, naming the choices
    assert "pinned as not applicable" in ok("override", "wuhan", target["id"], "not_applicable", "--note", "x", lib=lib)
    refused = run("override", "wuhan", target["id"], "采", "--note", "x", lib=lib)
    assert refused.exit_code == 2
    assert "choose one of adopted (采纳), strengthened (强化), partial (部分采纳)" in refused.stderr


def test_an_overrides_file_edited_by_hand_in_chinese_is_read(lib: Path) -> None:
    target = next(m for m in measures("wuhan", lib=lib).values() if m["counted"] and m["status"] == "adopted")
    (lib / "wuhan.overrides.csv").write_text(
        f"base,measure,status,match,note,by,date,text\nnational,{target['id']},未采纳,,手改,LM,2026-01-05,\n",
        encoding="utf-8",
    )
    assert measures("wuhan", lib=lib)[target["id"]]["status"] == "omitted"


def test_status_filter_takes_either_name_and_keeps_the_summary() -> None:
    everything = measures("wuhan", "--no-overrides")
    full = json.loads(ok("align", "wuhan", "--format", "json", "--no-overrides"))
    for typed in (["--status", "部分采纳"], ["--status", "partial"], ["-s", "Partial"]):
        data = json.loads(ok("align", "wuhan", "--format", "json", "--no-overrides", *typed))
        assert data["summary"] == full["summary"]
        assert [m["id"] for m in data["measures"]] == [k for k, m in everything.items() if m["status"] == "partial"]
    both = measures("wuhan", "--no-overrides", "--status", "未采纳，不适用")  # a Chinese comma too
    assert {m["status"] for m in both.values()} == {"omitted", "not_applicable"}
    assert len(both) == sum(m["status"] in ("omitted", "not_applicable") for m in everything.values())
    table = ok("align", "wuhan", "--no-overrides", "--lang", "zh", "--status", "部分采纳")
    statuses = {ln.split()[1].rstrip("*?") for ln in table.splitlines() if re.match(r"N\d", ln)}
    assert statuses == {"部分采纳"}
    md = ok("align", "wuhan", "--no-overrides", "--format", "md", "--status", "omitted")
    rows = [ln.split(" | ")[1] for ln in md.splitlines() if re.match(r"\| N\d", ln)]
    assert rows and {r.rstrip("?").split()[-1] for r in rows} == {"omitted"}  # after the status symbol (○)
    assert len(rows) == sum(m["status"] == "omitted" for m in everything.values())
    csv_rows = list(csv.DictReader(io.StringIO(ok("align", "wuhan", "--format", "csv", "--status", "strengthened"))))
    assert {r["status"] for r in csv_rows} == {"strengthened"} and csv_rows
    refused = run("align", "wuhan", "--status", "maybe")
    assert refused.exit_code == 2 and refused.stderr.startswith("error: --status: unknown status 'maybe'")


def test_the_override_help_names_every_status_name() -> None:
    text = help_words("override")
    for status in STATUSES:
        assert status in text and status_word(status, "zh") in text


# --- the base: an argument, or --base ----------------------------------------------------------------------------


def test_report_takes_the_base_as_argument_or_option() -> None:
    default = ok("report", "wuhan", "--format", "md")
    assert ok("report", "wuhan", "national", "--format", "md") == default
    assert ok("report", "wuhan", "--base", "national", "--format", "md") == default
    assert ok("report", "wuhan", "national", "--base", "国家", "--format", "md") != ""  # the same plan, spelt twice
    against = ok("report", "wuhan", "chongqing", "--format", "md")
    assert against.startswith("# Gap report: 武汉市减污降碳协同增效实施方案 vs 《重庆市减污降碳协同增效实施方案》")
    assert ok("report", "wuhan", "--base", "chongqing", "--format", "md") == against


@pytest.mark.parametrize(
    "args",
    [
        ["report", "wuhan", "national", "--base", "chongqing"],
        ["align", "wuhan", "chongqing", "--base", "national"],
        ["view", "wuhan", "national", "-b", "chongqing", "--out", "x.html"],
        ["brief", "wuhan", "national", "--base", "chongqing", "--out", "x.docx"],
    ],
)
def test_two_different_bases_are_one_line_error(args: list[str], tmp_path: Path) -> None:
    result = runner.invoke(app, [a.replace("x.", f"{tmp_path}/x.") for a in args])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: the base is given twice") and result.stderr.count("\n") == 1
    assert not list(tmp_path.iterdir())


def test_brief_and_view_take_the_base_either_way(tmp_path: Path) -> None:
    ok("brief", "wuhan", "national", "--out", tmp_path / "a.docx")
    ok("brief", "wuhan", "--base", "national", "--out", tmp_path / "b.docx")
    ok("view", "wuhan", "--base", "chongqing", "--out", tmp_path / "c.html")
    ok("view", "wuhan", "chongqing", "--out", tmp_path / "d.html")
    assert (tmp_path / "c.html").read_text(encoding="utf-8") == (tmp_path / "d.html").read_text(encoding="utf-8")
    assert (tmp_path / "a.docx").stat().st_size > 10_000 and (tmp_path / "b.docx").stat().st_size > 10_000


def test_matrix_takes_a_national_first_argument_as_the_base() -> None:
    default = ok("matrix", "--format", "csv")
    assert ok("matrix", "national", "--format", "csv") == default
    assert ok("matrix", "国家", "--format", "csv") == default
    assert ok("matrix", "--base", "national", "--format", "csv") == default
    two = ok("matrix", "wuhan", "chengdu", "--format", "csv")  # cities only: every argument a plan, as before
    assert ok("matrix", "national", "wuhan", "chengdu", "--format", "csv") == two
    assert {r["plan"] for r in csv.DictReader(io.StringIO(two))} == {"wuhan", "chengdu"}
    # with --base every argument is a plan, a national one too (the national scheme against a city's plan)
    rows = list(csv.DictReader(io.StringIO(ok("matrix", "national", "--base", "wuhan", "--format", "csv"))))
    assert {r["plan"] for r in rows} == {"national"} and len(rows) == len(measures("national", "wuhan"))


# --- confidence: 置信度, with its threshold --------------------------------------------------------------------


def test_confidence_is_named_and_its_threshold_explained() -> None:
    zh = ok("report", "wuhan", "--lang", "zh", "--no-overrides")
    assert "| 置信度 |" in zh and "把握度" not in zh and "| 最高相似度 |" in zh  # a probability; a similarity
    assert f"低于 {DEFAULTS.check_below:g}（设置 check_below" in zh
    en = ok("align", "wuhan", "--format", "md", "--check-below", "0.45", "--no-overrides")
    assert "| confidence |" in en and "below 0.45 (setting check_below" in en
    rows = [ln for ln in en.splitlines() if re.match(r"\| N\d", ln)]
    flagged = [ln for ln in rows if re.search(r"\| (\S+ )?(adopted|strengthened|partial|omitted)\? \|", ln)]
    low = [m for m in measures("wuhan", "--check-below", "0.45", "--no-overrides").values() if m["flagged"]]
    assert len(flagged) == len(low) > 0
    foot = ok("align", "wuhan", "--check-below", "0.4", "--no-overrides")
    assert "? = a counted cell's confidence below 0.4 (setting check_below)" in " ".join(foot.split())
    help_text = help_words("align")
    assert "confidence" in help_text and "check_below" in help_text and f"default {DEFAULTS.check_below:g}" in help_text


# --- one concept, one Chinese name ---------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
# the Chinese name every label gives a concept, and the other names it once had beside it
ONE_NAME = {
    "人工改判": ("分析员改判", "分析人员改判"),  # an analyst's override (workbook column, view badge, legend, footer)
    "行动要点": ("行动单元", "关键单元", "关键行动要点"),  # an action unit; a key one is a 关键要点
    "更严": ("更严格",),  # a target verdict (the targets sheet, the view, the brief)
    "更松": ("更宽松",),
    "覆盖": ("写到",),  # a unit the plan takes up (the brief's method paragraph said 写到)
}


def test_a_target_verdict_has_one_word_and_none_is_a_local_addition() -> None:
    """The targets table, the view and the brief name a verdict alike; a target the plan adds is no 地方新增,
    the name of the plan's own measures."""
    from jtcompare.report.i18n import label

    for verdict, shown in (*((v, v) for v in ("stricter", "laxer", "equal", "added")), ("not_in_plan", "none")):
        assert label(f"verdict.{verdict}", "zh") == label(f"view.verdict.{shown}", "zh"), verdict
    assert label("verdict.added", "zh") != label("column.local", "zh") == "地方新增"


def _zh_words() -> list[tuple[str, str]]:
    """(where, text) for every Chinese text a reader may see: strings.toml, the help, the settings' comments
    and the Datasette titles."""
    import tomllib

    out: list[tuple[str, str]] = []

    def walk(where: str, node: object) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k != "en":
                    walk(f"{where}.{k}", v)
        elif isinstance(node, list):
            for k, v in enumerate(node):
                walk(f"{where}[{k}]", v)
        elif isinstance(node, str):
            out.append((where, node))

    for path in ("compare/report/data/strings.toml", "cli/help_zh.toml", "compare/report/data/settings_zh.toml"):
        walk(path, tomllib.loads((ROOT / path).read_text(encoding="utf-8")))
    walk("datasette", json.loads((ROOT / "docs/datasette-metadata.json").read_text(encoding="utf-8")))
    return out


@pytest.mark.parametrize("name", list(ONE_NAME))
def test_one_concept_has_one_chinese_name(name: str) -> None:
    texts = _zh_words()
    assert any(name in t for _, t in texts)
    others = [f"{where}: {t[:80]}" for where, t in texts for other in ONE_NAME[name] if other in t]
    assert others == []


def test_a_units_state_has_one_word_in_every_output() -> None:
    """A unit weaker or missing is 弱化 or 缺失 in the evidence, in the units column's marks, in the view's unit
    list and in the title of the column that lists them."""
    from jtcompare.report.i18n import label

    for state in ("weaker", "missing"):
        word = label(f"view.units.{state}", "zh")
        assert label(f"evidence.state.{state}", "zh") == f"（{word}）"
        assert label(f"evidence.{state}", "zh").startswith(f"{word}：")
        assert word in label("column.units_missing", "zh")
    assert label("column.overridden", "zh") == "人工改判" and "人工改判" in label("evidence.override", "zh")
