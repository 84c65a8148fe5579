"""The README's quickstart is what CI runs, and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT


def quickstart() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- quickstart.*?```sh\n(.*?)```", readme, re.S)
    assert block, "README has no quickstart block"
    return [ln for ln in block.group(1).splitlines() if ln.strip()]


def test_quickstart_is_two_commands_and_ci_runs_them() -> None:
    lines = quickstart()
    assert len(lines) == 2
    assert "pytest" in lines[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for line in lines:
        assert line in ci, f".ci/run does not run the README line: {line}"


def test_every_command_is_in_the_readme() -> None:
    from jtcompare.cli.main import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"jtcompare {name}" in readme, f"README does not mention `jtcompare {name}`"


def test_tests_import_the_installed_package() -> None:
    import importlib.metadata

    import jtcompare

    assert importlib.metadata.version("jtcompare") == jtcompare.__version__
    assert Path(jtcompare.__file__).resolve().is_relative_to(ROOT)


def _sample_blocks() -> dict[str, list[str]]:
    """The README's sample output block, split by the `$ jtcompare ...` lines it shows."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- sample output:", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    out: dict[str, list[str]] = {}
    command = ""
    for line in block.splitlines():
        if line.startswith("$ jtcompare "):
            command = line.removeprefix("$ jtcompare ")
            out[command] = []
        elif line.strip() and line.strip() != "...":
            out[command].append(line)
    return out


def test_the_readme_sample_output_is_what_the_commands_print() -> None:
    """Every line the README shows is printed by the command, at the width the README says (no drift)."""
    import shlex

    from jtcompare.cli.main import app
    from typer.testing import CliRunner

    from tests.conftest import PLANS

    blocks = _sample_blocks()
    assert set(blocks) == {"align chongqing national", "matrix"}
    for command, lines in blocks.items():
        result = CliRunner().invoke(app, [*shlex.split(command), "--plans-dir", str(PLANS)], env={"COLUMNS": "110"})
        assert result.exit_code == 0, result.output
        printed = result.stdout.splitlines()
        for line in lines:
            assert line in printed, f"README shows for `jtcompare {command}` a line it does not print: {line}"


def test_the_readme_unit_example_is_what_align_says() -> None:
    """The README's worked example of a judgement over units (its evidence, confidence, and each unit's call,
    key terms and covering sentence) is what `align --format json` gives for that cell today."""
    import json

    from jtcompare.cli.main import app
    from typer.testing import CliRunner

    from tests.conftest import PLANS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    intro, rest = readme.split("<!-- unit example:", 1)
    plan, measure = re.findall(r"(\w+) on national (N[\d.]+)\s*\(", intro)[-1]
    lines = rest.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    result = CliRunner().invoke(app, ["align", plan.lower(), "--format", "json", "--plans-dir", str(PLANS)])
    cell = next(m for m in json.loads(result.stdout)["measures"] if m["id"] == measure)
    assert lines[0] == cell["evidence"]
    assert lines[1] == f"confidence {cell['confidence']:.2f}"
    shown = [re.split(r"\s{2,}", line.removeprefix("units:").strip()) for line in lines[2:]]
    made = [
        [
            u["state"],
            u["text"].rstrip(",，。"),
            f"[{' '.join(u['key_terms'])}]",
            *([f"({u['covered_by']})"] if u["covered_by"] else []),
        ]
        for u in cell["units"]
    ]
    assert shown == made


def test_clause_statuses_follow_the_rule_the_readme_states(city_alignments) -> None:
    """README: a clause is omitted when all its applicable measures are, adopted when adopted and strengthened make
    at least clause_taken_share of them (strengthened if one of those is), else partial; all not applicable: so is
    it."""
    from jtcompare.report.records import alignment_dict

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    from jtcompare.match.settings import DEFAULTS

    share = DEFAULTS.clause_taken_share
    assert f"adopted when adopted and strengthened ones make at least {share} of them" in readme
    seen = set()
    for a in city_alignments.values():
        for clause in alignment_dict(a)["clauses"]:
            n = {s: clause["counts"].get(s, 0) for s in ("adopted", "strengthened", "partial", "omitted")}
            total, taken = sum(n.values()), n["adopted"] + n["strengthened"]
            if not total:
                want = "not_applicable" if clause["counts"].get("not_applicable") else "omitted"
            elif n["omitted"] == total:
                want = "omitted"
            elif taken >= share * total:
                want = "strengthened" if n["strengthened"] else "adopted"
            else:
                want = "partial"
            assert clause["status"] == want, (a.plan.id, clause["number"], clause["counts"])
            seen.add(want)
    assert {"adopted", "strengthened", "partial"} <= seen  # the three cities exercise the rule, not one branch
