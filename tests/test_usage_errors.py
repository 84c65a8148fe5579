"""A mistake Click finds before a command runs (a missing option or argument, a value out of its range, an
unknown option or command) is one line on stderr in either language, as the engine's errors are: what is wrong
and the command's --help, exit code 2, no Typer panel. Each is run for real through the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from jtcompare.cli.main import app
from typer.testing import CliRunner

from tests.test_zh_messages import EN, ZH

runner = CliRunner()
BOX = re.compile("[─│╭╮╰╯]")

# (arguments, the command whose help is named, what the English line says, what the Chinese line says)
MISTAKES = [
    (["brief", "wuhan"], "brief", "missing option --out", "缺少 --out"),
    (
        ["matrix", "--jobs", "0"],
        "matrix",
        "invalid value for --jobs: it must be a number of at least 1",
        "--jobs 的值无效",
    ),
    (["align"], "align", "missing argument PLAN", "缺少 方案（PLAN）"),
    (["align", "wuhan", "--bogus"], "align", "no such option: --bogus", "没有选项 --bogus"),
    (["alin", "wuhan"], "", "no such command 'alin' (did you mean align?)", "没有命令“alin”（是不是 align？）"),
    (["nosuch"], "", "no such command 'nosuch'", "没有命令“nosuch”"),
    (["align", "wuhan", "national", "extra"], "align", "got unexpected extra argument(s) (extra)", "extra"),
]


def _line(args: list[str], env: dict[str, str]) -> str:
    result = runner.invoke(app, args, env=env, prog_name="jtcompare")
    assert result.exit_code == 2, (args, result.output)
    assert result.stdout == "", (args, result.stdout)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, (args, result.stderr)
    return lines[0]


@pytest.mark.parametrize(("args", "command", "english", "chinese"), MISTAKES, ids=lambda v: " ".join(v))
def test_a_usage_error_is_one_line_in_english_and_in_chinese(
    args: list[str], command: str, english: str, chinese: str
) -> None:
    help_named = f"jtcompare {command} --help".replace("  ", " ")
    en = _line(args, EN)
    assert en.startswith("error: ") and english in en and en.endswith(f"; see {help_named}"), en
    assert not BOX.search(en) and "Usage:" not in en and "Traceback" not in en
    zh = _line(args, ZH)
    assert zh.startswith("错误：") and chinese in zh and zh.endswith(f"；用法见 {help_named}"), zh
    assert not BOX.search(zh)


def test_the_two_languages_say_the_same_mistake_with_the_same_exit_code() -> None:
    """Each mistake has its own line (the option or command it names), and English and Chinese exit alike."""
    for args, *_ in MISTAKES:
        en = runner.invoke(app, args, env=EN, prog_name="jtcompare")
        zh = runner.invoke(app, args, env=ZH, prog_name="jtcompare")
        assert en.exit_code == zh.exit_code == 2, args
    assert len({_line(args, EN) for args, *_ in MISTAKES}) == len(MISTAKES)


def test_lang_zh_on_the_command_line_and_debug_give_one_line_too() -> None:
    """--lang is read from the process's arguments before Click parses it; --debug adds no traceback to a
    mistake in the command line, which has none to show."""
    env = {**os.environ, **EN}
    main = [sys.executable, "-m", "jtcompare.cli.main"]
    zh = subprocess.run([*main, "brief", "wuhan", "--lang", "zh"], capture_output=True, text=True, env=env)
    assert (zh.returncode, zh.stdout, zh.stderr) == (2, "", "错误：缺少 --out；用法见 jtcompare brief --help\n")
    debug = subprocess.run([*main, "--debug", "matrix", "--jobs", "0"], capture_output=True, text=True, env=env)
    assert debug.returncode == 2 and len(debug.stderr.splitlines()) == 1 and "--jobs" in debug.stderr


def test_help_and_the_bare_command_still_show_typers_help() -> None:
    """Only the errors changed: --help and `jtcompare` alone print the usual panels."""
    helped = runner.invoke(app, ["brief", "--help"], env=EN, prog_name="jtcompare")
    assert helped.exit_code == 0 and "Usage: jtcompare brief" in helped.stdout and BOX.search(helped.stdout)
    assert "--out" in helped.stdout and helped.stderr == ""
    bare = runner.invoke(app, [], env=EN, prog_name="jtcompare")
    assert "Usage: jtcompare" in bare.output and "align" in bare.output and "error:" not in bare.output.lower()


def test_without_rich_a_usage_error_is_the_same_one_line() -> None:
    """TYPER_USE_RICH=0 (plain logs) makes Typer leave usage errors to Click's three English lines; they are
    the same one line in either language all the same."""
    main = [sys.executable, "-m", "jtcompare.cli.main"]
    for args, command, english, chinese in MISTAKES[3:5]:
        for env, said in ((EN, english), (ZH, chinese)):
            run = subprocess.run(
                [*main, *args], capture_output=True, text=True, env={**os.environ, **env, "TYPER_USE_RICH": "0"}
            )
            assert (run.returncode, run.stdout) == (2, ""), run.stderr
            assert len(run.stderr.splitlines()) == 1 and said in run.stderr and "Usage:" not in run.stderr
            assert run.stderr.rstrip().endswith(f"jtcompare {command} --help".replace("  ", " ")), run.stderr
