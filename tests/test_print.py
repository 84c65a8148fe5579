"""The workbooks and the brief as printed: converted to PDF by LibreOffice, read back with pdftotext.

Every measure sentence of a Gaps sheet must appear whole, and whole means printed in its row: a row
too low for its text still puts the clipped lines in the PDF, drawn over the next row, so no two
words may be printed over each other. Every page carries the header (plan and base) and its number.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from jtcompare.match.results import STATUSES, coverage_share
from jtcompare.report.cells import pct
from jtcompare.report.i18n import label
from jtcompare.report.palette import style
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.capabilities import convert, made_by, need, office
from tests.conftest import PLANS

runner = CliRunner()
NUMBER = "环综合〔2022〕42号"


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def overprinted(pdf: Path) -> list[tuple[int, str, str]]:
    """Words printed over other words (page, word, word): text of a row too low spilling into the next."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    word = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<')
    bad = []
    for n, page in enumerate(out.split("<page ")[1:], 1):
        words = sorted(((*map(float, m[:4]), m[4]) for m in word.findall(page)), key=lambda w: w[1])
        for i, a in enumerate(words):
            for b in words[i + 1 :]:
                if b[1] >= a[3]:
                    break
                dx = min(a[2], b[2]) - max(a[0], b[0])
                dy = min(a[3], b[3]) - max(a[1], b[1])
                if dx > 1 and dy > 0.5 * min(a[3] - a[1], b[3] - b[1]):
                    bad.append((n, a[4], b[4]))
    return bad


def gap_sentences(xlsx: Path) -> list[str]:
    wb = load_workbook(xlsx, read_only=True)
    out = []
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        if rows and ws.title.startswith(("Gaps", "差距")):
            k = rows[0].index("base text" if ws.title.startswith("Gaps") else "国家措施原文")
            out += [r[k] for r in rows[1:]]
    return out


# the files printed, and the LibreOffice component that prints each
PRINTED = {
    "matrix": ("matrix.xlsx", "calc", ["matrix"]),
    "matrix_paper": ("matrix-print.xlsx", "calc", ["matrix", "--print"]),
    "report": ("chengdu-gaps.xlsx", "calc", ["report", "chengdu"]),
    "report_zh": ("wuhan-gaps-zh.xlsx", "calc", ["report", "wuhan", "--lang", "zh"]),
    "brief": ("wuhan-brief.docx", "writer", ["brief", "wuhan"]),
}


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """printed(name) -> (file, its PDF): the files are written and printed together (Calc's and Writer's) by one
    LibreOffice run, once; a file with no PDF skips its tests when this machine's LibreOffice lacks the component
    that prints it (capabilities.made_by: asked only then), and fails them otherwise."""
    folder = tmp_path_factory.mktemp("print")
    done: dict[str, tuple[Path, Path]] = {}
    said: list[str] = []

    def get(name: str) -> tuple[Path, Path]:
        need("pdftotext")
        if not office():
            need(PRINTED[name][1])  # skips: no LibreOffice at all
        if not done:  # every file in one LibreOffice run: a start is seconds
            files = {n: folder / PRINTED[n][0] for n in PRINTED}
            for n, path in files.items():
                result = runner.invoke(app, [*PRINTED[n][2], "--out", str(path), "--plans-dir", str(PLANS)])
                assert result.exit_code == 0, result.output
            try:
                said.append(convert(list(files.values()), folder, "pdf").stderr)
            except (OSError, subprocess.SubprocessError) as error:  # a LibreOffice that stalls: once, not per test
                said.append(str(error))
            done.update({n: (path, folder / (path.stem + ".pdf")) for n, path in files.items()})
        path, pdf = done[name]
        made_by(PRINTED[name][1], pdf)
        assert pdf.exists(), said[0]
        return path, pdf

    return get


@pytest.mark.parametrize("name", ["matrix", "report", "report_zh"])
def test_every_gap_sentence_prints_whole_in_its_row(printed, name) -> None:
    xlsx, pdf = printed(name)
    sentences = gap_sentences(xlsx)
    assert len(sentences) > 20  # every city leaves out or only partly takes up more than 20 national measures
    raw = flat(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout)
    missing = [s for s in sentences if flat(s) not in raw]
    assert not missing, missing[:3]
    assert not overprinted(pdf)[:5]


@pytest.mark.parametrize(("name", "page_word"), [("matrix", "Page {k} of {n}"), ("report_zh", "第 {k} 页，共 {n} 页")])
def test_every_workbook_page_has_the_header_and_its_number(printed, name, page_word) -> None:
    _, pdf = printed(name)
    pages = page_texts(pdf)
    assert len(pages) > 5
    for k, page in enumerate(pages, 1):
        assert flat(NUMBER) in flat(page), f"page {k} has no header"
        assert flat(page_word.format(k=k, n=len(pages))) in flat(page), f"page {k} has no page number"


def word_heights(pdf: Path, pattern: str) -> dict[int, list[float]]:
    """page -> the heights (points) of the words matching `pattern` printed on it."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    word = re.compile(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<')
    return {
        n: [float(m[1]) - float(m[0]) for m in word.findall(page) if re.fullmatch(pattern, m[2])]
        for n, page in enumerate(out.split("<page ")[1:], 1)
    }


@pytest.mark.parametrize("name", ["report", "report_zh"])
def test_the_gaps_sheet_prints_what_a_reader_needs_in_readable_type(printed, name) -> None:
    """All 17 columns fitted to an A4 width printed at about 5 points. The print area is the measure, its
    status and key units, both texts, the evidence and two review columns to write in: about 7 points; the rest
    (chapter, departments, confidence, reviewer) are on screen only."""
    xlsx, pdf = printed(name)
    zh = name.endswith("zh")
    sheet = "差距" if zh else "Gaps"
    header = [str(c) for c in next(load_workbook(xlsx, read_only=True)[sheet].iter_rows(values_only=True))]
    en = ["measure", "status", "base text", "plan text", "evidence", "analyst status", "analyst note"]
    zh_titles = ["国家措施编号", "判定", "国家措施原文", "地方措施原文", "判定依据", "分析员判定", "分析员备注"]
    shown = zh_titles if zh else en
    hidden = ["牵头/责任部门", "置信度"] if zh else ["departments", "confidence"]
    assert set(shown + hidden) <= set(header)
    # in the order the cells are drawn (-raw): a title wrapped in its cell is still one run of text
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = {k: p for k, p in enumerate(raw.split("\f")[:-1], 1) if flat(f"{sheet} ·") in flat(p)}
    assert len(pages) > 5
    for k, page in pages.items():
        assert all(flat(t) in flat(page) for t in shown), f"page {k} lacks a printed column"
        assert not any(flat(t) in flat(page) for t in hidden), f"page {k} prints a column for the screen"
    ids = [h for k, hs in word_heights(pdf, r"N\d\d\.\d\d").items() if k in pages for h in hs]
    # a measure id's box is about 1.2 times its type size: 5.8 points at the old 44% of 11-point type, 9.3 at 64%
    assert ids and min(ids) >= 8.5, min(ids)


def test_the_brief_prints_on_two_pages_with_header_and_numbers(printed) -> None:
    _, pdf = printed("brief")
    pages = page_texts(pdf)
    assert 1 <= len(pages) <= 2
    for k, page in enumerate(pages, 1):
        assert "武汉市减污降碳协同增效实施方案" in flat(page) and flat(NUMBER) in flat(page)
        assert f"第{k}页，共{len(pages)}页" in flat(page)
    text = flat("".join(pages))
    result = runner.invoke(app, ["align", "wuhan", "--format", "json", "--plans-dir", str(PLANS)])
    coverage = f"覆盖率{pct(coverage_share(json.loads(result.stdout)['summary']))}"
    for words in ("主要数据", coverage, "各章措施判定", "主要差距", "按国家牵头部门", "量化目标", "注意"):
        assert flat(words) in text, words
    assert not overprinted(pdf)


def test_the_matrix_sheet_prints_on_a_few_landscape_pages_each_with_its_header_row(printed) -> None:
    xlsx, pdf = printed("matrix")
    sheet = label("excel.sheet.measures", "en")
    ws = load_workbook(xlsx, read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    titles, ids = [str(t) for t in rows[0]], [r[0] for r in rows[1:]]
    pages = [p for p in page_texts(pdf) if flat(f"{sheet} ·") in flat(p)]  # the page header names the sheet
    assert 2 <= len(pages) <= 6  # 157 measures x 3 plans took 16 pages when every row wrapped its sentence
    for k, page in enumerate(pages, 1):
        missing = [t for t in titles if flat(t) not in flat(page)]
        assert not missing, f"page {k} of the matrix lacks the header titles {missing}"
        legend = [flat(f"{style(s).symbol} {label(f'status.{s}', 'en')}") for s in STATUSES]
        assert all(word in flat(page) for word in legend), f"page {k} has no legend of the symbols"
    printed_ids = re.findall(r"N[\d-]+\.\d\d", "\n".join(pages))
    assert sorted(printed_ids) == sorted(ids)  # every row printed, once


def test_the_matrix_for_paper_prints_whole_on_at_most_six_pages_each_with_its_header_row(printed) -> None:
    """`matrix --print`: the workbook a reader prints is the matrix alone, every page titled and legended."""
    xlsx, pdf = printed("matrix_paper")
    assert load_workbook(xlsx, read_only=True).sheetnames == [label("excel.sheet.measures", "en")]
    titles = [str(t) for t in next(load_workbook(xlsx, read_only=True).worksheets[0].iter_rows(values_only=True))]
    pages = page_texts(pdf)
    assert 2 <= len(pages) <= 6
    for k, page in enumerate(pages, 1):
        assert not [t for t in titles if flat(t) not in flat(page)], f"page {k} lacks header titles"
        assert flat(f"{style('partial').symbol} {label('status.partial', 'en')}") in flat(page), k
