"""Every bad input gives one line `error: <file>: <problem>` and a non-zero exit code, never a traceback."""

from __future__ import annotations

import io
import os
import shutil
import zipfile

import jtcompare.ingest.docx as word
import pytest
from jtcompare.cli.main import app
from jtcompare.errors import JtError
from jtcompare.plans.registry import open_library
from typer.testing import CliRunner

from tests.conftest import PLANS
from tests.fixtures import make

runner = CliRunner()
SJIS = "東京都の気候変動対策計画について説明します。".encode("shift_jis") * 5
PRICES = "超市价格表\n苹果 5.00元/斤\n香蕉 3.50元/斤\n大米 2.80元/斤\n猪肉 16.00元/斤\n" * 8


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def pdf_without_text() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.rect(100, 100, 200, 200, fill=1)  # a scan: pictures, no text
    pdf.showPage()
    pdf.save()
    return out.getvalue()


QUOTED = "推进减污降碳协同增效，加强源头防控，落实责任，完善政策，强化支撑，健全机制，深化改革。"
# name, content, extra options, exit code, the problem after "error: <file>: "
CASES = [
    ("empty.txt", b"", [], 2, "empty file"),
    ("blank.txt", b" \n\r\n\t", [], 2, "no text in this text file"),
    ("image.txt", bytes(range(256)) * 4, [], 2, "a binary file, not text (it holds control bytes)"),
    (
        "sjis.txt",
        SJIS,
        [],
        2,
        "cannot tell its text encoding (not GB18030/GBK or Big5, and not UTF-8: byte 0x93 at offset 0 (line 1))",
    ),
    (
        "prices.txt",
        PRICES.encode("gbk"),
        [],
        2,
        "not a plan: it uses 0 of the policy verbs 推进、加强、落实… (none); a plan uses at least 5",
    ),
    ("short.txt", "推进减污降碳。".encode(), [], 2, "not a plan: only 6 Chinese characters (a plan has at least 100)"),
    (  # an English note quoting a plan (this project's README passed the two checks above): 144 CJK, 1,880 Latin
        "english.txt",
        ("The city plan is discussed here in English at some length. " * 40 + QUOTED * 4).encode(),
        [],
        2,
        "not a plan: only 7% of its letters are Chinese characters (a plan's are mostly)",
    ),
    ("fake.pdf", "推进减污降碳".encode(), [], 2, "not a PDF (it does not start with %PDF)"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj <<>>\ngarbage", [], 2, "not a readable PDF"),
    ("scan.pdf", pdf_without_text(), [], 2, "a PDF without a text layer (a scan?); run OCR on it first"),
    ("fake.docx", b"just text", [], 2, "not a Word .docx (it is not a zip archive)"),
    (
        "sheet.docx",
        zip_bytes({"xl/workbook.xml": b"<x/>"}),
        [],
        2,
        "a zip archive but not a Word .docx (no word/document.xml)",
    ),
    ("broken.docx", zip_bytes({"word/document.xml": b"<not xml"}), [], 2, "not a readable Word .docx file"),
    (
        "old.doc",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        [],
        2,
        "an old Word .doc (or other Office 97) file; save it as .docx and import that",
    ),
    (
        "bomb.docx",
        zip_bytes({"word/document.xml": b"<w/>", "word/media/x.bin": bytes(20 << 20)}),
        [],
        2,
        "would unpack to",
    ),
    (
        "big.txt",
        "推进".encode() * 1000,
        ["--max-size", "1KB"],
        2,
        "6 KB is over the 1 KB limit; raise it with --max-size",
    ),
    ("plan.txt", b"x", ["--from", "xls"], 2, None),  # the message names the option, not the file
]


@pytest.mark.parametrize(("name", "data", "options", "code", "problem"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_naming_file_and_problem(tmp_path, name, data, options, code, problem) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    before = sorted(os.listdir(tmp_path))
    result = runner.invoke(app, ["import", str(path), "--plans-dir", str(tmp_path), *options])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    if problem is None:
        assert lines[0] == "error: --from: unknown input format 'xls'; choose one of txt, docx, pdf, html"
    else:
        assert lines[0].startswith(f"error: {path}: {problem}")
    assert sorted(os.listdir(tmp_path)) == before  # nothing written
    assert result.stdout == ""


def test_a_zip_bomb_is_refused_before_it_is_parsed(tmp_path, monkeypatch) -> None:
    import docx

    path = tmp_path / "plan.docx"
    path.write_bytes(make.docx_bytes(make.seed("wuhan")))
    monkeypatch.setattr(docx, "Document", lambda *a, **k: pytest.fail("parsed a zip bomb"))
    monkeypatch.setattr(word, "MAX_UNPACKED", 1000)
    result = runner.invoke(app, ["import", str(path), "--plans-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: would unpack to ") and "limit 1000 bytes" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "yaml"], "error: --format: unknown format 'yaml'; choose one of table, md, json"),
        (["--level", "town"], "error: unknown level 'town'; choose one of national, province, city, district, other"),
        (["--date", "2023-13-01"], "error: --date '2023-13-01' is not a date like 2023-05-11"),
        (["--id", "武汉"], "error: --id '武汉' must be a-z, digits, - or _, starting with a letter (e.g. wuhan)"),
        (["--max-size", "lots"], "error: --max-size 'lots' is not a size like 20MB, 500KB or 1GB"),
        (["--name", "武汉\x1b[2J"], "error: --name '武汉\\x1b[2J' must be printable text, without control characters"),
    ],
)
def test_bad_options(tmp_path, args, message) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(make.seed("wuhan"), encoding="utf-8")
    result = runner.invoke(app, ["import", str(path), "--plans-dir", str(tmp_path), *args])
    assert result.exit_code == 2
    assert result.stderr.strip() == message


def test_missing_file_and_folder_given_as_file(tmp_path) -> None:
    missing = runner.invoke(app, ["import", str(tmp_path / "nope.docx"), "--plans-dir", str(tmp_path)])
    assert missing.exit_code == 2 and missing.stderr.strip() == f"error: {tmp_path / 'nope.docx'}: no such file"
    folder = runner.invoke(app, ["import", str(tmp_path), "--plans-dir", str(tmp_path)])
    assert folder.exit_code == 2 and folder.stderr.strip() == f"error: {tmp_path}: is a folder, not a file"


@pytest.fixture
def wuhan_docx(tmp_path):
    path = tmp_path / "wuhan.docx"
    path.write_bytes(make.docx_bytes(make.seed("wuhan")))
    return path


def test_missing_output_folder(tmp_path, wuhan_docx) -> None:
    result = runner.invoke(app, ["import", str(wuhan_docx), "--plans-dir", str(tmp_path / "nope")])
    assert result.exit_code == 3
    assert result.stderr.strip() == f"error: {tmp_path / 'nope'}: plans folder does not exist"


def test_output_folder_not_writable(tmp_path, wuhan_docx, monkeypatch) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    if os.geteuid() == 0:  # root writes anywhere: make the check see what a user would
        monkeypatch.setattr(os, "access", lambda p, mode: not mode & os.W_OK)
    else:
        lib.chmod(0o555)
    result = runner.invoke(app, ["import", str(wuhan_docx), "--plans-dir", str(lib)])
    lib.chmod(0o755)
    assert result.exit_code == 3
    assert result.stderr.strip() == f"error: {lib}: plans folder is not writable"


def test_output_file_exists_needs_force(tmp_path, wuhan_docx) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "wuhan.txt").write_text("someone's notes", encoding="utf-8")
    result = runner.invoke(app, ["import", str(wuhan_docx), "--plans-dir", str(lib)])
    assert result.exit_code == 3
    assert result.stderr.strip() == f"error: {lib / 'wuhan.txt'}: file exists; use --force to overwrite it"
    assert (lib / "wuhan.txt").read_text(encoding="utf-8") == "someone's notes"
    assert runner.invoke(app, ["import", str(wuhan_docx), "--plans-dir", str(lib), "--force"]).exit_code == 0
    assert open_library(lib).find("wuhan").title == "武汉市减污降碳协同增效实施方案"


def test_invalid_plans_toml_is_named_and_not_overwritten(tmp_path, wuhan_docx) -> None:
    (tmp_path / "plans.toml").write_text("[wuhan\nname = ", encoding="utf-8")
    result = runner.invoke(app, ["import", str(wuhan_docx), "--plans-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {tmp_path / 'plans.toml'}: not valid TOML")
    assert (tmp_path / "plans.toml").read_text(encoding="utf-8") == "[wuhan\nname = "


def test_unknown_plan_id_suggests_one() -> None:
    result = runner.invoke(app, ["show", "wuhn", "--plans-dir", str(PLANS)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: no plan 'wuhn' in {PLANS}; did you mean 'wuhan'?"


def test_broken_entry_is_named_and_the_others_still_load(tmp_path) -> None:
    shutil.copy(PLANS / "wuhan.txt", tmp_path / "wuhan.txt")
    toml = (
        (PLANS / "plans.toml").read_text(encoding="utf-8").replace('level = "city"\nkind = "碳达峰', 'kind = "碳达峰')
    )
    (tmp_path / "plans.toml").write_text(toml, encoding="utf-8")
    plans = runner.invoke(app, ["show", "wuhan", "--plans-dir", str(tmp_path)])
    assert plans.exit_code == 0, plans.output
    broken = runner.invoke(app, ["show", "chengdu", "--plans-dir", str(tmp_path)])
    assert broken.exit_code == 2
    assert (
        broken.stderr.strip() == f"error: {tmp_path / 'plans.toml'}: entry [chengdu] is broken: missing or empty: level"
    )


def test_debug_shows_the_traceback(tmp_path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = runner.invoke(app, ["--debug", "import", str(path), "--plans-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert "jtcompare.errors.EmptyFile" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"error: {path}: empty file"


# --- what a message says ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "name"), [("utf-16-le", "UTF-16 LE"), ("utf-16-be", "UTF-16 BE")])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path, plans, encoding, name) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(make.seed("chengdu").encode(encoding))
    result = runner.invoke(app, ["import", str(path), "--plans-dir", str(tmp_path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"{path}: read as text, {name} without BOM"
    assert f"39 numbered clauses, 11 unnumbered, {len(plans['chengdu'].measures)} measures" in result.stdout


def test_a_stray_byte_in_utf8_is_located(tmp_path) -> None:
    data = make.seed("wuhan").encode("utf-8")
    at = data.index("一、總體要求".encode())
    path = tmp_path / "plan.txt"
    path.write_bytes(data[:at] + b"\xff" + data[at:])
    line = data[:at].count(b"\n") + 1
    result = runner.invoke(app, ["import", str(path), "--plans-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {path}: cannot tell its text encoding (not GB18030/GBK or Big5, and not UTF-8: "
        f"byte 0xff at offset {at:,} (line {line}))"
    )


def test_a_long_id_is_told_the_limit(tmp_path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(make.seed("wuhan"), encoding="utf-8")
    result = runner.invoke(app, ["import", str(path), "--plans-dir", str(tmp_path), "--id", "w" * 41])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: --id '{'w' * 41}' is 41 characters long; an id has at most 40"
    assert runner.invoke(app, ["import", str(path), "--plans-dir", str(tmp_path), "--id", "w" * 40]).exit_code == 0


def nested_page(depth: int) -> bytes:
    text = "".join(f"<p>{line}</p>" for line in make.seed("wuhan").split("\n"))
    return f"<html><body>{'<div>' * depth}{text}{'</div>' * depth}</body></html>".encode()


@pytest.mark.parametrize("depth", [5_000, 200_000])
def test_a_page_nested_absurdly_deep_is_refused_before_parsing(tmp_path, depth) -> None:
    path = tmp_path / "deep.html"
    path.write_bytes(nested_page(depth))  # <html><body> and `depth` divs
    result = runner.invoke(app, ["import", str(path), "--plans-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {path}: a web page whose elements nest {depth + 2:,} levels deep (limit 1,000); "
        "save the article's text as .txt and import that"
    )


def test_a_page_nested_as_real_pages_are_is_read(tmp_path, plans) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(nested_page(300))  # and thousands of <p>, whose end tags are optional
    result = runner.invoke(app, ["import", str(path), "--plans-dir", str(tmp_path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"{len(plans['wuhan'].measures)} measures" in result.stdout


def test_a_file_given_for_the_plans_folder_is_named_a_file(tmp_path) -> None:
    """`--plans-dir notes.txt` (or Library of a file) said the folder does not exist, though the user sees it."""
    import jtcompare

    notes = tmp_path / "notes.txt"
    notes.write_text("not a library", encoding="utf-8")
    said = f"{notes}: is a file, not a plans folder (a folder holding plans.toml)"
    result = runner.invoke(app, ["align", "wuhan", "--plans-dir", str(notes)])
    assert result.exit_code != 0 and result.stderr.strip() == f"error: {said}"
    with pytest.raises(JtError, match="is a file, not a plans folder"):
        jtcompare.Library(notes).plans()
    docx = notes.parent / "wuhan.docx"
    docx.write_bytes(make.docx_bytes(make.seed("wuhan")))
    for dry in ([], ["--dry-run"]):  # an import into it says the same
        result = runner.invoke(app, ["import", str(docx), "--plans-dir", str(notes), *dry])
        assert result.exit_code != 0 and result.stderr.strip() == f"error: {said}", result.output
    assert notes.read_text(encoding="utf-8") == "not a library"


@pytest.mark.parametrize(
    ("args", "named"), [(["align", "wuhan", "wuhan"], "wuhan"), (["matrix", "wuhan", "national"], "national")]
)
def test_a_plan_is_not_compared_with_itself(args, named) -> None:
    """`align wuhan wuhan` read 160 adopted, 100%; a matrix naming the base gave it a row of 100%."""
    import jtcompare

    result = runner.invoke(app, args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip().startswith(f"error: {named}: is the base (")
    with pytest.raises(JtError, match="not compared with itself"):
        jtcompare.Library().align("wuhan", "wuhan")
