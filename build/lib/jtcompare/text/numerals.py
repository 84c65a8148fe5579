"""Chinese numerals as written in plans: 二十九, 十一, 一百零五, 两, 〇."""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CHARS = "".join(DIGITS) + "".join(UNITS)


def cn_to_int(text: str) -> int | None:
    """Value of a Chinese (or Arabic) integer numeral, None when it is not one."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if any(c not in DIGITS and c not in UNITS for c in text):
        return None
    if all(c in DIGITS for c in text) and len(text) > 1:  # 二〇二五 read digit by digit
        return int("".join(str(DIGITS[c]) for c in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
            continue
        unit = UNITS[ch]
        if unit == 10000:
            section = (section + (digit or 0)) * unit
            total += section
            section = 0
        else:
            section += (1 if digit is None else digit) * unit
        digit = None
    return total + section + (digit or 0)
