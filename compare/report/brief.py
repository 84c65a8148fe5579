"""The Word brief: one or two A4 pages a reader takes into a meeting.

Headline figures, the caveats, a chart of statuses by chapter, the main gaps by chapter and by national
lead department (牵头部门), the targets, and how the figures were made. Chinese by default. The page
header names plan and base; the footer carries the tool, date and "page x of y" (Word fields).
"""

from __future__ import annotations

from collections import Counter
from typing import BinaryIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from jtcompare.match.results import COVERAGE_STATUSES, STATUSES, Alignment
from jtcompare.report.caveats import caveats
from jtcompare.report.cells import pct, target_phrase
from jtcompare.report.chart import Bar, status_chart
from jtcompare.report.frames import chapter_label, targets_frame
from jtcompare.report.i18n import Lang, label
from jtcompare.report.provenance import provenance
from jtcompare.report.vocab import base_title, column, plan_title, status_word, text, verdict_word

EAST_ASIAN_FONT = "Noto Sans CJK SC"  # Word substitutes its own CJK font where this one is missing
TOP_GAPS = 6  # omitted measures quoted in the brief; the rest are in the gap report
TOP_DEPARTMENTS = 6
TOP_TARGETS = 8
GAP_STATUSES = ("omitted", "partial")


def write_brief(a: Alignment, stream: BinaryIO, *, lang: Lang = "zh") -> None:
    doc = Document()
    _page(doc, a, lang)
    prov = provenance([a])
    vs = {"plan": plan_title(a.plan.meta), "base": base_title(a.base.meta, lang)}
    doc.add_heading(text("brief.title", lang, **vs), level=0)
    _small(doc, text("brief.made", lang, version=prov.version, date=prov.made))
    _headline(doc, a, lang)
    _caveats(doc, a, lang)
    _chart(doc, a, lang)
    _gaps(doc, a, lang)
    _targets(doc, a, lang)
    _small(doc, text("brief.method", lang))
    doc.core_properties.title = text("brief.title", lang, **vs)
    doc.core_properties.author = f"jtcompare {prov.version}"
    doc.save(stream)


# --- page ---------------------------------------------------------------------------------------------------------


def _page(doc, a: Alignment, lang: Lang) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(1.8)
    for name, size in (("Normal", 10), ("Title", 16), ("Heading 1", 12.5), ("Heading 2", 11)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    doc.styles["Normal"].paragraph_format.space_after = Pt(3)
    header = section.header.paragraphs[0]
    vs = label("word.vs", lang)
    run = header.add_run(f"{plan_title(a.plan.meta)} {vs} {base_title(a.base.meta, lang)}")
    run.font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    prov = provenance([a])
    _run(footer, f"jtcompare {prov.version} · {prov.made} · ")
    page = label("brief.page", lang)
    before, rest = page.split("{page}")
    middle, after = rest.split("{pages}")
    _run(footer, before)
    _field(footer, "PAGE")
    _run(footer, middle)
    _field(footer, "NUMPAGES")
    _run(footer, after)


def _run(paragraph, content: str, size: float = 8):
    run = paragraph.add_run(content)
    run.font.size = Pt(size)
    return run


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES): the page numbers are filled in when the document is laid out."""
    run = _run(paragraph, "")
    for kind, body in (("begin", None), (None, f" {code} "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if body.strip() == code else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = body
        run._r.append(el)


def _small(doc, content: str) -> None:
    p = doc.add_paragraph()
    run = p.add_run(content)
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)


def _table(doc, headers: list[str], rows: list[list[str]], widths: list[float]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Light Grid Accent 1"
    table.autofit = False
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Cm(width)
    for cell, title in zip(table.rows[0].cells, headers, strict=True):
        cell.text = title
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    _keep_rows_whole(table)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
            for p in cell.paragraphs:
                p.paragraph_format.space_after = Pt(0)
                for run in p.runs:
                    run.font.size = Pt(8.5)


def _keep_rows_whole(table) -> None:
    """The header row repeats on every page the table reaches (w:tblHeader), and no row is split across a page
    break (w:cantSplit): a gap's sentence stays beside its measure id."""
    for k, row in enumerate(table.rows):
        props = row._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        if k == 0:
            props.append(OxmlElement("w:tblHeader"))


# --- content ------------------------------------------------------------------------------------------------------


def _headline(doc, a: Alignment, lang: Lang) -> None:
    doc.add_heading(text("brief.headline", lang), level=1)
    counts = a.counts()
    doc.add_paragraph(
        text(
            "brief.headline_text",
            lang,
            measures=sum(counts[s] for s in COVERAGE_STATUSES),
            name=a.plan.meta.name,
            coverage=pct(a.coverage),
            local=len(a.local),
            **{s: counts.get(s, 0) for s in STATUSES},
        )
    )
    verdicts = Counter(targets_frame([a])["verdict"])
    doc.add_paragraph(
        text(
            "brief.targets_text",
            lang,
            stricter=verdicts["stricter"],
            equal=verdicts["equal"],
            laxer=verdicts["laxer"],
            added=verdicts["added"],
            missing=verdicts["not in plan"],
        )
    )


def _caveats(doc, a: Alignment, lang: Lang) -> None:
    doc.add_heading(text("brief.caveats", lang), level=1)
    found = caveats(a)
    if not found:
        doc.add_paragraph(text("brief.no_caveats", lang))
    for c in found:
        run = doc.add_paragraph(style="List Bullet").add_run(c.text(lang))
        run.bold = True


def chapter_bars(a: Alignment) -> list[Bar]:
    """Counted measures per base chapter by status, in document order."""
    order: dict[str, Bar] = {}
    numbers = {c.title: k for k, c in enumerate(a.base.chapters, 1)}
    for m in a.measures:
        if not m.counted:
            continue
        key = m.clause.chapter
        if key not in order:
            short = str(numbers.get(key, len(order) + 1))
            order[key] = Bar(chapter_label(a.base, m.clause), short, dict.fromkeys(STATUSES, 0))
        order[key].counts[m.status] += 1
    return list(order.values())


def _chart(doc, a: Alignment, lang: Lang) -> None:
    import io

    doc.add_heading(text("brief.chart", lang), level=1)
    png = status_chart(chapter_bars(a), lang)
    doc.add_picture(io.BytesIO(png), width=Cm(14))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _small(doc, text("brief.chart_caption", lang, name=a.plan.meta.name))


def _gaps(doc, a: Alignment, lang: Lang) -> None:
    """Gaps by national lead department (counts), then the omitted measures by chapter (a selection)."""
    doc.add_heading(text("brief.gaps", lang), level=1)
    gaps = [m for m in a.measures if m.counted and m.status in GAP_STATUSES]
    heads = [status_word("omitted", lang), status_word("partial", lang)]
    doc.add_heading(text("brief.gaps_by_department", lang), level=2)
    rows = [[dept, str(c["omitted"]), str(c["partial"])] for dept, c in by_department(gaps, lang)]
    _table(doc, [column("departments", lang), *heads], rows, [8, 2.5, 2.5])
    doc.add_heading(text("brief.top_gaps", lang), level=2)
    omitted = [m for m in gaps if m.status == "omitted"]
    rows = [
        [m.measure.id, chapter_label(a.base, m.clause), _lead(m), m.units_covered, _clip(m.measure.text, 54)]
        for m in _spread(omitted)
    ]
    heads = [column(k, lang) for k in ("measure", "chapter", "departments", "units", "text")]
    _table(doc, heads, rows, [2.2, 3.2, 2.8, 1.6, 7.2])
    if len(omitted) > len(rows):
        _small(doc, text("brief.more", lang, n=len(omitted) - len(rows), plan=a.plan.id, name=a.plan.meta.name))


def by_department(gaps: list, lang: Lang) -> list[tuple[str, Counter]]:
    """The gaps counted by national lead department: the departments with the most omitted (then partial)
    measures, the rest and the measures that name none in one row, and the total, so that the table adds up to
    the counts the brief leads with."""
    counts: dict[str, Counter] = {}
    for m in gaps:
        if _lead(m):
            counts.setdefault(_lead(m), Counter())[m.status] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1]["omitted"], -kv[1]["partial"], kv[0]))
    unnamed = any(not _lead(m) for m in gaps)
    # at most TOP_DEPARTMENTS rows above the total: the rest's row takes the place of one department
    fits = len(ranked) <= TOP_DEPARTMENTS - unnamed
    shown = ranked if fits else ranked[: TOP_DEPARTMENTS - 1]
    rest = Counter(m.status for m in gaps) - sum((c for _, c in shown), Counter())
    rows = shown + ([(text("brief.other", lang), rest)] if rest else [])
    return [*rows, (text("brief.total", lang), Counter(m.status for m in gaps))]


def _lead(m) -> str:
    """The clause's 牵头部门: the first department it names."""
    return m.clause.departments[0] if m.clause.departments else ""


def _spread(measures: list, n: int = TOP_GAPS) -> list:
    """Up to n measures, one per chapter first (the chapters with most omissions first), in document order."""
    by_chapter: dict[str, list] = {}
    for m in measures:
        by_chapter.setdefault(m.clause.chapter, []).append(m)
    chapters = sorted(by_chapter, key=lambda c: -len(by_chapter[c]))
    picked: list = []
    depth = 0
    while len(picked) < min(n, len(measures)):
        for c in chapters:
            if depth < len(by_chapter[c]) and len(picked) < n:
                picked.append(by_chapter[c][depth])
        depth += 1
    order = {id(m): k for k, m in enumerate(measures)}
    return sorted(picked, key=lambda m: order[id(m)])


def _clip(content: str, n: int) -> str:
    return content if len(content) <= n else content[: n - 1] + "…"


def _targets(doc, a: Alignment, lang: Lang) -> None:
    doc.add_heading(text("brief.targets", lang), level=1)
    df = targets_frame([a])
    if df.empty:
        doc.add_paragraph(text("brief.no_targets", lang))
        return
    rows = []
    for r in df.to_dict(orient="records")[:TOP_TARGETS]:
        base = _target(r["base_indicator"], r["base_year"], r["base_comparator"], r["base_value"], r["base_unit"])
        plan = _target(r["plan_indicator"], r["plan_year"], r["plan_comparator"], r["plan_value"], r["plan_unit"])
        rows.append([r["measure"], base, plan, verdict_word(r["verdict"], lang)])
    heads = [column("measure", lang), column("base_target", lang), column("plan_target", lang), column("verdict", lang)]
    _table(doc, heads, rows, [2.6, 6.4, 6.4, 1.6])
    if len(df) > TOP_TARGETS:
        _small(doc, text("brief.more", lang, n=len(df) - TOP_TARGETS, plan=a.plan.id, name=a.plan.meta.name))


def _target(indicator: str, year: int | None, comparator: str, value, unit: str) -> str:
    if not indicator:
        return ""
    when = f"{year}: " if year else ""
    return f"{when}{indicator} {target_phrase(comparator, value, unit)}"
