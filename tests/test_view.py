"""The 对照 view and the heatmap as files: every cell checked against `align`/`matrix --format json`, labels from
the strings file, self-contained, and plan text that stays text. tests/test_view_browser.py drives them in
Chromium."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from jtcompare.match.classify import STATUSES, MeasureResult
from jtcompare.report.html import key_terms, view_html
from jtcompare.report.i18n import label
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from typer.testing import CliRunner

from tests.conftest import PLANS, ROOT

runner = CliRunner()
CITIES = ["chongqing", "wuhan", "chengdu"]


def invoke(*args: str, plans: Path = PLANS, code: int = 0):
    result = runner.invoke(app, [*args, "--plans-dir", str(plans)])
    assert result.exit_code == code, result.output
    return result


@pytest.fixture(autouse=True)
def _default_language(monkeypatch) -> None:
    monkeypatch.delenv("JTCOMPARE_LANG", raising=False)


@pytest.fixture(scope="module")
def aligned() -> dict[str, dict]:
    data = json.loads(invoke("matrix", "--format", "json").stdout)
    return {p["plan"]["id"]: p for p in data["plans"]}


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    """matrix --out DIR/matrix.html: the heatmap and, beside it, the view of every plan."""
    folder = tmp_path_factory.mktemp("pages")
    invoke("matrix", "--out", str(folder / "matrix.html"))
    return folder


def dom(path: Path) -> HTMLParser:
    return HTMLParser(path.read_text(encoding="utf-8"))


def rows(tree: HTMLParser) -> dict[str, object]:
    return {r.attributes["data-id"]: r for r in tree.css("article.measure")}


def test_matrix_html_writes_the_heatmap_and_a_view_per_plan(pages) -> None:
    assert sorted(p.name for p in pages.iterdir()) == sorted(["matrix.html", *(f"{c}.html" for c in CITIES)])


def test_view_has_every_base_measure_with_the_engines_judgement(pages, aligned) -> None:
    for city in CITIES:
        found = rows(dom(pages / f"{city}.html"))
        measures = aligned[city]["measures"]
        assert list(found) == [m["id"] for m in measures]
        for m in measures:
            row = found[m["id"]]
            assert row.attributes["data-status"] == m["status"]
            assert row.css_first(".judge .chip").text().strip() == label(f"status.{m['status']}", "zh")
            assert row.css_first(".score").text().split()[-1] == f"{m['score']:.2f}"
            assert row.css_first(".nat p").text().endswith(m["text"])
            cited = [a.attributes["href"] for a in row.css(".city a.cite")]
            if m["matches"]:
                assert cited == [f"#pt-{x['id']}" for x in m["matches"]]
            assert row.css_first(".evidence").text().endswith(m["evidence"])


def test_view_header_counts_and_local_additions(pages, aligned) -> None:
    tree = dom(pages / "wuhan.html")
    summary = aligned["wuhan"]["summary"]
    chips = [c.text().strip() for c in tree.css(".summary .chip")]
    for status in STATUSES:
        assert f"{label(f'status.{status}', 'zh')} {summary[status]}" in chips
    assert f"{round(summary['coverage'] * 100)}%" in tree.css_first(".summary .cov").text()
    local = [li.attributes["id"] for li in tree.css("ol.local li[id]")]
    assert local == [f"lc-{x['id']}" for x in aligned["wuhan"]["local"]]


def test_every_link_in_the_view_has_its_target(pages) -> None:
    tree = dom(pages / "chongqing.html")
    ids = {n.attributes["id"] for n in tree.css("[id]")}
    hrefs = [a.attributes["href"] for a in tree.css("a[href]")]
    assert hrefs and all(h.startswith("#") or h == "./matrix.html" for h in hrefs)
    missing = {h for h in hrefs if h.startswith("#") and h[1:] not in ids}
    assert not missing
    # every city sentence of the full text is addressable, and every cited one links back to its row
    sentences = {n.attributes["id"]: n for n in tree.css("#pt span.s")}
    assert len(sentences) == sum(1 for i in ids if i.startswith("pt-CQ") and "." in i)
    for row in tree.css("article.measure"):
        for cite in row.css(".city p.sentence:not(.weak) a.cite"):
            back = sentences[cite.attributes["href"][1:]].next
            links = []
            while back is not None and back.tag == "a":
                links.append(back.attributes["href"])
                back = back.next
            assert f"#ms-{row.attributes['data-id']}" in links


def test_targets_side_by_side_with_their_verdict(pages, aligned) -> None:
    """A plan target where the base has none is shown as added, beside the plan sentence it stands in."""
    found = rows(dom(pages / "wuhan.html"))
    added = [m for m in aligned["wuhan"]["measures"] if "adds a quantified target" in m["evidence"]]
    assert added, "wuhan has a measure strengthened by an added target"
    for m in added:
        table = found[m["id"]].css_first("table.targets")
        cells = [td.text().strip() for td in table.css("tr")[1].css("td")]
        assert cells[1] == "—" and cells[3] == label("view.verdict.added", "zh")
        assert re.search(r"\d", cells[2])


def test_shared_and_missing_key_terms_are_marked() -> None:
    national = "稳步发展装配式建筑,推广使用绿色建材。"
    city = "积极推广装配式建筑,推进建筑垃圾全过程管理。"
    shared, missing = key_terms(national, [city])
    assert {"装配式", "推广"} <= set(shared) and "建材" in missing
    assert not [t for t in missing if t in city]


def marked(node, kind: str) -> str:
    """The node's text with every character outside a <mark class=kind> blanked out."""
    out = []
    for child in node.iter(include_text=True):
        if child.tag == "mark":
            out.append(child.text() if child.attributes.get("class") == kind else "\0" * len(child.text()))
        elif child.tag == "-text":
            out.append("\0" * len(child.text()))
    return "".join(out)


def test_view_marks_terms_in_both_texts(pages) -> None:
    """Each shared term listed is marked wherever it stands in either text; a missing one is not in the city text."""
    checked = 0
    for row in dom(pages / "chongqing.html").css("article.measure"):
        terms = row.css_first(".terms .shared-terms")
        shared = terms.text().split("、") if terms else []
        nat = row.css_first(".nat p")
        sentences = row.css(".city .sentence .text")
        city = " ".join(p.text() for p in sentences)
        for term in shared:
            assert term in nat.text(), term
            if term in city:
                assert any(term in marked(p, "shared") for p in sentences), term
                checked += 1
        for m in nat.css("mark.missing"):
            assert m.text() not in city
    assert checked > 100


def test_units_show_covered_or_missing_when_the_matcher_gives_them(library) -> None:
    """The matcher's action units (when it provides them) are listed per measure, each covered or missing."""
    from jtcompare.match.classify import align
    from jtcompare.match.settings import load_settings

    @dataclasses.dataclass(frozen=True)
    class Unit:
        text: str
        key_terms: tuple[str, ...]
        covered: bool
        by: str | None

    @dataclasses.dataclass(frozen=True)
    class WithUnits(MeasureResult):
        units: tuple[Unit, ...] = ()

    a = align(library.load("national"), library.load("wuhan"), load_settings(None))
    m = next(m for m in a.measures if m.measure.id == "N10.02")
    units = (
        Unit("稳步发展装配式建筑", ("装配式建筑",), True, m.matches[0].measure.id),
        Unit("推广使用绿色建材", ("绿色建材",), False, None),
    )
    fields = {f.name: getattr(m, f.name) for f in dataclasses.fields(MeasureResult)}
    a = dataclasses.replace(a, measures=tuple(WithUnits(**fields, units=units) if x is m else x for x in a.measures))
    row = HTMLParser(view_html(a, "zh")).css_first('article[data-id="N10.02"]')
    items = row.css("ul.units li")
    assert [li.attributes["class"] for li in items] == ["covered", "missing"]
    assert items[0].text().startswith(label("view.units.covered", "zh"))
    assert items[0].css_first("a").attributes["href"] == f"#pt-{m.matches[0].measure.id}"
    assert [x.text() for x in row.css(".nat mark.missing")] == ["绿色建材"]


def test_heatmap_cells_are_the_clause_coverage(pages, aligned) -> None:
    tree = dom(pages / "matrix.html")
    body = tree.css("table.heat tbody tr")
    assert [tr.css_first("th.plan span").text() for tr in body] == CITIES
    columns = [th.attributes["data-col"] for th in tree.css("table.heat thead th.col")]
    for tr, city in zip(body, CITIES, strict=True):
        clauses = {c["id"]: c for c in aligned[city]["clauses"]}
        assert columns == [c["id"] for c in aligned[city]["clauses"] if c["role"] == "action"]
        for td in tr.css("td.h"):
            clause = clauses[td.attributes["data-col"]]
            assert float(td.attributes["data-cov"]) == pytest.approx(clause["coverage"], abs=0.0005)
            assert td.css_first("a").text() == f"{clause['coverage']:.0%}"
            assert td.css_first("a").attributes["href"] == f"./{city}.html#cl-{clause['id']}"


def test_heatmap_bars_count_the_statuses(pages, aligned) -> None:
    tree = dom(pages / "matrix.html")
    groups = tree.css("svg.bars > g")
    assert len(groups) == len(CITIES)
    for g, city in zip(groups, CITIES, strict=True):
        titles = [t.text() for t in g.css("rect > title")]
        summary = aligned[city]["summary"]
        name = aligned[city]["plan"]["name"]
        assert titles == [f"{name} · {label(f'status.{s}', 'zh')} {summary[s]}" for s in STATUSES if summary[s]]
    legend = [c.text().strip() for c in tree.css("#legend-status .chip")]
    assert legend == [f"{label(f'status.{s}', 'zh')[:1]}\xa0{label(f'status.{s}', 'zh')}" for s in STATUSES]


def test_pages_are_self_contained(pages) -> None:
    for page in pages.iterdir():
        tree = dom(page)
        assert not tree.css("link, img, iframe, object, embed, script[src]")
        policy = tree.css_first('meta[http-equiv="Content-Security-Policy"]').attributes["content"]
        assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert len(tree.css("script")) == 2  # the data block and our one script
        assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", page.read_text(encoding="utf-8"), re.I)


def test_english_labels_with_lang_or_the_environment(tmp_path, monkeypatch) -> None:
    invoke("view", "wuhan", "--out", str(tmp_path / "en.html"), "--lang", "en")
    monkeypatch.setenv("JTCOMPARE_LANG", "en")
    invoke("view", "wuhan", "--out", str(tmp_path / "env.html"))
    for name in ("en.html", "env.html"):
        tree = dom(tmp_path / name)
        assert tree.css_first("html").attributes["lang"] == "en"
        assert tree.css_first("#compare h2").text() == label("view.section.compare", "en")
        statuses = {c.text().strip() for c in tree.css("article.measure .judge .chip")}
        assert statuses <= {label(f"status.{s}", "en") for s in STATUSES}
    zh = invoke("view", "wuhan", "--out", str(tmp_path / "zh.html"), "--lang", "zh")
    assert zh.exit_code == 0 and dom(tmp_path / "zh.html").css_first("#compare h2").text() == "逐条对照"


def test_report_and_align_write_the_same_view(tmp_path) -> None:
    invoke("view", "chengdu", "--out", str(tmp_path / "view.html"))
    invoke("report", "chengdu", "--out", str(tmp_path / "report.html"))
    invoke("align", "chengdu", "national", "--format", "html", "--out", str(tmp_path / "align.htm"))
    view = (tmp_path / "view.html").read_bytes()
    assert (tmp_path / "report.html").read_bytes() == view == (tmp_path / "align.htm").read_bytes()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["view", "wuhan"], 2, "error: the view is an HTML file: give --out FILE.html"),
        (["view", "wuhan", "--out", "x.csv"], 2, "error: x.csv: this command does not write csv; use one of html"),
        (["view", "wuhan", "--out", "x.html", "--lang", "fr"], 2, "error: unknown language 'fr'; choose one of zh, en"),
        (["matrix", "--format", "html"], 2, "error: html output needs --out FILE.html"),
        (["view", "nowhere", "--out", "x.html"], 2, "error: no plan 'nowhere'"),
    ],
)
def test_bad_view_options_are_one_line_errors(tmp_path, monkeypatch, args, code, message) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [*args, "--plans-dir", str(PLANS)])
    assert result.exit_code == code
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert not list(tmp_path.iterdir())


def test_views_beside_the_heatmap_need_force(tmp_path) -> None:
    (tmp_path / "wuhan.html").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["matrix", "--out", str(tmp_path / "m.html"), "--plans-dir", str(PLANS)])
    assert result.exit_code == 3 and "wuhan.html: file exists; use --force" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wuhan.html"]  # checked before anything was written
    invoke("matrix", "--out", str(tmp_path / "m.html"), "--no-views")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.html", "wuhan.html"]
    invoke("matrix", "--out", str(tmp_path / "m.html"), "--force")
    assert (tmp_path / "wuhan.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    view = dom(tmp_path / "wuhan.html").css_first(".top .meta a")
    assert view.attributes["href"] == "./m.html"


def copy_library(folder: Path) -> Path:
    folder.mkdir()
    for f in PLANS.glob("*.t*"):  # the texts and plans.toml
        shutil.copy(f, folder / f.name)
    return folder


def test_an_override_carries_a_badge_in_the_view_and_a_star_in_the_heatmap(tmp_path) -> None:
    lib = copy_library(tmp_path / "plans")
    invoke("override", "wuhan", "N08.03", "omitted", "--note", "只是标题相同", "--by", "ab", plans=lib)
    invoke("matrix", "--out", str(tmp_path / "matrix.html"), plans=lib)
    row = rows(dom(tmp_path / "wuhan.html"))["N08.03"]
    assert row.attributes["data-status"] == "omitted"
    assert row.css_first(".badge").text() == label("view.overridden", "zh")
    assert "只是标题相同 (ab," in row.css_first(".judge").text()
    others = [r for r in rows(dom(tmp_path / "wuhan.html")).values() if r.css_first(".judge .badge:not(.pending)")]
    assert len(others) == 1
    heat = dom(tmp_path / "matrix.html")
    starred = [(td.parent.attributes["data-name"], td.attributes["data-col"]) for td in heat.css("td.h.over")]
    assert starred == [("武汉市", "N08")]
    data = json.loads(heat.css_first("#jt-data").text())
    assert [p["overridden"] for p in data["plans"]] == [[], [data["order"].index("N08.03")], []]


XSS_META = {
    "name": '</title><script>window.__xss="name"</script>某市',
    "title": '<a href="javascript:window.__xss=\'meta title\'">某市方案</a>"><img src=x onerror=window.__xss=1>',
    "prefix": "X\"'<",
}


def xss_library(folder: Path) -> Path:
    """The national scheme and a plan whose text and metadata try to inject markup and script."""
    lib = copy_library(folder)
    shutil.copy(ROOT / "tests" / "fixtures" / "xss-plan.txt", lib / "xss.txt")
    entry = "\n".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in XSS_META.items())
    with (lib / "plans.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[xss]\n{entry}\nlevel = "city"\nkind = "减污降碳协同增效实施方案"\nfile = "xss.txt"\n')
    return lib


@pytest.fixture(scope="module")
def xss_pages(tmp_path_factory) -> Path:
    """The XSS plan as the plan (view, heatmap row) and as the base (its clauses head the heatmap's columns)."""
    folder = tmp_path_factory.mktemp("xss")
    lib = xss_library(folder / "plans")
    invoke("view", "xss", "--out", str(folder / "view.html"), plans=lib)
    invoke("view", "national", "xss", "--out", str(folder / "base.html"), plans=lib)
    invoke("matrix", "xss", "wuhan", "--out", str(folder / "matrix.html"), plans=lib)
    invoke("matrix", "national", "--base", "xss", "--out", str(folder / "by-xss.html"), "--no-views", plans=lib)
    return folder


def test_injected_markup_stays_text_in_the_file(xss_pages) -> None:
    """The browser test checks the DOM; here: the file holds no markup but ours, and the payloads as text."""
    for name in ("view.html", "base.html", "matrix.html", "by-xss.html", "xss.html"):
        page = (xss_pages / name).read_text(encoding="utf-8")
        tree = HTMLParser(page)
        assert page.count("<script") == 2 and not tree.css("img, iframe, svg[onload], b[onmouseover], style ~ style")
        assert not [n for n in tree.css("*") if any(a.startswith("on") for a in n.attributes)]
        assert "{{ 7*7 }}" in tree.body.text() or name.startswith(("matrix", "by-xss"))
    view = dom(xss_pages / "view.html")
    assert view.css_first("title").text().startswith(XSS_META["name"])
    assert view.css_first("h1").text() == XSS_META["title"]
    assert '<script>window.__xss = "measure"</script>' not in (xss_pages / "view.html").read_text(encoding="utf-8")


def test_a_warm_view_loads_neither_jieba_nor_pandas(tmp_path) -> None:
    out = tmp_path / "v.html"
    code = (
        "import sys; from typer.testing import CliRunner; import jtcompare.cli.main;"
        f"r = CliRunner().invoke(jtcompare.cli.main.app, ['view', 'wuhan', '--force', '--out', {str(out)!r},"
        f" '--plans-dir', {str(PLANS)!r}]);"
        "assert r.exit_code == 0, r.output; print('jieba' in sys.modules, 'pandas' in sys.modules)"
    )
    env = {**__import__("os").environ, "JTCOMPARE_CACHE_DIR": str(tmp_path / "cache")}
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert cold.stdout.split()[0] == "True" and warm.stdout.split() == ["False", "False"]
    assert list((tmp_path / "cache" / "templates").iterdir()), "compiled templates are cached"
