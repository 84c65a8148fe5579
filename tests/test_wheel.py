"""A built wheel works from any directory: one import name, the plan library shipped as package data.

The wheel is built from the checkout and installed into a folder of its own; the commands then run from a
temporary directory with Python's site hooks off (-S), so neither the checkout nor its editable install can
stand in for the wheel. The libraries it needs come from the test environment.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a copy: building in the checkout would leave build/ behind
    junk = shutil.ignore_patterns(".venv", ".git", "build", "*.egg-info", "__pycache__", ".pytest_cache", "reports")
    shutil.copytree(ROOT, source, ignore=junk)
    pip = [sys.executable, "-m", "pip", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(work), str(source)], check=True)
    wheel = next(work.glob("jtcompare-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"jtcompare"}, tops  # no generic top-level `cli` or `compare` in site-packages
    assert "jtcompare/library/plans.toml" in names and "jtcompare/library/national.txt" in names
    target = work / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True)
    return target


def wheel_env(installed: Path, tmp_path: Path) -> dict[str, str]:
    """The wheel and the test environment's libraries only; a cache and a user library of the test's own."""
    deps = sysconfig.get_paths()["purelib"]
    return {
        "PYTHONPATH": f"{installed}:{deps}",
        "JTCOMPARE_CACHE_DIR": str(tmp_path / "cache"),
        "JTCOMPARE_HOME": str(tmp_path / "home"),
        "PATH": "/usr/bin",
    }


def run(installed: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    code = "import sys; from jtcompare.cli.main import app; sys.argv = ['jtcompare', *sys.argv[1:]]; app()"
    return subprocess.run(
        [sys.executable, "-S", "-c", code, *args],
        cwd=tmp_path,
        env=wheel_env(installed, tmp_path),
        capture_output=True,
        text=True,
    )


def test_the_installed_wheel_lists_aligns_and_makes_a_matrix_from_anywhere(installed, tmp_path) -> None:
    probe = run(installed, tmp_path, "--version")
    assert probe.returncode == 0, probe.stderr
    plans = run(installed, tmp_path, "plans")
    assert plans.returncode == 0, plans.stderr
    assert all(pid in plans.stdout for pid in ("national", "chongqing", "wuhan", "chengdu"))
    where = subprocess.run(
        [sys.executable, "-S", "-c", "import jtcompare; print(jtcompare.__file__)"],
        env={"PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(installed)
    aligned = run(installed, tmp_path, "align", "chongqing", "national")
    assert aligned.returncode == 0, aligned.stderr
    assert aligned.stdout.startswith("重庆市 vs 国家")
    matrix = run(installed, tmp_path, "matrix", "--format", "csv")
    assert matrix.returncode == 0, matrix.stderr
    assert matrix.stdout.splitlines()[0].startswith("plan,measure")
    assert {line.split(",")[0] for line in matrix.stdout.splitlines()[1:]} == {"chongqing", "wuhan", "chengdu"}


def test_the_installed_wheel_writes_the_html_view(installed, tmp_path) -> None:
    """The templates, stylesheet and scripts ship as package data: the view renders from the wheel alone."""
    out = tmp_path / "wuhan.html"
    view = run(installed, tmp_path, "view", "wuhan", "--out", str(out))
    assert view.returncode == 0, view.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "逐条对照" in page and page.count("<script") == 2


def test_the_installed_wheel_never_writes_inside_its_own_install_directory(installed, tmp_path) -> None:
    """import and override write to the user's library ($JTCOMPARE_HOME/plans), made on first use; the shipped
    one, even named with --plans-dir, is refused with one line."""
    from tests.test_library_safety import small_plan

    def tree() -> dict[str, float]:  # bytecode Python itself may cache is not jtcompare writing
        return {
            str(p.relative_to(installed)): p.stat().st_mtime
            for p in installed.rglob("*")
            if "__pycache__" not in p.parts
        }

    before = tree()
    source = tmp_path / "jia.txt"
    source.write_text(small_plan(0), encoding="utf-8")
    added = run(installed, tmp_path, "import", str(source), "--id", "jia")
    assert added.returncode == 0, added.stderr
    pinned = run(installed, tmp_path, "override", "wuhan", "N10.02", "adopted", "--note", "checked")
    assert pinned.returncode == 0, pinned.stderr
    shipped = installed / "jtcompare" / "library"
    refused = run(
        installed, tmp_path, "override", "wuhan", "N10.02", "adopted", "--note", "x", "--plans-dir", str(shipped)
    )
    assert refused.returncode != 0 and "read-only" in refused.stderr and "Traceback" not in refused.stderr
    assert tree() == before
    mine = tmp_path / "home" / "plans"
    assert (mine / "wuhan.overrides.csv").is_file() and "jia" in (mine / "plans.toml").read_text(encoding="utf-8")
    listed = run(installed, tmp_path, "plans")
    assert f"library: {mine} (yours)" in listed.stdout and "jia" in listed.stdout


def test_the_python_api_runs_from_the_installed_wheel(installed, tmp_path) -> None:
    """The five lines of the README's Python API section, from the wheel alone (issue: a fresh venv)."""
    docx = ROOT / "tests" / "fixtures" / "wuhan-plan.docx"
    code = f"""
import jtcompare
lib = jtcompare.Library()
a = lib.align("chongqing", "national")
df = a.to_frame()
m = lib.matrix("national")
lib.import_plan({str(docx)!r}, id="xiangyang", name="襄阳市", province="湖北")
print(len(df), list(m.to_frame().columns), lib.find("xiangyang").province, lib.describe())
"""
    done = subprocess.run(
        [sys.executable, "-S", "-c", code],
        cwd=tmp_path,
        env=wheel_env(installed, tmp_path),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(" ", 4)[:4] == ["157", "['chongqing',", "'wuhan',", "'chengdu']"]
    assert "湖北" in done.stdout and done.stdout.strip().endswith("(yours)")
