"""Issue 26, the hostile trial of the command line: each defect it found, with the input that found it.

Every refusal is one line on stderr, a non-zero exit, no traceback, and nothing written or lost.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from jtcompare.plans.metadata import parse_date
from jtcompare.workflow.overrides import read_overrides
from typer.testing import CliRunner

from tests.conftest import PLANS, copy_library

runner = CliRunner()
JTCOMPARE = Path(sys.executable).with_name("jtcompare")  # the venv's console script


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    return copy_library(tmp_path / "plans")


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def one_line_error(result, code: int = 2) -> str:
    """The message of a refusal: one line on stderr, the exit code, no traceback, nothing on stdout."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    message = result.stderr.rstrip("\n")
    assert message.startswith("error: ") and "\n" not in message, message
    assert result.stdout == ""
    return message


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- 1. a closed pipe ends quietly ---------------------------------------------------------------------------


def _env() -> dict[str, str]:
    return {**os.environ, "JTCOMPARE_PLANS_DIR": str(PLANS)}


needs_script = pytest.mark.skipif(not JTCOMPARE.exists(), reason="the jtcompare script is not installed")


@needs_script
def test_matrix_piped_into_head_ends_quietly() -> None:
    """`jtcompare matrix --format json | head -3`: the JSON is far more than a pipe holds, so head goes away
    while the matrix still writes."""
    writer = subprocess.Popen(
        [str(JTCOMPARE), "matrix", "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env()
    )
    head = subprocess.Popen(["head", "-3"], stdin=writer.stdout, stdout=subprocess.PIPE)
    assert writer.stdout is not None and writer.stderr is not None
    writer.stdout.close()  # head holds the only reading end
    shown, _ = head.communicate(timeout=300)
    errors = writer.stderr.read()
    writer.stderr.close()
    code = writer.wait(timeout=300)
    assert len(shown.splitlines()) == 3
    assert errors == b"", errors.decode("utf-8", "replace")
    assert code in (0, 141)


@needs_script
@pytest.mark.parametrize(
    "args",
    [["matrix"], ["matrix", "--format", "csv"], ["--debug", "matrix", "--format", "md"], ["show", "wuhan"], ["plans"]],
)
def test_a_reader_gone_before_the_first_line_is_no_error(args: list[str]) -> None:
    """The reading end is closed before the command writes anything: every write meets a broken pipe."""
    proc = subprocess.Popen([str(JTCOMPARE), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    assert proc.stdout is not None
    proc.stdout.close()
    _, errors = proc.communicate(timeout=300)
    assert errors == b"", errors.decode("utf-8", "replace")  # no traceback, no "Exception ignored"
    assert proc.returncode in (0, 141)


def test_a_broken_pipe_that_is_not_stdouts_is_still_an_error(monkeypatch) -> None:
    from jtcompare import api  # the command reads the library through the API

    def broken(*_args: object, **_kwargs: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(api, "open_library", broken)
    message = one_line_error(invoke("plans", "--plans-dir", PLANS), 1)
    assert message.startswith("error: unexpected BrokenPipeError")


# --- 2. settings and sizes out of range ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "setting", "allowed", "shown"),
    [
        ("check_below = 1e308", "check_below", "between 0 and 1", "1e+308"),
        ("check_below = 1e309", "check_below", "between 0 and 1", "inf"),
        ("check_below = nan", "check_below", "between 0 and 1", "nan"),
        ("check_below = inf", "check_below", "between 0 and 1", "inf"),
        ("check_below = -inf", "check_below", "between 0 and 1", "-inf"),
        ("idf_power = 1e308", "idf_power", "between 0 and 10", "1e+308"),
        ("idf_power = nan", "idf_power", "between 0 and 10", "nan"),
        ("short_penalty = inf", "short_penalty", "between 0 and 1000", "inf"),
        ("clause_vote_weight = 1e308", "clause_vote_weight", "between 0 and 100", "1e+308"),
        ("clause_prior = 1e308", "clause_prior", "between 0 and 1", "1e+308"),
        ("max_matches = 1e309", "max_matches", "a whole number from 1 to 1000", "inf"),
        ("max_matches = nan", "max_matches", "a whole number from 1 to 1000", "nan"),
        ("max_matches = 1e308", "max_matches", "a whole number from 1 to 1000", "1e+308"),
        ("max_matches = 99999999999999999999", "max_matches", "a whole number from 1 to 1000", "99999999999999999999"),
        ("prior_clauses = 2.5", "prior_clauses", "a whole number from 1 to 1000", "2.5"),
        ("semantic = nan", "semantic", "0 (off) or 1 (on)", "nan"),
        ('check_below = "0.5"', "check_below", "between 0 and 1", "'0.5'"),
    ],
)
def test_a_config_value_out_of_range_names_the_setting_and_its_range(
    tmp_path: Path, line: str, setting: str, allowed: str, shown: str
) -> None:
    config = tmp_path / "hostile.toml"
    config.write_text(f"[align]\n{line}\n", encoding="utf-8")
    message = one_line_error(invoke("align", "wuhan", "--config", config, "--plans-dir", PLANS))
    assert message == f"error: {config}: setting '{setting}' must be {allowed}, not {shown}"


def test_a_config_number_past_any_float_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "hostile.toml"
    config.write_text(f"[align]\nidf_power = {'9' * 400}\n", encoding="utf-8")
    message = one_line_error(invoke("align", "wuhan", "--config", config, "--plans-dir", PLANS))
    assert message.startswith(f"error: {config}: setting 'idf_power' must be between 0 and 10, not 999")
    assert message.endswith("(400 characters)")
    config.write_text(f"[align]\nidf_power = {'9' * 5000}\n", encoding="utf-8")  # past Python's int parsing
    assert one_line_error(invoke("align", "wuhan", "--config", config, "--plans-dir", PLANS)).startswith(
        f"error: {config}: cannot read config ("
    )


@pytest.mark.parametrize("value", ["nan", "inf", "1e309", "1e308", "-1e308"])
def test_an_option_out_of_range_names_the_option(value: str) -> None:
    message = one_line_error(invoke("align", "wuhan", "--check-below", value, "--plans-dir", PLANS))
    assert message.startswith("error: --check-below: setting 'check_below' must be between 0 and 1, not ")


def test_the_align_table_must_be_a_table(tmp_path: Path) -> None:
    config = tmp_path / "hostile.toml"
    config.write_text("align = 3\n", encoding="utf-8")
    message = one_line_error(invoke("align", "wuhan", "--config", config, "--plans-dir", PLANS))
    assert message == f"error: {config}: [align] must be a table of settings, e.g. check_below = 0.5"


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        ("99999999999999999999", "99999999999999999999"),
        ("9" * 400, "9" * 20 + "…"),
        ("100GB", "100GB"),
        ("2G", "2G"),
        ("0.0000001", "0.0000001"),
    ],
)
def test_max_size_out_of_range_is_refused(lib: Path, size: str, shown: str) -> None:
    before = snapshot(lib)
    result = invoke("import", PLANS / "wuhan.txt", "--id", "wh2", "--max-size", size, "--plans-dir", lib)
    message = one_line_error(result)
    assert message == f"error: --max-size '{shown}' must be between 1 byte and 1GB (e.g. 20MB, 500KB)"
    assert snapshot(lib) == before


def test_max_size_at_its_bound_still_imports(lib: Path) -> None:
    result = invoke("import", PLANS / "wuhan.txt", "--id", "wh2", "--max-size", "1GB", "--plans-dir", lib)
    assert result.exit_code == 0, result.output
    assert (lib / "wh2.txt").exists()


# --- 3. dates with ○ or 〇 for zero --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["二○二三年八月十八日", "二〇二三年八月十八日", "二◯二三年八月十八日", "二O二三年八月十八日"]
)
def test_a_date_with_a_circle_for_zero_is_read_from_the_text(lib: Path, tmp_path: Path, written: str) -> None:
    text = (PLANS / "chongqing.txt").read_text(encoding="utf-8")
    assert "\n2023年8月18日\n" in text
    plan = tmp_path / "cq.txt"
    plan.write_text(text.replace("\n2023年8月18日\n", f"\n{written}\n", 1), encoding="utf-8")
    result = invoke("import", plan, "--id", "cq2", "--plans-dir", lib, "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["import"]
    assert summary["date"] == "2023-08-18" and "date" in summary["guessed"]
    entry = tomllib.loads((lib / "plans.toml").read_text(encoding="utf-8"))["cq2"]
    assert entry["date"] == "2023-08-18"


def test_a_date_option_with_a_circle_for_zero() -> None:
    assert parse_date("二○二三年八月十八日") == parse_date("二〇二三年八月十八日") == "2023-08-18"
    assert parse_date("2023年8月18日") == "2023-08-18"  # Arabic digits as before


# --- 4. control and invisible characters in names and notes -----------------------------------------------

HIDDEN = ["\u202e", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


@pytest.mark.parametrize("ch", HIDDEN)
def test_a_name_with_an_invisible_character_is_refused(lib: Path, ch: str) -> None:
    before = snapshot(lib)
    result = invoke("import", PLANS / "wuhan.txt", "--id", "wh2", "--name", f"武汉{ch}市", "--plans-dir", lib)
    message = one_line_error(result)
    code = f"U+{ord(ch):04X}"
    assert message.startswith(f"error: --name '武汉\\u{ord(ch):04x}市' must be printable text, without control")
    assert f"invisible formatting characters ({code} " in message
    assert ch not in result.output
    assert snapshot(lib) == before


def test_a_name_with_escape_is_refused(lib: Path) -> None:
    before = snapshot(lib)
    result = invoke("import", PLANS / "wuhan.txt", "--id", "wh2", "--name", "武汉\x1b]0;x\x07", "--plans-dir", lib)
    message = one_line_error(result)
    assert message == "error: --name '武汉\\x1b]0;x\\x07' must be printable text, without control characters"
    assert "\x1b" not in result.output
    assert snapshot(lib) == before


def test_a_title_read_with_invisible_characters_is_cleaned_and_says_so(lib: Path, tmp_path: Path) -> None:
    text = (PLANS / "chongqing.txt").read_text(encoding="utf-8")
    plan = tmp_path / "cq.txt"
    plan.write_text(text.replace("重庆市减污降碳", "重庆市\u200b减污\u202e降碳"), encoding="utf-8")
    result = invoke("import", plan, "--id", "cq2", "--plans-dir", lib, "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["import"]
    assert summary["title"] == "重庆市减污降碳协同增效实施方案"
    assert (
        "removed U+200B ZERO WIDTH SPACE, U+202E RIGHT-TO-LEFT OVERRIDE from the title read from the text"
        in summary["notes"]
    )
    entry = tomllib.loads((lib / "plans.toml").read_text(encoding="utf-8"))["cq2"]
    assert entry["title"] == "重庆市减污降碳协同增效实施方案"


@pytest.mark.parametrize("ch", [*HIDDEN, "\x1b", "\x07", "\x00", "\u2028"])
def test_a_note_with_a_control_or_invisible_character_is_refused(lib: Path, ch: str) -> None:
    result = invoke("override", "wuhan", "N08.03", "adopted", "--note", f"见WH06{ch}x", "--plans-dir", lib)
    message = one_line_error(result)
    assert f"holds U+{ord(ch):04X} " in message
    assert message.endswith("control and invisible characters are refused, not stored; remove them")
    assert ch not in result.output
    assert not list(lib.glob("*.overrides.csv"))


def test_a_by_with_an_invisible_character_is_refused(lib: Path) -> None:
    result = invoke("override", "wuhan", "N08.03", "adopted", "--note", "ok", "--by", "\u202eBA", "--plans-dir", lib)
    assert one_line_error(result).startswith("error: the by '\\u202eBA' holds U+202E RIGHT-TO-LEFT OVERRIDE")
    assert not list(lib.glob("*.overrides.csv"))


def test_a_review_note_with_an_invisible_character_changes_nothing(lib: Path, tmp_path: Path) -> None:
    review = tmp_path / "review.csv"
    review.write_text(
        "plan,measure,analyst status,analyst note\nwuhan,N08.01,adopted,fine\nwuhan,N08.02,omitted,no\u200bpe\n",
        encoding="utf-8",
    )
    message = one_line_error(invoke("override", "--import", review, "--plans-dir", lib))
    assert message.startswith(f"error: {review}: row 3: the note 'no\\u200bpe' holds U+200B ZERO WIDTH SPACE")
    assert not list(lib.glob("*.overrides.csv"))


# --- 5. notes a spreadsheet would run ----------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "'=1+1", "'"]


def test_formula_looking_notes_are_stored_quoted_and_read_back_as_written(lib: Path) -> None:
    ids = [f"N08.0{k}" for k in range(1, 9)]
    for measure, note in zip(ids, FORMULAS, strict=True):
        # not_applicable: never the engine's call here, so each is a correction (the engine's own call given again
        # would be a confirmation, its note said to be one)
        result = invoke(
            "override", "wuhan", measure, "not_applicable", "--note", note, "--by", "=cmd", "--plans-dir", lib
        )
        assert result.exit_code == 0, result.output
    raw = (lib / "wuhan.overrides.csv").read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert [r["note"] for r in rows] == ["'" + n for n in FORMULAS]  # a spreadsheet shows them as text
    assert {r["by"] for r in rows} == {"'=cmd"}
    assert not any(r[c].startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for c in r)
    back = read_overrides(lib, "wuhan")
    assert [o.note for o in back] == FORMULAS and {o.by for o in back} == {"=cmd"}
    data = json.loads(invoke("align", "wuhan", "--format", "json", "--plans-dir", lib).stdout)
    pinned = {m["id"]: m for m in data["measures"] if m["overridden"]}
    assert set(pinned) == set(ids) and all(pinned[i]["status"] == "not_applicable" for i in ids)
    assert pinned["N08.01"]["overridden"].startswith('=HYPERLINK("http://x","y") (=cmd, ')
    again = invoke("override", "wuhan", "N08.01", "omitted", "--note", FORMULAS[0], "--plans-dir", lib)
    assert again.exit_code == 0, again.output  # rewriting the file keeps every other note as written
    assert [o.note for o in read_overrides(lib, "wuhan")] == [*FORMULAS[1:], FORMULAS[0]]


def test_a_plain_note_is_stored_as_it_is(lib: Path) -> None:
    assert invoke("override", "wuhan", "N08.01", "omitted", "--note", "只是标题相同", "--plans-dir", lib).exit_code == 0
    rows = list(csv.DictReader(io.StringIO((lib / "wuhan.overrides.csv").read_text(encoding="utf-8"))))
    assert rows[0]["note"] == "只是标题相同"


# --- 6. the base plan against itself -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plan", "base"), [("national", "national"), ("国家", "national"), ("national", "国家"), ("NATIONAL", " National")]
)
def test_an_override_of_the_base_against_itself_is_refused(lib: Path, plan: str, base: str) -> None:
    result = invoke("override", plan, "N09.04", "adopted", "--base", base, "--note", "x", "--plans-dir", lib)
    message = one_line_error(result)
    assert message == (
        "error: 'national' is the base plan: an override corrects how another plan takes up national's measures; "
        "name a plan other than the base"
    )
    assert not list(lib.glob("*.overrides.csv"))


def test_a_review_row_of_the_base_against_itself_changes_nothing(lib: Path, tmp_path: Path) -> None:
    review = tmp_path / "review.csv"
    review.write_text(
        "plan,base,measure,analyst status\nwuhan,national,N08.01,adopted\n国家,national,N09.04,adopted\n",
        encoding="utf-8",
    )
    message = one_line_error(invoke("override", "--import", review, "--plans-dir", lib))
    assert message.startswith(f"error: {review}: row 3: 'national' is the base plan")
    assert not list(lib.glob("*.overrides.csv"))
