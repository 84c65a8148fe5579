"""Text renderings shared by the CLI and the report writers: Markdown (GitHub pipe tables) and CSV.

Plan text is untrusted: Markdown cells escape pipes and line breaks, CSV and Excel cells that
start with = + - @ are written so no spreadsheet reads them as formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from jtcompare.match.classify import Alignment
from jtcompare.report.cells import md_cell, pct, safe_cell
from jtcompare.report.frames import clause_frame, gaps_frame, measure_frame, summary_frame, targets_frame
from tabulate import tabulate


def md_table(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> str:
    return tabulate(
        [[md_cell(v) for v in r] for r in rows],
        headers=[md_cell(h) for h in headers],
        tablefmt="github",
        disable_numparse=True,
    )


def frame_md(df: pd.DataFrame) -> str:
    return md_table(df.itertuples(index=False), list(df.columns))


def frame_csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(df.columns))
    for row in df.itertuples(index=False):
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue()


def alignment_markdown(a: Alignment) -> str:
    """The align report as Markdown: summary, clause roll-up, measures, local additions."""
    c = a.counts()
    lines = [
        f"# {a.plan.meta.name} vs {a.base.meta.name}: {a.plan.meta.title}",
        "",
        md_table(
            [[c["adopted"], c["strengthened"], c["partial"], c["omitted"], pct(a.coverage), len(a.local)]],
            ["adopted", "strengthened", "partial", "omitted", "coverage", "local"],
        ),
        "",
        "## Clauses",
        "",
        md_table(
            [
                [r.clause.label, r.status, pct(r.coverage), "; ".join(f"{p.label} ({s:.2f})" for p, s in r.matches)]
                for r in a.clauses
            ],
            ["base clause", "status", "coverage", "plan clauses"],
        ),
        "",
        "## Measures",
        "",
        frame_md(measure_frame([a])[["measure", "status", "score", "text", "match_clause", "match_text", "evidence"]]),
    ]
    if a.local:
        lines += ["", "## Local additions", ""]
        lines.append(
            md_table([[x.measure.id, x.clause.label, x.measure.text] for x in a.local], ["id", "clause", "text"])
        )
    return "\n".join(lines) + "\n"


def matrix_markdown(alignments: list[Alignment]) -> str:
    """Summary table, clause matrix, then per plan its omitted measures."""
    summary = summary_frame(alignments).drop(columns=["kind"])
    summary["coverage"] = summary["coverage"].map(pct)
    clauses = clause_frame(alignments)
    for a in alignments:
        clauses[a.plan.id] = clauses[a.plan.id].map(lambda v: "" if v is None or v != v else pct(v))
    lines = [
        f"# Coverage of {alignments[0].base.meta.title}" if alignments else "# Coverage",
        "",
        "## Summary",
        "",
        frame_md(summary),
        "",
        "## Clauses (coverage share)",
        "",
        frame_md(clauses),
    ]
    for a in alignments:
        omitted = [m for m in a.measures if m.status == "omitted" and m.counted]
        lines += ["", f"## {a.plan.meta.name} ({a.plan.id}): omitted measures ({len(omitted)})", ""]
        lines.append(
            md_table([[m.measure.id, m.clause.label, m.measure.text] for m in omitted], ["measure", "clause", "text"])
        )
    return "\n".join(lines) + "\n"


def report_markdown(a: Alignment) -> str:
    """The gap report of one plan: summary, gaps with the nearest plan text, targets, local additions."""
    summary = summary_frame([a]).drop(columns=["plan", "kind"])
    summary["coverage"] = summary["coverage"].map(pct)
    targets = targets_frame([a]).drop(columns=["plan"])
    lines = [
        f"# Gap report: {a.plan.meta.title} vs {a.base.meta.title}",
        "",
        frame_md(summary),
        "",
        "## Gaps (omitted and partial measures)",
        "",
        frame_md(gaps_frame(a).drop(columns=["evidence"])),
        "",
        "## Targets",
        "",
        frame_md(targets),
        "",
        f"## Local additions ({len(a.local)})",
        "",
        md_table([[x.measure.id, x.clause.label, x.measure.text] for x in a.local], ["id", "clause", "text"]),
    ]
    return "\n".join(lines) + "\n"
