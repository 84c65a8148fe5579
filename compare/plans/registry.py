"""The plan library: a folder of plan texts and a `plans.toml` describing them.

A plan is found by id (`chongqing`), by Chinese name with or without 市/省 (`重庆`, `重庆市`),
case-insensitively. A broken entry in plans.toml (a missing field, or a `file` that resolves
outside the plans folder) is reported by name and leaves the others usable; so does a plan whose
file is missing or unreadable (`Library.load_all`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from jtcompare.errors import BadMetadata, JtError, PlanNotFound, UnreadableFile
from jtcompare.plans.model import Plan, PlanMeta

ENV_PLANS_DIR = "JTCOMPARE_PLANS_DIR"
METADATA = "plans.toml"
LEVELS = ("national", "province", "city", "district", "other")
_REQUIRED = ("name", "level", "kind", "title", "file")


def default_plans_dir() -> Path:
    """--plans-dir, else $JTCOMPARE_PLANS_DIR, else ./data/plans, else the library shipped with the package."""
    if env := os.environ.get(ENV_PLANS_DIR):
        return Path(env)
    here = Path.cwd() / "data" / "plans"
    if (here / METADATA).exists():
        return here
    return shipped_plans_dir()


def shipped_plans_dir() -> Path:
    """The plan library installed with the package (package data `jtcompare.library`)."""
    return Path(str(resources.files("jtcompare.library")))


@dataclass
class Library:
    folder: Path
    plans: dict[str, PlanMeta] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)  # entry -> problem

    @property
    def metadata_path(self) -> Path:
        return self.folder / METADATA

    def find(self, query: str) -> PlanMeta:
        """The plan called `query` by id or Chinese name; PlanNotFound says 'did you mean'."""
        q = query.strip()
        key = _key(q)
        by_id = [m for m in self.plans.values() if key == _key(m.id)]
        if by_id:
            return by_id[0]
        by_name = [m for m in self.plans.values() if key in {_key(m.name), _key(_short(m.name))}]
        if len(by_name) > 1:
            ids = ", ".join(m.id for m in by_name)
            raise PlanNotFound(f"'{query}' names {len(by_name)} plans in {self.folder} ({ids}); use the id")
        if by_name:
            return by_name[0]
        if q in self.broken:
            raise BadMetadata(f"{self.metadata_path}: entry [{q}] is broken: {self.broken[q]}")
        raise PlanNotFound(f"no plan '{query}' in {self.folder}{self._suggest(q)}")

    def _suggest(self, query: str) -> str:
        from rapidfuzz import fuzz, process  # only a mistyped name needs it: not on every command's start-up

        names = {m.id: m.id for m in self.plans.values()}
        names.update({m.name: m.id for m in self.plans.values()})
        best = process.extractOne(query.lower(), list(names), scorer=fuzz.WRatio, processor=str.lower)
        if best and best[1] >= 60:
            return f"; did you mean '{names[best[0]]}'?"
        known = ", ".join(sorted(self.plans))
        return f"; known plans: {known}" if known else ""

    def text_path(self, meta: PlanMeta) -> Path:
        return inside(self.folder, meta.file)

    def read_text(self, meta: PlanMeta) -> str:
        path = self.text_path(meta)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableFile(f"{path}: cannot read ({exc.strerror})") from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnreadableFile(f"{path}: not UTF-8 text; add it with 'jtcompare import' to convert it") from None

    def load(self, query: str, *, use_cache: bool = True) -> Plan:
        """Parse the plan called `query` (from the on-disk cache when the text is unchanged)."""
        from jtcompare.plans.cache import load_plan

        meta = self.find(query)
        return load_plan(meta, self.read_text(meta), use_cache=use_cache)

    def load_all(self, *, use_cache: bool = True) -> tuple[list[Plan], list[JtError]]:
        """Every plan of the library, and why each one that could not be loaded was left out: a broken
        entry or a missing file costs that plan only."""
        plans: list[Plan] = []
        problems = self.broken_errors()
        for plan_id in self.plans:
            try:
                plans.append(self.load(plan_id, use_cache=use_cache))
            except (BadMetadata, UnreadableFile) as exc:
                problems.append(exc)
        return plans, problems

    def broken_errors(self) -> list[JtError]:
        return [BadMetadata(f"{self.metadata_path}: entry [{k}] is broken: {v}") for k, v in self.broken.items()]


def _key(text: str) -> str:
    from jtcompare.text.normalise import simplify_for_matching

    return simplify_for_matching(text).lower()


def _short(name: str) -> str:
    for suffix in ("特别行政区", "自治区", "市", "省", "区", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def open_library(folder: Path | None = None) -> Library:
    """Read plans.toml of `folder`; entries that fail validation go to `Library.broken`."""
    folder = Path(folder) if folder else default_plans_dir()
    lib = Library(folder)
    if not folder.is_dir():
        raise PlanNotFound(f"{folder}: plans folder does not exist")
    path = lib.metadata_path
    if not path.exists():
        return lib
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadMetadata(f"{path}: not valid TOML ({exc})") from None
    for plan_id, entry in raw.items():
        try:
            meta = meta_from_entry(plan_id, entry)
            inside(folder, meta.file)
            lib.plans[plan_id] = meta
        except BadMetadata as exc:
            lib.broken[plan_id] = str(exc)
    return lib


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, refused when it resolves outside the folder (`/etc/passwd`, `../x`, a symlink out)."""
    path = folder / name
    try:
        ok = not Path(name).is_absolute() and path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL in the name
        ok = False
    if not ok:
        raise BadMetadata(f"file '{name}' is outside the plans folder {folder}")
    return path


def meta_from_entry(plan_id: str, entry: object) -> PlanMeta:
    if not isinstance(entry, dict):
        raise BadMetadata("not a table")
    missing = [k for k in _REQUIRED if not isinstance(entry.get(k), str) or not entry.get(k)]
    if missing:
        raise BadMetadata(f"missing or empty: {', '.join(missing)}")
    if entry["level"] not in LEVELS:
        raise BadMetadata(f"level '{entry['level']}' is not one of {', '.join(LEVELS)}")
    issuers = entry.get("issuers", [])
    if not isinstance(issuers, list):
        raise BadMetadata("issuers must be a list")
    return PlanMeta(
        id=plan_id,
        name=entry["name"],
        level=entry["level"],
        kind=entry["kind"],
        title=entry["title"],
        file=entry["file"],
        prefix=str(entry.get("prefix") or plan_id[:2].upper()),
        issuers=tuple(str(i) for i in issuers),
        date=str(entry["date"]) if entry.get("date") else None,
        doc_number=entry.get("doc_number"),
        note=entry.get("note"),
        province=str(entry["province"]) if entry.get("province") else None,
    )
