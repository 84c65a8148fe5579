"""One colour, symbol and pattern per status, for every output that colours statuses: the terminal table, the
workbook's cell fills and chart, the HTML view, the heatmap, the brief's chart and the Markdown legend line.

The hues are those of the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), chosen to stay apart
for readers with protanopia, deuteranopia or tritanopia: blue for strengthened, vermillion for omitted, sky
blue for adopted, yellow for partial, and grey for not applicable. Their lightness is set so that any two
statuses differ by at least MIN_LIGHTNESS_STEP in CIE L*, so a greyscale print still tells them apart
(strengthened darkest, then omitted, adopted, partial, not applicable lightest). Each status also has a
symbol, printed where a cell is too small for the word, and a fill pattern for the page and the chart.
`tests/test_palette.py` reads the colours each renderer really writes and compares them with this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from jtcompare.match.results import STATUSES

MIN_LIGHTNESS_STEP = 12.0  # CIE L*: about the smallest difference two greys keep in an office print


@dataclass(frozen=True)
class StatusStyle:
    colour: str  # #RRGGBB: the fill of a cell, a bar or a swatch
    symbol: str  # one character, the same in every language (no letter: a zh page stays Chinese)
    pattern: str  # solid | stripes | dots: drawn over the fill on the page and in the chart

    @property
    def ink(self) -> str:
        """The text colour that reads on this fill: white on the dark ones."""
        return "#FFFFFF" if lightness(self.colour) < 50 else "#000000"


STATUS_STYLES: dict[str, StatusStyle] = {
    "strengthened": StatusStyle("#004E8A", "▲", "solid"),  # Okabe–Ito blue #0072B2 at L* 32
    "omitted": StatusStyle("#C04D00", "○", "solid"),  # Okabe–Ito vermillion #D55E00 at L* 48
    "adopted": StatusStyle("#42A4D8", "●", "solid"),  # Okabe–Ito sky blue #56B4E9 at L* 64
    "partial": StatusStyle("#D6CC25", "◐", "stripes"),  # Okabe–Ito yellow #F0E442 at L* 80
    "not_applicable": StatusStyle("#F6F6F6", "–", "dots"),  # light grey at L* 97
}
NEUTRAL = StatusStyle("#969696", "?", "dots")  # a status this table does not know yet

# Coverage (a share, not a status) on the heatmap and the workbook's Clauses sheet: ColorBrewer's sequential
# Purples, a hue no status uses (a 90% clause must not look like a strengthened measure beside it), its
# lightness falling as coverage rises, so it reads in greyscale too. Upper bounds (exclusive, the last inclusive).
COVERAGE_BINS: tuple[tuple[float, str], ...] = (
    (0.0, "#FFFFFF"),
    (0.25, "#CBC9E2"),
    (0.5, "#9E9AC8"),
    (0.75, "#6A51A3"),
    (1.0, "#3F007D"),
)


def style(status: str) -> StatusStyle:
    return STATUS_STYLES.get(status, NEUTRAL)


def ordered() -> list[tuple[str, StatusStyle]]:
    """The statuses in the order every legend lists them (the engine's order)."""
    return [(s, style(s)) for s in STATUSES]


def rgb(colour: str) -> tuple[int, int, int]:
    """#RRGGBB (or RRGGBB) as three 0-255 integers."""
    h = colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def lightness(colour: str) -> float:
    """CIE L* (0 black to 100 white) of an sRGB colour: what is left of it in a greyscale print."""

    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(colour))
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


def ansi(status: str) -> str:
    """The SGR sequence that paints a terminal cell in the status's colour (24-bit background, readable ink)."""
    s = style(status)
    r, g, b = rgb(s.colour)
    fg = "97" if s.ink == "#FFFFFF" else "30"
    return f"\x1b[48;2;{r};{g};{b};{fg}m"


ANSI_RESET = "\x1b[0m"
