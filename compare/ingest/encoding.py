"""Bytes to text: UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one when the text shows it),
GB18030/GBK or Big5 (detected). What cannot be decoded is refused with the reason and, for a file
that is almost UTF-8, the position of the first byte that is not."""

from __future__ import annotations

import codecs
from pathlib import Path

from jtcompare.errors import UnreadableFile, message

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CANDIDATES = ["gb18030", "big5", "big5hkscs"]
_TEXT_SHARE = 0.95  # of UTF-16 code units that must be plain text for a file without BOM to be read so


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Text and encoding of bytes in UTF-8 (with or without BOM), UTF-16, GB18030/GBK or Big5."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", " with BOM")
            except UnicodeDecodeError:
                raise UnreadableFile(
                    f"{path}: starts with a {encoding} byte-order mark but is not {encoding}",
                    message("error.bom_mismatch", path=path, encoding=encoding),
                ) from None
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    _refuse_binary(path, data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None:
        where = _where(data, utf8_error)
        raise UnreadableFile(
            f"{path}: cannot tell its text encoding (not GB18030/GBK or Big5, and not UTF-8: {where})",
            message("error.unknown_encoding", path=path, where=where),
        )
    return str(best), best.encoding.replace("_", "-")


def _where(data: bytes, exc: UnicodeDecodeError) -> str:
    """`byte 0xff at offset 1,234 (line 12)`: where to look in a file that is almost UTF-8."""
    line = data.count(b"\n", 0, exc.start) + 1
    return f"byte 0x{data[exc.start]:02x} at offset {exc.start:,} (line {line})"


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a byte-order mark (some Windows tools do): read as the byte order whose
    decoding is plain text (Chinese, ASCII, punctuation, line breaks); None when neither is."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:8192]
    for encoding, name in (("utf-16-le", "UTF-16 LE without BOM"), ("utf-16-be", "UTF-16 BE without BOM")):
        # ASCII in UTF-16 has a zero byte in every other place; pure Chinese text has none, so test both orders
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text and sum(1 for ch in text if _plain(ch)) >= _TEXT_SHARE * len(text) and _has_structure(text):
            try:
                return data.decode(encoding), name
            except UnicodeDecodeError:
                return None
    return None


def _plain(ch: str) -> bool:
    code = ord(ch)
    return (
        0x20 <= code < 0x7F
        or ch in "\n\r\t"
        or 0x4E00 <= code <= 0x9FFF
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x2010 <= code <= 0x2027  # dashes, quotes
    )


def _has_structure(text: str) -> bool:
    """Random bytes read as UTF-16 are mostly CJK ideographs too; a text also has punctuation or line breaks."""
    return any(ch in text for ch in "\n。，,.")


def _refuse_binary(path: Path, data: bytes) -> None:
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in b"\t\n\r\f\v\x1a")
    if b"\x00" in sample or controls > max(2, len(sample) // 20):
        zeros = max(sample[0::2].count(0), sample[1::2].count(0))
        hint = "; if it is UTF-16 text, save it with a byte-order mark" if zeros > len(sample) // 8 else ""
        said = message("error.binary", path=path, hint=message("error.utf16_hint") if hint else None)
        raise UnreadableFile(f"{path}: a binary file, not text (it holds control bytes){hint}", said)
