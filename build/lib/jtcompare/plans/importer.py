"""Add a plan file (text, Word, PDF or web page) to the plan library in one step.

`import_plan` reads the file (`compare.readers`), normalises and parses it like every plan in the
library, refuses what is not a plan, guesses the metadata the caller did not give, and adds
`<id>.txt` (the extracted text, UTF-8), `<id>.orig.<ext>` (the file as received) and the new
`plans.toml` entry to the plans folder as one transaction.

What counts as a plan (a simple, documented heuristic): at least MIN_CJK Chinese characters and
at least MIN_VERBS different policy verbs from POLICY_VERBS (推进, 加强, 落实, ...). A price list,
a novel's chapter or random bytes fail it; every plan in data/plans uses more than 20 of them.

The transaction: every file is first written to a temporary file in the plans folder; then the
text and the original are renamed into place and `plans.toml` last, keeping a hard link to each
file they replace. Any failure or Ctrl-C before the last rename puts every file back, so the
folder is either as it was or holds the whole new plan.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import tomli_w
from jtcompare.errors import AlreadyExists, BadOption, NotAPlan, PlanExists, WriteFailed
from jtcompare.ingest.readers import DEFAULT_MAX_SIZE, Document, read_document
from jtcompare.plans.model import Plan, PlanMeta
from jtcompare.plans.parse import TITLE_END, parse_normalised
from jtcompare.plans.registry import LEVELS, METADATA, Library, default_plans_dir, meta_from_entry, open_library
from jtcompare.text.normalise import normalise
from jtcompare.text.numerals import cn_to_int

POLICY_VERBS = (
    *("推进", "推动", "加强", "加快", "实施", "落实", "建立", "完善", "开展", "提升", "强化", "健全", "严格"),
    *("鼓励", "支持", "促进", "坚持", "深化", "确保", "探索", "构建", "培育", "引导", "优化", "统筹", "规范"),
)
MIN_CJK = 100
MIN_VERBS = 5
HEADER = "# The plan library: one table per plan, keyed by its id. `jtcompare import` adds to it.\n"
_EXT = {"txt": ".txt", "docx": ".docx", "pdf": ".pdf", "html": ".html"}
_ID = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CHAPTER = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章部])")
_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,10}?(?:特别行政区|自治区|自治州|省|市|县|区))(.{2,})$")
_NATIONAL = re.compile(
    r"国务院|国家发展和改革委员会|国家发展改革委|生态环境部|工业和信息化部|住房和城乡建设部|国家能源局"
)
_DATES = (
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(
        r"([〇零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
    ),
    re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"),
)


@dataclass(frozen=True)
class Guess:
    """Metadata read from a plan's own text; None where the text does not tell."""

    title: str | None = None
    name: str | None = None
    kind: str | None = None
    level: str | None = None
    date: str | None = None


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
    blocked: tuple[str, ...] = ()  # why a real run would be refused (dry run only)
    notes: tuple[str, ...] = ()

    @property
    def meta(self) -> PlanMeta:
        return self.plan.meta


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
    fmt: str | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    force: bool = False,
    dry_run: bool = False,
) -> Imported:
    """Read, check and parse `path`, then add it to the plans `folder` (nothing written if dry_run)."""
    path = Path(path)
    folder = Path(folder) if folder else default_plans_dir()
    plan_id = check_id(plan_id) if plan_id is not None else None
    if level is not None and level not in LEVELS:
        raise BadOption(f"unknown level '{level}'; choose one of {', '.join(LEVELS)}")
    date = parse_date(date) if date is not None else None
    check_folder(folder)
    lib = open_library(folder)
    doc = read_document(path, fmt=fmt, max_size=max_size)
    norm = normalise(doc.text)
    check_is_plan(path, norm.text)
    guess = guess_meta(norm.text, doc.title_hint)
    given = {"id": plan_id, "name": name, "level": level, "kind": kind, "title": title, "date": date}
    name = name or guess.name
    if not name:
        raise BadOption(f"{path}: cannot tell the plan's name (e.g. 武汉市) from its text; give it with --name")
    title = title or guess.title or (f"{name}{kind}" if kind else None)
    if not title:
        raise BadOption(f"{path}: cannot tell the plan's title from its text; give --kind (and --title)")
    kind = kind or _kind_of(title, name)
    level = level or _level_of(name) or guess.level or "other"
    date = date or guess.date
    plan_id = plan_id or id_for(name, level)
    final = {"id": plan_id, "name": name, "level": level, "kind": kind, "title": title, "date": date}
    guessed = [k for k, v in given.items() if v is None and final[k] is not None]
    others = {k: m for k, m in lib.plans.items() if k != plan_id}
    entry = {
        "name": name,
        "level": level,
        "kind": kind,
        "title": title,
        "file": f"{plan_id}.txt",
        "prefix": _prefix(plan_id, name, level, {m.prefix for m in others.values()}),
        "date": date,
        "original": f"{plan_id}.orig{_EXT[doc.format]}",
        "source": path.name,
        "format": doc.format,
        "encoding": doc.encoding,
        "guessed": guessed,
    }
    entry = {k: v for k, v in entry.items() if v not in (None, [])}
    meta = meta_from_entry(plan_id, entry)
    plan = parse_normalised(norm, meta)
    files = (entry["file"], entry["original"], METADATA)
    notes = list(doc.notes)
    notes += [f"plan {m.id} has the name {name} too: name it by id" for m in others.values() if m.name == name]
    blocked = _conflicts(path, folder, lib, plan_id, files[:2], force=force)
    result = Imported(path, folder, doc, plan, tuple(guessed), files, plan_id in lib.plans, False, (), tuple(notes))
    if dry_run:
        return replace(result, blocked=tuple(str(b) for b in blocked))
    if blocked:
        raise blocked[0]
    stale = _stale_files(lib, plan_id, files)
    toml_text = updated_metadata(_read_metadata(folder), plan_id, entry)
    write_files(
        folder,
        {entry["file"]: doc.text.encode("utf-8"), entry["original"]: doc.data, METADATA: toml_text.encode("utf-8")},
    )
    for stale_name in stale:
        (folder / stale_name).unlink(missing_ok=True)
    return replace(result, written=True)


# --- checks ---------------------------------------------------------------------------------


def check_id(plan_id: str) -> str:
    pid = plan_id.strip().lower()
    if not _ID.fullmatch(pid):
        raise BadOption(f"--id '{plan_id}' must be a-z, digits, - or _, starting with a letter (e.g. wuhan)")
    return pid


def check_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise WriteFailed(f"{folder}: plans folder does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteFailed(f"{folder}: plans folder is not writable")


def check_is_plan(path: Path, text: str) -> None:
    """Refuse a text that is not a policy plan (the heuristic in the module docstring)."""
    cjk = len(_CJK.findall(text))
    if cjk < MIN_CJK:
        raise NotAPlan(f"{path}: not a plan: only {cjk} Chinese characters (a plan has at least {MIN_CJK})")
    verbs = [v for v in POLICY_VERBS if v in text]
    if len(verbs) < MIN_VERBS:
        found = "、".join(verbs) or "none"
        raise NotAPlan(
            f"{path}: not a plan: it uses {len(verbs)} of the policy verbs 推进、加强、落实… ({found}); "
            f"a plan uses at least {MIN_VERBS}"
        )


def parse_date(value: str) -> str:
    """`2023-05-11`, `2023/5/11`, `2023.5.11`, `2023年5月11日` or `二〇二三年五月十一日` as YYYY-MM-DD."""
    text = value.strip()
    for pattern in _DATES:
        m = pattern.fullmatch(text)
        if m and (iso := _iso(m)):
            return iso
    raise BadOption(f"--date '{value}' is not a date like 2023-05-11")


def _iso(m: re.Match[str]) -> str | None:
    y, mo, d = (cn_to_int(g) for g in m.groups())
    try:
        return dt.date(y or 0, mo or 0, d or 0).isoformat()
    except ValueError:
        return None


def _conflicts(
    path: Path, folder: Path, lib: Library, plan_id: str, names: tuple[str, ...], *, force: bool
) -> list[AlreadyExists]:
    if force:
        return []
    out: list[AlreadyExists] = []
    if plan_id in lib.plans:
        m = lib.plans[plan_id]
        out.append(
            PlanExists(
                f"{path}: plan '{plan_id}' exists already in {folder} ({m.title}); "
                "give another --id, or --force to replace it"
            )
        )
    elif plan_id in lib.broken:
        out.append(PlanExists(f"{path}: plan '{plan_id}' exists already in {folder} (a broken entry); use --force"))
    else:
        out += [
            AlreadyExists(f"{folder / n}: file exists; use --force to overwrite it")
            for n in names
            if (folder / n).exists()
        ]
    return out


def _stale_files(lib: Library, plan_id: str, files: tuple[str, ...]) -> list[str]:
    """Files of the plan being replaced that the new entry no longer names and no other entry uses."""
    raw = _raw_entries(lib.folder)
    old = raw.get(plan_id)
    if not isinstance(old, dict):
        return []
    used = {
        str(e.get(k)) for pid, e in raw.items() if pid != plan_id and isinstance(e, dict) for k in ("file", "original")
    }
    names = [str(old.get(k)) for k in ("file", "original") if isinstance(old.get(k), str)]
    return [n for n in names if n not in files and n not in used and "/" not in n and "\\" not in n]


# --- guessing metadata from the text ----------------------------------------------------------


def guess_meta(text: str, title_hint: str | None = None) -> Guess:
    """Title, name, kind, level and date as the plan's front matter (or a web page's title) gives them."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    first = next((i for i, ln in enumerate(lines) if _CHAPTER.match(ln)), min(len(lines), 30))
    head, tail = lines[:first], lines[-10:]
    title = _guess_title(head, title_hint)
    name = kind = level = None
    if title and (m := _PLACE.match(title)):
        name, kind = m.group(1), m.group(2)
        level = _level_of(name)
    elif title:
        kind = title
        if _NATIONAL.search("\n".join(head)):
            name, level = "国家", "national"
    return Guess(title, name, kind, level, _guess_date(head, tail))


def _clean_title(line: str) -> str:
    return re.sub(r"\s+", "", line).strip('《》〈〉<>"“”')


def _guess_title(head: list[str], hint: str | None) -> str | None:
    bare = [
        t
        for t in map(_clean_title, head)
        if 4 < len(t) <= 40 and TITLE_END.search(t) and not re.search(r"关于|印发|通知|的函|[。,;:!?]", t)
    ]
    if bare:
        return bare[-1]
    for line in head:
        if m := re.search(r"印发(?:了)?《([^》]{4,40})》|关于印发(.{4,40}?)的(?:通知|函)", line):
            return _clean_title(m.group(1) or m.group(2))
    if hint:
        for part in re.split(r"\s*[_|–—-]\s*", hint):
            t = _clean_title(part)
            if 4 < len(t) <= 40 and TITLE_END.search(t):
                return t
    return None


def _guess_date(head: list[str], tail: list[str]) -> str | None:
    """A date alone on a line (the signature) in the front matter or at the end, else one in the front matter."""
    for lines, alone in ((head, True), (tail, True), (head, False)):
        for line in lines:
            for pattern in _DATES:
                m = (pattern.fullmatch if alone else pattern.search)(line.strip("()（） "))
                if m and (iso := _iso(m)):
                    return iso
    return None


def _level_of(name: str) -> str | None:
    if name.endswith(("省", "自治区", "特别行政区")):
        return "province"
    if name.endswith(("市", "自治州")):
        return "city"
    if name.endswith(("县", "区")):
        return "district"
    if name == "国家":
        return "national"
    return None


def _kind_of(title: str, name: str) -> str:
    """The title without the place: 减污降碳协同增效实施方案 of 武汉市减污降碳协同增效实施方案."""
    m = _PLACE.match(title)
    if m and _short(m.group(1)) == _short(name):
        return m.group(2)
    for prefix in (name, _short(name)):
        if title.startswith(prefix) and len(title) > len(prefix):
            return title[len(prefix) :]
    return m.group(2) if m else title


def _short(name: str) -> str:
    for suffix in ("特别行政区", "自治区", "自治州", "省", "市", "县", "区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _syllables(name: str) -> list[str]:
    from pypinyin import lazy_pinyin

    return [re.sub(r"[^a-z0-9]", "", s.lower()) for s in lazy_pinyin(_short(name), errors="ignore")]


def id_for(name: str, level: str) -> str:
    """`wuhan` for 武汉市: the pinyin of the name without 市/省/..., `national` for the national scheme."""
    if level == "national" and name == "国家":
        return "national"
    pid = "".join(_syllables(name))[:40]
    return pid if _ID.fullmatch(pid) else "plan"


def _prefix(plan_id: str, name: str, level: str, taken: set[str]) -> str:
    """Measure-id prefix: pinyin initials (WH for 武汉市), unique in the library."""
    if level == "national" and name == "国家":
        base = "N"
    else:
        initials = "".join(s[0] for s in _syllables(name) if s).upper()
        base = initials if len(initials) >= 2 else plan_id[:2].upper()
    prefix, n = base, 2
    while prefix in taken:
        prefix, n = f"{base}{n}", n + 1
    return prefix


# --- plans.toml ----------------------------------------------------------------------------------


def _read_metadata(folder: Path) -> str | None:
    path = folder / METADATA
    return path.read_text(encoding="utf-8") if path.exists() else None


def _raw_entries(folder: Path) -> dict:
    text = _read_metadata(folder)
    return tomllib.loads(text) if text else {}


def updated_metadata(current: str | None, plan_id: str, entry: dict) -> str:
    """plans.toml with `entry` added as [plan_id] (replacing an old one), comments elsewhere kept."""
    old = tomllib.loads(current) if current else {}
    want = {**old, plan_id: entry}
    table = tomli_w.dumps({plan_id: entry})
    if current is None:
        text = f"{HEADER}\n{table}"
    elif plan_id not in old:
        text = f"{current.rstrip()}\n\n{table}"
    else:
        text = _replace_table(current, plan_id, table)
    if text is None or tomllib.loads(text) != want:  # keep the file valid whatever its layout
        comments = "".join(ln for ln in (current or HEADER).splitlines(keepends=True) if ln.startswith("#"))
        text = f"{comments}\n{tomli_w.dumps(want)}"
    return text


def _replace_table(current: str, plan_id: str, table: str) -> str | None:
    header = re.compile(rf"^\[\s*(?:{re.escape(plan_id)}|\"{re.escape(plan_id)}\")\s*\]\s*$", re.M)
    m = header.search(current)
    if not m:
        return None
    nxt = re.compile(r"^\[", re.M).search(current, m.end())
    end = nxt.start() if nxt else len(current)
    rest = current[end:]
    return current[: m.start()] + table + ("\n" + rest if rest else "")


# --- the transaction -------------------------------------------------------------------------------


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Write every file or none: stage each to a temporary file, then rename them in order (the last
    is the commit point); on any error or interrupt, put back what was there."""
    staged: list[tuple[Path, Path]] = []
    backups: dict[Path, Path] = {}
    placed: list[Path] = []
    try:
        for name, data in files.items():
            staged.append((_stage(folder, name, data), folder / name))
        for tmp, final in staged:
            if final.exists():
                backups[final] = _backup(final)
            os.replace(tmp, final)
            placed.append(final)
    except BaseException as exc:
        for final in reversed(placed):
            if final in backups:
                os.replace(backups.pop(final), final)
            else:
                final.unlink(missing_ok=True)
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        for backup in backups.values():
            backup.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise WriteFailed(f"{folder}: cannot write the plan ({exc.strerror or exc}); nothing was changed") from None
        raise
    for backup in backups.values():
        backup.unlink(missing_ok=True)
    _sync_folder(folder)


def _stage(folder: Path, name: str, data: bytes) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would hide the plan from other users
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _backup(path: Path) -> Path:
    """A second name for the file about to be replaced (a hard link, else a copy)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".bak", dir=path.parent)
    os.close(fd)
    backup = Path(tmp)
    backup.unlink()
    try:
        os.link(path, backup)
    except OSError:
        shutil.copy2(path, backup)
    return backup


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
