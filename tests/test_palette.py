"""One colour per status in every output (issue 27, items 3, 4 and 7): the colours each renderer really writes
(workbook fills, the pages' CSS and SVG, the brief's chart, the terminal's codes) are those of report/palette.py,
they stay apart in greyscale and for colour-blind readers, every output that colours statuses has a legend, the
pages carry the caveats of the figures they show, and the view's counts are the summary's."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from jtcompare.match.results import COVERAGE_STATUSES, STATUSES
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.registry import open_library
from jtcompare.report.caveats import caveats
from jtcompare.report.i18n import label
from jtcompare.report.palette import COVERAGE_BINS, MIN_LIGHTNESS_STEP, STATUS_STYLES, lightness, rgb, style
from jtcompare.workflow.run import run_alignment
from openpyxl import load_workbook
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from typer.testing import CliRunner

from tests.conftest import PLANS

runner = CliRunner()
CITIES = ["chongqing", "wuhan", "chengdu"]


def invoke(*args: str, env: dict | None = None, color: bool = False):
    result = runner.invoke(app, [*args, "--plans-dir", str(PLANS)], env=env, color=color)
    assert result.exit_code == 0, result.output
    return result


def hexcode(r: int, g: int, b: int) -> str:
    return f"#{r:02X}{g:02X}{b:02X}"


@pytest.fixture(scope="module")
def alignments() -> dict:
    lib = open_library(PLANS)
    return {c: run_alignment(lib, c, "national", DEFAULTS).alignments[0] for c in CITIES}


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pages")
    invoke("matrix", "--out", str(folder / "matrix.html"))
    return folder


@pytest.fixture(scope="module")
def summary() -> dict:
    return {p["plan"]["id"]: p["summary"] for p in json.loads(invoke("matrix", "--format", "json").stdout)["plans"]}


def words(lang: str) -> dict[str, str]:
    """Status word -> status key."""
    return {label(f"status.{s}", lang): s for s in STATUSES}


# --- the table itself ------------------------------------------------------------------------------------------


def test_every_status_has_a_style_and_a_symbol_of_its_own() -> None:
    assert set(STATUS_STYLES) == set(STATUSES)
    symbols = [style(s).symbol for s in STATUSES]
    assert len(set(symbols)) == len(symbols) and all(len(x) == 1 and not x.isascii() for x in symbols)


def test_statuses_differ_in_lightness_enough_for_a_greyscale_print() -> None:
    for a, b in itertools.combinations(STATUSES, 2):
        gap = abs(lightness(style(a).colour) - lightness(style(b).colour))
        assert gap >= MIN_LIGHTNESS_STEP, (a, b, gap)
    # the lightness measure itself: black, white and the sRGB mid grey
    assert lightness("#000000") == pytest.approx(0, abs=0.01)
    assert lightness("#FFFFFF") == pytest.approx(100, abs=0.01)
    assert lightness("#777777") == pytest.approx(50, abs=0.5)


# Machado, Oliveira & Fernandes (2009): full-severity dichromacy as a matrix on linear RGB
DICHROMACY = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def _lab(linear: tuple[float, ...]) -> tuple[float, float, float]:
    r, g, b = linear
    x, y, z = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _seen(colour: str, matrix) -> tuple[float, float, float]:
    lin = [(c / 255) / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb(colour)]
    return _lab(tuple(min(1.0, max(0.0, sum(m * v for m, v in zip(row, lin, strict=True)))) for row in matrix))


@pytest.mark.parametrize("kind", DICHROMACY)
def test_statuses_stay_apart_for_colour_blind_readers(kind) -> None:
    for a, b in itertools.combinations(STATUSES, 2):
        la, lb = _seen(style(a).colour, DICHROMACY[kind]), _seen(style(b).colour, DICHROMACY[kind])
        distance = sum((x - y) ** 2 for x, y in zip(la, lb, strict=True)) ** 0.5
        assert distance >= 20, (kind, a, b, distance)  # CIE76: 20 is far beyond a just-noticeable 2.3


def test_coverage_colours_are_not_status_colours() -> None:
    """A clause's coverage sits beside measure statuses on the heatmap: no coverage step may pass for a status."""
    identity = ((1, 0, 0), (0, 1, 0), (0, 0, 1))
    for (_, bin_colour), s in itertools.product(COVERAGE_BINS[1:], STATUSES):
        a, b = _seen(bin_colour, identity), _seen(style(s).colour, identity)
        assert sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5 >= 15, (bin_colour, s)
    steps = [lightness(c) for _, c in COVERAGE_BINS]
    assert steps == sorted(steps, reverse=True)  # darker with more coverage, in greyscale too


# --- what each renderer writes ---------------------------------------------------------------------------------


def test_workbook_fills_chart_and_legend_use_the_table(tmp_path) -> None:
    out = tmp_path / "matrix.xlsx"
    invoke("matrix", "--out", str(out), "--lang", "zh")
    wb = load_workbook(out)
    named = words("zh")
    ws = wb["措施"] if "措施" in wb.sheetnames else wb.worksheets[2]
    seen = set()
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            symbols = {style(s).symbol: s for s in STATUSES}  # the matrix's cells hold the status's symbol
            status = {**named, **symbols}.get(str(cell.value).rstrip("*?")) if cell.value else None
            if status:
                assert "#" + cell.fill.fgColor.rgb[-6:] == style(status).colour, (cell.coordinate, status)
                assert "#" + cell.font.color.rgb[-6:] == style(status).ink
                seen.add(status)
    assert seen == set(STATUSES)
    chart = wb.worksheets[0]._charts[0]
    assert [
        "#" + str(getattr(s.graphicalProperties.solidFill.srgbClr, "val", s.graphicalProperties.solidFill.srgbClr))
        for s in chart.series
    ] == [style(s).colour for s in COVERAGE_STATUSES]  # the bars add up to the measures counted, as the axis says
    scale = wb.worksheets[1].conditional_formatting  # Clauses: the heatmap's coverage colours, bin by bin
    rules = [r for rule in scale for r in rule.rules]
    colours = ["#" + r.dxf.fill.fgColor.rgb[-6:] for r in rules]
    assert colours == [c for _, c in COVERAGE_BINS[1:]]  # it stopped at the second purple, the page reaches indigo
    assert ["#" + r.dxf.font.color.rgb[-6:] for r in rules] == ["#000000", "#000000", "#FFFFFF", "#FFFFFF"]
    from jtcompare.report.heatmap import coverage_bin

    def holds(formula: str, value: float) -> bool:  # AND(ISNUMBER(D2),D2>=0.5,D2<0.75) read for D2 = value
        parts = formula.removeprefix("AND(").removesuffix(")").split(",")[1:]
        return all(eval(p.replace("D2", repr(value)).replace(">=", " >= ").replace("<=", " <= ")) for p in parts)

    for value in (0.1, 0.25, 0.3, 0.5, 0.6, 0.75, 0.8, 1.0):  # each bound in the bin the heatmap puts it in
        assert [k + 1 for k, r in enumerate(rules) if holds(r.formula[0], value)] == [coverage_bin(value)], value
    legend = wb.worksheets[-1]
    cells = {str(c.value): c for row in legend.iter_rows() for c in row if c.value}
    for s in STATUSES:
        cell = cells[f"{style(s).symbol} {label(f'status.{s}', 'zh')}"]
        assert "#" + cell.fill.fgColor.rgb[-6:] == style(s).colour
    assert any("".join(style(s).symbol for s in STATUSES) in k.replace(" ", "") for k in cells)


def _css_colours(html: str) -> dict[str, str]:
    style_block = HTMLParser(html).css_first("style").text()
    return {k: v.upper() for k, v in re.findall(r"\.st-(\w+) \{ --c: (#[0-9A-Fa-f]{6}); \}", style_block)}


def test_pages_colour_statuses_from_the_table_and_have_a_legend(pages) -> None:
    expected = {s: style(s).colour for s in STATUSES}
    for page in ("wuhan.html", "matrix.html"):
        html = (pages / page).read_text(encoding="utf-8")
        assert _css_colours(html) == expected, page
        legend = [c.text().strip() for c in HTMLParser(html).css("#legend-status .chip")]
        assert legend == [f"{style(s).symbol}\xa0{label(f'status.{s}', 'zh')}" for s in STATUSES], page
    heat = HTMLParser((pages / "matrix.html").read_text(encoding="utf-8"))
    fills = {
        p.attributes["id"].removeprefix("pat-"): p.css_first("rect").attributes["fill"] for p in heat.css("pattern")
    }
    assert fills == expected  # the bar chart's SVG patterns
    assert [c.text().strip() for c in heat.css("#legend-bars .chip")] == legend


def test_brief_chart_uses_the_table_and_has_a_legend() -> None:
    from jtcompare.report.chart import Bar, status_figure
    from matplotlib import pyplot as plt
    from matplotlib.colors import to_hex

    bars = [Bar("一", "1", {s: k + 1 for k, s in enumerate(STATUSES)}), Bar("二", "2", {"omitted": 4})]
    fig = status_figure(bars, "en", use_font=False)
    try:
        ax = fig.axes[0]
        by_label = {c.get_label(): c for c in ax.containers}
        for s in STATUSES:
            name = f"{style(s).symbol} {label(f'status.{s}', 'en')}"
            assert {to_hex(p.get_facecolor()).upper() for p in by_label[name]} == {style(s).colour}
        assert [t.get_text() for t in ax.get_legend().get_texts()] == list(by_label)
    finally:
        plt.close(fig)


SGR = re.compile(r"\x1b\[48;2;(\d+);(\d+);(\d+);(\d+)m([^\x1b]*)\x1b\[0m")


def test_terminal_paints_each_status_in_its_colour(alignments) -> None:
    result = invoke("align", "chengdu", env={"COLUMNS": "200", "NO_COLOR": ""}, color=True)
    painted = SGR.findall(result.stdout)
    named = words("en")
    statuses = [m.status for m in alignments["chengdu"].measures]
    # the table's cells, in measure order, then the legend line under it
    cells = [p for p in painted if p[4] in named]
    assert [named[p[4]] for p in cells] == statuses
    for r, g, b, fg, word in cells:
        status = named[word]
        assert hexcode(int(r), int(g), int(b)) == style(status).colour
        assert fg == ("97" if style(status).ink == "#FFFFFF" else "30")
    legend = [p for p in painted if p[4].startswith(" ")]
    assert [p[4].strip() for p in legend] == [f"{style(s).symbol} {label(f'status.{s}', 'en')}" for s in STATUSES]
    assert all(hexcode(*map(int, p[:3])) == style(s).colour for p, s in zip(legend, STATUSES, strict=True))


def test_no_colour_when_asked_or_in_a_file(tmp_path) -> None:
    assert "\x1b[" not in invoke("align", "wuhan", env={"NO_COLOR": "1"}, color=True).stdout
    assert "\x1b[" not in invoke("matrix", env={"NO_COLOR": "1"}, color=True).stdout
    out = tmp_path / "wuhan.txt"
    invoke("align", "wuhan", "--out", str(out), color=True)
    text = out.read_text(encoding="utf-8")
    assert "\x1b" not in text and label("status.adopted", "en") in text


def test_markdown_marks_statuses_with_symbols_and_says_what_they_are(alignments) -> None:
    md = invoke("align", "wuhan", "--format", "md", "--lang", "zh").stdout
    legend = next(ln for ln in md.splitlines() if ln.startswith(label("md.legend", "zh")))
    for s in STATUSES:
        assert f"{style(s).symbol} {label(f'status.{s}', 'zh')}" in legend
    cells = {
        c[0].strip(): c[1].strip() for c in (ln.strip("|").split("|") for ln in md.splitlines() if ln.startswith("| N"))
    }
    for m in alignments["wuhan"].measures:
        assert cells[m.measure.id].startswith(f"{style(m.status).symbol} {label(f'status.{m.status}', 'zh')}")


# --- caveats with the numbers (27.4) --------------------------------------------------------------------------


def test_view_and_heatmap_carry_the_caveats(pages, alignments) -> None:
    chengdu = caveats(alignments["chengdu"])
    assert {c.code for c in chengdu} >= {"kind", "no_date"}  # a 碳达峰 plan without a date
    view = HTMLParser((pages / "chengdu.html").read_text(encoding="utf-8"))
    assert [li.text().strip() for li in view.css("#caveats li")] == [c.text("zh") for c in chengdu]
    heat = HTMLParser((pages / "matrix.html").read_text(encoding="utf-8"))
    # what every plan has alike (the same 9 measures not applying) is said once, for every plan; the ! beside a
    # coverage marks only what sets a plan apart (it was on all three, chengdu's other kind lost among them)
    shared = [li.text().strip() for li in heat.css("#caveats ul.shared-caveats > li")]
    assert len(shared) == 1 and shared[0].startswith("每个方案都有同样的 9 项国家措施不适用")
    for city in CITIES:
        found = [c.text("zh") for c in caveats(alignments[city]) if c.code != "not_applicable"]
        entry = heat.css_first(f"#cav-{city}")
        marker = heat.css_first(f'tr[data-name="{alignments[city].plan.meta.name}"] td.cov a.cav')
        if not found:
            assert entry is None and marker is None, city
            continue
        assert [li.text().strip() for li in entry.css("ul.plan-caveats > li")] == found
        assert marker.attributes["href"] == f"#cav-{city}"
    assert heat.css_first("#cav-chengdu") is not None
    wuhan = HTMLParser((pages / "wuhan.html").read_text(encoding="utf-8"))
    assert "kind" not in {c.code for c in caveats(alignments["wuhan"])}
    assert [li.text().strip() for li in wuhan.css("#caveats li")] == [
        c.text("zh") for c in caveats(alignments["wuhan"])
    ]


# --- counts that add up (27.7) ---------------------------------------------------------------------------------


def test_view_filter_counts_are_the_summary_counts(pages, summary) -> None:
    for city in CITIES:
        tree = HTMLParser((pages / f"{city}.html").read_text(encoding="utf-8"))
        boxes = {}
        for lab in tree.css("#f-status label"):
            box = lab.css_first("input")
            boxes[box.attributes.get("value") if box.attributes.get("name") == "status" else "framing"] = int(
                lab.text().split()[-1]
            )
        assert {s: boxes[s] for s in STATUSES} == {s: summary[city][s] for s in STATUSES}, city
        chips = {c.text().strip().rsplit(" ", 1)[0]: int(c.text().split()[-1]) for c in tree.css(".summary .chip")}
        assert {s: chips[label(f"status.{s}", "zh")] for s in STATUSES} == {s: boxes[s] for s in STATUSES}
        rows = tree.css("article.measure")
        counted = [r for r in rows if "data-framing" not in r.attributes]
        for s in STATUSES:  # a status box filters exactly as many rows as its count says
            assert sum(r.attributes["data-status"] == s for r in counted) == boxes[s], (city, s)
        assert len(rows) - len(counted) == boxes["framing"] > 0
        note = tree.css_first("#counts-note").text()
        assert str(boxes["framing"]) in note
