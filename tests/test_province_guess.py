"""The province of an imported plan, read from its name or text when not given (issue 25, item 4).

A city plan imported without --province used to have none, so every national measure bound to regions it lies
outside (北方地区, 大气污染防治重点区域, 沙漠、戈壁、荒漠地区) counted as its gap. Now the importer reads the
province from the plan's name (重庆市) or from the province its text names most, records it in plans.toml, says
so in the import output, and never lets such a guess replace a province a curator wrote.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from jtcompare.match import regions
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.importer import import_plan
from jtcompare.plans.metadata import guess_province, short_province
from jtcompare.plans.registry import open_library
from typer.testing import CliRunner

from tests.conftest import PLANS

runner = CliRunner()


def library(tmp_path: Path) -> Path:
    """A library holding the national scheme alone."""
    folder = tmp_path / "lib"
    folder.mkdir(parents=True)
    shutil.copy(PLANS / "national.txt", folder / "national.txt")
    toml = (PLANS / "plans.toml").read_text(encoding="utf-8")
    (folder / "plans.toml").write_text(toml[toml.index("[national]") : toml.index("\n[", toml.index("[national]"))])
    return folder


def entry(folder: Path, plan_id: str) -> dict:
    return tomllib.loads((folder / "plans.toml").read_text(encoding="utf-8"))[plan_id]


def not_applicable(folder: Path, plan_id: str) -> set[str]:
    from jtcompare.match.classify import align

    lib = open_library(folder)
    return {
        m.measure.id
        for m in align(lib.load("national"), lib.load(plan_id), DEFAULTS).measures
        if m.status == "not_applicable"
    }


@pytest.mark.parametrize(
    ("city", "province", "because"),
    [("wuhan", "湖北", "text"), ("chengdu", "四川", "text"), ("chongqing", "重庆", "name")],
)
def test_a_city_plan_imported_without_province_gets_the_one_its_text_names(tmp_path, city, province, because) -> None:
    folder = library(tmp_path)
    result = runner.invoke(app, ["import", str(PLANS / f"{city}.txt"), "--id", "city", "--plans-dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert entry(folder, "city")["province"] == province
    assert "province" in entry(folder, "city")["guessed"]
    line = next(ln for ln in result.output.splitlines() if ln.startswith(f"- province {province}"))
    assert because in line and "--province" in line
    assert any(ln.split()[:3] == ["province", province, "guessed"] for ln in result.output.splitlines())


def test_the_guess_leaves_out_what_the_curated_province_leaves_out(tmp_path) -> None:
    """The measures a guessed 湖北 makes not applicable are those the shipped wuhan entry (湖北, written by hand)
    makes so: region-bound ones, and the central-only ones that apply to no city."""
    folder = library(tmp_path)
    import_plan(PLANS / "wuhan.txt", folder, plan_id="wuhan")
    shipped = {m.measure.id for m in _shipped("wuhan") if m.status == "not_applicable"}
    assert not_applicable(folder, "wuhan") == shipped
    (tmp_path / "plain.txt").write_text(_without_province(), encoding="utf-8")
    bare = library(tmp_path / "bare")
    import_plan(tmp_path / "plain.txt", bare, plan_id="wuhan")  # no province: region-bound measures are judged
    assert not_applicable(bare, "wuhan") < shipped


def _without_province() -> str:
    return (PLANS / "wuhan.txt").read_text(encoding="utf-8").replace("湖北", "本")


def _shipped(plan_id: str):
    from jtcompare.match.classify import align

    lib = open_library(PLANS)
    return align(lib.load("national"), lib.load(plan_id), DEFAULTS).measures


def test_a_guess_never_replaces_a_province_a_curator_wrote(tmp_path) -> None:
    folder = library(tmp_path)
    import_plan(PLANS / "chengdu.txt", folder, plan_id="cd", province="重庆")  # deliberately not the text's
    again = import_plan(PLANS / "chengdu.txt", folder, plan_id="cd", force=True)
    assert entry(folder, "cd")["province"] == "重庆"
    assert "province" not in entry(folder, "cd").get("guessed", [])
    assert again.meta.province == "重庆"


def test_what_the_text_does_not_settle_is_not_guessed(tmp_path) -> None:
    assert guess_province("落实湖北省部署。对接湖北省。", "某市", "national") is None  # a national plan has none
    assert guess_province("对接湖北、湖南两省。协同湖北、湖南。", "某市", "city") is None  # two named alike
    assert guess_province("学习浙江经验。", "某市", "city") is None  # once is a citation, not a place
    assert guess_province("落实湖北省部署，对接湖北省，学习浙江。", "某市", "city").province == "湖北"
    assert guess_province("学习浙江经验。", "上海市", "city").province == "上海"
    folder = library(tmp_path)
    (tmp_path / "plain.txt").write_text(_without_province(), encoding="utf-8")
    result = runner.invoke(app, ["import", str(tmp_path / "plain.txt"), "--id", "plain", "--plans-dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert "province" not in entry(folder, "plain")
    assert "- province not told by the name or the text: give --province" in result.output


def test_a_province_is_its_whole_name_not_a_prefix() -> None:
    """海南藏族自治州 is a prefecture of 青海 and 河南县 a county of it: their names begin with a province's, they are
    not it; 新疆维吾尔自治区 and 广西壮族自治区 are 新疆 and 广西 (once cut to 新疆维吾尔 and 广西壮族, which lie
    in no region, so every measure bound to a region 新疆 is in was left out of its coverage)."""
    assert guess_province("", "海南藏族自治州", "city") is None
    assert guess_province("落实青海省部署。青海省要求。", "海南藏族自治州", "city").province == "青海"
    assert guess_province("", "新疆维吾尔自治区", "province").province == "新疆"
    assert [short_province(n) for n in ("湖北省", "重庆市", "广西壮族自治区", "宁夏回族自治区", "香港特别行政区")] == [
        "湖北", "重庆", "广西", "宁夏", "香港"
    ]  # fmt: skip
    bound = [row for row in regions.table().values() if row.kind == "region"]
    inside = [row for row in bound if any("新疆" in r.provinces for r in row.regions)]
    assert inside, "the reviewed table binds some measure to a region 新疆 lies in"
    for row in inside:
        assert regions.not_applicable(row.measure, row.quote, "新疆维吾尔自治区", "province") is None
        assert regions.not_applicable(row.measure, row.quote, "湖北省", "city") is row


@pytest.mark.parametrize("province", ["胡北", "武汉", "海南藏族自治州"])
def test_a_province_that_is_none_is_refused_before_anything_is_written(tmp_path, province) -> None:
    folder = library(tmp_path)
    result = runner.invoke(
        app, ["import", str(PLANS / "wuhan.txt"), "--province", province, "--plans-dir", str(folder)]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"--province '{province}' must be a province's Chinese name" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["national.txt", "plans.toml"]
