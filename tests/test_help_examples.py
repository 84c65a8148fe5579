"""Help that matches (issue 27, item 8): every example in every command's --help runs as shown, and a help
names only options its command takes."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from jtcompare.cli.main import app
from typer.testing import CliRunner

from tests.conftest import ROOT, copy_library

runner = CliRunner()
# commands whose examples read a file another command's example writes run after it
ORDER = ["import", "config", "align", "plans", "show", "view", "report", "brief", "matrix", "export", "override"]
# a file an example reads, as the user would have it
INPUTS = {"wuhan.docx": ROOT / "tests" / "fixtures" / "wuhan-plan.docx"}


def help_text(*command: str) -> str:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return re.sub("[│╭╮╰╯─]", " ", result.stdout)


def examples(command: str) -> list[str]:
    """The command lines under 'Examples:' in a command's --help (up to the next panel)."""
    text = help_text(command)
    block = text.split("Examples:", 1)[1].split("Arguments", 1)[0].split("Options", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip().startswith("jtcompare ")]


def commands() -> list[str]:
    return [c.name for c in app.registered_commands]


def test_every_command_is_in_the_order_and_has_examples() -> None:
    assert sorted(commands()) == sorted(ORDER)
    assert len(examples_of_main()) >= 2
    for name in ORDER:
        assert len(examples(name)) >= 2, name


def examples_of_main() -> list[str]:
    block = help_text().split("Examples:", 1)[1].split("Options", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip().startswith("jtcompare ")]


def test_every_example_runs_as_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a folder of its own, against a copy of the library: each example exits 0 (`> FILE` writes stdout)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JTCOMPARE_PLANS_DIR", str(copy_library(tmp_path / "plans")))
    for name, source in INPUTS.items():
        shutil.copy(source, tmp_path / name)
    lines = [line for name in ORDER for line in examples(name)] + examples_of_main()
    for line in lines:
        args = shlex.split(line)[1:]
        target = None
        if ">" in args:
            args, target = args[: args.index(">")], args[args.index(">") + 1]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (line, result.output)
        if target:
            Path(target).write_text(result.stdout, encoding="utf-8")
    assert (tmp_path / "strict.toml").read_text(encoding="utf-8").startswith("#")
    assert (tmp_path / "plans" / "wuhan.overrides.csv").is_file()  # the override examples pinned their cells


def test_a_help_names_only_options_its_command_takes() -> None:
    """`view --help` once offered --format, which view does not take."""
    for name in commands():
        text = help_text(name)
        text = re.sub(r"`[^`]*`", "", text)  # `jtcompare override --import`: another command's option
        text = "\n".join(ln for ln in text.splitlines() if not ln.strip().startswith("jtcompare "))
        mentioned = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", text))
        taken = {"--help"} | set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", _options_of(name)))
        assert mentioned <= taken, (name, mentioned - taken)


def _options_of(name: str) -> str:
    """The option names the command's parser knows."""
    import typer.main

    click_command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    return " ".join(opt for param in click_command.params for opt in (*param.opts, *param.secondary_opts))


def test_usage_names_the_arguments_as_the_help_and_errors_do() -> None:
    """The usage line once said {plan} where the help's prose and a missing argument's error say PLAN."""
    for name in ORDER:
        usage = next(line for line in help_text(name).splitlines() if "Usage:" in line)
        arguments = re.findall(r"[{\[]([A-Za-z_]+)[}\]]", usage.split("[OPTIONS]")[-1])
        assert all(a.isupper() for a in arguments), usage
    missing = runner.invoke(app, ["align"])
    assert "missing argument PLAN" in missing.output and "{PLAN}" in help_text("align")
