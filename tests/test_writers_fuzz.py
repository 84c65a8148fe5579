"""Whatever a plan holds (control characters in its text, anything in its plans.toml entry), import, align and
every writer (xlsx, Markdown, CSV, JSON) handle it: no crash, and the workbook opens again."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import tomlkit
from hypothesis import example, given
from hypothesis import strategies as st
from jtcompare.cli.main import app
from jtcompare.match.classify import align
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.importer import import_plan
from jtcompare.plans.registry import open_library
from jtcompare.report.cells import csv_text, safe_cell
from jtcompare.report.export import alignment_markdown, frame_csv, matrix_markdown, report_markdown
from jtcompare.report.frames import measure_frame, summary_frame
from jtcompare.report.records import alignment_dict
from jtcompare.report.workbook import write_matrix, write_report
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.conftest import PLANS
from tests.fixtures import make
from tests.fuzzing import fuzz

runner = CliRunner()
FUZZ = fuzz(6, slow_examples=True)
# a short real plan: the first chapters of wuhan's
SHORT = make.seed("wuhan")[: make.seed("wuhan").index("(六)")]
# every control character but NUL (a text file holding one is refused as binary), tab and line feed
CONTROLS = st.sampled_from([chr(c) for c in [*range(1, 9), *range(11, 32), *range(0x7F, 0xA0)]] + ["\ufffe", "\uffff"])
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)


def every_writer(alignments) -> None:
    """What align, report and matrix write, in every format; the workbooks are opened again."""
    for a in alignments:
        assert json.loads(json.dumps(alignment_dict(a), ensure_ascii=False))["plan"]["id"] == a.plan.id
        rows = list(csv.reader(io.StringIO(frame_csv(measure_frame([a])), newline="")))
        # a value a spreadsheet would take for a formula (an id such as '=') is written with an apostrophe
        assert len(rows) == 1 + len(a.measures) and {r[0] for r in rows[1:]} == {safe_cell(a.plan.id)}
        alignment_markdown(a)
        report_markdown(a)
        stream = io.BytesIO()
        write_report([a], stream)
        load_workbook(io.BytesIO(stream.getvalue()))
    json.dumps(summary_frame(alignments).to_dict(orient="records"), ensure_ascii=False)
    matrix_markdown(alignments)
    stream = io.BytesIO()
    write_matrix(alignments, stream)
    load_workbook(io.BytesIO(stream.getvalue()))


def test_a_plan_with_form_feed_vertical_tab_and_escape_gets_its_workbooks(tmp_path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    for name in ("national.txt", "chongqing.txt"):
        shutil.copy(PLANS / name, lib / name)
    toml = (PLANS / "plans.toml").read_text(encoding="utf-8")
    (lib / "plans.toml").write_text(toml.split("[wuhan]")[0], encoding="utf-8")
    source = tmp_path / "wuhan.txt"
    seed = make.seed("wuhan")
    noisy = seed.replace("。", "。\x0c", 3).replace(",", ",\x0b", 2).replace("。", "。\x1b")  # escape in every measure
    source.write_text(noisy, encoding="utf-8")
    imported = runner.invoke(app, ["import", str(source), "--plans-dir", str(lib)])
    assert imported.exit_code == 0, imported.output
    report, matrix = (
        ["report", "wuhan", "--out", str(tmp_path / "x.xlsx")],
        ["matrix", "--out", str(tmp_path / "m.xlsx")],
    )
    for command in (report, matrix):
        result = runner.invoke(app, [*command, "--plans-dir", str(lib)])
        assert result.exit_code == 0, result.output
    assert "control character U+000C (form feed) removed, 3 times" in imported.stdout
    gaps = load_workbook(tmp_path / "x.xlsx")["Gaps"]
    assert not [c.value for row in gaps.iter_rows() for c in row if isinstance(c.value, str) and "\x1b" in c.value]
    assert load_workbook(tmp_path / "m.xlsx").sheetnames[3:5] == ["Gaps chongqing", "Gaps wuhan"]


@FUZZ
@given(st.lists(st.tuples(st.floats(0, 1), st.text(CONTROLS, min_size=1, max_size=3)), min_size=1, max_size=20))
def test_control_characters_anywhere_through_import_align_and_every_writer(insertions) -> None:
    text = SHORT
    for where, chars in insertions:
        at = int(where * len(text))
        text = text[:at] + chars + text[at:]
    base = open_library(PLANS).load("national")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.txt"
        path.write_text(text, encoding="utf-8")
        import_plan(path, Path(tmp), plan_id="fuzz", name="武汉市")
        plan = open_library(Path(tmp)).load("fuzz")
    assert not any(ch in m.text for m in plan.measures for _, chars in insertions for ch in chars if ch != "\x0b")
    every_writer([align(base, plan, DEFAULTS)])


@FUZZ
@given(ANY_TEXT, ANY_TEXT, ANY_TEXT, ANY_TEXT)
@example("\r", "0", "0", "0")  # a lone carriage return once split every CSV row of the plan in two
def test_anything_in_a_plans_toml_entry_through_every_writer(plan_id, name, title, kind) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lib = Path(tmp)
        shutil.copy(PLANS / "national.txt", lib / "national.txt")
        (lib / "plan.txt").write_text(SHORT, encoding="utf-8")
        doc = tomlkit.parse((PLANS / "plans.toml").read_text(encoding="utf-8").split("[chongqing]")[0])
        doc[plan_id] = {"name": name, "level": "city", "kind": kind, "title": title, "file": "plan.txt"}
        (lib / "plans.toml").write_text(tomlkit.dumps(doc), encoding="utf-8")
        library = open_library(lib)
        plans = [library.load(pid) for pid in library.plans]
    every_writer([align(plans[0], p, DEFAULTS) for p in plans[1:]])


def test_csv_quotes_a_carriage_return_as_a_line_break() -> None:
    rows = [["id", "name"], ["\r", "a\rb"], ["x\r\ny", "\n"]]
    text = csv_text(rows)
    assert list(csv.reader(io.StringIO(text, newline=""))) == rows
    assert text.endswith('"\n"\n') and text.count("\n") == 5  # 3 rows, each ended by \n; 2 line feeds inside quotes
