"""The aligner's settings as a TOML file a user edits and passes back with --config: one comment per setting.

The comments are those written above each field of `jtcompare.match.settings.Settings`, read from its
source, so the file explains exactly what the code documents. Under zh each is its Chinese from
data/settings_zh.toml, one entry per English comment: a test fails when a comment changes without its
translation, so the two cannot drift apart silently. The file's own lines (its head, `default: X`) follow the
language too.
"""

from __future__ import annotations

import inspect
import io
import re
import tokenize
import tomllib
from dataclasses import fields
from functools import lru_cache
from importlib import resources

from jtcompare.match.settings import DEFAULTS, Settings, as_dict
from jtcompare.report.i18n import Lang, label
from jtcompare.report.layout import PIECE, cells, is_wide


@lru_cache(maxsize=1)
def setting_comments() -> dict[str, str]:
    """Each field's comment lines (joined), from the source of the Settings class."""
    source = inspect.getsource(Settings)
    names = {f.name for f in fields(Settings)}
    out: dict[str, str] = {}
    pending: list[str] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            pending.append(tok.string.lstrip("#").strip())
        elif tok.type == tokenize.NAME and tok.string in names and tok.start[1] == 4 and tok.string not in out:
            out[tok.string] = _joined(pending)
            pending = []
        elif tok.type == tokenize.NAME and tok.start[1] == 4:  # another statement: its comments were not ours
            pending = []
    return out


@lru_cache(maxsize=1)
def chinese_comments() -> dict[str, str]:
    """English comment -> its Chinese (data/settings_zh.toml)."""
    text = resources.files("jtcompare.report").joinpath("data/settings_zh.toml").read_text(encoding="utf-8")
    return {entry["en"]: entry["zh"] for entry in tomllib.loads(text)["comment"]}


def _joined(lines: list[str]) -> str:
    """A comment's lines as one text: with a space between them, but none inside Chinese a line break split
    (生态环境分区管控, not 生态环境 分区管控)."""
    text = ""
    for line in lines:
        glue = "" if text and is_wide(text[-1]) and line and is_wide(line[0]) else " "
        text = f"{text}{glue}{line}" if text else line
    return text


def settings_toml(settings: Settings, lang: Lang = "en") -> str:
    """`[align]` with every setting, each under the comment that says what it does (and its default if changed)."""
    comments = setting_comments()
    if lang == "zh":
        comments = {key: chinese_comments().get(text, text) for key, text in comments.items()}
    defaults = as_dict(DEFAULTS)
    lines = [f"# {label('config.head', lang)}", f"# {label('config.calibrated', lang)}", "[align]"]
    described = ""  # the last field with a comment: one comment may describe the fields under it
    for key, value in as_dict(settings).items():
        lines.append("")
        comment = comments.get(key)
        if comment:
            described = key
        elif described and key in comments.get(described, ""):
            comment = label("config.see_above", lang).format(key=key, described=described)
        lines += [f"# {line}" for line in _wrap(comment or key.replace("_", " "), lang)]
        if value != defaults[key]:
            lines.append(f"# {label('config.default', lang).format(value=defaults[key])}")
        lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def _wrap(text: str, lang: Lang, width: int = 100) -> list[str]:
    """Lines of at most `width` columns (a Chinese character takes two): English breaks at spaces only, as it
    always did (a Chinese title quoted in it stays whole); Chinese also between characters, never before a
    closing mark or after an opening one (report/layout.PIECE)."""
    pieces = [m.group(0) for m in PIECE.finditer(text)] if lang == "zh" else re.findall(r"\s*\S+", text)
    out, line = [], ""
    for piece in pieces:
        if line and cells(line + piece.rstrip()) > width:
            out.append(line.rstrip())
            piece = piece.lstrip()
            line = ""
        line += piece
    return [*out, line.rstrip()] if line.strip() else out
