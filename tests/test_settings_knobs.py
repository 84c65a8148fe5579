"""Each tuning knob of Settings reaches the output a user reads, and a removed setting is refused with a reason."""

from __future__ import annotations

import dataclasses
import json

import pytest
from jtcompare.errors import BadOption
from jtcompare.match.classify import align, clause_status
from jtcompare.match.lexicon import words
from jtcompare.match.settings import DEFAULTS, load_settings
from jtcompare.plans.registry import open_library


@pytest.fixture(scope="module")
def plans():
    lib = open_library()
    return lib.load("national"), lib.load("chongqing")


def test_clause_taken_share_sets_the_clause_roll_up() -> None:
    counts = {"adopted": 2, "strengthened": 0, "partial": 1, "omitted": 0, "not_applicable": 0}
    assert clause_status(counts, DEFAULTS) == "adopted"  # two of three: the default two-thirds rule
    assert clause_status(counts, dataclasses.replace(DEFAULTS, clause_taken_share=0.9)) == "partial"


def test_clause_matches_bounds_the_listed_plan_clauses(plans) -> None:
    base, plan = plans
    one = align(base, plan, dataclasses.replace(DEFAULTS, clause_matches=1))
    assert max(len(c.matches) for c in one.clauses) == 1
    assert max(len(c.matches) for c in align(base, plan, DEFAULTS).clauses) == 3


def test_part_credit_is_what_a_compound_found_in_parts_earns(plans) -> None:
    base, plan = plans
    whole = align(base, plan, DEFAULTS)
    none = align(base, plan, dataclasses.replace(DEFAULTS, part_credit=0.0))
    # without credit for parts, no unit covers more, and some cover less
    pairs = [
        (u.coverage, v.coverage)
        for a, b in zip(whole.measures, none.measures, strict=True)
        for u, v in zip(a.units, b.units, strict=True)
    ]
    assert all(v <= u + 1e-9 for u, v in pairs)
    assert any(v < u for u, v in pairs)


def test_word_lists_come_from_the_data_file() -> None:
    w = words()
    assert "主要目标" in w.goal_titles and "指导思想" in w.framing_titles
    assert {"研究", "探索", "鼓励"} <= set(w.tentative)
    assert "利用率" in w.metric_words and "全面" in w.weak_binding


def test_a_removed_setting_is_refused_with_its_reason(tmp_path) -> None:
    config = tmp_path / "old.toml"
    config.write_text("[align]\nindicator_threshold = 0.6\n", encoding="utf-8")
    with pytest.raises(BadOption, match="indicator_threshold' was removed"):
        load_settings(config)


def test_a_title_ratio_out_of_range_is_one_line_and_a_failed_exit(tmp_path) -> None:
    from jtcompare.cli.main import app
    from typer.testing import CliRunner

    from tests.conftest import PLANS

    config = tmp_path / "titles.toml"
    config.write_text("[align]\nclause_title_match = 150\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["align", "wuhan", "--config", str(config), "--plans-dir", str(PLANS)])
    assert result.exit_code != 0
    message = result.output.strip()
    assert message.startswith(f"error: {config}:") and "clause_title_match" in message and "150" in message
    assert "\n" not in message
    assert "Traceback" not in result.output


def test_every_command_that_flags_cells_takes_check_below(tmp_path) -> None:
    """--check-below was align's alone: a matrix, a gap report or an export flagged at another line needed a whole
    config file. Each now takes it and flags fewer cells at a lower line; the export records it."""
    import sqlite3

    from jtcompare.cli.main import app
    from typer.testing import CliRunner

    from tests.conftest import PLANS

    runner = CliRunner()

    def flagged(*args: str) -> int:
        result = runner.invoke(app, [*args, "--plans-dir", str(PLANS)])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        return data["summary"][1]["flagged"] if isinstance(data["summary"], list) else data["summary"]["flagged"]

    for command in (["matrix", "--format", "json"], ["report", "wuhan", "--format", "json"]):
        assert 0 < flagged(*command, "--check-below", "0.45") < flagged(*command), command
    for line, name in (("0.45", "low.db"), ("0.6", "default.db")):
        done = runner.invoke(app, ["export", "wuhan", "--out", str(tmp_path / name), "--check-below", line])
        assert done.exit_code == 0, done.output
    counts = {}
    for name in ("low.db", "default.db"):
        with sqlite3.connect(tmp_path / name) as db:
            counts[name] = db.execute("SELECT sum(flagged) FROM judgements WHERE plan = 'wuhan'").fetchone()[0]
            settings = db.execute("SELECT value FROM export_info WHERE name = 'settings'").fetchone()[0]
        assert ("check_below" in settings) == (name == "low.db")
    assert 0 < counts["low.db"] < counts["default.db"]
