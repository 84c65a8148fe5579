"""Label a new city plan blind, then add its rows to the held-out part.

A fresh held-out figure needs a city the rules were never written against. The sheet this writes holds the
national measures of the labelled set with their text and empty status columns: nothing of the engine's, so
the reader judges from the two texts alone (`jtcompare show PLAN` lists the plan's clause ids). `add` checks
the filled sheet against the library and appends its rows to tests/labels/heldout/measures.csv: every row of
a newly labelled city is held out (benchmarks/evaluate.py:is_held_out). Label first, then run the engine.

    python -m benchmarks.label_sheet new shanghai --out shanghai-labels.csv
    python -m benchmarks.label_sheet add shanghai-labels.csv
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from jtcompare.atomic import write_atomic
from jtcompare.errors import JtError
from jtcompare.match.results import STATUSES
from jtcompare.plans.registry import open_library

from benchmarks.evaluate import CALIBRATION, HELDOUT, SPLIT_CITIES, is_held_out, read_labels

COLUMNS = ("plan", "base_measure", "status", "plan_clauses", "reason")
SHEET_COLUMNS = (*COLUMNS, "national_text")
NO_EVIDENCE = ("omitted", "not_applicable")


class SheetError(Exception):
    """A sheet that can't be written or added; the message names the file and the problem."""


def labelled_measures() -> list[str]:
    """The national measures the existing labels judge for any city: the set a new city is judged on."""
    seen: dict[str, None] = {}
    for path in (CALIBRATION, HELDOUT):
        for lab in read_labels(path):
            seen.setdefault(lab.measure, None)
    return list(seen)


def sheet(plan_id: str) -> str:
    """The blank sheet for `plan_id` as CSV text."""
    lib = open_library()
    plan = lib.load(plan_id)
    if plan.meta.id in SPLIT_CITIES or plan.meta.id in _heldout_plans():
        raise SheetError(f"{plan.meta.id}: already labelled (tests/labels/)")
    national = {m.id: m.text for m in lib.load("national").measures}
    wanted = set(labelled_measures())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SHEET_COLUMNS)
    for mid, text in national.items():
        if mid in wanted:
            writer.writerow((plan.meta.id, mid, "", "", "", text))
    return out.getvalue()


def _heldout_plans() -> set[str]:
    return {lab.plan for lab in read_labels(HELDOUT)}


def checked_rows(path: Path) -> list[dict[str, str]]:
    """The sheet's rows, each checked against the library; the first problem raises SheetError."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            # a short row leaves its last columns None: read them as empty, so the checks name them
            rows = [{k: v or "" for k, v in r.items() if k is not None} for r in csv.DictReader(fh)]
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise SheetError(f"{path}: cannot read ({err})") from None
    if not rows or not set(COLUMNS) <= set(rows[0]):
        raise SheetError(f"{path}: not a label sheet (columns {', '.join(COLUMNS)} wanted)")
    plans = {r["plan"] for r in rows}
    if len(plans) != 1:
        raise SheetError(f"{path}: one plan per sheet, found {', '.join(sorted(plans))}")
    lib = open_library()
    plan = lib.load(plans.pop())
    if plan.meta.id in SPLIT_CITIES or plan.meta.id in _heldout_plans():
        raise SheetError(f"{path}: {plan.meta.id} is already labelled (tests/labels/)")
    national = {m.id for m in lib.load("national").measures}
    clauses = {c.id for c in plan.clauses}
    seen: set[str] = set()
    for line, r in enumerate(rows, start=2):
        _check_row(path, line, r, national, clauses, seen)
    return rows


def _check_row(path: Path, line: int, r: dict[str, str], national: set[str], clauses: set[str], seen: set[str]) -> None:
    where = f"{path}:{line}"
    if r["base_measure"] not in national:
        raise SheetError(f"{where}: {r['base_measure']!r} is not a national measure")
    if r["base_measure"] in seen:
        raise SheetError(f"{where}: {r['base_measure']} is labelled twice")
    seen.add(r["base_measure"])
    if r["status"] not in STATUSES:
        raise SheetError(f"{where}: status {r['status']!r} is not one of {', '.join(STATUSES)}")
    cited = [c for c in r["plan_clauses"].split(";") if c]
    unknown = [c for c in cited if c not in clauses]
    if unknown:
        raise SheetError(f"{where}: {', '.join(unknown)} is not a clause of {r['plan']}")
    if (r["status"] in NO_EVIDENCE) != (not cited):
        raise SheetError(f"{where}: {r['status']} needs {'no' if r['status'] in NO_EVIDENCE else 'a'} plan clause")
    if not r["reason"].strip():
        raise SheetError(f"{where}: the reason is empty")


def add(path: Path, target: Path = HELDOUT) -> int:
    """Append the checked rows of `path` to `target` (whole or not at all); returns how many."""
    rows = checked_rows(path)
    assert all(is_held_out(r["plan"], r["base_measure"]) for r in rows)  # a new city's rows are all held out
    try:
        old = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SheetError(f"{target}: cannot read ({err})") from None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for r in rows:
        writer.writerow(tuple(r[c] for c in COLUMNS))
    text = old + ("" if old.endswith("\n") else "\n") + out.getvalue()
    write_atomic(target, text.encode("utf-8"))
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    head, *_, examples = __doc__.split("\n\n")
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.label_sheet",
        description=head,
        epilog="examples:\n" + examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    new = sub.add_parser("new", help="write a blank sheet for a plan of the library")
    new.add_argument("plan")
    new.add_argument("--out", type=Path, help="the sheet's file (default: standard output)")
    added = sub.add_parser("add", help="check a filled sheet and append it to the held-out part")
    added.add_argument("sheet", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "new":
            text = sheet(args.plan)
            if args.out is None:
                sys.stdout.write(text)
            elif args.out.exists():
                raise SheetError(f"{args.out}: exists; a filled sheet is not overwritten")
            else:
                write_atomic(args.out, text.encode("utf-8"), force=False)
                print(f"wrote {args.out} ({text.count(chr(10)) - 1} measures to judge)", file=sys.stderr)
        else:
            print(f"added {add(args.sheet)} rows of {args.sheet} to {HELDOUT}", file=sys.stderr)
    except (SheetError, JtError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
