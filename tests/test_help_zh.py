"""`--help` in Chinese under zh ($JTCOMPARE_LANG=zh or --lang zh), for every command, and help whose paragraphs
wrap to the terminal in either language. Each help is printed for real by the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib

import pytest
import typer.main
from jtcompare.cli.main import app
from jtcompare.match.results import STATUSES
from typer.testing import CliRunner

from tests.conftest import ROOT
from tests.test_zh_messages import EN, ZH, foreign

runner = CliRunner()
BOX = re.compile("[─│╭╮╰╯]")
COMMANDS = [c.name for c in typer.main.get_command(app).commands.values()]  # type: ignore[attr-defined]


def english_help_texts() -> set[str]:
    """Every help text of the command line: the app's, each command's, each argument's and option's."""
    root = typer.main.get_command(app)
    texts = set()
    for command in [root, *root.commands.values()]:  # type: ignore[attr-defined]
        ctx = command.context_class(command, info_name=command.name)
        texts |= {t for t in [command.help, *(getattr(p, "help", None) for p in command.get_params(ctx))] if t}
    return texts


def flat(text: str) -> str:
    """Text without spaces and the panels' borders: a long help wraps inside its column."""
    return re.sub(r"[\s│]+", "", text)


def entries() -> list[dict[str, str]]:
    return tomllib.loads((ROOT / "cli" / "help_zh.toml").read_text(encoding="utf-8"))["help"]


def test_every_help_text_has_its_chinese_and_none_is_left_over() -> None:
    """An option added or reworded without its Chinese fails here, as does a translation of a text gone."""
    translated = [e["en"] for e in entries()]
    assert len(translated) == len(set(translated))
    assert english_help_texts() - set(translated) == set()
    assert set(translated) - english_help_texts() == set()


def _prose(output: str) -> str:
    """The help without its example command lines, shown as they are typed, and without SQL, which is typed."""
    lines = [line for line in output.splitlines() if not re.match(r"\W*(jtcompare|sqlite3|datasette) ", line.strip())]
    return "\n".join(re.sub(r'"SELECT[^"]*"', " ", line) for line in lines)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_is_chinese_under_zh(command: str) -> None:
    args = [command, "--help"] if command else ["--help"]
    result = runner.invoke(app, args, env=ZH, prog_name="jtcompare")
    assert result.exit_code == 0, result.output
    assert "用法：" in result.output and "选项" in result.output
    narrow = runner.invoke(app, args, env={**ZH, "COLUMNS": "80"}, prog_name="jtcompare").output
    assert "…" not in narrow  # a line of Chinese is folded, never cut short
    assert not re.search(r"int range|x>=|x<=", result.output)  # --jobs read <int range> [x>=1]: now <整数> [≥1]
    command_obj = typer.main.get_command(app)
    command_obj = command_obj.commands[command] if command else command_obj  # type: ignore[attr-defined]
    zh = {e["en"]: e["zh"] for e in entries()}
    ctx = command_obj.context_class(command_obj, info_name=command or "jtcompare")
    for param in command_obj.get_params(ctx):
        if getattr(param, "help", None):
            assert flat(zh[param.help]) in flat(narrow), param.name
    # what is typed or named as it is: environment variables, types, the arguments' names (PLAN, {plan}, [base])
    # and what a reader types: commands, file names, code in `backticks`, JSON keys and values, a table's name
    typed = re.compile(
        r"YYYY-MM-DD|--[a-z][a-z-]*|\$?JTCOMPARE_[A-Z_]+|<[^>]*>|[\[{]?\b[a-z_]+\b[\]}]|\b[A-Z_]{4,}\b|`[^`]*`|\"[^\"]*\"|\S*\.[a-z0-9]{2,7}\b"
        rf"|\b(?:{'|'.join(COMMANDS)}|local|true|statuses|verdicts|sqlite3|A4|GBK|GB18030|Big5|UTF-8|{'|'.join(STATUSES)})\b"
    )
    names = "|".join(p.name for p in command_obj.get_params(ctx) if p.param_type_name == "argument") or "^$"
    shown = re.sub(rf"(?<![\w-])(?:{names})(?![\w-])", " ", typed.sub(" ", _prose(result.output)))
    assert foreign(shown) == []


def test_lang_zh_on_the_command_line_gives_chinese_help_and_english_follows() -> None:
    """--lang is not parsed yet when --help runs: the help reads it from the command line (a real one: the
    test runner's arguments are not the process's). The next help, without it, is English again in the same
    process: nothing of the Chinese is left behind."""
    command = [sys.executable, "-m", "jtcompare.cli.main", "align", "--lang", "zh", "--help"]
    zh = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **EN}, check=True).stdout
    out_help = next(e["zh"] for e in entries() if e["en"].startswith("Write to this file"))
    assert "用法：" in zh and flat(out_help) in flat(zh) and "<文本>" in zh
    before = runner.invoke(app, ["align", "--help"], env=EN).output
    chinese = runner.invoke(app, ["align", "--help"], env=ZH).output
    after = runner.invoke(app, ["align", "--help"], env=EN).output
    assert "用法：" in chinese and flat(out_help) in flat(chinese)
    assert after == before  # every text, title and type English again
    assert "Usage:" in after and "Write to this file" in after and "<str>" in after


def test_help_paragraphs_wrap_to_the_terminal_not_the_source() -> None:
    """A docstring's lines of 110 characters were printed as they were, each broken again at 80 columns."""
    wide = runner.invoke(app, ["align", "--help"], env={**EN, "COLUMNS": "200"}).output
    assert "the plan's clauses with their best base clause, and the plan's own additions" in wide
    narrow = runner.invoke(app, ["align", "--help"], env={**EN, "COLUMNS": "80"}).output
    assert all(len(line) <= 80 for line in narrow.splitlines())
    assert "   jtcompare align wuhan --out wuhan.csv" in narrow  # the examples keep their lines and indent


def test_unreadable_translations_give_the_english_help_and_say_why(monkeypatch) -> None:
    """A broken install (help_zh.toml missing) still answers --help, in English, after one line saying why."""
    from jtcompare.cli import helptext

    def missing() -> dict[str, str]:
        raise FileNotFoundError("help_zh.toml")

    monkeypatch.setattr(helptext, "translations", missing)
    result = runner.invoke(app, ["align", "--help"], env=ZH)
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "Usage:" in result.output and "Write to this file" in result.output
    assert result.stderr.splitlines() == ["注意：无法读取中文帮助（help_zh.toml），以下为英文帮助"]


def test_plain_help_without_rich_is_chinese_too() -> None:
    """TYPER_USE_RICH=0 (plain logs, some editors' terminals) makes Typer print Click's plain help: under zh it
    is Chinese as the rich help is, its option column measured in terminal columns, no line wider than the
    terminal; under en it is Click's own."""
    from jtcompare.report.layout import cells

    def plain(env: dict[str, str], *args: str) -> str:
        run = subprocess.run(
            [sys.executable, "-m", "jtcompare.cli.main", *args, "--help"],
            capture_output=True,
            text=True,
            env={**os.environ, **env, "TYPER_USE_RICH": "0", "COLUMNS": "80"},
            check=True,
        )
        assert not BOX.search(run.stdout) and run.stderr == ""
        return run.stdout

    zh = {e["en"]: e["zh"] for e in entries()}
    root = typer.main.get_command(app)
    for command in ("", "align", "export"):  # export has --jobs, a range
        shown = plain(ZH, *[command] * bool(command))
        assert re.match(r"用法：.*jtcompare\S* (\S+ )?\[选项\]", shown) and "选项：" in shown
        assert not re.search(r"Usage|Options|Arguments|Commands|\[required\]|env var|<str>|<path>|int range|x>=", shown)
        assert max(cells(line) for line in shown.splitlines()) <= 80
        obj = root.commands[command] if command else root  # type: ignore[attr-defined]
        ctx = obj.context_class(obj, info_name=command or "jtcompare")
        for param in obj.get_params(ctx):
            if getattr(param, "help", None) and param.name != "help":
                assert flat(zh[param.help]) in flat(shown), (command, param.name)
        # the option texts start in one column, whatever the width of the type beside them
        starts = {cells(m[1]) for line in shown.splitlines() if (m := re.match(r"(\s+[-\w].*?>\s{2,})\S", line))}
        assert len(starts) <= 2, starts  # the arguments' column and the options'
    english = plain(EN, "align")
    assert english.startswith("Usage: ") and "Options:" in english and "<str>" in english
