"""On-disk cache of parsed plans (and, through `memo` and `read_pickle`/`write_pickle`, of what later stages
derive from them: tokens, action units, whole alignments), keyed by the text's hash, the tool version and its
sources and data files.

Safe to delete at any time (`~/.cache/jtcompare` or $JTCOMPARE_CACHE_DIR); `--no-cache` skips it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import pickle
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from jtcompare.atomic import write_atomic
from jtcompare.cachedir import ENV_CACHE_DIR, cache_root  # noqa: F401  (ENV_CACHE_DIR: re-exported)
from jtcompare.errors import WriteFailed
from jtcompare.plans.model import Plan, PlanMeta
from jtcompare.plans.parse import parse
from jtcompare.version import __version__

T = TypeVar("T")


def cache_dir() -> Path:
    return cache_root() / "plans"


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """Hash of the version, every source and data file of the stages that shape a cached plan, and the
    versions of the libraries whose dictionaries shape the parse and the tokens.

    Wholesale, not a hand-kept list: a new module that feeds the parse or the tokens cannot be
    served a stale pickle.
    """
    h = hashlib.sha256(__version__.encode())
    root = Path(str(resources.files("jtcompare")))
    for stage in _STAGES:
        for item in sorted((root / stage).rglob("*")):
            if item.is_file() and item.suffix in {".py", ".txt", ".csv", ".toml"}:
                h.update(item.relative_to(root).as_posix().encode())
                h.update(item.read_bytes())
    for dist in ("jieba", "opencc", "pypinyin"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            h.update(f"{dist}={importlib.metadata.version(dist)}".encode())
    return h.hexdigest()[:16]


_STAGES = ("ingest", "text", "plans", "match")


def memo(kind: str, key: object, compute: Callable[[], T], *, use_cache: bool = True) -> T:
    """`compute()`, remembered on disk under `kind` by the repr of `key` and the engine fingerprint.

    For results a later stage derives expensively from a plan (the base's action units need jieba): a warm
    run reads them instead of loading jieba. A missing, broken or unwritable cache only costs time.
    """
    if not use_cache:
        return compute()
    digest = hashlib.sha256(engine_fingerprint().encode() + repr(key).encode()).hexdigest()[:32]
    path = cache_dir().parent / kind / f"{digest}.pickle"
    found = read_pickle(path, object)
    if found is not None:
        return found  # type: ignore[return-value]
    value = compute()
    write_pickle(path, value)
    return value


def read_pickle(path: Path, kind: type[T]) -> T | None:
    """The `kind` object pickled at `path`, or None when it is missing, unreadable or not a `kind`.

    Any failure is a miss: a truncated or garbled file can make pickle raise nearly anything (ValueError,
    KeyError, IndexError, MemoryError...), and a broken cache entry must cost time, never the run.
    """
    try:
        with path.open("rb") as fh:
            value = pickle.load(fh)
    except Exception:
        return None
    return value if isinstance(value, kind) else None


def write_pickle(path: Path, value: object) -> None:
    """Store `value` at `path` atomically (replacing a broken entry); a cache that cannot be written only costs
    time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, WriteFailed):
        pass


def cache_key(meta: PlanMeta, text: str) -> str:
    h = hashlib.sha256(engine_fingerprint().encode())
    h.update(repr(meta).encode())
    h.update(text.encode())
    return h.hexdigest()[:32]


def load_plan(meta: PlanMeta, text: str, *, use_cache: bool = True) -> Plan:
    if not use_cache:
        return parse(text, meta)
    path = cache_dir() / f"{cache_key(meta, text)}.pickle"
    plan = read_pickle(path, Plan)
    if plan is None:
        plan = parse(text, meta)
        write_pickle(path, plan)
    return plan
