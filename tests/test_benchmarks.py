"""The benchmark runs end to end in quick mode and reports benchmarks/evaluate.py's own figures.

Never checks speed: only that every section is there and that the accuracy numbers are the
evaluator's on the same labels. Also: the noise helper and the synthetic corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from jtcompare.match.classify import align
from jtcompare.match.results import STATUSES
from jtcompare.match.settings import DEFAULTS
from jtcompare.plans.registry import open_library
from jtcompare.text.normalise import normalise

from benchmarks import run
from benchmarks.corpus import cn_number, write_corpus
from benchmarks.evaluate import (
    FOUR,
    HELDOUT,
    Scorecard,
    clause_accuracy,
    match_accuracy,
    read_clause_labels,
    read_labels,
    score_measures,
)
from benchmarks.noise import KINDS, inject, to_traditional
from tests.conftest import ROOT

CITIES = ("chongqing", "wuhan", "chengdu")
SECTIONS = (
    "# Benchmark results",
    "## Targets",
    "## Accuracy",
    "## Robustness to noise",
    "## Speed and memory",
    "## Scaling",
    "## Where the time goes",
)


def tables(markdown: str) -> dict[str, list[str]]:
    """Every Markdown table row, keyed by its first cell."""
    rows = {}
    for line in markdown.splitlines():
        if line.startswith("|") and not line.startswith("|-"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows.setdefault(cells[0], cells[1:])
    return rows


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "RESULTS.md"
    printed = run.main(["--quick", "--out", str(out), "--work", str(tmp / "work")])
    return out.read_text(encoding="utf-8"), printed


@pytest.mark.slow
def test_quick_run_writes_every_section(quick: tuple[str, str]) -> None:
    text, printed = quick
    assert text == printed
    for heading in SECTIONS:
        assert f"\n{heading}\n" in f"\n{text}", heading
    rows = tables(text)
    for name in ("align cold (empty cache)", "align warm", "matrix, 3 cities, warm"):
        assert float(rows[name][1]) > 0, name
    for kind in ("ruby", "inline", "spaces", "broken", "traditional"):
        assert kind in rows, kind
    assert "engine, warm, --jobs 2" in rows and "engine, cold" in rows and "baseline" in rows
    assert float(rows["`jtcompare --help`"][1]) > 0
    for mode in ("cold", "warm, update in place"):  # issue 28's export, on the largest scaling corpus
        assert float(rows[f"export --format sqlite, 3 plans, {mode}"][1]) > 0, mode


@pytest.mark.slow
def test_quick_run_reports_the_evaluators_accuracy(quick: tuple[str, str], plans) -> None:
    labels = read_labels(HELDOUT)  # the headline table is the held-out part
    clause_labels = read_clause_labels(ROOT / "tests" / "labels" / "clauses.csv")
    engine = {c: align(plans["national"], plans[c], DEFAULTS) for c in CITIES}
    card = score_measures(engine, labels)
    rows = tables(quick[0])
    assert rows["measure-status accuracy"][0] == f"{card.accuracy:.3f}"
    assert rows["macro-F1 over the four statuses"][0] == f"{card.macro_f1:.3f}"
    assert rows["best match in a labelled plan clause"][0] == f"{match_accuracy(engine, labels):.3f}"
    for s in FOUR:
        for what in ("precision", "recall"):
            value = getattr(card, what)(s)
            assert rows[f"{s}: {what}"][0] == ("–" if value is None else f"{value:.3f}")
    for c in CITIES:
        assert rows[f"clause alignment, {c}"][0] == f"{clause_accuracy(engine[c], clause_labels):.3f}"
    confusion = card.confusion()
    engine_part = quick[0].split("held-out part, engine")[1].split("held-out part, baseline")[0]
    assert tables(engine_part)["adopted"] == [str(confusion["adopted"][p]) for p in STATUSES]


@pytest.mark.parametrize("kind", KINDS)
def test_noise_is_seeded_and_normalises_away(kind: str) -> None:
    text = (ROOT / "data" / "plans" / "national.txt").read_text(encoding="utf-8")
    noisy = inject(text, kind, seed=3)
    assert noisy == inject(text, kind, seed=3)
    assert noisy != text
    assert noisy != inject(text, kind, seed=4)


def test_traditional_noise_mixes_scripts() -> None:
    assert to_traditional("减污降碳协同增效") == "減污降碳協同增效"
    noisy = inject("减污降碳\n" * 40, "traditional", seed=1)
    assert {"减污降碳", "減污降碳"} == set(noisy.split())
    assert normalise(noisy).text.split() == ["减污降碳"] * 40


def test_unknown_noise_kind() -> None:
    with pytest.raises(ValueError, match="unknown noise kind 'mojibake'"):
        inject("text", "mojibake")  # type: ignore[arg-type]


def test_the_bootstrap_interval_brackets_the_accuracy_and_narrows_with_more_rows() -> None:
    small = Scorecard([("adopted", "adopted")] * 70 + [("adopted", "partial")] * 30)
    large = Scorecard(small.pairs * 10)
    low, high = small.interval()
    assert low < small.accuracy == 0.7 < high
    assert 0.12 < high - low < 0.22  # about 2 x 1.96 x sqrt(0.7 x 0.3 / 100)
    big_low, big_high = large.interval()
    assert big_low < 0.7 < big_high and (big_high - big_low) < (high - low) / 2.5
    assert small.interval() == small.interval()  # seeded: the same figures every run
    assert Scorecard([]).interval() == (0.0, 0.0)


def test_cn_number() -> None:
    assert [cn_number(n) for n in (1, 10, 12, 20, 21, 99)] == ["一", "十", "十二", "二十", "二十一", "九十九"]


def test_synthetic_corpus_parses_with_numbered_clauses(tmp_path: Path) -> None:
    ids = write_corpus(tmp_path, 3, seed=1)
    lib = open_library(tmp_path)
    assert sorted(lib.plans) == sorted(["national", *ids])
    for pid in ids:
        plan = lib.load(pid, use_cache=False)
        assert len(plan.numbered_clauses) >= 20, pid
        assert len(plan.measures) >= 80, pid


@pytest.mark.slow  # a benchmark's quick run, like the two above: .ci/run runs it with the slow set
def test_view_benchmark_runs_in_quick_mode(tmp_path) -> None:
    """benchmarks/view.py (the HTML view and heatmap figures) works end to end; its figures are not checked."""
    from benchmarks import view

    text = view.main(["--quick", "--work", str(tmp_path)])
    rows = tables(text)
    for name in ("jtcompare view chongqing", "jtcompare --help (start-up)", "size of the heatmap, 3 plans"):
        assert name in rows, name
    assert float(rows["size of the heatmap, 3 plans"][0].split()[0]) > 0
    assert (tmp_path / "matrix-3.html").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("walls", "growth"),
    [
        ([1.0, 10.0, 30.0], 1.0),  # 0.1 s a plan throughout: linear
        ([2.8, 14.4, 39.5], 0.98),  # the cold run of RESULTS.md: the cost of a plan falls a little
        ([1.0, 10.0, 40.0], 1.5),  # 0.1 then 0.15 s a plan: grows
    ],
)
def test_linearity_reads_the_growth_of_the_cost_of_one_more_plan(walls, growth) -> None:
    assert run._growth([10, 100, 300], walls) == pytest.approx(growth, abs=0.01)
