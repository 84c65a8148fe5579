"""What this machine can do for the tests that need a system program, found by doing it once on a tiny input.

A program on PATH is not a capability: LibreOffice with Writer but without Calc is `libreoffice` all the same,
and converting a workbook then prints "source file could not be loaded" and exits 0. So each probe converts a
one-cell workbook, a one-line document or a one-line PDF, or starts the browser, and checks the result. A test
that needs one calls `need(...)`, which skips saying what is missing and how to install it; a real failure of
our own files still fails, because the probe's files are not ours.

Each probe runs at most once per test process (a LibreOffice start is seconds). Printing to PDF asks the probe
only when a conversion of ours made nothing (`made_by`), as a missing component fails at once there; a conversion
to CSV probes first, as LibreOffice without Calc waits on it instead of failing.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

HOW = {
    "calc": "apt-get install libreoffice-calc-nogui",
    "writer": "apt-get install libreoffice-writer-nogui",
    "pdftotext": "apt-get install poppler-utils",
    "browser": "apt-get install chromium chromium-driver",
}


def office() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def convert(paths: list[Path], outdir: Path, to: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """One LibreOffice run converting `paths` into `outdir`; HOME in `outdir` gives it a profile of its own, so
    test processes running at once never share one."""
    program = office()
    assert program, "no LibreOffice on PATH"
    return subprocess.run(
        [program, "--headless", "--convert-to", to, "--outdir", str(outdir), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"HOME": str(outdir), "PATH": "/usr/bin:/bin"},
    )


@functools.cache
def _office_probe() -> dict[str, str | None]:
    """Why Calc and Writer cannot print here (None: they can), from one LibreOffice run on a one-cell workbook
    and a one-line document."""
    if not office():
        return {"calc": "LibreOffice is not installed", "writer": "LibreOffice is not installed"}
    import docx
    from openpyxl import Workbook

    folder = Path(tempfile.mkdtemp(prefix="jtcompare-office-probe-"))
    try:
        book = Workbook()
        book.active["A1"] = "probe"
        book.save(folder / "calc.xlsx")
        document = docx.Document()
        document.add_paragraph("probe")
        document.save(folder / "writer.docx")
        try:
            result = convert([folder / "calc.xlsx", folder / "writer.docx"], folder, "pdf", timeout=120)
            said = (result.stderr + result.stdout).strip().splitlines()
            errors = [line for line in said if "rror" in line] or said
            why = errors[-1] if errors else f"exit code {result.returncode}"
        except (OSError, subprocess.SubprocessError) as error:
            why = str(error)
        return {
            "calc": None if (folder / "calc.pdf").exists() else f"LibreOffice cannot open a workbook here ({why})",
            "writer": None if (folder / "writer.pdf").exists() else f"LibreOffice cannot open a document ({why})",
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@functools.cache
def _pdftotext_probe() -> str | None:
    if not shutil.which("pdftotext"):
        return "pdftotext is not installed"
    from reportlab.pdfgen import canvas

    folder = Path(tempfile.mkdtemp(prefix="jtcompare-pdf-probe-"))
    try:
        page = canvas.Canvas(str(folder / "probe.pdf"))
        page.drawString(72, 720, "probe")
        page.save()
        result = subprocess.run(
            ["pdftotext", str(folder / "probe.pdf"), "-"], capture_output=True, text=True, timeout=60
        )
        return None if "probe" in result.stdout else f"pdftotext cannot read a PDF here ({result.stderr.strip()})"
    except (OSError, subprocess.SubprocessError) as error:
        return f"pdftotext cannot run here ({error})"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def start_browser(**options):  # -> a Selenium WebDriver
    """A headless Chromium (benchmarks/browser.py), or a skip saying why none can be started here: a browser or
    driver missing, or a driver that cannot drive the browser (another version). Starting it is the probe."""
    from benchmarks import browser

    reason = browser.missing()
    if not reason:
        try:
            return browser.start(**options)
        except Exception as error:  # any failure to start is a missing capability; our pages are not involved yet
            reason = f"Chromium cannot be started here ({str(error).strip().splitlines()[0]})"
    pytest.skip(reason if "apt-get" in reason else f"{reason}: {HOW['browser']} to run this test")


def missing(capability: str) -> str | None:
    """Why `capability` (calc, writer, pdftotext) is not available here, or None when it is."""
    if capability in ("calc", "writer"):
        return _office_probe()[capability]
    if capability == "pdftotext":
        return _pdftotext_probe()
    raise ValueError(f"unknown capability {capability!r}")


def made_by(component: str, output: Path) -> None:
    """After a LibreOffice run that was to write `output` with `component` (calc, writer): skip, saying why,
    when there is no output because this machine's LibreOffice lacks that component. Probing only after a run
    that made nothing spares a LibreOffice start where it works; when the probe works too, the failure is our
    file's, and the caller's assertion names it."""
    if not output.exists():
        need(component)


def need(*capabilities: str) -> None:
    """Skip the calling test, saying why, unless every capability is available here."""
    for capability in capabilities:
        reason = missing(capability)
        if reason:
            pytest.skip(f"{reason}: {HOW[capability]} to run this test")
