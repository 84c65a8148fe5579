"""`jtcompare align`: the engine's judgements on the real seeds, and one judgement in every format."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from jtcompare.cli.main import app
from jtcompare.match.classify import align
from jtcompare.match.settings import DEFAULTS
from jtcompare.report.i18n import label
from jtcompare.report.palette import style
from typer.testing import CliRunner

from tests.conftest import PLANS, cache_without_alignments

runner = CliRunner()


@pytest.fixture(scope="module")
def alignments(plans, city_alignments):
    return {"national": align(plans["national"], plans["national"], DEFAULTS), **city_alignments}


def by_text(alignment, fragment):
    (m,) = [m for m in alignment.measures if fragment in m.measure.text]
    return m


@pytest.mark.parametrize("pid", ["national", "chongqing", "wuhan", "chengdu"])
def test_a_plan_aligned_with_itself_is_fully_adopted(plans, pid) -> None:
    a = align(plans[pid], plans[pid], DEFAULTS)
    assert {m.status for m in a.measures} == {"adopted"}, [m.evidence for m in a.measures if m.status != "adopted"]
    assert a.coverage == 1.0 and not a.local
    assert all(pc.best and pc.best[0].id == pc.clause.id for pc in a.plan_clauses)


def test_situation_and_framing_are_listed_not_counted(alignments) -> None:
    a = alignments["chongqing"]
    roles = {m.clause.title: m.role for m in a.measures}
    assert roles["面临形势"] == "situation" and roles["指导思想"] == "framing"
    assert sum(a.counts().values()) == sum(
        1 for m in a.measures if m.clause.title not in ("面临形势", "指导思想", "工作原则")
    )


@pytest.mark.parametrize("pid", ["chongqing", "wuhan"])
def test_northern_winter_heating_does_not_apply_in_the_south(alignments, pid) -> None:
    """重庆 and 湖北 lie outside the northern heating region (compare/match/data/regions.toml): not applicable,
    said so, and left out of coverage."""
    m = by_text(alignments[pid], "北方地区冬季清洁取暖")
    assert m.status == "not_applicable" and m.region == "北方地区" and not m.counted
    assert "northern China" in m.evidence  # the matcher's line is English; a Chinese output says 北方地区


def test_a_region_bound_measure_is_not_applicable_even_where_a_plan_takes_it_up(alignments) -> None:
    """chengdu (四川) lies outside the 大气污染防治重点区域; its own new-energy vehicle share (CD12) is shown in the
    units, but the measure's 50% goal is for that region: not applicable, whatever the plan says."""
    m = by_text(alignments["chengdu"], "大气污染防治重点区域新能源汽车新车销售量")
    assert m.status == "not_applicable" and m.region == "大气污染防治重点区域" and not m.counted
    assert m.units  # what the plan does about it is still there to read


def test_identical_sentence_with_a_target_in_its_clause_is_strengthened(alignments) -> None:
    m = by_text(alignments["chongqing"], "稳步发展装配式建筑,推广使用绿色建材")
    assert m.matches[0].score == 1.0 and m.matches[0].measure.text == m.measure.text
    assert m.status == "strengthened"
    assert "装配式建筑" in m.evidence and "30%" in m.evidence


def test_traditional_script_plan_matches_in_simplified(alignments) -> None:
    m = by_text(alignments["wuhan"], "加快老旧农机报废更新力度")
    assert m.matches[0].clause.id == "WH09"
    assert m.matches[0].measure.text.startswith("加大老旧农机淘汰力度")  # written 加大老舊農機淘汰力度
    # labelled adopted
    assert m.status in ("adopted", "partial")


def run_json(*args):
    result = runner.invoke(app, ["align", *args, "--plans-dir", str(PLANS)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_shape() -> None:
    data = json.loads(run_json("wuhan", "national", "--format", "json"))
    assert data["plan"] == {"id": "wuhan", "name": "武汉市", "title": "武汉市减污降碳协同增效实施方案"}
    m = data["measures"][0]
    assert set(m) >= {"id", "clause", "text", "status", "score", "matches", "evidence", "targets"}
    assert all(
        x["status"] in ("adopted", "strengthened", "partial", "omitted", "not_applicable") for x in data["measures"]
    )
    assert all(0 <= x["score"] <= 1 for x in data["measures"])
    c = data["clauses"][5]
    assert set(c) >= {"id", "number", "title", "status", "coverage", "matches"}
    assert set(data["plan_clauses"][0]) >= {"id", "number", "title", "best"}
    assert isinstance(data["local"], list)


def test_every_format_carries_the_same_judgement(tmp_path) -> None:
    data = json.loads(run_json("chongqing", "--format", "json"))
    statuses = {m["id"]: m["status"] for m in data["measures"]}
    rows = list(csv.DictReader(io.StringIO(run_json("chongqing", "--format", "csv"))))
    assert {r["measure"]: r["status"] for r in rows} == statuses
    # key units as two numbers: "2/3" in a CSV is the 3rd of February to a spreadsheet that opens it
    pairs = {m["id"]: f"{m['key_units_covered']}/{m['key_units_total']}" for m in data["measures"]}
    assert {r["measure"]: f"{r['key_units_covered']}/{r['key_units_total']}" for r in rows} == pairs
    assert not any("/" in v for r in rows for v in r.values() if re.fullmatch(r"\d+/\d+", v))
    words = {k: label(f"status.{v}", "en") for k, v in statuses.items()}  # human outputs show labels
    assert "not applicable" in words.values()
    md = run_json("chongqing", "--format", "md")
    md_rows = {c[0]: c[1] for c in (ln.strip("|").split("|") for ln in md.splitlines() if ln.startswith("| N"))}
    # a Markdown status cell starts with the status's symbol (report.palette), for black-and-white print
    assert {k.strip(): v.strip().rstrip("?") for k, v in md_rows.items()} == {
        k: f"{style(statuses[k]).symbol} {w}" for k, w in words.items()
    }
    # the cells the engine is unsure of carry a ? in the human outputs, exactly those JSON flags `check`
    to_check = {m["id"] for m in data["measures"] if m["flagged"]}
    assert to_check and to_check == {k.strip() for k, v in md_rows.items() if v.strip().endswith("?")}
    unsure = {r["measure"] for r in rows if r["confidence"] and float(r["confidence"]) < DEFAULTS.check_below}
    assert {m for m in unsure if next(r for r in rows if r["measure"] == m)["counted"] == "yes"} == to_check
    for width in ("40", "200"):
        result = runner.invoke(app, ["align", "chongqing", "--plans-dir", str(PLANS)], env={"COLUMNS": width})
        lines = [ln for ln in result.stdout.splitlines() if ln[:1] in "NC" and "." in ln[:8]]
        table = {ln.split()[0]: ln.split(None, 1)[1] for ln in lines}
        assert table.keys() == words.keys()
        assert all(table[k].startswith(w) for k, w in words.items())
        assert all(table[k].startswith(w + "?") == (k in to_check) for k, w in words.items())


def test_out_file_format_from_extension(tmp_path) -> None:
    out = tmp_path / "cq.json"
    result = runner.invoke(app, ["align", "chongqing", "--plans-dir", str(PLANS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["plan"]["id"] == "chongqing"
    again = runner.invoke(app, ["align", "chongqing", "--plans-dir", str(PLANS), "--out", str(out)])
    assert again.exit_code == 3 and "use --force" in again.stderr


def test_config_file_and_options_override_defaults(tmp_path) -> None:
    cfg = tmp_path / "strict.toml"
    cfg.write_text("[align]\ncheck_below = 0.99\n", encoding="utf-8")
    data = json.loads(run_json("wuhan", "--format", "json", "--config", str(cfg)))
    assert data["settings"]["check_below"] == 0.99
    strict = sum(m["flagged"] for m in data["measures"])
    loose = json.loads(run_json("wuhan", "--format", "json", "--check-below", "0.3"))
    assert strict > sum(m["flagged"] for m in loose["measures"])
    old = tmp_path / "old.toml"
    old.write_text("[align]\nadopt_threshold = 0.5\n", encoding="utf-8")
    result = runner.invoke(app, ["align", "wuhan", "--plans-dir", str(PLANS), "--config", str(old)])
    assert result.exit_code == 2 and "setting 'adopt_threshold' was removed: a status is now a rule" in result.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[align]\nadopt_treshold = 0.5\n", encoding="utf-8")
    result = runner.invoke(app, ["align", "wuhan", "--plans-dir", str(PLANS), "--config", str(bad)])
    assert result.exit_code == 2 and "unknown setting 'adopt_treshold'" in result.stderr


def test_config_prints_a_file_that_config_accepts(tmp_path) -> None:
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0, result.output
    assert f"check_below = {DEFAULTS.check_below}" in result.stdout
    cfg = tmp_path / "c.toml"
    changed = result.stdout.replace(f"check_below = {DEFAULTS.check_below}", "check_below = 0.7")
    cfg.write_text(changed, encoding="utf-8")
    again = runner.invoke(app, ["config", "--config", str(cfg)])
    assert "check_below = 0.7" in again.stdout


def test_a_warm_run_never_loads_jieba(tmp_path) -> None:
    """Every text matching tokenises is cached with the plan: a warm run skips jieba's 0.8 s load."""
    import subprocess
    import sys

    code = (
        "import sys; from typer.testing import CliRunner; import jtcompare.cli.main;"
        f"r = CliRunner().invoke(jtcompare.cli.main.app, ['align', 'chongqing', '--plans-dir', {str(PLANS)!r}]);"
        "assert r.exit_code == 0, r.output; print('jieba' in sys.modules)"
    )
    env = {**__import__("os").environ, "JTCOMPARE_CACHE_DIR": str(tmp_path)}
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert cold.stdout.strip() == "True" and warm.stdout.strip() == "False"


def test_a_command_that_succeeds_never_loads_the_help_and_error_formatter(tmp_path, city_alignments) -> None:
    """Typer's rich formatter (typer.rich_utils, with rich's markdown) costs about 70 ms to import; the command
    line replaces its usage-error formatter only when Typer loads it for help or an error, never up front."""
    import subprocess
    import sys

    code = (
        "import sys; from jtcompare.cli.main import app;"
        f"sys.argv = ['jtcompare', 'align', 'chongqing', '--plans-dir', {str(PLANS)!r}];"
        "import atexit; atexit.register(lambda: print('typer.rich_utils' in sys.modules, file=sys.stderr));"
        "app()"
    )
    cache = cache_without_alignments(tmp_path / "cache", city_alignments)  # the matching is done: all is loaded
    env = {**__import__("os").environ, "JTCOMPARE_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "False"
    wrong = subprocess.run(
        [sys.executable, "-c", code.replace("'chongqing'", "'--bogus'")], capture_output=True, text=True, env=env
    )
    assert wrong.returncode == 2 and wrong.stderr.strip().splitlines()[-1] == "True"  # loaded to say the error


@pytest.mark.parametrize("city", ["chongqing", "wuhan", "chengdu"])
def test_json_carries_the_targets_the_evidence_cites(city, city_alignments) -> None:
    """A cell strengthened by a stricter or an added plan target, or weakened by a laxer one, carries that target
    pair in JSON (`compared`), not only in the evidence's words."""
    result = runner.invoke(app, ["align", city, "--format", "json", "--plans-dir", str(PLANS)])
    cited = {"stricter target": "stricter", "adds a quantified target": "added", "laxer target": "laxer"}
    seen = 0
    for m in json.loads(result.stdout)["measures"]:
        for words, verdict in cited.items():
            if words in m["evidence"]:
                seen += 1
                pairs = [p for p in m["compared"] if p["verdict"] == verdict]
                assert pairs and all(p["plan"]["indicator"] and p["plan_measure"] for p in pairs), m["id"]
                assert (verdict == "added") == all(p["base"] is None for p in pairs), m["id"]
    assert seen
