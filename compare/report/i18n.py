"""Labels for human-readable outputs in Chinese or English, from one data file (data/strings.toml).

`label("status.adopted", "zh")` gives 采纳. The language comes from `--lang`, else $JTCOMPARE_LANG, else
the output's own default (zh for the HTML view and the Word brief, en for the rest).
"""

from __future__ import annotations

import os
import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Literal

from jtcompare.errors import BadOption, JtError, Message, Said, message, option

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
ENV_LANG = "JTCOMPARE_LANG"


@lru_cache(maxsize=1)
def _strings() -> dict[str, dict[str, str]]:
    raw = tomllib.loads((resources.files("jtcompare.report") / "data" / "strings.toml").read_text(encoding="utf-8"))
    out: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: dict) -> None:
        if all(isinstance(v, str) for v in node.values()):
            out[prefix] = node
            return
        for k, v in node.items():
            if isinstance(v, dict):
                walk(f"{prefix}.{k}" if prefix else k, v)

    walk("", raw)
    return out


def label(key: str, lang: Lang) -> str:
    """The label for `key` in `lang`; a missing key is a programming error and raises KeyError."""
    return _strings()[key][lang]


def keys(prefix: str) -> list[str]:
    """Every key under `prefix` (e.g. "status"), in file order."""
    return [k for k in _strings() if k.startswith(prefix + ".")]


def lang_code(value: str | None) -> Lang | None:
    """The language a code names, as a locale names it too: zh, ZH, zh_CN, zh-Hans and en_US are read as zh and
    en; None for anything else."""
    if not value:
        return None
    primary = re.split(r"[-_.@]", value.strip().lower())[0]  # zh_CN.UTF-8, en@euro: the language before them
    return primary if primary in LANGS else None  # type: ignore[return-value]


def resolve_lang(lang: str | None, default: Lang) -> Lang:
    """--lang if given, else $JTCOMPARE_LANG, else the output's default; an unknown code is a BadOption."""
    chosen = lang or os.environ.get(ENV_LANG) or default
    found = lang_code(chosen)
    if found is None:
        given = option("lang") if lang else f"${ENV_LANG}"  # where the code came from
        raise BadOption(
            f"{given}: unknown language '{chosen}'; choose one of {', '.join(LANGS)}",
            message("error.unknown_language", option=given, lang=chosen, choices=list(LANGS)),
        )
    return found


def message_lang(lang: str | None) -> Lang:
    """The language of what the command line itself says (notes, `wrote FILE`, errors): --lang if it names one,
    else $JTCOMPARE_LANG if it names one, else English, as before. An unknown code never hides the error saying
    so: `--lang fr` under JTCOMPARE_LANG=zh is refused in Chinese."""
    for chosen in (lang, os.environ.get(ENV_LANG)):
        if lang_code(chosen):
            return lang_code(chosen)  # type: ignore[return-value]
    return "en"


def message_text(said: Message, lang: Lang) -> str:
    """A Message in `lang`: its label with its values filled in; a value that is a Message is said
    first, a list is joined (、 in Chinese)."""
    sep = "、" if lang == "zh" else ", "

    def value(v: object) -> object:
        if isinstance(v, Message):
            return message_text(v, lang)
        if isinstance(v, (list, tuple)):
            return sep.join(str(value(x)) for x in v)
        return "" if v is None else v

    return label(said.key, lang).format(**{k: value(v) for k, v in said.params.items()})


def error_text(exc: JtError | str, lang: Lang) -> str:
    """An engine error (or a Said line) as the command line says it: the English line as ever, or, in Chinese,
    its Message (one that carries none is shown in English rather than half translated)."""
    said = exc.said if isinstance(exc, (JtError, Said)) else None
    if lang == "en" or said is None:
        return str(exc)
    return message_text(said, lang)
