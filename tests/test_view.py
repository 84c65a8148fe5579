"""The 对照 view and the heatmap as files: every cell checked against `align`/`matrix --format json`, labels from
the strings file, self-contained, and plan text that stays text. tests/test_view_browser.py drives them in
Chromium."""

from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from jtcompare.match.highlights import key_terms
from jtcompare.match.results import STATUSES
from jtcompare.report.evidence import evidence_text
from jtcompare.report.html import view_html
from jtcompare.report.i18n import label
from jtcompare.report.palette import style
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from typer.testing import CliRunner

from tests import screenshots
from tests.capabilities import need, start_browser
from tests.conftest import PLANS, ROOT, copy_library

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
            units = row.css_first(".score")
            if m["status"] == "not_applicable":  # its reason, not unit calls that would read as gaps
                assert (units is None or units.text().split()[0] != label("score.label", "zh")) and not row.css(
                    ".units li"
                )
            else:
                assert units.text().split()[-1] == f"{m['key_units_covered']}/{m['key_units_total']}"
            assert row.css_first(".nat p").text().endswith(m["text"])
            cited = [a.attributes["href"] for a in row.css(".city a.cite")]
            if m["matches"]:
                assert cited == [f"#pt-{x['id']}" for x in m["matches"]]
            assert row.css_first(".evidence").text().endswith(evidence_text(m["evidence"], "zh"))


def test_view_header_counts_and_local_additions(pages, aligned) -> None:
    tree = dom(pages / "wuhan.html")
    summary = aligned["wuhan"]["summary"]
    chips = [c.text().strip() for c in tree.css(".summary .chip")]
    for status in STATUSES:
        assert f"{label(f'status.{status}', 'zh')} {summary[status]}" in chips
    shown = int(re.search(r"(\d+)%", tree.css_first(".summary .cov").text()).group(1))
    assert abs(shown - summary["coverage"] * 100) <= 0.51
    local = [li.attributes["id"] for li in tree.css("ol.local li[id]")]
    assert local == [f"lc-{x['id']}" for x in aligned["wuhan"]["local"]]
    # a framing or situation clause is listed, not counted: its heading says so and shows no status counts
    counted = {m["clause_id"] for m in aligned["wuhan"]["measures"] if m["counted"]}
    for clause in tree.css("section.clause"):
        head = clause.css_first("header")
        assert bool(head.css("span.counts")) == (clause.attributes["id"][3:] in counted), clause.attributes["id"]


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
        sentences = row.css(".city .sentence .words")
        city = " ".join(p.text() for p in sentences)
        for term in shared:
            assert term in nat.text(), term
            if term in city:
                assert any(term in marked(p, "shared") for p in sentences), term
                checked += 1
        for m in nat.css("mark.missing"):
            assert m.text() not in city
    assert checked > 100


def test_units_show_covered_or_missing(library) -> None:
    """The matcher's action units are listed per measure, each covered or missing, its missing terms struck."""
    from jtcompare.match.classify import align
    from jtcompare.match.settings import load_settings

    a = align(library.load("national"), library.load("chongqing"), load_settings(None))
    mixed = [m for m in a.measures if len({u.covered for u in m.units}) == 2 and m.applies]
    assert mixed, "some measure is taken up in part: one unit covered, another not"
    tree = HTMLParser(view_html(a, "zh"))
    for m in mixed:
        items = tree.css_first(f'article[data-id="{m.measure.id}"]').css("ul.units li")
        assert [li.attributes["class"] for li in items] == [u.state + ("" if u.key else " framing") for u in m.units]
        for li, u in zip(items, m.units, strict=True):
            word = label(f"view.units.{u.state}", "zh")
            framing = "" if u.key else f" · {label('view.units.framing', 'zh')}"
            assert li.text().startswith(f"{word}{framing}：{u.text}")  # a Chinese page's colon
            assert [s.text() for s in li.css("s")] == [k for k in u.key_terms if k in u.missing]
            assert [x.attributes["href"] for x in li.css("a")] == ([f"#pt-{u.by}"] if u.by else [])


def test_heatmap_cells_are_the_clause_coverage(pages, aligned) -> None:
    tree = dom(pages / "matrix.html")
    body = tree.css("table.heat tbody tr")
    assert [tr.attributes["data-plan"] for tr in body] == CITIES  # the id is for scripts: a reader sees 武汉市
    assert [tr.css_first("th.plan a").text() for tr in body] == ["重庆市", "武汉市", "成都市"]
    columns = [th.attributes["data-col"] for th in tree.css("table.heat thead th.col")]
    for tr, city in zip(body, CITIES, strict=True):
        clauses = {c["id"]: c for c in aligned[city]["clauses"]}
        assert columns == [c["id"] for c in aligned[city]["clauses"] if c["role"] == "action"]
        for td in tr.css("td.h"):
            clause = clauses[td.attributes["data-col"]]
            assert float(td.attributes["data-cov"]) == pytest.approx(clause["coverage"], abs=0.0005)
            # the cell prints the coverage to a whole percent; the JSON keeps it to 3 decimals (0.455 may be
            # 0.4545, printed 45%), so the two agree to half a percent plus that rounding
            printed = int(td.css_first("a").text().removesuffix("%"))
            assert abs(printed - 100 * clause["coverage"]) <= 0.5 + 0.05
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
    assert legend == [f"{style(s).symbol}\xa0{label(f'status.{s}', 'zh')}" for s in STATUSES]


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
        (
            ["view", "wuhan", "--out", "x.html", "--lang", "fr"],
            2,
            "error: --lang: unknown language 'fr'; choose one of zh, en",
        ),
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
    assert result.exit_code == 3 and result.stderr == (
        f"error: {tmp_path / 'wuhan.html'}: file exists; the heatmap writes each plan's view beside it: use --force "
        "to overwrite them, or --no-views to write the heatmap alone\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wuhan.html"]  # checked before anything was written
    invoke("matrix", "--out", str(tmp_path / "m.html"), "--no-views")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.html", "wuhan.html"]
    invoke("matrix", "--out", str(tmp_path / "m.html"), "--force")
    assert (tmp_path / "wuhan.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    view = dom(tmp_path / "wuhan.html").css_first(".top .meta a")
    assert view.attributes["href"] == "./m.html"


def test_an_override_carries_a_badge_in_the_view_and_a_star_in_the_heatmap(tmp_path) -> None:
    lib = copy_library(tmp_path / "plans")
    invoke("override", "wuhan", "N08.03", "omitted", "--note", "只是标题相同", "--by", "ab", plans=lib)
    invoke("matrix", "--out", str(tmp_path / "matrix.html"), plans=lib)
    row = rows(dom(tmp_path / "wuhan.html"))["N08.03"]
    assert row.attributes["data-status"] == "omitted"
    assert row.css_first(".badge").text() == label("view.overridden", "zh")
    assert "只是标题相同 (ab," in row.css_first(".judge").text()
    badge = ".judge .badge:not(.pending):not(.check)"  # the override badge, not review or to-check ones
    others = [r for r in rows(dom(tmp_path / "wuhan.html")).values() if r.css_first(badge)]
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


# --- in a real browser (headless Chromium from the system's packages) --------------------------------------


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(downloads):
    d = start_browser(downloads=downloads, size=(1400, 1000))
    yield d
    from benchmarks import browser

    browser.stop(d)


def load(driver, path: Path, fragment: str = "") -> None:
    from benchmarks.browser import open_page

    open_page(driver, path, fragment)


def visible(driver) -> list[tuple[str, str]]:
    """(id, status) of the measure rows the reader can see (laid out, not hidden)."""
    return [
        tuple(x)
        for x in driver.execute_script(
            "return Array.from(document.querySelectorAll('article.measure'))"
            ".filter(r => r.getClientRects().length).map(r => [r.dataset.id, r.dataset.status])"
        )
    ]


def in_view(driver, element) -> bool:
    """The element is inside the window and inside every scrolling box around it."""
    return driver.execute_script(
        """const r = arguments[0].getBoundingClientRect();
        if (r.bottom < 0 || r.top > window.innerHeight) return false;
        for (let p = arguments[0].parentElement; p; p = p.parentElement) {
          if (p.scrollHeight > p.clientHeight && getComputedStyle(p).overflowY === 'auto') {
            const b = p.getBoundingClientRect();
            if (r.bottom < b.top || r.top > b.bottom) return false;
          }
        }
        return true;""",
        element,
    )


def screenshot(driver, name: str, tmp_path: Path) -> None:
    """The README's screenshot, compared with the committed one (tests/screenshots.py)."""
    screenshots.check(driver.get_screenshot_as_png(), name, tmp_path / "screenshots")


def test_status_chapter_department_and_text_filters(driver, pages, aligned, library) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    load(driver, pages / "wuhan.html")
    measures = aligned["wuhan"]["measures"]
    assert visible(driver) == [(m["id"], m["status"]) for m in measures]
    boxes = driver.find_elements(By.CSS_SELECTOR, "#f-status input")
    for box in boxes:
        if box.get_attribute("value") != "omitted":
            box.click()
    # framing measures have a box of their own: unticked, the omitted box shows only counted measures
    omitted = [(m["id"], "omitted") for m in measures if m["status"] == "omitted" and m["counted"]]
    assert omitted and visible(driver) == omitted
    assert driver.find_element(By.ID, "shown").text == f"显示 {len(omitted)} / {len(measures)} 条措施"
    shown_clauses = {
        c.get_attribute("id") for c in driver.find_elements(By.CSS_SELECTOR, "section.clause") if c.is_displayed()
    }
    assert shown_clauses == {f"cl-{m['clause_id']}" for m in measures if (m["id"], "omitted") in omitted}
    # each box alone shows as many rows as the count printed beside it, the summary's count (issue 27.7)
    summary = aligned["wuhan"]["summary"]
    for box in boxes:
        for other in boxes:
            if other.is_selected() != (other == box):
                other.click()
        printed = int(box.find_element(By.XPATH, "..").text.split()[-1])
        assert len(visible(driver)) == printed, box.get_attribute("value")
        if box.get_attribute("name") == "status":
            assert printed == summary[box.get_attribute("value")]

    load(driver, pages / "wuhan.html")
    national, wuhan = library.load("national"), library.load("wuhan")
    Select(driver.find_element(By.ID, "f-chapter")).select_by_visible_text("突出重点领域")
    assert {national.clause(m["clause_id"]).chapter for m in measures if (m["id"], m["status"]) in visible(driver)} == {
        "突出重点领域"
    }
    Select(driver.find_element(By.ID, "f-chapter")).select_by_value("")
    Select(driver.find_element(By.ID, "f-dept")).select_by_visible_text("交通运输部")
    expected = [
        m["id"]
        for m in measures
        if "交通运输部" in national.clause(m["clause_id"]).departments
        or any("交通运输部" in wuhan.clause(x["clause_id"]).departments for x in m["matches"])
    ]
    assert expected and [i for i, _ in visible(driver)] == expected
    Select(driver.find_element(By.ID, "f-dept")).select_by_value("")
    driver.find_element(By.ID, "f-text").send_keys("新能源汽车")
    found = [i for i, _ in visible(driver)]
    assert [m["id"] for m in measures if "新能源汽车" in m["text"]] == [
        i for i in found if "新能源汽车" in next(m["text"] for m in measures if m["id"] == i)
    ]
    for i in found:
        assert "新能源汽车" in driver.find_element(By.ID, f"ms-{i}").text


def test_a_city_sentence_leads_into_the_full_text_and_back(driver, pages, aligned) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    load(driver, pages / "wuhan.html")
    m = next(m for m in aligned["wuhan"]["measures"] if m["matches"] and m["clause_id"] == "N09")
    row = driver.find_element(By.ID, f"ms-{m['id']}")
    row.find_element(By.CSS_SELECTOR, ".city a.cite").click()
    target = driver.find_element(By.ID, f"pt-{m['matches'][0]['id']}")
    assert driver.execute_script("return location.hash") == f"#pt-{m['matches'][0]['id']}"
    assert target.text == m["matches"][0]["text"]
    assert in_view(driver, target)
    back = driver.execute_script(
        "let e = arguments[0].nextElementSibling;"
        "while (e && e.matches('a.back') && e.getAttribute('href') !== arguments[1]) e = e.nextElementSibling;"
        "return e;",
        target,
        f"#ms-{m['id']}",
    )
    back.click()
    assert driver.execute_script("return location.hash") == f"#ms-{m['id']}" and in_view(driver, row)
    # a row hidden by the filters is shown again when a link leads to it
    status_box = driver.find_element(By.CSS_SELECTOR, f"#f-status input[value={m['status']}]")
    driver.execute_script("arguments[0].scrollIntoView()", status_box)
    status_box.click()
    wait = WebDriverWait(driver, 5)  # the page reacts to clicks and hash changes in event handlers: wait for them
    wait.until(lambda d: not row.is_displayed())
    driver.execute_script("location.hash = arguments[0]", f"#pt-{m['matches'][0]['id']}")
    back.click()
    wait.until(lambda d: row.is_displayed())
    assert in_view(driver, row) and status_box.is_selected()


def test_a_review_in_the_page_becomes_an_override(driver, downloads, tmp_path) -> None:
    """Set a status and a note in the page, export the CSV, import it, and `align` shows the override."""
    import csv
    import io
    import time

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    lib = copy_library(tmp_path / "plans")
    out = tmp_path / "wuhan.html"
    invoke("view", "wuhan", "--out", str(out), plans=lib)
    before = json.loads(invoke("align", "wuhan", "--format", "json", plans=lib).stdout)["measures"]
    candidates = [m for m in before if m["counted"] and m["status"] == "partial"]
    m = next((m for m in candidates if m["clause_id"] == "N10"), candidates[0])
    note = f"{m['matches'][0]['id'] if m['matches'] else '另有'} 已体现此要求"
    load(driver, out)
    driver.execute_script("localStorage.clear()")
    load(driver, out)
    row = driver.find_element(By.ID, f"ms-{m['id']}")
    Select(row.find_element(By.CSS_SELECTOR, ".rv-status")).select_by_value("adopted")
    row.find_element(By.CSS_SELECTOR, ".rv-note").send_keys(note)
    driver.find_element(By.ID, "reviewer").send_keys("王芳")  # the reviewer's name, kept for every page
    assert row.find_element(By.CSS_SELECTOR, ".badge.pending").is_displayed()
    assert driver.find_element(By.ID, "reviewed").text == "已复核 1 条"
    load(driver, out)  # kept in the browser
    row = driver.find_element(By.ID, f"ms-{m['id']}")
    assert (
        Select(row.find_element(By.CSS_SELECTOR, ".rv-status")).first_selected_option.get_attribute("value")
        == "adopted"
    )
    assert row.find_element(By.CSS_SELECTOR, ".rv-note").get_attribute("value") == note
    assert driver.find_element(By.ID, "reviewer").get_attribute("value") == "王芳"

    exported = downloads / "wuhan-national-review.csv"
    exported.unlink(missing_ok=True)
    driver.find_element(By.ID, "export").click()
    deadline = time.monotonic() + 15
    # Chromium creates the file before it writes it: wait for content, and for no partial download beside it
    while not (exported.exists() and exported.stat().st_size and not list(downloads.glob("*.crdownload"))):
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    raw = exported.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    # the page is in Chinese, and so is its review file: titles, places and the status as the workbook writes them
    assert list(csv.reader(io.StringIO(raw.decode("utf-8-sig")))) == [
        ["方案", "对照基准", "国家措施编号", "国家措施原文", "分析员判定", "分析员备注", "复核人"],
        ["武汉市", "国家", m["id"], m["text"], "采纳", note, "王芳"],
    ]

    result = invoke("override", "--import", str(exported), plans=lib)
    assert f"wuhan {m['id']}: engine's call (partial) -> adopted" in result.stdout
    assert "1 changed, 0 confirmed, 0 unchanged, 0 stale" in result.stdout
    after = {x["id"]: x for x in json.loads(invoke("align", "wuhan", "--format", "json", plans=lib).stdout)["measures"]}
    assert after[m["id"]]["status"] == "adopted"
    assert after[m["id"]]["overridden"] == f"{note} (王芳, {datetime.date.today().isoformat()})"
    table = invoke("align", "wuhan", plans=lib).stdout.splitlines()
    assert any(line.startswith(m["id"]) and "adopted*" in line for line in table)

    invoke("view", "wuhan", "--out", str(out), "--force", plans=lib)
    load(driver, out, f"#ms-{m['id']}")
    row = driver.find_element(By.ID, f"ms-{m['id']}")
    assert row.find_element(By.CSS_SELECTOR, ".judge .badge:not(.pending)").text == "人工改判"
    assert row.find_element(By.CSS_SELECTOR, ".judge .chip").text == "采纳"
    assert not row.find_element(By.CSS_SELECTOR, ".badge.pending").is_displayed()  # imported: no longer pending
    screenshot(driver, "view.png", tmp_path)
    driver.execute_script("localStorage.clear()")


def test_heatmap_sorts_expands_and_opens_a_view_at_the_clause(driver, pages, aligned, tmp_path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    load(driver, pages / "matrix.html")

    def order() -> list[str]:
        return [e.get_attribute("data-plan") for e in driver.find_elements(By.CSS_SELECTOR, "table.heat tbody tr")]

    def sort(selector: str) -> None:
        driver.find_element(By.CSS_SELECTOR, f"table.heat thead {selector} button.sort").click()

    coverage = {c: aligned[c]["summary"]["coverage"] for c in CITIES}
    assert order() == CITIES
    sort('th[data-key="cov"]')
    assert order() == sorted(CITIES, key=lambda c: -coverage[c])
    sort('th[data-key="cov"]')
    assert order() == sorted(CITIES, key=lambda c: coverage[c])
    n08 = {c: next(x["coverage"] for x in aligned[c]["clauses"] if x["id"] == "N08") for c in CITIES}
    sort('th[data-col="N08"]')
    assert order() == sorted(CITIES, key=lambda c: -n08[c])

    driver.find_element(By.CSS_SELECTOR, 'th[data-col="N09"] button.exp').click()
    ids = [m["id"] for m in aligned["wuhan"]["measures"] if m["clause_id"] == "N09"]
    assert [e.text for e in driver.find_elements(By.CSS_SELECTOR, "thead th.m")] == ids
    for tr in driver.find_elements(By.CSS_SELECTOR, "table.heat tbody tr"):
        city = tr.get_attribute("data-plan")
        status = {m["id"]: m["status"] for m in aligned[city]["measures"]}
        cells = tr.find_elements(By.CSS_SELECTOR, "td.m")
        assert [c.text for c in cells] == [style(status[i]).symbol for i in ids]
        assert [c.find_element(By.TAG_NAME, "a").get_attribute("href").split("/")[-1] for c in cells] == [
            f"{city}.html#ms-{i}" for i in ids
        ]
        # a cell's tooltip says its key units covered, as every output does (none for one that does not apply)
        units = {m["id"]: (m["key_units_covered"], m["key_units_total"]) for m in aligned[city]["measures"]}
        for c, i in zip(cells, ids, strict=True):
            title = c.find_element(By.TAG_NAME, "a").get_attribute("title")
            covered, total = units[i]
            assert title.endswith(f"关键要点 {covered}/{total}") if total else "关键要点" not in title, (city, i)
    mean = {
        c["id"]: sum(next(x["coverage"] for x in aligned[p]["clauses"] if x["id"] == c["id"]) for p in CITIES)
        for c in aligned["wuhan"]["clauses"]
        if c["role"] == "action"
    }
    Select(driver.find_element(By.ID, "col-order")).select_by_value("mean")
    heads = {
        e.get_attribute("data-col"): float(e.get_attribute("data-mean"))
        for e in driver.find_elements(By.CSS_SELECTOR, "thead th.col")
    }
    assert list(heads.values()) == sorted(heads.values(), reverse=True) and heads.keys() == mean.keys()
    assert all(heads[c] == pytest.approx(mean[c] / len(CITIES), abs=0.001) for c in mean)
    assert len(driver.find_elements(By.CSS_SELECTOR, "thead th.m")) == len(ids)  # still expanded
    Select(driver.find_element(By.ID, "col-order")).select_by_value("number")
    driver.find_element(By.ID, "expand-all").click()
    action = {c["id"] for c in aligned["wuhan"]["clauses"] if c["role"] == "action"}
    measures = sum(m["clause_id"] in action for m in aligned["wuhan"]["measures"])
    assert len(driver.find_elements(By.CSS_SELECTOR, "tbody td.m")) == measures * len(CITIES)
    driver.find_element(By.ID, "collapse-all").click()
    assert not driver.find_elements(By.CSS_SELECTOR, "td.m, th.m")
    driver.find_element(By.CSS_SELECTOR, 'th[data-col="N09"] button.exp').click()
    sort('th[data-key="cov"]')
    screenshot(driver, "heatmap.png", tmp_path)

    driver.find_element(By.CSS_SELECTOR, 'tr[data-name="武汉市"] td.h[data-col="N08"] a').click()
    from selenium.webdriver.support.ui import WebDriverWait

    from benchmarks.browser import open_page  # noqa: F401  (the page loads by the click; wait for its script)

    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("/wuhan.html#cl-N08"))
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.documentElement.dataset.ready"))
    assert in_view(driver, driver.find_element(By.ID, "cl-N08"))
    driver.find_element(By.CSS_SELECTOR, ".top .meta a").click()  # and back to the heatmap
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("/matrix.html"))


def test_injected_markup_is_inert_in_the_browser(driver, xss_pages) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    for name in ("view.html", "base.html", "matrix.html", "by-xss.html", "xss.html"):
        load(driver, xss_pages / name)
        assert driver.execute_script("return window.__xss") is None, name
        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert  # noqa: B018
        found = driver.execute_script(
            """const all = Array.from(document.querySelectorAll('*'));
            return {
              scripts: document.scripts.length,
              embedded: document.querySelectorAll('img, iframe, object, embed, image').length,
              handlers: all.filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length,
              schemes: Array.from(document.links, a => a.protocol).filter(p => p !== 'file:'),
              styles: document.querySelectorAll('style').length,
              shown: getComputedStyle(document.body).display,
              title: document.title,
              text: document.body.textContent,
            };"""
        )
        assert found["scripts"] == 2 and found["embedded"] == 0 and found["handlers"] == 0, (name, found)
        assert found["schemes"] == [] and found["styles"] == 1 and found["shown"] == "block", (name, found)
        if name in ("view.html", "xss.html"):
            assert found["title"].startswith(XSS_META["name"])
            assert '<script>window.__xss = "measure"</script>' in found["text"]
            assert "{{ 7*7 }}" in found["text"]


def test_readme_html_commands_write_the_pages(tmp_path, monkeypatch) -> None:
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- html:.*?```sh\n(.*?)```", readme, re.S)
    assert block, "README has no html block"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JTCOMPARE_PLANS_DIR", str(PLANS))
    for _ in range(2):  # and again over the pages of the first run
        for line in block.group(1).splitlines():
            args = shlex.split(line, comments=True)
            if args[:1] == ["mkdir"]:
                (tmp_path / args[-1]).mkdir(exist_ok=True)
            elif args:
                assert args[0] == "jtcompare"
                result = runner.invoke(app, args[1:])
                assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == sorted(
        ["matrix.html", *(f"{c}.html" for c in CITIES)]
    )


def _printed(driver, page: Path, tmp_path: Path, landscape: bool = False) -> list[str]:
    """The page printed to A4 by Chromium (its print stylesheet), read back page by page with pdftotext."""
    import base64

    need("pdftotext")
    load(driver, page)
    pdf = tmp_path / (page.stem + ".pdf")
    printed = driver.execute_cdp_cmd(
        "Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "landscape": landscape, "printBackground": True}
    )
    pdf.write_bytes(base64.b64decode(printed["data"]))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_the_view_prints_both_texts_whole_without_its_controls(driver, pages, library, tmp_path) -> None:
    """On paper the view is what a reader reads: every sentence of both full texts (not one screen of each, cut
    by a scroll box), no filter bar, review buttons or empty review boxes."""
    text = re.sub(r"\s+", "", "".join(_printed(driver, pages / "wuhan.html", tmp_path)))
    for plan in ("national", "wuhan"):
        measures = library.load(plan).measures
        for m in (measures[len(measures) // 2], measures[-1]):  # the middle and the end of each text
            assert re.sub(r"\s+", "", m.text)[:30] in text, (plan, m.id)
    for control in ("导出复核表", "清除复核", "搜索文字", "分析员判定", "显示157/157条措施"):
        assert control not in text, control


def test_the_heatmap_prints_every_clause_column_without_its_buttons(driver, pages, tmp_path) -> None:
    """The heatmap on one landscape A4: every clause column's coverage in each city's row (none cut off by the
    scroll box), no sort list or expand buttons."""
    columns = len(dom(pages / "matrix.html").css("thead th.col"))
    pages_text = _printed(driver, pages / "matrix.html", tmp_path, landscape=True)
    assert len(pages_text) == 1
    row = next(line for line in pages_text[0].splitlines() if line.strip().startswith("重庆市"))
    assert len(re.findall(r"\d+%", row)) == columns + 1, row  # its coverage, then one cell per clause
    for control in ("全部展开", "全部收起", "条款排序"):
        assert control not in pages_text[0], control
