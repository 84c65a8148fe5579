"""Plan files as they reach analysts (legacy encodings, Word, PDF, web pages) parse like the seeds."""

from __future__ import annotations

import re

import pytest
from jtcompare.ingest.readers import read_document
from jtcompare.plans.importer import import_plan

from tests.fixtures import make


def outline(plan):
    return [(c.number, c.title, c.departments) for c in plan.clauses]


VARIANTS = {
    "gbk.txt": lambda t: make.encoded(t, "gbk"),
    "gb18030.txt": lambda t: make.encoded(t, "gb18030"),
    "bom.txt": lambda t: make.encoded(t, "utf-8-sig"),
    "utf16.txt": lambda t: make.encoded(t, "utf-16"),
    "docx": make.docx_bytes,
    "pdf": make.pdf_bytes,
    "spaced.pdf": lambda t: make.pdf_bytes(t, spaced=True),
    "narrow.pdf": lambda t: make.pdf_bytes(t, width=22, running_header=None, page_numbers="第 {n} 页"),
    "html": lambda t: make.html_bytes(t),
    "gbk.html": lambda t: make.html_bytes(t, encoding="gbk", declare=False),
    "inside.html": lambda t: make.html_bytes(t, encoding="gbk", declare="gb2312", header_inside=True),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("pid", ["national", "chongqing", "wuhan", "chengdu"])
def test_every_format_parses_like_the_seed(plans, tmp_path, pid, variant) -> None:
    path = tmp_path / f"{pid}.{variant}"
    path.write_bytes(VARIANTS[variant](make.seed(pid)))
    result = import_plan(path, tmp_path, dry_run=True)
    seed = plans[pid]
    assert outline(result.plan) == outline(seed)
    assert len(result.plan.measures) == len(seed.measures)
    assert not result.written and not (tmp_path / "plans.toml").exists()


@pytest.mark.parametrize(("pid", "encoding"), [("chengdu", "big5"), ("wuhan", "big5hkscs")])
def test_big5_is_detected(plans, tmp_path, pid, encoding) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(make.encoded(make.seed(pid), encoding))
    doc = read_document(path)
    assert doc.text == make.seed(pid)
    assert doc.encoding.startswith("big5")
    assert outline(import_plan(path, tmp_path, dry_run=True).plan) == outline(plans[pid])


@pytest.mark.parametrize(("text", "encoding"), [("推进减污降碳协同增效", "gbk"), ("推進減污降碳協同增效", "big5")])
def test_a_short_legacy_text_is_detected(tmp_path, text, encoding) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes(text.encode(encoding))
    assert read_document(path).text == text


def test_pdf_text_layer_from_reportlab_is_usable(tmp_path) -> None:
    """reportlab's CID font STSong-Light gives pypdf real Unicode text, not glyph ids."""
    path = tmp_path / "p.pdf"
    path.write_bytes(make.pdf_bytes("武汉市减污降碳协同增效实施方案\n(一)扎实实施碳达峰行动。", running_header=None))
    assert "武汉市减污降碳协同增效实施方案" in read_document(path).text


def test_pdf_running_headers_page_numbers_and_wraps_are_removed(tmp_path) -> None:
    path = tmp_path / "chongqing.pdf"
    path.write_bytes(make.pdf_bytes(make.seed("chongqing"), spaced=True))
    doc = read_document(path)
    assert "行政规范性文件" not in doc.text and not re.search(r"—\s*\d+\s*—", doc.text)
    assert "(三)加强生态环境分区管控。严格落实生态保护红线、环境质量底线" in doc.text
    assert any("running header" in n for n in doc.notes)
    assert any("page numbers" in n for n in doc.notes)
    assert any("spaces between characters" in n for n in doc.notes)


@pytest.mark.parametrize("inside", [False, True])
def test_web_page_keeps_the_article_and_drops_the_site(tmp_path, inside) -> None:
    path = tmp_path / "news.htm"
    headline = "重庆市生态环境局等部门关于印发《重庆市减污降碳协同增效实施方案》的函"
    page = make.html_bytes(
        make.seed("chongqing"), encoding="gbk", declare="gb2312", headline=headline, header_inside=inside
    )
    path.write_bytes(page)
    doc = read_document(path)
    for junk in ("首页", "版权所有", "分享到", "相关阅读", "var nav", "登录"):
        assert junk not in doc.text, junk
    # the news header, where it shares the plan's box, stays before the plan as front matter
    assert doc.text.splitlines()[0] == (headline if inside else "重庆市生态环境局等部门")
    assert doc.title_hint == headline
    result = import_plan(path, tmp_path, dry_run=True)
    assert result.plan.front_matter.startswith(headline if inside else "重庆市生态环境局等部门")
    assert not any("发布时间" in m.text for m in result.plan.measures)
    assert result.meta.title == "重庆市减污降碳协同增效实施方案"
    assert result.meta.date == "2023-08-18"  # the signature's date, not the site's 发布时间


def test_docx_tables_and_runs_are_read(tmp_path) -> None:
    import docx

    document = docx.Document()
    para = document.add_paragraph()
    para.add_run("(一)推进").bold = True
    para.add_run("工业领域协同增效。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "指标", "2025年目标"
    table.cell(1, 0).text, table.cell(1, 1).text = "单位GDP能耗下降", "14%"
    path = tmp_path / "t.docx"
    document.save(path)
    assert read_document(path).text.splitlines() == [
        "(一)推进工业领域协同增效。",
        "指标 2025年目标",
        "单位GDP能耗下降 14%",
    ]


@pytest.mark.parametrize(
    ("pid", "meta"),
    [
        ("wuhan", ("wuhan", "武汉市", "city", "减污降碳协同增效实施方案", "2023-05-11", "WH")),
        ("chongqing", ("chongqing", "重庆市", "city", "减污降碳协同增效实施方案", "2023-08-18", "CQ")),
        ("chengdu", ("chengdu", "成都市", "city", "碳达峰实施方案", None, "CD")),
        ("national", ("national", "国家", "national", "减污降碳协同增效实施方案", None, "N")),
    ],
)
def test_metadata_is_guessed_from_the_text(tmp_path, pid, meta) -> None:
    path = tmp_path / f"{pid}.docx"
    path.write_bytes(make.docx_bytes(make.seed(pid)))
    m = import_plan(path, tmp_path, dry_run=True).meta
    assert (m.id, m.name, m.level, m.kind, m.date, m.prefix) == meta


def test_unstructured_text_falls_back_to_paragraphs_with_a_warning(tmp_path) -> None:
    text = (
        "某某市推进绿色低碳发展工作方案\n"
        "为加快推进绿色低碳发展，结合本市实际，制定本方案。\n"
        "全面加强工业领域节能降碳，严格落实能耗双控制度，推动重点行业开展清洁生产审核。"
        "鼓励企业实施节能改造，支持建设绿色工厂。\n"
        "大力推动交通运输绿色转型，完善充电基础设施，提升新能源汽车占比，优化城市公交线网。\n"
        "健全生态环境监测体系，强化执法监管，确保各项任务落实到位，探索建立碳普惠机制。\n"
    )
    path = tmp_path / "plain.txt"
    path.write_text(text, encoding="utf-8")
    result = import_plan(path, tmp_path, name="某某市", plan_id="mou")
    plan = result.plan
    assert any("no numbered clauses found" in w for w in plan.warnings)
    assert [c.title[:6] for c in plan.clauses] == ["为加快推进绿", "全面加强工业", "大力推动交通", "健全生态环境"]
    assert plan.clauses[1].measures[1].text.startswith("鼓励企业实施节能改造")
    assert result.meta.kind == "推进绿色低碳发展工作方案"


@pytest.mark.parametrize(
    ("name", "build", "option", "fmt"),
    [
        ("plan.txt", make.pdf_bytes, [], "pdf"),  # the content wins over the name
        ("plan.txt", make.html_bytes, [], "html"),
        ("plan", make.docx_bytes, [], "docx"),
        ("plan.dat", make.html_bytes, ["txt"], "txt"),  # --from wins over both
    ],
)
def test_the_format_comes_from_the_content_or_from(tmp_path, name, build, option, fmt) -> None:
    path = tmp_path / name
    path.write_bytes(build(make.seed("chongqing")))
    doc = read_document(path, fmt=option[0] if option else None)
    assert doc.format == fmt
