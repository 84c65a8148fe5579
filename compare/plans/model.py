"""The plan tree: small frozen records shared by every part of the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from jtcompare.text.normalise import Normalised

NodeKind = Literal["heading", "intro", "measure", "departments"]


@dataclass(frozen=True)
class PlanMeta:
    """What the registry knows about a plan file."""

    id: str
    name: str  # 重庆市
    level: str
    kind: str  # 减污降碳协同增效实施方案
    title: str
    file: str
    prefix: str  # measure ids start with it: N08.03
    issuers: tuple[str, ...] = ()
    date: str | None = None
    doc_number: str | None = None
    note: str | None = None
    province: str | None = None  # 湖北: which region-bound national measures apply (none for a national plan)
    # another plan of the library answers to this name (two versions of a city's plan): a Chinese output names it
    # 武汉市（wuhan）, which the library finds again (a review file read back), where 武汉市 alone names two plans
    shared_name: bool = False


@dataclass(frozen=True)
class Node:
    """A span of the normalised plan body; the nodes of a plan never overlap."""

    kind: NodeKind
    start: int
    end: int


@dataclass(frozen=True)
class Measure:
    id: str
    text: str  # simplified, normalised
    start: int  # span in the normalised text
    end: int


@dataclass(frozen=True)
class Clause:
    id: str
    number: str | None  # as written: "八", "12"; None for a section without numbered clauses
    title: str
    chapter: str
    group: str | None
    text: str
    departments: tuple[str, ...]
    measures: tuple[Measure, ...]

    @property
    def label(self) -> str:
        if self.number is None:
            return self.title
        return f"{self.number}. {self.title}" if self.number.isdigit() else f"({self.number}) {self.title}"


@dataclass(frozen=True)
class Chapter:
    number: str
    title: str
    # the framing paragraphs between the chapter's heading and its first clause, paragraphs joined by a line
    # break: what the chapter is for, never a measure (its nodes are "intro"); "" when it opens on a clause
    intro: str = ""


@dataclass(frozen=True)
class Plan:
    meta: PlanMeta
    norm: Normalised = field(repr=False)
    front_matter: str
    body_start: int
    body_end: int
    chapters: tuple[Chapter, ...]
    clauses: tuple[Clause, ...]
    nodes: tuple[Node, ...]
    warnings: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def measures(self) -> list[Measure]:
        return [m for c in self.clauses for m in c.measures]

    @property
    def numbered_clauses(self) -> list[Clause]:
        return [c for c in self.clauses if c.number is not None]

    def clause(self, clause_id: str) -> Clause:
        return next(c for c in self.clauses if c.id == clause_id)

    def chapter_label(self, clause: Clause) -> str:
        """三、加强源头防控: the clause's chapter with its number, as the plan writes it."""
        number = next((c.number for c in self.chapters if c.title == clause.chapter), None)
        return f"{number}、{clause.chapter}" if number and clause.chapter else clause.chapter

    def __repr__(self) -> str:  # the whole text and tree would be a million characters in a notebook
        return (
            f"Plan(id={self.id!r}, name={self.meta.name!r}, clauses={len(self.clauses)}, measures={len(self.measures)})"
        )

    def original_text(self, start: int, end: int) -> str:
        """The user's file as written for a span of the normalised text."""
        ostart, oend = self.norm.original_span(start, end)
        return self.norm.original[ostart:oend]
