"""The aligner's settings as a TOML file a user edits and passes back with --config: one comment per setting.

The comments are those written above each field of `jtcompare.match.settings.Settings`, read from its
source, so the file explains exactly what the code documents and never drifts from it. They stay English under
--lang zh for that reason (a Chinese copy would be a second text to keep in step); the file's own lines (its
head, `default: X`) follow the language.
"""

from __future__ import annotations

import inspect
import io
import tokenize
from dataclasses import fields
from functools import lru_cache

from jtcompare.match.settings import DEFAULTS, Settings, as_dict
from jtcompare.report.i18n import Lang, label


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
            out[tok.string] = " ".join(pending)
            pending = []
        elif tok.type == tokenize.NAME and tok.start[1] == 4:  # another statement: its comments were not ours
            pending = []
    return out


def settings_toml(settings: Settings, lang: Lang = "en") -> str:
    """`[align]` with every setting, each under the comment that says what it does (and its default if changed)."""
    comments = setting_comments()
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
        lines += [f"# {line}" for line in _wrap(comment or key.replace("_", " "))]
        if value != defaults[key]:
            lines.append(f"# {label('config.default', lang).format(value=defaults[key])}")
        lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int = 100) -> list[str]:
    out, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*out, line] if line else out
