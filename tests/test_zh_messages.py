"""Under zh the command line's own lines are Chinese too (issue 27): `wrote FILE`, the notes and summaries a
command prints, and the one-line errors users meet most. Each command is run for real on the shipped plans,
with $JTCOMPARE_LANG=zh (the commands without --lang follow it) or --lang zh, and what it prints on stdout and
stderr may hold ASCII letters only in the tokens test_zh_everywhere allows, the option names and values a
reader types, and the file names and plan names the test itself gave. In English every line is as before."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from jtcompare.errors import JtError, Said, for_the_command_line, message
from jtcompare.report.i18n import label, message_lang, message_text
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.conftest import PLANS, copy_library
from tests.test_zh_everywhere import leftover

runner = CliRunner()
ZH = {"NO_COLOR": "1", "COLUMNS": "200", "JTCOMPARE_LANG": "zh"}
EN = {"NO_COLOR": "1", "COLUMNS": "200", "JTCOMPARE_LANG": ""}

# What a Chinese reader types or reads as written, beyond test_zh_everywhere's list: an option (--force), the
# values an option takes (xlsx, zh, national), plan ids, and the units and formats named by their letters.
TYPED = [
    r"--[a-z][a-z-]*",
    r"\bjtcompare(?: (?:align|matrix|report|brief|view|import|export|override|plans|show|config)\b)?",
    r"\b(?:table|md|json|csv|xlsx|docx|html|sqlite|txt|pdf|PDF|zh|en)\b",
    r"\b(?:national|wuhan|chengdu|chongqing|city|province|district|other)\b",
    r"\b(?:UTF|SQLite)\b",
    r"(?<![A-Za-z])(?:MB|KB|GB)\b",  # 20MB
]
TYPED_RE = re.compile("|".join(TYPED))


def foreign(output: str, *given: object) -> list[str]:
    """The lines of `output` holding a Latin word no Chinese reader needs: `given` (names the test typed, and
    folders: a path in one is a file name, shown as it is) and the TYPED tokens are taken out first, then
    test_zh_everywhere's `leftover` judges the rest."""
    names = [re.escape(str(g)) + (r"[^\s：；，（）“”]*" if isinstance(g, Path) else "") for g in given]
    given_re = re.compile("|".join(sorted(names, key=len, reverse=True))) if names else None
    lines = []
    for line in output.splitlines():
        line = given_re.sub(" ", line) if given_re else line
        lines.append(TYPED_RE.sub(" ", line))
    return leftover(lines)


def run(*args: object, env: dict[str, str] = ZH) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args], env=env)
    return result.exit_code, result.output


# --- a normal run: what each command says besides its output ----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "written"),
    [
        (["matrix", "--out", "{tmp}/m.xlsx"], "m.xlsx"),
        (["report", "wuhan", "--out", "{tmp}/r.xlsx"], "r.xlsx"),
        (["brief", "chengdu", "--out", "{tmp}/b.docx"], "b.docx"),
        (["view", "wuhan", "--out", "{tmp}/v.html"], "v.html"),
        (["align", "chengdu", "--out", "{tmp}/a.csv"], "a.csv"),
    ],
    ids=lambda a: a if isinstance(a, str) else " ".join(a[:2]),
)
def test_a_command_writing_a_file_says_so_in_chinese(tmp_path, args, written) -> None:
    code, out = run(*(a.format(tmp=tmp_path) for a in args), "--plans-dir", PLANS)
    assert code == 0, out
    assert f"已写入 {tmp_path / written}" in out
    assert (tmp_path / written).is_file()
    assert foreign(out, tmp_path / written, PLANS) == []


def test_english_stays_as_it_was(tmp_path) -> None:
    out = tmp_path / "m.xlsx"
    code, text = run("matrix", "--out", out, "--plans-dir", PLANS, env=EN)
    assert code == 0 and f"wrote {out}" in text
    code, text = run("matrix", "--out", out, "--plans-dir", PLANS, env=EN)
    assert code == 3 and text.strip() == f"error: {out}: file exists; use --force to overwrite it"
    # --lang en outranks JTCOMPARE_LANG=zh, for the messages as for the output
    code, text = run("align", "nowhere", "--lang", "en", "--plans-dir", PLANS)
    assert code == 2 and text.startswith("error: no plan 'nowhere' in ")


def test_lang_zh_alone_makes_the_messages_chinese(tmp_path) -> None:
    out = tmp_path / "w.md"
    code, text = run("align", "wuhan", "--lang", "zh", "--out", out, "--plans-dir", PLANS, env=EN)
    assert code == 0 and text.strip() == f"已写入 {out}"


def test_export_summary_is_chinese(tmp_path) -> None:
    db = tmp_path / "two.db"
    code, out = run("export", "wuhan", "chengdu", "--out", db, "--plans-dir", PLANS)
    assert code == 0, out
    said = r"已写入 .*two\.db：导出 2 个方案与基准的对照；文件中共有 3 个方案（含基准）、\d+ 条判定"
    assert re.search(said, out), out
    assert foreign(out, db) == []


def _a_measure(plan: str) -> str:
    """A national measure of the shipped plans, read from the command's JSON (never named by the test)."""
    import json

    code, out = run("align", plan, "--format", "json", "--plans-dir", PLANS, env=EN)
    assert code == 0
    return next(m["id"] for m in json.loads(out)["measures"] if m["status"] == "omitted")


def test_override_and_review_import_speak_chinese(tmp_path) -> None:
    lib = copy_library(tmp_path / "plans")
    measure = _a_measure("wuhan")
    code, out = run("override", "wuhan", measure, "adopted", "--note", "见第三章", "--plans-dir", lib)
    assert code == 0, out
    assert out.startswith(f"已将武汉市的 {measure} 改判为采纳，写入 ")
    assert foreign(out, lib / "wuhan.overrides.csv", measure) == []
    # a reviewed workbook read back: the changed cell with its status words, the counts
    book_path = tmp_path / "wuhan.xlsx"
    assert run("report", "wuhan", "--out", book_path, "--plans-dir", lib, env=EN)[0] == 0
    book = load_workbook(book_path)
    gaps = book[label("excel.sheet.gaps", "en")]
    header = [c.value for c in gaps[1]]
    at, status_at = header.index(label("col.measure", "en")) + 1, header.index(label("col.analyst_status", "en")) + 1
    row = next(r for r in range(2, gaps.max_row + 1) if gaps.cell(r, at).value != measure)
    gaps.cell(row, status_at).value = "not_applicable"
    changed = gaps.cell(row, at).value
    book.save(book_path)
    code, out = run("override", "--import", book_path, "--plans-dir", lib)
    assert code == 0, out
    assert re.search(rf"武汉市 {re.escape(changed)}：原判定（[^）]+） → 不适用", out), out
    assert "改判 1 处，确认 0 处，未变 0 处，未使用 0 处，未填判定 0 处；" in out
    assert foreign(out, lib, changed) == []
    # in English, the lines the existing users read
    gaps.cell(row, status_at).value = "omitted"
    book.save(book_path)
    code, out = run("override", "--import", book_path, "--plans-dir", lib, env=EN)
    assert code == 0 and f"wuhan {changed}: not_applicable -> omitted" in out and "1 changed, 0 confirmed" in out


# --- the common errors: one line, in Chinese, naming the file and the problem ----------------------------------


def _errors(tmp: Path) -> list[tuple[list[object], str, list[object]]]:
    """(arguments, what the line must say, what the test typed) for the errors users meet most."""
    existing = tmp / "have.xlsx"
    existing.write_bytes(b"x")
    empty = tmp / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp / "missing.docx"
    return [
        (["align", "nowhere"], "中没有方案“nowhere”；已有方案：", ["nowhere"]),
        (["align", "wuhn"], "；是不是“wuhan”？", ["wuhn"]),
        (["align", "wuhan", "--lang", "fr"], "未知语言“fr”；可选 zh、en", ["fr"]),
        (["align", "wuhan", "--format", "yaml"], "未知格式“yaml”", ["yaml"]),
        (["align", "wuhan", "--out", tmp / "w.yaml"], "无法从扩展名“.yaml”判断格式", ["yaml"]),
        (["align", "wuhan", "--status", "fine"], "--status：未知判定“fine”；可选 采纳、强化、部分采纳", ["fine"]),
        (["matrix", "--format", "html"], "html 输出须用 --out 指定文件", []),
        (["report", "wuhan", "--out", existing], f"{existing}：文件已存在；加 --force 覆盖", []),
        (["brief", "wuhan", "--out", tmp / "b.pdf"], "简报是 .docx 文件", []),
        (["view", "wuhan"], "对照页是 HTML 文件", ["HTML"]),
        (["import", missing], f"{missing}：文件不存在", []),
        (["import", tmp], f"{tmp}：是文件夹，不是文件", []),
        (["import", empty], f"{empty}：文件是空的", []),
        (["import", empty, "--max-size", "lots"], "--max-size “lots”不是大小", ["lots"]),
        (["export", "--out", tmp / "x.txt"], "无法从扩展名“.txt”判断格式；请用 --format sqlite", []),
        (["override", "wuhan", "N99.99", "fine", "--note", "x"], "未知判定“fine”", ["fine", "N99.99", "x"]),
        (["override", "wuhan"], "请给出 方案 措施 判定 和 --note", []),
        (["matrix", "--jobs", "0"], "--jobs 的值无效：须为不小于 1 的数", []),
        (["align"], "缺少 方案（PLAN）", ["PLAN"]),
        (["matrix", "--jbos", "2"], "没有选项 --jbos（相近的有 ", []),
    ]


def test_the_common_errors_are_one_chinese_line(tmp_path) -> None:
    lib = copy_library(tmp_path / "plans")  # override writes to its library: never the shipped one
    seen = []
    for args, says, typed in _errors(tmp_path):
        code, out = run(*args, "--plans-dir", lib)
        assert code != 0, (args, out)
        first = out.splitlines()[0]
        assert first.startswith("错误："), (args, out)
        assert says in first, (args, out)
        assert foreign(out, lib, tmp_path, *typed) == [], (args, out)
        seen.append(first)
    assert len(set(seen)) == len(seen)  # each says its own problem


def test_an_unwritable_plan_folder_is_said_in_chinese(tmp_path) -> None:
    code, out = run("plans", "--plans-dir", tmp_path / "nowhere")
    assert code == 2 and out.strip() == f"错误：{tmp_path / 'nowhere'}：方案文件夹不存在"


# --- the mechanism: a key and its values, never the English read back --------------------------------------------


def _raised(call) -> JtError:
    with pytest.raises(JtError) as caught:
        call()
    return caught.value


def test_an_errors_english_label_is_its_own_text(tmp_path) -> None:
    """The `en` label of each keyed error, filled in, is the error's English line word for word: the two
    languages say the same thing, and the English a user or a test reads is unchanged."""
    from jtcompare.plans.registry import open_library

    (tmp_path / "have.csv").write_text("x")
    (tmp_path / "empty.txt").write_bytes(b"")
    lib = open_library(PLANS)
    with for_the_command_line():  # the labels are what the command line says (in Python, arguments are named)
        errors = _errors_raised(lib, tmp_path)
    for exc in errors:
        assert exc.said is not None, str(exc)
        assert message_text(exc.said, "en") == str(exc)
        assert foreign(message_text(exc.said, "zh"), tmp_path, PLANS, "nowhere", "wuhn", "fr", "yaml") == []
        assert pickle.loads(pickle.dumps(exc)).said == exc.said  # a batch worker's error keeps its Message


def _errors_raised(lib, tmp_path) -> list[JtError]:
    from jtcompare.atomic import check_target
    from jtcompare.cli.output import resolve_format
    from jtcompare.ingest.readers import read_document
    from jtcompare.plans.registry import open_library
    from jtcompare.report.i18n import resolve_lang

    return [
        _raised(lambda: lib.find("nowhere")),
        _raised(lambda: lib.find("wuhn")),
        _raised(lambda: resolve_lang("fr", "en")),
        _raised(lambda: resolve_format("yaml", None, ("table", "md"))),
        _raised(lambda: resolve_format(None, tmp_path / "x.docx", ("table", "md"))),
        _raised(lambda: resolve_format("html", None, ("html",))),
        _raised(lambda: check_target(tmp_path / "have.csv", force=False)),
        _raised(lambda: check_target(tmp_path / "no" / "x.csv", force=True)),
        _raised(lambda: read_document(tmp_path / "missing.txt")),
        _raised(lambda: read_document(tmp_path / "empty.txt")),
        _raised(lambda: read_document(tmp_path)),
        _raised(lambda: open_library(tmp_path / "none")),
    ]


def test_a_said_line_is_the_english_text_and_carries_its_message() -> None:
    line = Said("wuhan N00.00: engine's call -> adopted", message("note.engine_call"))
    assert line == "wuhan N00.00: engine's call -> adopted"
    back = pickle.loads(pickle.dumps(line))
    assert back == line and back.said == line.said
    assert message_text(back.said, "zh") == "原判定"  # type: ignore[arg-type]


def test_the_message_language_follows_lang_then_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("JTCOMPARE_LANG", "zh")
    assert message_lang(None) == "zh" and message_lang("en") == "en" and message_lang("fr") == "zh"
    monkeypatch.delenv("JTCOMPARE_LANG")
    assert message_lang(None) == "en" and message_lang("zh") == "zh"


def test_the_plans_table_and_its_library_line_are_chinese() -> None:
    code, out = run("plans", "--plans-dir", PLANS)
    assert code == 0, out
    head = out.splitlines()[0].split()
    assert head[:3] == ["编号", "名称", "级别"]
    assert any(line.split()[:3] == ["wuhan", "武汉市", "市级"] for line in out.splitlines())
    assert f"方案库：{PLANS}" in out
    from jtcompare.plans.registry import user_plans_dir

    assert foreign(out, PLANS, user_plans_dir()) == []
    # CSV and JSON stay data: their English keys and values whatever the language
    code, csv = run("plans", "--format", "csv", "--plans-dir", PLANS)
    assert csv.splitlines()[0].startswith("id,name,level") and ",city," in csv
    code, text = run("plans", "--plans-dir", PLANS, env=EN)
    assert text.splitlines()[0].split()[:3] == ["id", "name", "level"] and f"library: {PLANS}" in text
