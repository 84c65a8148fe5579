"""The hostile files of issue 26: each is imported right or refused in one line, in bounded time and memory.

1. PDF pages set in two columns: pypdf reads the columns line across line and loses clauses; poppler's
   pdftotext keeps them. Without pdftotext, or with one that fails, stalls or floods, the import still ends.
2. A .docx whose zip headers understate what a member unpacks to (zipfile then unpacks it all at once, one file
   reached 617 MB), overstate its packed size, or declare gigabytes.
3. Web pages that nest deeply without looking deep (`<div/>`, `<rt>`, end tags hidden in comments), or that
   make a parser re-open formatting elements in every block (30 KB became a million nodes).
4. A web page whose <meta charset> names a Python codec that is no page encoding (rot13, base64, unicode_escape,
   latin-1...): ignored, saying so, and the page read as detected.
5. A .docx whose 一、 (一) 1. are Word's automatic list numbers (numbering.xml), not text: put back, so that
   every clause is found; hostile numbering definitions invent no number and end quickly.

Time and memory are measured in a child process, forked, that reads the file (`measure`) or imports it
(`refused`): seconds spent reading and the growth of its peak resident memory over what the libraries take.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
import struct
import sys
import threading
import time
import traceback
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from jtcompare.errors import JtError, TooLarge, UnreadableFile
from jtcompare.ingest import pdf
from jtcompare.ingest.readers import read_document
from jtcompare.plans.importer import import_plan
from typer.testing import CliRunner

from tests.capabilities import need
from tests.fixtures import make

runner = CliRunner()
SECONDS = 10  # a generous bound on reading any of these files
POSIX = pytest.mark.skipif(os.name != "posix", reason="a fake pdftotext is a shell script")


def _status(field: str) -> int:
    """Linux: bytes of the resident memory now (VmRSS) or at its peak since the last reset (VmHWM)."""
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) * 1024 for line in lines if line.startswith(field + ":"))


def _measured(work: Callable[[], dict]) -> dict:
    """`work()`'s answer, with the seconds it took and the growth of this process's peak resident memory."""
    import ctypes
    import gc
    import resource

    gc.collect()  # memory the forked test process freed but kept is handed back first, so that reading the file
    with contextlib.suppress(OSError, AttributeError):  # cannot reuse it unseen (glibc only; elsewhere a no-op)
        ctypes.CDLL(None).malloc_trim(0)
    try:  # count the peak from now on, not from whatever this process held before
        with open("/proc/self/clear_refs", "w") as reset:
            reset.write("5")
        before, peak = _status("VmRSS"), lambda: _status("VmHWM")
    except OSError:  # elsewhere the peak since the start (bytes on macOS, KB on Linux)
        scale = 1 if sys.platform == "darwin" else 1024
        peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale  # noqa: E731
        before = peak()
    start = time.perf_counter()
    answer = work()
    seconds = time.perf_counter() - start
    return {**answer, "seconds": seconds, "mb": (peak() - before) / 2**20}


def in_child(work: Callable[[], dict]) -> dict:
    """`work()` measured (`_measured`) in a child forked from this process: the libraries are loaded already
    (starting an interpreter and loading them was most of each measurement), and the child's peak is its own."""
    pytest.importorskip("resource")
    if not hasattr(os, "fork"):
        pytest.skip("measuring a child's memory needs os.fork")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, answer, and leave without running any of the parent's clean-up
        code = 1
        try:
            os.close(read)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)  # whatever handler the test process had
            signal.alarm(120)  # work that never ends kills the child, and the parent's assertion says so
            with os.fdopen(write, "wb") as pipe:
                pipe.write(json.dumps(_measured(work)).encode())
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()  # os._exit flushes nothing
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        answer = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and answer, f"the measured child ended with {status}"
    return json.loads(answer)


def measure(path: Path) -> dict:
    """What reading `path` says (`text: ...` or `error: ...`), its seconds and the MB its peak memory grew."""

    def read() -> dict:
        try:
            return {"said": "text: " + read_document(path).text}
        except JtError as error:
            return {"said": f"error: {error}"}

    return in_child(read)


def _import(path: Path, folder: Path) -> dict:
    result = runner.invoke(app, ["import", str(path), "--plans-dir", str(folder), "--dry-run"])
    return {"code": result.exit_code, "output": result.output, "stderr": result.stderr}


def _one_line(path: Path, done: dict) -> str:
    assert done["code"] == 2, done["output"]
    assert "Traceback" not in done["output"]
    lines = done["stderr"].splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: "), done["stderr"]
    return lines[0]


def one_line_error(path: Path, tmp_path: Path) -> str:
    """`jtcompare import` of `path` fails with exit 2 and one line, which is returned."""
    return _one_line(path, _import(path, tmp_path))


def refused(path: Path, tmp_path: Path) -> tuple[str, dict]:
    """`jtcompare import` of `path`, in a measured child: its one line (as one_line_error) and the seconds and
    MB its peak memory grew. Reading a hostile file once, through the command, is the test's cost."""
    done = in_child(lambda: _import(path, tmp_path))
    return _one_line(path, done), done


def outline(plan):
    return [(c.number, c.title, c.departments) for c in plan.clauses]


# --- 1. PDF pages in columns ----------------------------------------------------------------------------------


def columns_pdf(text: str, *, width: int = 17, per_column: int = 44) -> bytes:
    """Two columns a page, drawn line across line (left, right, left...) as a page-layout program may write
    them, under a running title over both columns and above a centred page number."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    lines = [line for para in text.split("\n") for line in make.wrap(para, width)]
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=(595, 842), invariant=1)
    for n, at in enumerate(range(0, len(lines), 2 * per_column), 1):
        left, right = lines[at : at + per_column], lines[at + per_column : at + 2 * per_column]
        page.setFont("STSong-Light", 9)
        page.drawCentredString(297, 810, "某市人民政府公报 2023年第9期")
        page.drawCentredString(297, 30, f"— {n} —")
        page.setFont("STSong-Light", 12)
        for row in range(per_column):
            y = 780 - 17 * row
            if row < len(left):
                page.drawString(40, y, left[row])
            if row < len(right):
                page.drawString(310, y, right[row])
        page.showPage()
    page.save()
    return out.getvalue()


def fake_pdftotext(folder: Path, script: str, monkeypatch) -> None:
    """A `pdftotext` that runs `script` (sh), first on PATH."""
    folder.mkdir()
    program = folder / "pdftotext"
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.mark.parametrize("pid", ["national", "chongqing", "wuhan"])
def test_a_pdf_in_two_columns_keeps_every_clause(tmp_path, plans, pid) -> None:
    need("pdftotext")
    path = tmp_path / f"{pid}.pdf"
    path.write_bytes(columns_pdf(make.seed(pid)))
    result = import_plan(path, tmp_path, dry_run=True)
    assert outline(result.plan) == outline(plans[pid])
    assert len(result.plan.measures) == len(plans[pid].measures)
    assert result.notes[0] == "text read with pdftotext (poppler)"
    assert not re.search(r"—\s*\d+\s*—", result.document.text)  # the page numbers under both columns went
    shown = runner.invoke(app, ["import", str(path), "--plans-dir", str(tmp_path), "--dry-run"])
    assert shown.exit_code == 0, shown.output
    assert "- text read with pdftotext (poppler)" in shown.stdout.splitlines()[:3]


def test_the_two_column_pdf_defeats_pypdf(tmp_path, plans, monkeypatch) -> None:
    """Without pdftotext the columns come out interleaved: the file above is a real test of pdftotext."""
    path = tmp_path / "national.pdf"
    path.write_bytes(columns_pdf(make.seed("national")))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    try:
        result = import_plan(path, tmp_path, dry_run=True)
    except JtError:
        return
    assert result.notes[0].startswith("text read with pypdf")
    assert outline(result.plan) != outline(plans["national"])


def test_without_pdftotext_pypdf_reads_the_pdf(tmp_path, plans, monkeypatch) -> None:
    path = tmp_path / "wuhan.pdf"
    path.write_bytes(make.pdf_bytes(make.seed("wuhan")))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    result = import_plan(path, tmp_path, dry_run=True)
    assert outline(result.plan) == outline(plans["wuhan"])
    assert result.notes[0] == (
        "text read with pypdf (pdftotext is not installed; install poppler-utils to read pages set in columns)"
    )
    shown = runner.invoke(app, ["import", str(path), "--plans-dir", str(tmp_path), "--dry-run"])
    assert shown.exit_code == 0, shown.output
    assert f"- {result.notes[0]}" in shown.stdout


@POSIX
def test_a_pdftotext_that_fails_leaves_the_pdf_to_pypdf(tmp_path, plans, monkeypatch) -> None:
    fake_pdftotext(tmp_path / "bin", "exit 1", monkeypatch)
    path = tmp_path / "wuhan.pdf"
    path.write_bytes(make.pdf_bytes(make.seed("wuhan")))
    result = import_plan(path, tmp_path, dry_run=True)
    assert result.notes[0] == "text read with pypdf (pdftotext failed: cannot open it)"
    assert outline(result.plan) == outline(plans["wuhan"])


@POSIX
@pytest.mark.parametrize(
    ("script", "limit", "error", "message"),
    [
        (("sleep", "60"), ("TIMEOUT", 1.0), UnreadableFile, "reading its text took over 1 s"),
        (("yes", "推进减污降碳协同增效"), ("MAX_OUTPUT", 1 << 20), TooLarge, "over 1 MB of text"),
    ],
    ids=["stalls", "floods"],
)
def test_a_pdftotext_that_stalls_or_floods_is_stopped(tmp_path, monkeypatch, script, limit, error, message) -> None:
    program = shutil.which(script[0])
    if not program:
        pytest.skip(f"no {script[0]} on PATH to play a pdftotext that {'stalls' if 'sleep' in script else 'floods'}")
    fake_pdftotext(tmp_path / "bin", f"exec {program} {script[1]}", monkeypatch)
    monkeypatch.setattr(pdf, *limit)
    path = tmp_path / "plan.pdf"
    path.write_bytes(make.pdf_bytes(make.seed("wuhan")))
    start = time.perf_counter()
    with pytest.raises(error, match=message):
        read_document(path)
    assert time.perf_counter() - start < SECONDS
    assert message in one_line_error(path, tmp_path)


# --- 2. Word files whose zip headers lie ----------------------------------------------------------------------


def docx_with_document(megabytes: int) -> tuple[bytes, bytes]:
    """A .docx whose word/document.xml holds `megabytes` MB of paragraphs (written in pieces: the test's own
    memory stays small), and that part's first 4 KB."""
    base = zipfile.ZipFile(io.BytesIO(make.docx_bytes("推进减污降碳协同增效。")))
    head, tail = base.read("word/document.xml").split(b"<w:body>")
    head += b"<w:body>"
    piece = (b"<w:p><w:r><w:t>" + "推进减污降碳协同增效。".encode() * 6 + b"</w:t></w:r></w:p>") * 2000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in base.infolist():
            if member.filename != "word/document.xml":
                archive.writestr(member, base.read(member))
                continue
            with archive.open("word/document.xml", "w") as part:
                part.write(head)
                for _ in range((megabytes << 20) // len(piece)):
                    part.write(piece)
                part.write(tail)
    return out.getvalue(), (head + piece)[:4096]


def declare(data: bytes, name: str, **sizes: int) -> bytes:
    """`data` with the local and central headers of member `name` declaring `sizes` (crc, compress_size,
    file_size) instead of the truth."""
    where = {"crc": (14, 16), "compress_size": (18, 20), "file_size": (22, 24)}
    out = bytearray(data)
    for signature, name_at, field in ((b"PK\x03\x04", 26, 0), (b"PK\x01\x02", 28, 1)):
        at = out.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", out, at + name_at)[0]
            start = at + name_at + (4 if field == 0 else 18)
            if out[start : start + length] == name.encode():
                for key, value in sizes.items():
                    struct.pack_into("<I", out, at + where[key][field], value)
            at = out.find(signature, at + 4)
    return bytes(out)


def test_a_docx_whose_headers_understate_its_size_is_refused_unpacking_little(tmp_path) -> None:
    """100 MB of document.xml declared as its first 4 KB, with their CRC: zipfile would check it and pass, and
    unpack all 100 MB at once before cutting them to 4 KB."""
    data, first = docx_with_document(100)
    path = tmp_path / "understated.docx"
    path.write_bytes(declare(data, "word/document.xml", file_size=4096, crc=zlib.crc32(first)))
    assert zipfile.ZipFile(path).read("word/document.xml") == first  # what the headers make of it
    line, run = refused(path, tmp_path)
    assert "its XML parts would unpack to more than 32 MB (limit 32 MB); refusing a possible zip bomb" in line
    assert run["seconds"] < SECONDS and run["mb"] < 40, run


def test_a_docx_whose_headers_overstate_its_packed_size_is_refused(tmp_path) -> None:
    """30 MB of document.xml, under the XML limit, in a file of 150 KB whose header claims a packed size 1,000
    times the real one, to pass a ratio test on declared sizes."""
    data, _ = docx_with_document(30)
    real = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").compress_size
    path = tmp_path / "overstated.docx"
    path.write_bytes(declare(data, "word/document.xml", compress_size=real * 1000))
    line, run = refused(path, tmp_path)
    assert "times its size (limit 100); refusing a possible zip bomb" in line
    assert run["seconds"] < SECONDS and run["mb"] < 40, run


def test_a_docx_whose_headers_claim_gigabytes_is_refused_at_once(tmp_path) -> None:
    path = tmp_path / "claims.docx"
    path.write_bytes(declare(make.docx_bytes(make.seed("wuhan")), "word/document.xml", file_size=0xF000_0000))
    line, run = refused(path, tmp_path)
    assert "would unpack to 3840 MB (limit 200 MB); refusing a possible zip bomb" in line
    assert run["seconds"] < SECONDS and run["mb"] < 40, run


# --- 3. Web pages that nest without looking deep, or multiply their nodes ----------------------------------------


def page(body: str) -> bytes:
    """`body` and then the plan in a box of its own."""
    plan = "".join(f"<p>{line}</p>" for line in make.seed("wuhan").split("\n"))
    return f"<html><head><title>t</title></head><body>{body}<div class=article>{plan}</div></body></html>".encode()


HOSTILE_PAGES = {
    "self-closed divs": (page("<div/>" * 300_000), "elements nest 300,00"),
    "nested ruby": (page("<ruby>字<rt>" * 100_000), "elements nest 200,00"),
    "rt in divs": (page("<ruby>" + "<rt><div>" * 100_000), "elements nest 200,00"),
    "rt without ruby": (page("<rt>拼" * 250_000), "a web page of 250,"),
    "end tags in comments": (page("<div><!-- </div> -->" * 100_000), "elements nest 100,00"),
    "end tags in scripts": (page("<div><script></div></script>" * 100_000), "elements nest 100,00"),
    "a million comments": (page("<!---->" * 1_100_000), "a web page of over 1,000,000 tags"),
}


@pytest.mark.parametrize("name", HOSTILE_PAGES)
def test_a_deceptively_deep_or_large_page_is_refused_in_one_line(tmp_path, name) -> None:
    data, problem = HOSTILE_PAGES[name]
    path = tmp_path / "page.html"
    path.write_bytes(data)
    line, run = refused(path, tmp_path)
    assert problem in line and line.endswith("save the article's text as .txt and import that")
    assert run["seconds"] < SECONDS and run["mb"] < 100, run


@pytest.mark.parametrize(
    "body",
    [
        "<div/>" * 500,  # self-closed divs under the depth limit
        "<rt>pin" * 20_000,  # ruby text without its ruby, each <rt> closing the one before
        "<div>" + "".join(f"<b id={i}>" for i in range(500)) + "</div>" + "<div>x</div>" * 50_000,
    ],
    ids=["few self-closed divs", "rt without ruby", "formatting re-opened in every block"],
)
def test_a_page_within_the_limits_is_read_whole_in_bounded_time_and_memory(tmp_path, plans, body) -> None:
    """The last page made the parser open 500 bold elements in each of 50,000 blocks: 25 million nodes."""
    path = tmp_path / "page.html"
    path.write_bytes(page(body))
    run = measure(path)
    assert run["said"].startswith("text: ")
    assert run["seconds"] < SECONDS and run["mb"] < 150, {k: v for k, v in run.items() if k != "said"}
    result = import_plan(path, tmp_path, dry_run=True)
    assert outline(result.plan) == outline(plans["wuhan"])
    assert len(result.plan.measures) == len(plans["wuhan"].measures)


def test_importing_from_a_fifo_is_refused_not_read(tmp_path) -> None:
    from jtcompare.cli.main import app
    from typer.testing import CliRunner

    from tests.conftest import copy_library

    fifo = tmp_path / "plan.txt"
    os.mkfifo(fifo)
    lib = copy_library(tmp_path / "plans")
    before = {p.name: p.read_bytes() for p in lib.iterdir()}
    # were the FIFO opened, a writer arriving after 5 s ends the read: a regression fails, it does not hang
    unblock = threading.Timer(5.0, lambda: os.close(os.open(fifo, os.O_WRONLY)))
    unblock.daemon = True
    unblock.start()
    result = CliRunner().invoke(app, ["import", str(fifo), "--plans-dir", str(lib)])
    unblock.cancel()
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {fifo}: is a named pipe (FIFO), not a regular file; a plan to import must be a regular file"
    )
    assert {p.name: p.read_bytes() for p in lib.iterdir()} == before  # nothing written


# --- 4. A <meta charset> naming a codec that is no text encoding for a Chinese page --------------------------------


def declared(charset: str, encoding: str = "utf-8") -> bytes:
    """The wuhan plan as a web page in `encoding` whose <meta> declares `charset`."""
    plan = "".join(f"<p>{line}</p>" for line in make.seed("wuhan").split("\n"))
    head = f'<head><meta charset="{charset}"><title>t</title></head>'
    return f"<html>{head}<body><div class=article>{plan}</div></body></html>".encode(encoding)


@pytest.mark.parametrize(
    "charset",
    # Python codecs that transform bytes, escape them or read them as one byte a character: honoured, each gave
    # garbage or an error instead of the plan
    ["rot13", "base64", "zlib", "punycode", "unicode_escape", "raw_unicode_escape", "idna", "utf-7", "latin-1"],
)
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_page_declaring_a_codec_that_is_no_page_encoding_is_read_as_detected(tmp_path, plans, charset, encoding):
    path = tmp_path / "page.html"
    path.write_bytes(declared(charset, encoding))
    result = import_plan(path, tmp_path, dry_run=True)
    assert result.document.encoding == encoding
    said = f"ignored the page's charset {charset} (not a text encoding for Chinese pages); read as {encoding}"
    assert said in result.notes
    assert outline(result.plan) == outline(plans["wuhan"])


@pytest.mark.parametrize(
    ("charset", "encoding", "read_as"),
    [
        ("GBK", "gb18030", "gbk"),
        ("x-gbk", "gb18030", "x-gbk"),
        ("big5", "big5hkscs", "big5"),
        ("utf-16", "utf-8", "utf-8"),
    ],
)
def test_a_page_in_the_encoding_it_declares_is_read_in_it_without_a_note(tmp_path, plans, charset, encoding, read_as):
    path = tmp_path / "page.html"
    path.write_bytes(declared(charset, encoding))
    result = import_plan(path, tmp_path, dry_run=True)
    assert result.document.encoding == read_as and not any("charset" in note for note in result.notes)
    assert outline(result.plan) == outline(plans["wuhan"])


def test_a_page_not_in_the_encoding_it_declares_says_so(tmp_path, plans) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(declared("utf-8", "gb18030"))
    result = import_plan(path, tmp_path, dry_run=True)
    assert "the page declares charset utf-8 but is not in it; read as gb18030" in result.notes
    assert outline(result.plan) == outline(plans["wuhan"])


# --- 5. Word's automatic list numbers ----------------------------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CN_NUMBER = "一二三四五六七八九十"
LIST_LEVELS = (  # how each level's number is written in the plan's text, and how Word would number it
    (re.compile(rf"^\s*([{CN_NUMBER}]+)、\s*"), "chineseCounting", "%1、"),
    (re.compile(rf"^\s*[（(]([{CN_NUMBER}]+)[）)]\s*"), "chineseCountingThousand", "（%2）"),
    (re.compile(r"^\s*(\d{1,3})[.．]\s*"), "decimal", "%3."),
)


def numbered_docx(text: str, *, suffix: str) -> bytes:
    """A Word file of `text` whose chapter, clause and item numbers are one automatic multi-level list, as
    Word's 定义新的多级列表 makes it: the numbers are in numbering.xml, not in the paragraphs. A level whose
    numbers run on through the plan (clauses (一)…(二十) across chapters) never restarts (w:lvlRestart 0)."""
    import docx
    from docx.oxml import parse_xml

    found: list[list[str]] = [[] for _ in LIST_LEVELS]
    for line in text.split("\n"):
        for k, (pattern, _, _) in enumerate(LIST_LEVELS):
            if m := pattern.match(line):
                found[k].append(m.group(1))
                break
    runs_on = [len(set(numbers)) == len(numbers) for numbers in found]
    document = docx.Document()
    levels = "".join(
        f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        + ('<w:lvlRestart w:val="0"/>' if runs_on[k] else "")
        + f'<w:suff w:val="{suffix}"/><w:lvlText w:val="{label}"/></w:lvl>'
        for k, (_, fmt, label) in enumerate(LIST_LEVELS)
    )
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {W} w:abstractNumId="90">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for line in text.split("\n"):
        para = document.add_paragraph()
        for k, (pattern, _, _) in enumerate(LIST_LEVELS):
            if m := pattern.match(line):
                line = line[m.end() :]
                number = f'<w:numPr {W}><w:ilvl w:val="{k}"/><w:numId w:val="90"/></w:numPr>'
                para._p.get_or_add_pPr().append(parse_xml(number))
                break
        para.add_run(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("pid", ["national", "chongqing", "wuhan", "chengdu"])
@pytest.mark.parametrize("suffix", ["tab", "nothing"])
def test_a_docx_numbered_by_word_keeps_its_clauses(tmp_path, plans, pid, suffix) -> None:
    path = tmp_path / f"{pid}.docx"
    path.write_bytes(numbered_docx(make.seed(pid), suffix=suffix))
    result = import_plan(path, tmp_path, dry_run=True)
    assert len(result.plan.numbered_clauses) == len(plans[pid].numbered_clauses) > 20
    assert len(result.plan.measures) == len(plans[pid].measures)
    assert outline(result.plan) == outline(plans[pid])


HOSTILE_LEVELS = (  # numFmt, lvlText, start, what Word's number becomes in the text
    ("bullet", "\u2022", "1", ""),  # no number
    ("upperRoman", "%2.", "1", ""),  # not a clause numbering: left out, not invented
    ("decimal", "%3.", "99999999999999999999", "1."),  # an absurd start is read as 1
    ("decimal", "%4" * 5000, "1", ""),  # a label too long to be a clause number
    ("chineseCounting", "%5、", "20000", ""),  # past MAX_NUMBER
    ("chineseCounting", "第%6章", "2", "第二章 "),
)


def test_hostile_list_numbering_invents_nothing_and_ends_quickly(tmp_path) -> None:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    levels = "".join(
        f'<w:lvl w:ilvl="{k}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for k, (fmt, text, start, _) in enumerate(HOSTILE_LEVELS)
    )
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {W} w:abstractNumId="90">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for style, based in (("A", "B"), ("B", "A")):  # styles based on each other: a loop Word would not make
        numbering_style = f'<w:style {W} w:type="paragraph" w:styleId="{style}"><w:name w:val="{style}"/>'
        document.styles.element.append(parse_xml(f'{numbering_style}<w:basedOn w:val="{based}"/></w:style>'))
    paragraphs = 2000
    for n in range(paragraphs):
        para = document.add_paragraph(f"第{n}段")
        ppr = para._p.get_or_add_pPr()
        ppr.append(parse_xml(f'<w:pStyle {W} w:val="A"/>'))
        if n % 7 < len(HOSTILE_LEVELS):
            ppr.append(parse_xml(f'<w:numPr {W}><w:ilvl w:val="{n % 7}"/><w:numId w:val="90"/></w:numPr>'))
    path = tmp_path / "lists.docx"
    out = io.BytesIO()
    document.save(out)
    path.write_bytes(out.getvalue())
    started = time.monotonic()
    lines = read_document(path).text.split("\n")
    assert time.monotonic() - started < SECONDS
    expected = [
        (HOSTILE_LEVELS[n % 7][3] if n % 7 < len(HOSTILE_LEVELS) else "") + f"第{n}段" for n in range(paragraphs)
    ]
    assert lines == expected
