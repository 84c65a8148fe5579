"""A PNG chart of statuses by chapter for the Word brief, drawn with matplotlib's Agg backend (no display).

Chinese labels need a CJK font (Noto Sans CJK from fonts-noto-cjk here; Microsoft YaHei, SimHei, PingFang
elsewhere). Without one the chart falls back to numbered chapters and English words instead of
printing empty boxes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jtcompare.match.results import STATUSES
from jtcompare.report.i18n import Lang
from jtcompare.report.palette import style
from jtcompare.report.vocab import status_word, text

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Serif CJK SC",
    "Droid Sans Fallback",
)
# the page's fill patterns as matplotlib hatches, drawn over the status colour (report.palette)
HATCHES = {"solid": "", "stripes": "////", "dots": ".."}


@dataclass(frozen=True)
class Bar:
    label: str  # 三、加强源头防控
    short: str  # used when no CJK font is installed: "3"
    counts: dict[str, int]


# file names of the fonts CJK_FAMILIES come in (NotoSansCJK-Regular.ttc, msyh.ttc, wqy-zenhei.ttc, simhei.ttf)
CJK_FILES = ("cjk", "sourcehan", "msyh", "pingfang", "simhei", "wqy", "droidsansfallback")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed font family that has Chinese glyphs, or None."""
    from matplotlib import font_manager

    found = _first_cjk(font_manager.fontManager)
    if found is None:
        # matplotlib lists the system's fonts once, in its cache folder, when it first runs: a font installed
        # since (fonts-noto-cjk after a first brief) is missing from that list until it is built again, so the
        # system's font files are looked through for one (a few milliseconds, and only when the list has none)
        for path in font_manager.findSystemFonts():
            if any(k in Path(path).name.lower().replace("-", "").replace("_", "") for k in CJK_FILES):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # a font file FreeType cannot read is no font
                    continue
        found = _first_cjk(font_manager.fontManager)
    return found


def _first_cjk(manager) -> str | None:  # type: ignore[no-untyped-def]
    installed = {f.name for f in manager.ttflist}
    return next((name for name in CJK_FAMILIES if name in installed), None)


def chart_in_english(lang: Lang) -> bool:
    """Whether a chart asked for in Chinese comes out with English words and numbered chapters (no CJK font)."""
    return lang != "en" and cjk_font() is None


def status_chart(bars: list[Bar], lang: Lang, *, font: str | None = None, use_font: bool = True) -> bytes:
    """Horizontal stacked bars, one per chapter, of its counted measures by status; PNG bytes at 200 dpi."""
    from matplotlib import pyplot as plt

    fig = status_figure(bars, lang, font=font, use_font=use_font)
    try:
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)


def status_figure(bars: list[Bar], lang: Lang, *, font: str | None = None, use_font: bool = True):  # type: ignore[no-untyped-def]
    """The chart as a matplotlib figure (the caller closes it): the status colours, hatches and symbols of
    report.palette, and a legend of every status drawn."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    font = (font or cjk_font()) if use_font else None
    words: Lang = lang if font else "en"
    labels = [b.label if font else b.short for b in bars]
    fig, ax = plt.subplots(figsize=(6.3, 0.24 * len(bars) + 1.0), dpi=200)
    props = {"family": font} if font else {}
    left = [0] * len(bars)
    for status in STATUSES:
        values = [b.counts.get(status, 0) for b in bars]
        if not any(values):
            continue
        look = style(status)
        ax.barh(
            labels,
            values,
            left=left,
            color=look.colour,
            edgecolor="#333333",  # a light fill (not applicable) keeps its edge on white paper
            linewidth=0.4,
            hatch=HATCHES.get(look.pattern, ""),
            label=f"{look.symbol} {status_word(status, words)}",
        )
        left = [a + v for a, v in zip(left, values, strict=True)]
    ax.invert_yaxis()  # chapters top to bottom in document order
    ax.set_xlabel(text("column.measures", words), fontdict=props, fontsize=8)
    for tick in ax.get_yticklabels():
        tick.set_fontproperties(props)
        tick.set_fontsize(8)
    ax.tick_params(axis="x", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        ncol=len(STATUSES), frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.3), prop={**props, "size": 7}
    )
    fig.tight_layout()
    return fig
