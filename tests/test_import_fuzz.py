"""Random bytes and random Chinese text through the importer and the CLI: exit 0 or 2, never a traceback."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from jtcompare.cli.main import app
from jtcompare.errors import JtError
from jtcompare.plans.importer import POLICY_VERBS, import_plan
from typer.testing import CliRunner

from tests.conftest import PLANS
from tests.fixtures import make
from tests.fuzzing import fuzz

runner = CliRunner()
FUZZ = fuzz(60, slow_examples=True)
MAGIC = st.sampled_from([b"", b"PK\x03\x04", b"%PDF-1.4\n", b"\xef\xbb\xbf", b"\xff\xfe", b"<html><body>", b"\xd0\xcf"])
EXT = st.sampled_from([".txt", ".docx", ".pdf", ".html", ".htm", ".doc", ""])
WORDS = [
    *POLICY_VERBS,
    "武汉市",
    "减污降碳",
    "实施方案",
    "一、",
    "(二)",
    "3.",
    "。",
    ",",
    "\n",
    "2023年5月11日",
    "负责)",
]
CHINESE = st.lists(
    st.one_of(st.sampled_from(WORDS), st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)), max_size=300
).map("".join)
ENCODING = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"])


def check(result) -> None:
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr


def run_import(data: bytes, ext: str, *options: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"plan{ext}"
        path.write_bytes(data)
        lib = Path(tmp) / "lib"
        lib.mkdir()
        result = runner.invoke(app, ["import", str(path), "--plans-dir", str(lib), *options])
        if result.exit_code == 0 and "--dry-run" not in options:
            shown = runner.invoke(app, ["plans", "--plans-dir", str(lib), "--format", "json"])
            assert shown.exit_code == 0, shown.output
    return result


@FUZZ
@given(MAGIC, st.binary(max_size=3000), EXT)
def test_import_random_bytes(magic: bytes, data: bytes, ext: str) -> None:
    check(run_import(magic + data, ext))


@FUZZ
@given(CHINESE, ENCODING, st.sampled_from([".txt", ".html", ""]), st.booleans())
def test_import_random_chinese_text(text: str, encoding: str, ext: str, named: bool) -> None:
    options = ["--name", "某市", "--kind", "实施方案"] if named else []
    check(run_import(text.encode(encoding), ext, *options))


@fuzz(25, slow_examples=True)
@given(
    st.sampled_from(["national", "chongqing", "wuhan", "chengdu"]),
    st.floats(0, 1),
    st.integers(0, 3000),
    CHINESE,
    ENCODING,
)
def test_import_a_mangled_plan(pid: str, where: float, cut: int, noise: str, encoding: str) -> None:
    """Real plans with a stretch cut out and random text put in: mostly imported (exit 0), never a traceback."""
    text = make.seed(pid)
    at = int(where * len(text))
    result = run_import((text[:at] + noise + text[at + cut :]).encode(encoding, "replace"), ".txt")
    check(result)


@FUZZ
@given(MAGIC, st.binary(max_size=2000), EXT)
def test_the_engine_raises_only_its_own_errors(magic: bytes, data: bytes, ext: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"plan{ext}"
        path.write_bytes(magic + data)
        with contextlib.suppress(JtError):
            import_plan(path, Path(tmp), dry_run=True)


@FUZZ
@given(st.text(max_size=30))
def test_show_any_name(query: str) -> None:
    check(runner.invoke(app, ["show", "--plans-dir", str(PLANS), "--", query]))


@FUZZ
@given(st.one_of(st.binary(max_size=500), CHINESE.map(str.encode)), st.binary(max_size=2000))
def test_plans_and_show_on_a_random_library(toml: bytes, text: bytes) -> None:
    entry = '[x]\nname = "某市"\nlevel = "city"\nkind = "k"\ntitle = "t"\nfile = "x.txt"\n'.encode()
    with tempfile.TemporaryDirectory() as tmp:
        lib = Path(tmp)
        (lib / "x.txt").write_bytes(text)
        for metadata in (toml, entry):
            (lib / "plans.toml").write_bytes(metadata)
            check(runner.invoke(app, ["plans", "--plans-dir", str(lib)]))
            check(runner.invoke(app, ["show", "x", "--plans-dir", str(lib)]))
