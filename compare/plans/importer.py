"""Add a plan file (text, Word, PDF or web page) to the plan library in one step.

`import_plan` reads the file (`jtcompare.ingest`), normalises and parses it like every plan in the
library, refuses what is not a plan, guesses the metadata the caller did not give
(`jtcompare.plans.metadata`), and adds `<id>.txt` (the extracted text, UTF-8), `<id>.orig.<ext>`
(the file as received) and the new `plans.toml` entry to the plans folder as one transaction
(`jtcompare.atomic.write_files`), under the library's lock (`jtcompare.plans.library_edit`).

What counts as a plan (a simple, documented heuristic): at least MIN_CJK Chinese characters, written
mostly in Chinese (at least MIN_CJK_SHARE of its letters are Chinese characters), and at least MIN_VERBS
different policy verbs from POLICY_VERBS (推进, 加强, 落实, ...). A price list, a novel's chapter, random bytes
or an English document quoting Chinese (this project's README: 4% of its letters) fail it; every plan in
data/plans uses more than 20 of the verbs, and the least Chinese of them, the national scheme as published on
the web with its page's English, has 72% (a plan printed in Chinese and English would have about a quarter).

The library's base plan (the national scheme every plan is compared with) is replaced only with
`replace_base`: `force` replaces any other plan.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jtcompare.atomic import write_files
from jtcompare.errors import (
    AlreadyExists,
    BadOption,
    JtError,
    NotAPlan,
    PlanExists,
    Said,
    WriteFailed,
    either,
    flag,
    message,
    option,
)
from jtcompare.ingest.readers import DEFAULT_MAX_SIZE, Document, read_document
from jtcompare.plans.library_edit import (
    check_can_make,
    library_now,
    read_metadata,
    stale_files,
    updated_metadata,
    writable_plans_dir,
    writing,
)
from jtcompare.plans.metadata import (
    check_id,
    guess_meta,
    guess_province,
    id_for,
    kind_of,
    level_of,
    parse_date,
    prefix_for,
    short_province,
)
from jtcompare.plans.model import Plan, PlanMeta
from jtcompare.plans.parse import parse_normalised
from jtcompare.plans.registry import (
    LEVELS,
    METADATA,
    Library,
    meta_from_entry,
    names_clash,
    open_library,
    refuse_a_file,
)
from jtcompare.text.normalise import Normalised, code_points, describe_characters, hidden_characters, normalise

POLICY_VERBS = (
    *("推进", "推动", "加强", "加快", "实施", "落实", "建立", "完善", "开展", "提升", "强化", "健全", "严格"),
    *("鼓励", "支持", "促进", "坚持", "深化", "确保", "探索", "构建", "培育", "引导", "优化", "统筹", "规范"),
)
MIN_CJK = 100
MIN_CJK_SHARE = 0.15
_LATIN = re.compile(r"[A-Za-z]")
MIN_VERBS = 5
_EXT = {"txt": ".txt", "docx": ".docx", "pdf": ".pdf", "html": ".html"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_FIELDS = ("id", "name", "level", "kind", "title", "date", "province")


@dataclass(frozen=True)
class Imported:
    """What an import found and did (or, with dry_run, would do)."""

    source: Path
    folder: Path
    document: Document
    plan: Plan
    guessed: tuple[str, ...]  # metadata fields read from the text rather than given
    files: tuple[str, ...]  # names in the plans folder: the text, the original, plans.toml
    replaced: bool  # an existing plan of this id was replaced (--force)
    written: bool  # False for a dry run
    blocked: tuple[JtError, ...] = ()  # why a real run would be refused (dry run only), the first as it would say
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # what a real run would do but the user should know: a name another plan has
    previous: Plan | None = None  # the version this import replaces (--force), as the library parsed it

    def changes(self) -> dict[str, tuple[int, int]] | None:
        """Numbered clauses and measures, old -> new, when this import replaces a plan of the same id."""
        if self.previous is None:
            return None
        old, new = self.previous, self.plan
        return {
            "clauses": (len(old.numbered_clauses), len(new.numbered_clauses)),
            "measures": (len(old.measures), len(new.measures)),
        }

    @property
    def meta(self) -> PlanMeta:
        return self.plan.meta


@dataclass(frozen=True)
class _Read:
    """The file read, normalised and its metadata settled: everything that needs no lock."""

    path: Path
    document: Document
    norm: Normalised
    fields: dict[str, str | None]
    guessed: tuple[str, ...]
    notes: tuple[str, ...] = ()
    national_because: str | None = None  # what made a level not given national (the issuer line, the name)


def import_plan(
    path: Path,
    folder: Path | None = None,
    *,
    plan_id: str | None = None,
    name: str | None = None,
    level: str | None = None,
    kind: str | None = None,
    title: str | None = None,
    date: str | None = None,
    province: str | None = None,
    fmt: str | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    force: bool = False,
    replace_base: bool = False,
    dry_run: bool = False,
) -> Imported:
    """Read, check and parse `path`, then add it to the plans `folder` (nothing written if dry_run)."""
    path = Path(path)
    folder = writable_plans_dir(folder)  # a dry run names the library the real run would write to, not the shipped
    given = _check_options(plan_id, name, level, kind, title, date)
    given["province"] = _check_province(province)
    now = library_now(folder)  # your library not made yet: the shipped one, which the first write copies
    if now == folder:
        check_folder(folder)
    elif dry_run:
        check_can_make(folder)  # the real run would fail making your library: say so, not "would add"
    open_library(now)  # a broken plans.toml is reported before the file is read
    read = _read(path, given, fmt, max_size)
    if dry_run or now != folder:
        result, _, blocked = _plan_entry(read, open_library(now), force=force, replace_base=replace_base)
        if dry_run:
            return replace(result, folder=folder, blocked=tuple(blocked))
        if blocked:  # refused before your library is made, and named where the plan is now
            raise blocked[0]
    with writing(folder):  # from here to the last rename, no other import or override changes the library
        lib = open_library(folder)
        result, entry, blocked = _plan_entry(read, lib, force=force, replace_base=replace_base)
        if blocked:
            raise blocked[0]
        plan_id = result.meta.id
        stale = stale_files(folder, plan_id, result.files)
        toml_text = updated_metadata(read_metadata(folder), plan_id, entry)
        doc = read.document
        write_files(
            folder,
            {entry["file"]: doc.text.encode("utf-8"), entry["original"]: doc.data, METADATA: toml_text.encode()},
        )
        for stale_name in stale:
            (folder / stale_name).unlink(missing_ok=True)
    return replace(result, written=True)


def _check_options(
    plan_id: str | None, name: str | None, level: str | None, kind: str | None, title: str | None, date: str | None
) -> dict[str, str | None]:
    for field_name, value in (("name", name), ("kind", kind), ("title", title)):
        # refused, not stripped: a name is how the plan is found and shown, and must be what the user meant
        hidden = hidden_characters(value) if value is not None else []
        if value is not None and (not value.strip() or hidden):
            invisible = [ch for ch in hidden if unicodedata.category(ch) != "Cc"]
            also = f" or invisible formatting characters ({describe_characters(invisible)})" if invisible else ""
            codes = code_points(hidden)
            also_said = message("error.detail", en=also, zh="")
            said = message("error.not_printable", option=option(field_name), value=value, codes=codes, also=also_said)
            text = f"{option(field_name, value)} must be printable text, without control characters{also}"
            raise BadOption(text, said)
    if level is not None and level not in LEVELS:
        raise BadOption(
            f"unknown level '{level}'; choose one of {', '.join(LEVELS)}",
            message("error.unknown_level", level=level, choices=list(LEVELS)),
        )
    return {
        "id": check_id(plan_id) if plan_id is not None else None,
        "name": name,
        "level": level,
        "kind": kind,
        "title": title,
        "date": parse_date(date) if date is not None else None,
    }


# what a curator wrote into plans.toml that no file tells: a new version of the plan keeps it unless given anew
# (without its province, a re-imported wuhan would count the measures bound to other regions as gaps)
_CURATED = ("province", "issuers", "doc_number", "note")


def _kept(previous: PlanMeta | None, entry: dict[str, Any]) -> dict[str, Any]:
    if previous is None:
        return {}
    kept = {k: getattr(previous, k) for k in _CURATED if k not in entry and getattr(previous, k)}
    return {k: list(v) if isinstance(v, tuple) else v for k, v in kept.items()}


def _check_province(province: str | None) -> str | None:
    """The province as given (湖北, 湖北省, 新疆维吾尔自治区), refused when it is no province-level division's name:
    it is compared with the regions' province lists (match/data/regions.toml), so a typo (胡北) or a city (武汉)
    would put the plan outside every region and silently leave out each region-bound measure."""
    if province is None:
        return None
    if short_province(province) is None:
        raise BadOption(
            f"{option('province', province)} must be a province's Chinese name, e.g. 湖北 or 湖北省",
            message("error.bad_province", value=province),
        )
    return province.strip()


def _read(path: Path, given: dict[str, str | None], fmt: str | None, max_size: int) -> _Read:
    """Read and check the file, and settle its metadata: what was given is kept as given."""
    doc = read_document(path, fmt=fmt, max_size=max_size)
    norm = normalise(doc.text)
    check_is_plan(path, norm.text)
    guess = guess_meta(norm.text, doc.title_hint)
    guessed_title, notes = _visible_title(guess.title)
    kind = given["kind"]
    name = given["name"] or guess.name
    if not name:
        raise BadOption(
            f"{path}: cannot tell the plan's name (e.g. 武汉市) from its text; give it with {option('name')}",
            message("error.no_name", path=path),
        )
    title = given["title"] or guessed_title or (f"{name}{kind}" if kind else None)
    if not title:
        raise BadOption(
            f"{path}: cannot tell the plan's title from its text; give {option('kind')} (and {option('title')})",
            message("error.no_title", path=path),
        )
    level = given["level"] or level_of(name) or guess.level or "other"
    fields = {
        "id": given["id"] or id_for(name, level),
        "name": name,
        "level": level,
        "kind": kind or kind_of(title, name),
        "title": title,
        "date": given["date"] or guess.date,
        "province": given["province"],  # which measures are region-bound for the plan reads it
    }
    fields["province"], province_notes = _province(fields["province"], norm.text, name, level)
    guessed = tuple(k for k in _FIELDS if given[k] is None and fields[k] is not None)
    because = None
    if level == "national" and given["level"] is None:
        named = given["name"] is not None and level_of(name) == "national"  # --name 国家
        because = f"the name {name}" if named else f"its issuer line {guess.issuer!r}"
    return _Read(path, doc, norm, fields, guessed, (notes if given["title"] is None else ()) + province_notes, because)


def _province(given: str | None, text: str, name: str, level: str) -> tuple[str | None, tuple[str, ...]]:
    """The province as given, else as the name or text tells it; with the import's note on how it was read."""
    if given is not None:
        return given, ()
    if where := guess_province(text, name, level):
        said = message("note.province_read", province=where.province, because=where.because.said)
        return where.province, (
            Said(
                f"province {where.province} read from {where.because}; give {option('province')} if it is another",
                said,
            ),
        )
    if level in ("city", "province", "district"):
        return None, (
            Said(
                f"province not told by the name or the text: give {option('province')}, or the measures bound to other "
                "regions count as its gaps",
                message("note.province_unknown"),
            ),
        )
    return None, ()


def _visible_title(title: str | None) -> tuple[str | None, tuple[str, ...]]:
    """A title read from the text, without the invisible characters the normaliser keeps in plan text (a
    right-to-left override, zero-width spaces): they would reach plans.toml, every report and every terminal."""
    hidden = hidden_characters(title or "")
    if not title or not hidden:
        return title, ()
    visible = "".join(ch for ch in title if ch not in hidden) or None
    said = message("note.title_hidden", chars=code_points(hidden))
    return visible, (Said(f"removed {describe_characters(hidden)} from the title read from the text", said),)


def _plan_entry(
    read: _Read, lib: Library, *, force: bool, replace_base: bool
) -> tuple[Imported, dict[str, Any], list[JtError]]:
    """The plans.toml entry and the parsed plan as the library stands now, and why writing would be refused."""
    f, doc, path = read.fields, read.document, read.path
    plan_id = str(f["id"])
    others = {k: m for k, m in lib.plans.items() if k != plan_id}
    entry = {
        "name": f["name"],
        "level": f["level"],
        "kind": f["kind"],
        "title": f["title"],
        "file": f"{plan_id}.txt",
        "prefix": prefix_for(plan_id, str(f["name"]), str(f["level"]), {m.prefix for m in others.values()}),
        "date": f["date"],
        "province": f.get("province"),
        "original": f"{plan_id}.orig{_EXT[doc.format]}",
        "source": path.name,
        "format": doc.format,
        "encoding": doc.encoding,
        "guessed": list(read.guessed),
    }
    previous = lib.plans.get(plan_id)
    if previous is not None and previous.province and "province" in read.guessed:
        del entry["province"]  # a province read from the text never replaces one a curator wrote
        entry["guessed"] = [k for k in entry["guessed"] if k != "province"]
    entry = {k: v for k, v in entry.items() if v not in (None, [])}
    entry |= _kept(previous, entry)
    plan = parse_normalised(read.norm, meta_from_entry(plan_id, entry))
    files = (entry["file"], entry["original"], METADATA)
    notes = (*doc.notes, *read.notes)
    blocked = _second_national(read, lib, plan_id, replace_base=replace_base)
    blocked += _conflicts(path, lib, plan_id, files[:2], force=force, replace_base=replace_base)
    # a refused import replaces nothing: no "replaced", and no old-to-new comparison (an alignment) to show
    replaces = plan_id in lib.plans and not blocked
    result = Imported(path, lib.folder, doc, plan, read.guessed, files, replaces, False, (), notes)
    warnings = _same_name(path, plan_id, str(f["name"]), others.values())
    return replace(result, previous=_previous(lib, plan_id) if replaces else None, warnings=warnings), entry, blocked


def _same_name(path: Path, plan_id: str, name: str, others: Iterable[PlanMeta]) -> tuple[str, ...]:
    """A warning for each plan of the library with this name, or one `Library.find` takes for it (武汉 and 武汉市):
    the name then finds neither (`find` asks for the id) and Chinese outputs show plans of one name as 名称（id）.
    Not refused: two versions of a city's plan may be kept."""
    return tuple(
        Said(
            f"{path}: plan '{m.id}' ({m.name}) answers to this name too: from now on name each by its id "
            f"({m.id} or {plan_id})",
            message("note.same_name", path=path, plan=m.id, name=m.name, new=plan_id),
        )
        for m in others
        if names_clash(m.name, name)
    )


def _previous(lib: Library, plan_id: str) -> Plan | None:
    """The plan an import of `plan_id` replaces, parsed, for the summary of what changed (None: a new id, or an
    entry that cannot be read, which the import repairs)."""
    if plan_id not in lib.plans:
        return None
    try:
        return lib.load(plan_id)
    except JtError:
        return None


# --- checks ---------------------------------------------------------------------------------


def check_folder(folder: Path) -> None:
    refuse_a_file(folder, WriteFailed)  # as reading the library says it
    if not folder.is_dir():
        raise WriteFailed(f"{folder}: plans folder does not exist", message("error.no_plans_folder", folder=folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteFailed(
            f"{folder}: plans folder is not writable", message("error.plans_folder_read_only", folder=folder)
        )


def check_is_plan(path: Path, text: str) -> None:
    """Refuse a text that is not a policy plan (the heuristic in the module docstring)."""
    cjk = len(_CJK.findall(text))
    if cjk < MIN_CJK:
        raise NotAPlan(
            f"{path}: not a plan: only {cjk} Chinese characters (a plan has at least {MIN_CJK})",
            message("error.not_a_plan_short", path=path, count=cjk, least=MIN_CJK),
        )
    share = cjk / (cjk + len(_LATIN.findall(text)))
    if share < MIN_CJK_SHARE:
        raise NotAPlan(
            f"{path}: not a plan: only {share:.0%} of its letters are Chinese characters (a plan's are mostly)",
            message("error.not_a_plan_latin", path=path, share=f"{share:.0%}"),
        )
    verbs = [v for v in POLICY_VERBS if v in text]
    if len(verbs) < MIN_VERBS:
        found = "、".join(verbs) or "none"
        raise NotAPlan(
            f"{path}: not a plan: it uses {len(verbs)} of the policy verbs 推进、加强、落实… ({found}); "
            f"a plan uses at least {MIN_VERBS}",
            message(
                "error.not_a_plan_verbs",
                path=path,
                count=len(verbs),
                verbs="、".join(verbs) or message("error.none"),
                least=MIN_VERBS,
            ),
        )


def is_base(meta: PlanMeta) -> bool:
    """The plan every other is compared with by default: the national scheme."""
    return meta.id == "national" or meta.level == "national"


def _second_national(read: _Read, lib: Library, plan_id: str, *, replace_base: bool) -> list[JtError]:
    """A level guessed national (never given) where the library has a national plan already: a city plan that
    cites the national scheme must not become a second base by a guess, so this needs `--level national`."""
    if read.national_because is None:
        return []
    for m in lib.plans.values():
        if is_base(m) and not (replace_base and m.id == plan_id):
            return [
                BadOption(
                    f"{read.path}: read as a national plan from {read.national_because}, but {m.id} ({m.title}) "
                    f"is the library's national plan; give {option('level', 'national', quoted=False)} to add a "
                    f"second one, or {option('name')} and {option('level')} for what it is "
                    f"(e.g. {option('name', '武汉市', quoted=False)}{either(' ', ', ')}"
                    f"{option('level', 'city', quoted=False)})",
                    message(
                        "error.second_national",
                        path=read.path,
                        because=message("error.detail", en=read.national_because, zh=message("error.why.national")),
                        plan=m.id,
                        title=m.title,
                    ),
                )
            ]
    return []


def _conflicts(
    path: Path, lib: Library, plan_id: str, names: tuple[str, ...], *, force: bool, replace_base: bool
) -> list[JtError]:
    folder = lib.folder
    if plan_id in lib.plans and is_base(lib.plans[plan_id]):
        if replace_base:
            return []
        m = lib.plans[plan_id]
        return [
            PlanExists(
                f"{path}: plan '{plan_id}' is the library's base in {folder} ({m.title}), which every plan is "
                f"compared with; give another {option('id')}, or {flag('replace_base')} to replace it",
                message("error.plan_is_base", path=path, plan=plan_id, folder=folder, title=m.title),
            )
        ]
    if force:
        return []
    out: list[JtError] = []
    if plan_id in lib.plans:
        m = lib.plans[plan_id]
        out.append(
            PlanExists(
                f"{path}: plan '{plan_id}' exists already in {folder} ({m.title}); "
                f"give another {option('id')}, or {flag('force')} to replace it",
                message("error.plan_exists", path=path, plan=plan_id, folder=folder, title=m.title),
            )
        )
    elif plan_id in lib.broken:
        said = message("error.plan_exists_broken", path=path, plan=plan_id, folder=folder)
        out.append(
            PlanExists(
                f"{path}: plan '{plan_id}' exists already in {folder} (a broken entry); use {flag('force')}", said
            )
        )
    else:
        out += [
            AlreadyExists(
                f"{folder / n}: file exists; use {flag('force')} to overwrite it",
                message("error.exists", path=folder / n),
            )
            for n in names
            if (folder / n).exists()
        ]
    return out
