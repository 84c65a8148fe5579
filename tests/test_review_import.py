"""`jtcompare override --import`: an analyst's reviewed CSV or workbook becomes overrides, checked like one."""

from __future__ import annotations

import csv
import json

import pytest
from jtcompare.cli.main import app
from openpyxl import Workbook
from typer.testing import CliRunner

from tests.conftest import copy_library

runner = CliRunner()


@pytest.fixture
def lib(tmp_path):
    return copy_library(tmp_path / "plans")


def _align(lib, plan: str) -> dict:
    result = runner.invoke(app, ["align", plan, "--format", "json", "--plans-dir", str(lib)])
    assert result.exit_code == 0, result.output
    return {m["id"]: m for m in json.loads(result.stdout)["measures"]}


def _pick(measures: dict, count: int, not_status: str) -> list[dict]:
    return [m for m in measures.values() if m["counted"] and m["status"] != not_status][:count]


def test_csv_from_the_view_sets_statuses_in_either_language(lib, tmp_path) -> None:
    before = _align(lib, "wuhan")
    first, second = _pick(before, 2, "omitted")
    review = tmp_path / "review.csv"
    with review.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["plan", "measure", "analyst status", "analyst note", "base text"])
        w.writerow(["wuhan", first["id"], "omitted", "only the title matches", first["text"]])
        w.writerow(["武汉市", second["id"], "未采纳", "不是同一措施", second["text"]])
        w.writerow(["wuhan", "N04.01", "", "", ""])  # not reviewed: skipped
        w.writerow(["wuhan", "N04.02", "", "ask the bureau", ""])  # a note with no call: said, not applied
    result = runner.invoke(app, ["override", "--import", str(review), "--plans-dir", str(lib)])
    assert result.exit_code == 0, result.output
    assert f"wuhan {first['id']}: engine's call ({first['status']}) -> omitted" in result.stdout
    assert "2 changed, 0 confirmed, 0 unchanged, 0 stale, 1 incomplete" in result.stdout
    assert "incomplete: wuhan N04.02: a note but no status; not applied" in result.stderr
    after = _align(lib, "wuhan")
    assert after[first["id"]]["status"] == after[second["id"]]["status"] == "omitted"
    assert after[second["id"]]["overridden"].startswith("不是同一措施")
    table = runner.invoke(app, ["align", "wuhan", "--plans-dir", str(lib)]).stdout
    assert any(line.startswith(first["id"]) and "*" in line for line in table.splitlines())
    again = runner.invoke(app, ["override", "--import", str(review), "--plans-dir", str(lib)])
    assert "0 changed, 0 confirmed, 2 unchanged" in again.stdout


def test_a_chinese_review_file_names_its_reviewer_复核人_and_one_saying_审核人_still_imports(lib, tmp_path) -> None:
    """The outputs said 复核 on the sheets and 审核 in the view for the same act; they say 复核 now, and a review
    file exported before, its reviewer's column headed 审核人, is read as it was."""
    (first,) = _pick(_align(lib, "wuhan"), 1, "omitted")
    for header in ("复核人", "审核人"):
        review = tmp_path / f"{header}.csv"
        with review.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["方案", "国家措施编号", "分析员判定", "分析员备注", header])
            w.writerow(["武汉市", first["id"], "未采纳", "不是同一措施", f"LM-{header}"])
        result = runner.invoke(app, ["override", "--import", str(review), "--plans-dir", str(lib)])
        assert result.exit_code == 0, result.output
        rows = list(csv.DictReader((lib / "wuhan.overrides.csv").open(encoding="utf-8")))
        assert [r["by"] for r in rows] == [f"LM-{header}"]


def test_workbook_review_columns_round_trip_with_a_stale_row(lib, tmp_path) -> None:
    before = _align(lib, "chongqing")
    rows = _pick(before, 3, "partial")
    book = Workbook()
    sheet = book.active
    sheet.title = "Gaps chongqing"
    sheet.append(["jtcompare 0.1 vs national"])  # a provenance line above the header
    sheet.append(["方案", "国家措施编号", "国家措施原文", "分析员判定", "分析员备注"])
    for m in rows[:2]:
        sheet.append(["chongqing", m["id"], m["text"], "部分采纳", "核对过"])
    sheet.append(["chongqing", rows[2]["id"], "改过的旧文本", "partial", "x"])
    path = tmp_path / "chongqing-gaps.xlsx"
    book.save(path)
    result = runner.invoke(app, ["override", "--import", str(path), "--plans-dir", str(lib)])
    assert result.exit_code == 0, result.output
    assert "2 changed, 0 confirmed, 0 unchanged, 1 stale" in result.stdout
    assert f"stale: chongqing {rows[2]['id']}: the base text changed" in result.stderr
    zh = runner.invoke(app, ["override", "--import", str(path), "--plans-dir", str(lib), "--lang", "zh"])
    assert f"未使用：重庆市 {rows[2]['id']}：复核之后国家措施的文字已变\n" in zh.stderr  # said once
    after = _align(lib, "chongqing")
    assert [after[m["id"]]["status"] for m in rows] == ["partial", "partial", before[rows[2]["id"]]["status"]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "plan,measure,analyst status\nwuhan,N08.01,maybe\n",
            "row 2: unknown status 'maybe' (use one of adopted (采纳), strengthened (强化), partial (部分采纳), "
            "omitted (未采纳), not_applicable (不适用))",
        ),
        (
            "plan,measure,analyst status\nwuhan,N99.01,adopted\n",
            "row 2: national has no measure 'N99.01' (ids look like N08.03; see `jtcompare show national`)",
        ),
        ("plan,measure\nwuhan,N08.01\n", "no header row with the columns plan, measure, analyst status"),
    ],
)
def test_a_bad_review_file_changes_nothing(lib, tmp_path, content: str, message: str) -> None:
    review = tmp_path / "review.csv"
    review.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["override", "--import", str(review), "--plans-dir", str(lib)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {review}: {message}"
    assert not list(lib.glob("*.overrides.csv"))


def test_every_bad_row_is_named_in_one_run_and_nothing_is_written(lib, tmp_path) -> None:
    """A review of 200 rows with three slips took three runs to mend, one error each: the first is said in full,
    the others by their rows, in one line."""
    review = tmp_path / "review.csv"
    review.write_text(
        "plan,measure,analyst status,review date\n"
        "wuhan,N08.01,adoptd,\n"
        "wuhan,N08.02,omitted,\n"
        "wuhan,N99.01,adopted,\n"
        "wuhan,N08.03,omitted,yesterday\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["override", "--import", str(review), "--plans-dir", str(lib)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {review}: row 2: unknown status 'adoptd'")
    assert line.endswith("(and 2 more rows that cannot be applied: row 4, row 5); nothing written")
    assert not list(lib.glob("*.overrides.csv"))
    zh = runner.invoke(app, ["override", "--import", str(review), "--plans-dir", str(lib), "--lang", "zh"])
    assert "（另有 2 行无法使用：第 4 行、第 5 行）；未写入任何内容" in zh.stderr


def test_an_agreement_is_kept_as_a_confirmation_not_a_correction(lib, tmp_path) -> None:
    """A reviewed status that is the engine's own call (the same status given, or agree yes) is recorded, so the
    cell shows it was checked and is no longer flagged, but its note says it confirms the engine's call, in the
    review file's language, and the import counts it apart from the changes."""
    before = _align(lib, "wuhan")
    same, agreed, corrected = _pick(before, 3, "omitted")
    review = tmp_path / "review.csv"
    review.write_text(
        "plan,measure,status,analyst status,agree,analyst note\n"
        f"wuhan,{same['id']},{same['status']},{same['status']},,\n"
        f"wuhan,{agreed['id']},{agreed['status']},,yes,WH08 reads it\n"
        f"wuhan,{corrected['id']},{corrected['status']},omitted,,only the title\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["override", "--import", str(review), "--plans-dir", str(lib)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        f"wuhan {corrected['id']}: engine's call ({corrected['status']}) -> omitted",
        f"wuhan {same['id']}: {same['status']}, confirms the engine's call",
        f"wuhan {agreed['id']}: {agreed['status']}, confirms the engine's call",
    ]
    assert "1 changed, 2 confirmed, 0 unchanged, 0 stale" in result.stdout
    after = _align(lib, "wuhan")
    assert after[same["id"]]["status"] == same["status"] and not after[same["id"]]["flagged"]
    assert after[same["id"]]["overridden"].startswith("confirms the engine's call (")
    assert after[agreed["id"]]["overridden"].startswith("confirms the engine's call: WH08 reads it (")
    assert after[corrected["id"]]["overridden"].startswith("only the title")
    again = runner.invoke(app, ["override", "--import", str(review), "--plans-dir", str(lib)])
    assert "0 changed, 0 confirmed, 3 unchanged" in again.stdout
    # a Chinese review file: the note is Chinese whatever the command's language
    other = _pick(before, 4, "omitted")[3]
    zh = tmp_path / "复核.csv"
    zh.write_text(
        f"方案,国家措施编号,分析员判定,分析员备注\n武汉市,{other['id']},{other['status']},见正文\n", encoding="utf-8"
    )
    result = runner.invoke(
        app, ["override", "--import", str(zh), "--plans-dir", str(lib)], env={"JTCOMPARE_LANG": "en"}
    )
    assert f"wuhan {other['id']}: {other['status']}, confirms the engine's call" in result.stdout
    assert _align(lib, "wuhan")[other["id"]]["overridden"].startswith("确认原判定：见正文 (")
    # taking back an earlier correction is a change, back to the engine's call, and noted as a confirmation
    review.write_text(f"plan,measure,analyst status\nwuhan,{corrected['id']},{corrected['status']}\n", encoding="utf-8")
    result = runner.invoke(app, ["override", "--import", str(review), "--plans-dir", str(lib)])
    assert f"wuhan {corrected['id']}: omitted -> {corrected['status']}" in result.stdout
    assert _align(lib, "wuhan")[corrected["id"]]["overridden"].startswith("confirms the engine's call (")


def test_agreeing_with_a_colleagues_correction_keeps_it_and_a_confirmation_holds_only_while_true(lib, tmp_path) -> None:
    """Agree yes on a cell a colleague corrected keeps their override, note and name; a confirmation of the
    engine's call is shown in the output's language, and once the engine says otherwise it no longer applies."""
    before = _align(lib, "wuhan")
    corrected, confirmed = _pick(before, 2, "omitted")
    pin = ["override", "wuhan", corrected["id"], "omitted", "--note", "A: only the title", "--by", "A"]
    fixed = runner.invoke(app, [*pin, "--plans-dir", str(lib)])
    assert fixed.exit_code == 0, fixed.output
    review = tmp_path / "review.csv"
    review.write_text(
        "plan,measure,status,analyst status,agree,by\n"
        f"wuhan,{corrected['id']},omitted*,,yes,B\n"
        f"wuhan,{confirmed['id']},{confirmed['status']},,是,B\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["override", "--import", str(review), "--plans-dir", str(lib)])
    assert result.exit_code == 0, result.output
    assert "0 changed, 1 confirmed, 1 unchanged, 0 stale" in result.stdout
    kept = list(csv.DictReader((lib / "wuhan.overrides.csv").open(encoding="utf-8-sig")))
    assert {(r["measure"], r["status"], r["note"], r["by"]) for r in kept if r["measure"] == corrected["id"]} == {
        (corrected["id"], "omitted", "A: only the title", "A")
    }
    # the confirmation, written in English, reads in Chinese in a Chinese Markdown
    md = runner.invoke(app, ["align", "wuhan", "--format", "md", "--lang", "zh", "--plans-dir", str(lib)])
    assert "确认原判定" in md.stdout and "confirms the engine's call" not in md.stdout
    # the engine's call changes (here: the pinned status is no longer it): the confirmation is not applied
    rows = (lib / "wuhan.overrides.csv").read_text(encoding="utf-8-sig")
    other = next(s for s in ("omitted", "adopted") if s != confirmed["status"])
    pinned = f"{confirmed['id']},{confirmed['status']},"
    assert pinned in rows
    (lib / "wuhan.overrides.csv").write_text(rows.replace(pinned, f"{confirmed['id']},{other},"), encoding="utf-8")
    after = runner.invoke(app, ["align", "wuhan", "--format", "json", "--plans-dir", str(lib)])
    cell = {m["id"]: m for m in json.loads(after.stdout)["measures"]}[confirmed["id"]]
    assert cell["status"] == confirmed["status"] and not cell["overridden"]
    assert f"confirmation of {confirmed['id']} for wuhan: the engine now says {confirmed['status']}" in after.stderr


def test_a_confirmation_is_shown_as_checked_not_as_an_override(lib, tmp_path) -> None:
    """The * of an override and the count of overrides are for cells an analyst changed: a confirmed cell shows
    its note (确认原判定) and its badge says so, in the terminal, the matrix, the workbooks and the view."""
    from openpyxl import load_workbook

    before = _align(lib, "wuhan")
    confirmed, corrected = _pick(before, 2, "omitted")
    review = tmp_path / "review.csv"
    review.write_text(
        "plan,measure,analyst status\n"
        f"wuhan,{confirmed['id']},{confirmed['status']}\n"
        f"wuhan,{corrected['id']},omitted\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["override", "--import", str(review), "--plans-dir", str(lib)]).exit_code == 0

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, "--plans-dir", str(lib)], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        return result.stdout

    cells = {m["id"]: m for m in json.loads(run("align", "wuhan", "--format", "json"))["measures"]}
    assert cells[corrected["id"]]["engine_status"] == corrected["status"]  # what the engine said, kept
    # a confirmation keeps the engine's reasons and confidence, the confirmation after them; not 人工改判
    assert cells[confirmed["id"]]["confidence"] == confirmed["confidence"]
    assert cells[confirmed["id"]]["evidence"].startswith(confirmed["evidence"] + "; confirms the engine's call")
    zh_md = run("align", "wuhan", "--format", "md", "--lang", "zh")
    row = next(line for line in zh_md.splitlines() if line.startswith(f"| {confirmed['id']} "))
    assert "确认原判定" in row and "人工改判" not in row
    assert cells[confirmed["id"]]["engine_status"] == confirmed["status"] and cells[confirmed["id"]]["confirmed"]
    assert not cells[corrected["id"]]["confirmed"]
    as_csv = {r["measure"]: r for r in csv.DictReader(run("align", "wuhan", "--format", "csv").splitlines())}
    assert (as_csv[confirmed["id"]]["engine_status"], as_csv[confirmed["id"]]["confirmed"]) == (
        confirmed["status"],
        "yes",
    )
    assert (as_csv[corrected["id"]]["engine_status"], as_csv[corrected["id"]]["confirmed"]) == (
        corrected["status"],
        "no",
    )
    assert all(m["engine_status"] is None for i, m in cells.items() if i not in (corrected["id"], confirmed["id"]))
    db = tmp_path / "p.db"
    run("export", "--format", "sqlite", "--out", str(db))
    import sqlite3

    with sqlite3.connect(db) as conn:
        said = conn.execute(
            "SELECT measure, status, engine_status, confirmed FROM judgements "
            "WHERE plan = 'wuhan' AND engine_status IS NOT NULL"
        ).fetchall()
    assert sorted(said) == sorted(
        [
            (corrected["id"], "omitted", corrected["status"], 0),
            (confirmed["id"], confirmed["status"], confirmed["status"], 1),
        ]
    )
    table = {line.split()[0]: line.split()[1] for line in run("align", "wuhan").splitlines()[3:] if line.strip()}
    assert table[corrected["id"]] == "omitted*"
    assert table[confirmed["id"]] == confirmed["status"]  # no *, and no ?: an analyst has read it
    summary = json.loads(run("matrix", "--format", "json"))["summary"]
    assert next(p for p in summary if p["plan"] == "wuhan")["overridden"] == 1
    md = {
        line.split("|")[1].strip(): line.split("|")[2].strip().replace("\\*", "*")  # Markdown escapes the *
        for line in run("align", "wuhan", "--format", "md").splitlines()
        if line.startswith("| N")
    }
    assert md[corrected["id"]].endswith("omitted*") and not md[confirmed["id"]].endswith("*")
    book = tmp_path / "wuhan.xlsx"
    run("report", "wuhan", "--out", str(book), "--lang", "zh")
    ws = next(ws for ws in load_workbook(book, read_only=True).worksheets if ws.title == "措施")
    rows = list(ws.iter_rows(values_only=True))
    k, status = rows[0].index("国家措施编号"), rows[0].index("判定")
    shown = {r[k]: r[status] for r in rows[1:]}
    assert shown[corrected["id"]] == "未采纳*" and not shown[confirmed["id"]].endswith("*")
    page = tmp_path / "wuhan.html"
    run("view", "wuhan", "--out", str(page), "--lang", "zh")
    html = page.read_text(encoding="utf-8")
    row = html.split(f'id="ms-{confirmed["id"]}"')[1].split("</article>")[0]
    assert '<span class="badge" title="确认原判定' in row and ">确认原判定</span>" in row
    row = html.split(f'id="ms-{corrected["id"]}"')[1].split("</article>")[0]
    assert ">人工改判</span>" in row


def test_a_confirmed_and_a_corrected_cell_are_marked_alike_in_every_gap_report(lib, tmp_path) -> None:
    """The Markdown gap report marks a cell as the workbook and the terminal do: a confirmed cell to check loses
    its ? (an analyst read it) and gets no *, a corrected one gets its *; the workbook's comment calls only the
    correction an override."""
    from openpyxl import load_workbook

    before = _align(lib, "wuhan")
    flagged = [m for m in before.values() if m["counted"] and m["flagged"] and m["status"] == "partial"]
    confirmed, corrected = flagged[0], flagged[1]
    review = tmp_path / "review.csv"
    review.write_text(
        f"plan,measure,analyst status\nwuhan,{confirmed['id']},partial\nwuhan,{corrected['id']},omitted\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["override", "--import", str(review), "--plans-dir", str(lib)]).exit_code == 0
    md, book = tmp_path / "r.md", tmp_path / "r.xlsx"
    for out in (md, book):
        result = runner.invoke(app, ["report", "wuhan", "--out", str(out), "--plans-dir", str(lib)])
        assert result.exit_code == 0, result.output
    lines = md.read_text(encoding="utf-8").splitlines()
    rows = {line.split("|")[1].strip(): line.split("|") for line in lines if line.startswith("| N")}
    assert any(cell.strip().endswith("omitted\\*") for cell in rows[corrected["id"]])
    assert any(cell.strip().endswith("◐ partial") for cell in rows[confirmed["id"]])  # no ?, no *
    gaps = next(ws for ws in load_workbook(book).worksheets if ws.title.startswith("Gaps"))
    header = [c.value for c in gaps[1]]
    k, s = header.index("measure") + 1, header.index("status") + 1
    cells = {gaps.cell(r, k).value: gaps.cell(r, s) for r in range(2, gaps.max_row + 1)}
    assert cells[corrected["id"]].value == "omitted*" and cells[confirmed["id"]].value == "partial"
