"""The plan library: a folder of plan texts and a `plans.toml` describing them.

A plan is found by id (`chongqing`), by Chinese name with or without 市/省 (`重庆`, `重庆市`),
case-insensitively. A broken entry in plans.toml (a missing field, a field of the wrong type, or a
`file` that resolves outside the plans folder) is reported by name and leaves the others usable; so
does a plan whose file is missing or unreadable (`Library.load_all`). The library reads only regular
files, each up to a size limit (`read_regular`): a FIFO or a device named as a plan's text is refused,
never read.
"""

from __future__ import annotations

import datetime
import os
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from jtcompare.atomic import file_kind, kind_message, resolved
from jtcompare.errors import (
    BadMetadata,
    JtError,
    Message,
    PlanNotFound,
    Said,
    TooLarge,
    UnreadableFile,
    detail,
    either,
    message,
    os_reason,
)
from jtcompare.ingest.document import MB, human_size
from jtcompare.plans.model import Plan, PlanMeta

ENV_PLANS_DIR = "JTCOMPARE_PLANS_DIR"
ENV_HOME = "JTCOMPARE_HOME"  # your library is $JTCOMPARE_HOME/plans
METADATA = "plans.toml"
LEVELS = ("national", "province", "city", "district", "other")
_REQUIRED = ("name", "level", "kind", "title", "file")
_STRINGS = ("prefix", "doc_number", "note", "province", "original", "source", "format", "encoding")  # if given
_STRING_LISTS = ("issuers", "guessed")
# `jtcompare import` keeps at most 10 million characters of text (ingest.readers.MAX_TEXT), at most 4 bytes each
MAX_TEXT_BYTES = 40 * MB
MAX_METADATA_BYTES = 16 * MB  # plans.toml: some 20,000 entries
# Files of the library beside plans.toml and the texts: analysts' overrides (workflow/overrides.py names them
# <plan>.overrides.csv) and the shipped plans' sentence vectors (match/semantic.py: SHIPPED).
OVERRIDES_SUFFIX = ".overrides.csv"
VECTORS = "vectors.npz"


def default_plans_dir() -> Path:
    """The library a command reads when given none: $JTCOMPARE_PLANS_DIR, else yours (`user_plans_dir`, made by the
    first `import` or `override`), else the one shipped with the package. A ./data/plans in the working folder is
    not looked at: which library answers must not depend on where the command is typed."""
    if env := os.environ.get(ENV_PLANS_DIR):
        return Path(env)
    mine = user_plans_dir()
    if (mine / METADATA).is_file():
        return mine
    return shipped_plans_dir()


def user_plans_dir() -> Path:
    """Your plan library: $JTCOMPARE_HOME/plans, else `plans` in the per-user data folder (~/.local/share/jtcompare
    on Linux, ~/Library/Application Support/jtcompare on macOS, %LOCALAPPDATA%\\jtcompare on Windows)."""
    if home := os.environ.get(ENV_HOME):
        return Path(home) / "plans"
    from platformdirs import user_data_path  # only when no library is given: not on every command's start-up

    return user_data_path("jtcompare", appauthor=False) / "plans"


def shipped_plans_dir() -> Path:
    """The plan library installed with the package (package data `jtcompare.library`): read, never written."""
    return Path(str(resources.files("jtcompare.library")))


def is_shipped(folder: Path) -> bool:
    return _same(folder, shipped_plans_dir())


def is_yours(folder: Path) -> bool:
    return _same(folder, user_plans_dir())


def installed_read_only(folder: Path) -> bool:
    """True for the shipped library of an installed copy (a wheel in site-packages): nothing may be written there.
    A source checkout's data/plans (an editable install, beside pyproject.toml) is the developers' to edit."""
    shipped = shipped_plans_dir()
    return _same(folder, shipped) and not (shipped.parent.parent / "pyproject.toml").is_file()


def describe_library(folder: Path) -> str:
    """Which library `folder` is, in words, for `plans` and the notes of commands that write to it."""
    if is_shipped(folder):
        mine = user_plans_dir()
        return Said(
            f"{folder} (shipped with jtcompare, read-only; import and override write to your own, {mine})",
            message("cli.library_shipped", folder=folder, mine=mine),
        )
    if is_yours(folder):
        return Said(f"{folder} (yours)", message("cli.library_yours", folder=folder))
    return str(folder)


def _same(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, RuntimeError):
        return False


@dataclass
class Library:
    folder: Path
    plans: dict[str, PlanMeta] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)  # entry -> problem (a Said)

    @property
    def metadata_path(self) -> Path:
        return self.folder / METADATA

    def answering_to(self, name: str) -> list[PlanMeta]:
        """The plans a name finds: by their name, or by it without 市/省/区… (武汉 finds 武汉市 too)."""
        key = _key(name)
        return [m for m in self.plans.values() if key in _name_forms(m)]

    def find(self, query: str) -> PlanMeta:
        """The plan called `query` by id or Chinese name; PlanNotFound says 'did you mean'."""
        q = query.strip()
        key = _key(q)
        by_id = [m for m in self.plans.values() if key == _key(m.id)]
        if by_id:
            return by_id[0]
        by_name = self.answering_to(q)
        if len(by_name) > 1:
            ids = ", ".join(m.id for m in by_name)
            raise PlanNotFound(
                f"'{query}' names {len(by_name)} plans in {self.folder} ({ids}); use the id",
                message(
                    "error.plan_ambiguous",
                    query=query,
                    count=len(by_name),
                    folder=self.folder,
                    ids=[m.id for m in by_name],
                ),
            )
        if by_name:
            return by_name[0]
        if q in self.broken:
            raise self.broken_error(q)
        hint, said = self._suggest(q)
        raise PlanNotFound(
            f"no plan '{query}' in {self.folder}{hint}",
            message("error.plan_not_found", query=query, folder=self.folder, hint=said),
        )

    def _suggest(self, query: str) -> tuple[str, Message | None]:
        from rapidfuzz import fuzz, process  # only a mistyped name needs it: not on every command's start-up

        names = {m.id: m.id for m in self.plans.values()}
        names.update({m.name: m.id for m in self.plans.values()})
        best = process.extractOne(query.lower(), list(names), scorer=fuzz.WRatio, processor=str.lower)
        if best and best[1] >= 60:
            return f"; did you mean '{names[best[0]]}'?", message("error.did_you_mean", plan=names[best[0]])
        known = sorted(self.plans)
        if not known:
            return "", None
        return f"; known plans: {', '.join(known)}", message("error.known_plans", plans=known)

    def text_path(self, meta: PlanMeta) -> Path:
        return inside(self.folder, meta.file)

    def read_text(self, meta: PlanMeta) -> str:
        path = self.text_path(meta)
        data = read_regular(path, MAX_TEXT_BYTES, "a plan's text")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnreadableFile(
                f"{path}: not UTF-8 text; add it with {either(repr('jtcompare import'), 'Library.import_plan')} "
                "to convert it",
                message("error.not_utf8", path=path),
            ) from None

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
        return [self.broken_error(k) for k in self.broken]

    def broken_error(self, plan_id: str) -> BadMetadata:
        problem = self.broken[plan_id]
        said = message(
            "error.entry_broken", path=self.metadata_path, plan=plan_id, problem=getattr(problem, "said", None)
        )
        return BadMetadata(f"{self.metadata_path}: entry [{plan_id}] is broken: {problem}", said)


def _key(text: str) -> str:
    from jtcompare.text.normalise import simplify_for_matching

    return simplify_for_matching(text).lower()


def names_clash(a: str, b: str) -> bool:
    """Whether a name typed for one plan could find the other (`Library.find` takes 武汉 for 武汉市 too)."""
    forms = {_key(a), _key(_short(a))}
    return bool(a and b) and bool(forms & {_key(b), _key(_short(b))})


def _short(name: str) -> str:
    for suffix in ("特别行政区", "自治区", "市", "省", "区", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def refuse_a_file(folder: Path, error: type[JtError]) -> None:
    """A file given for the plans folder is said to be a file: "does not exist" would puzzle whoever sees it."""
    if folder.exists() and not folder.is_dir():
        raise error(
            f"{folder}: is a file, not a plans folder (a folder holding plans.toml)",
            message("error.plans_folder_is_file", folder=folder),
        )


def open_library(folder: Path | None = None) -> Library:
    """Read plans.toml of `folder`; entries that fail validation go to `Library.broken`."""
    folder = Path(folder) if folder else default_plans_dir()
    lib = Library(folder)
    refuse_a_file(folder, PlanNotFound)
    if not folder.is_dir():
        raise PlanNotFound(f"{folder}: plans folder does not exist", message("error.no_plans_folder", folder=folder))
    path = lib.metadata_path
    if not path.exists():
        return lib
    try:
        raw = tomllib.loads(read_regular(path, MAX_METADATA_BYTES, METADATA).decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadMetadata(
            f"{path}: not valid TOML ({exc})", message("error.not_toml", path=path, reason=detail(exc))
        ) from None
    for plan_id, entry in raw.items():
        try:
            meta = meta_from_entry(plan_id, entry)
            inside(folder, meta.file)
            lib.plans[plan_id] = meta
        except BadMetadata as exc:
            lib.broken[plan_id] = Said(str(exc), exc.said)
    # a plan whose name finds another plan too (the same name, or 武汉 beside a 武汉市: `answering_to`) is named
    # with its id; counted once over all plans, not a search per plan (300 plans: 0.45 s every command)
    forms = {pid: _name_forms(m) for pid, m in lib.plans.items()}
    finding = Counter(f for fs in forms.values() for f in fs)
    shared = [pid for pid, m in lib.plans.items() if finding[_key(m.name)] > 1]
    lib.plans.update({pid: replace(lib.plans[pid], shared_name=True) for pid in shared})
    return lib


def _name_forms(meta: PlanMeta) -> set[str]:
    """The keys that find a plan by name: its name, and its name without 市/省/区… (`Library.find`)."""
    return {_key(meta.name), _key(_short(meta.name))}


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, refused when it resolves outside the folder (`/etc/passwd`, `../x`, a symlink out)."""
    path = folder / name
    try:
        ok = not Path(name).is_absolute() and path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL in the name
        ok = False
    if not ok:
        raise BadMetadata(
            f"file '{name}' is outside the plans folder {folder}", message("error.outside", name=name, folder=folder)
        )
    return path


def read_regular(path: Path, limit: int, what: str) -> bytes:
    """The bytes of `path`, a regular file (or a symlink to one) of at most `limit` bytes. Anything else (a FIFO,
    a device, a socket, a folder) is refused from its kind alone, before it is opened: reading one would wait or
    stream for ever. It is opened without blocking and looked at again, in case it was swapped meanwhile."""
    try:
        _check_regular(path, os.stat(path), limit, what)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as fh:
            _check_regular(path, os.fstat(fh.fileno()), limit, what)
            data = fh.read(limit + 1)
    except OSError as exc:
        raise UnreadableFile(
            f"{path}: cannot read ({exc.strerror or exc})",
            message("error.cannot_read", path=path, reason=os_reason(exc)),
        ) from None
    if len(data) > limit:  # grew while we read
        raise TooLarge(
            f"{path}: over the {human_size(limit)} limit for {what}",
            message("error.over_limit", path=path, limit=human_size(limit), what=_what(what)),
        )
    return data


def _check_regular(path: Path, st: os.stat_result, limit: int, what: str) -> None:
    if (kind := file_kind(st.st_mode)) is not None:
        said = message("error.not_regular", path=path, kind=kind_message(kind), what=_what(what))
        raise UnreadableFile(f"{path}: is {kind}, not a regular file; {what} must be a regular file", said)
    if st.st_size > limit:
        size, most = human_size(st.st_size), human_size(limit)
        said = message("error.size_over_limit", path=path, size=size, limit=most, what=_what(what))
        raise TooLarge(f"{path}: {size} is over the {most} limit for {what}", said)


_WHATS = {
    "a plan's text": "error.what.text",
    METADATA: "error.what.metadata",
    "an overrides file": "error.what.overrides",
}


def _what(what: str) -> Message | str:
    """What a file is for (`a plan's text`), as the size and kind errors name it."""
    return message(_WHATS[what], en=what) if what in _WHATS else what


def library_files(folder: Path) -> dict[Path, str]:
    """The files the plan library in `folder` is made of, resolved, each with what it is: plans.toml, every
    entry's text and original (a broken entry's too), the analysts' overrides and the shipped vectors. A report
    must never be written over one of them, even with --force. Never fails: an unreadable plans.toml gives the
    files it can."""
    folder = Path(folder)
    described = f"the plan library {folder}"
    names: dict[str, str] = {
        METADATA: f"{METADATA} of {described}",
        VECTORS: f"the sentence-vector file of {described}",
    }
    try:
        raw = tomllib.loads(read_regular(folder / METADATA, MAX_METADATA_BYTES, METADATA).decode("utf-8"))
    except (JtError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        raw = {}
    for plan_id, entry in raw.items():
        names[f"{plan_id}{OVERRIDES_SUFFIX}"] = f"the overrides file of plan '{plan_id}' in {described}"
        if isinstance(entry, dict):
            for key, role in (("file", "text"), ("original", "original")):
                if isinstance(entry.get(key), str) and entry[key]:
                    names[entry[key]] = f"the {role} of plan '{plan_id}' in {described}"
    try:
        for path in folder.glob(f"*{OVERRIDES_SUFFIX}"):
            names.setdefault(
                path.name, f"the overrides file of plan '{path.name[: -len(OVERRIDES_SUFFIX)]}' in {described}"
            )
    except OSError:
        pass
    files: dict[Path, str] = {}
    for name, what in names.items():
        if (path := resolved(folder / name)) is not None:
            files.setdefault(path, what)
    return files


def meta_from_entry(plan_id: str, entry: object) -> PlanMeta:
    """The entry [plan_id] of plans.toml as a PlanMeta; BadMetadata names every field that is missing, empty
    or of the wrong type (`doc_number = [1, 2]`, `issuers = "x"`, `date = 2023`)."""
    if not isinstance(entry, dict):
        raise BadMetadata(f"not a table but {_toml_type(entry)}", message("error.entry.not_table", type=_type(entry)))
    problems = _field_problems(entry)
    if problems:
        said = problems[-1].said
        for problem in reversed(problems[:-1]):  # joined by "; " (；), as the English has them
            said = message("error.entry.and", first=problem.said, rest=said)
        raise BadMetadata("; ".join(problems), said)
    if entry["level"] not in LEVELS:
        said = message("error.entry.level", level=entry["level"], choices=list(LEVELS))
        raise BadMetadata(f"level '{entry['level']}' is not one of {', '.join(LEVELS)}", said)
    date = entry.get("date")
    return PlanMeta(
        id=plan_id,
        name=entry["name"],
        level=entry["level"],
        kind=entry["kind"],
        title=entry["title"],
        file=entry["file"],
        prefix=str(entry.get("prefix") or plan_id[:2].upper()),
        issuers=tuple(entry.get("issuers", ())),
        date=str(date) if date else None,
        doc_number=entry.get("doc_number"),
        note=entry.get("note"),
        province=entry.get("province") or None,
    )


def _field_problems(entry: dict) -> list[Said]:
    """What is wrong with the fields of one entry, one phrase per field, each naming its key."""
    missing = [k for k in _REQUIRED if k not in entry or entry[k] == ""]
    problems = [Said(f"missing or empty: {', '.join(missing)}", message("error.entry.missing", keys=missing))]
    problems = problems if missing else []
    for key in (*_REQUIRED, *_STRINGS):
        if key in entry and not isinstance(entry[key], str):
            said = message("error.entry.not_string", field=key, type=_type(entry[key]))
            problems.append(Said(f"{key} must be a string, not {_toml_type(entry[key])}", said))
    for key in _STRING_LISTS:
        value = entry.get(key, [])
        if not isinstance(value, list):
            said = message("error.entry.not_list", field=key, type=_type(value))
            problems.append(Said(f"{key} must be an array of strings, not {_toml_type(value)}", said))
        elif bad := [v for v in value if not isinstance(v, str)]:
            said = message("error.entry.list_holds", field=key, type=_type(bad[0]))
            problems.append(Said(f"{key} must be an array of strings, not one holding {_toml_type(bad[0])}", said))
    date = entry.get("date")
    if date is not None and not (isinstance(date, str) or _is_day(date)):
        said = message("error.entry.date", type=_type(date))
        problems.append(Said(f'date must be a string like "2023-05-11", not {_toml_type(date)}', said))
    return problems


def _is_day(value: object) -> bool:
    """A TOML local date (`date = 2023-05-11`, unquoted): read as that day."""
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def _type(value: object) -> Message:
    """`_toml_type` as a Message: its English, and the kind of value in Chinese."""
    english = _toml_type(value)
    kind = english.split(" ")[-1] if " " in english else "other"
    return message(f"error.toml_type.{kind.replace('-', '_')}", en=english)


def _toml_type(value: object) -> str:
    kinds = (
        (bool, "a boolean"),
        (int, "an integer"),
        (float, "a float"),
        (str, "a string"),
        (list, "an array"),
        (dict, "a table"),
        (datetime.datetime, "a date-time"),
        (datetime.date, "a date"),
        (datetime.time, "a time"),
    )
    return next((name for kind, name in kinds if isinstance(value, kind)), type(value).__name__)
