"""jtcompare's engine: parse policy plans and align them measure by measure.

    import jtcompare
    lib = jtcompare.Library()
    lib.align("wuhan", "national").to_frame()

The API is jtcompare.api (its docstring shows more); it is loaded on first use of `jtcompare.Library`, so that
importing the package, as every command does, stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jtcompare.version import __version__

__all__ = ["Library", "__version__"]

if TYPE_CHECKING:
    from jtcompare.api import Library


def __dir__() -> list[str]:  # tab completion offers Library, which is loaded on first use
    return sorted({*globals(), *__all__})


def __getattr__(name: str) -> Any:
    if name == "Library":
        from jtcompare.api import Library

        return Library
    raise AttributeError(f"module 'jtcompare' has no attribute {name!r}")
