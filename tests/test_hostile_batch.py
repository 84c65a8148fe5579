"""A batch killed outright (issue 26, item 12): SIGKILL during `matrix --jobs 2` left its worker processes
waiting for work for ever and its temporary `.part` files behind.

Now each worker dies with the run (Linux: the kernel sends it SIGKILL; elsewhere a thread watches its parent),
and a temporary file is named for its writer (`.<name>.<pid>@<host>.<random>.part`), so the next run removes
those whose writer is dead, and only those. The tests kill real runs and look at real processes (/proc).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PLANS, cache_without_alignments

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads the process table in /proc")
CITIES = ("chongqing", "wuhan", "chengdu")
GONE = 5  # seconds within which an orphaned worker must be gone


def many_plans(folder: Path, count: int) -> Path:
    """The national scheme and `count` plans (the three city plans in turn, each under an id of its own)."""
    folder.mkdir()
    shutil.copy(PLANS / "national.txt", folder / "national.txt")
    toml = (PLANS / "plans.toml").read_text(encoding="utf-8")
    sections = dict(re.findall(r"(?ms)^\[(\w+)\]\n(.*?)(?=^\[|\Z)", toml))
    entries = [f"[national]\n{sections['national']}"]
    for k in range(count):
        city, pid = CITIES[k % 3], f"p{k:02d}"
        shutil.copy(PLANS / f"{city}.txt", folder / f"{pid}.txt")
        body = re.sub(r'(?m)^prefix = ".*"$', f'prefix = "P{k:02d}"', sections[city])
        entries.append(f"[{pid}]\n" + body.replace(f'"{city}.txt"', f'"{pid}.txt"'))
    (folder / "plans.toml").write_text("\n".join(entries), encoding="utf-8")
    return folder


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2 :].split()[1])  # after the command name, which may hold spaces


def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped by whoever adopted it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def children(pid: int) -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and parent_of(int(p.name)) == pid]


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def parts(*folders: Path) -> set[Path]:
    return {p for folder in folders if folder.is_dir() for p in folder.rglob("*.part")}


def cached(tmp_path: Path, city_alignments: dict) -> Path:
    """A cache of the test's own, holding no alignment: the batch's own work is all these tests watch."""
    return cache_without_alignments(tmp_path / "cache", city_alignments)


def environment(cache: Path) -> dict[str, str]:
    return {**os.environ, "JTCOMPARE_CACHE_DIR": str(cache)}


def matrix(lib: Path, out: Path, cache: Path, *plans: str) -> list[str]:
    command = [sys.executable, "-m", "jtcompare.cli.main", "matrix", *plans, "--plans-dir", str(lib)]
    return [*command, "--jobs", "2", "--format", "csv", "--out", str(out), "--force", "--quiet"]


def test_a_batch_killed_outright_takes_its_workers_along_and_the_next_run_tidies_up(tmp_path, city_alignments) -> None:
    lib, outdir, cache = many_plans(tmp_path / "lib", 12), tmp_path / "out", cached(tmp_path, city_alignments)
    outdir.mkdir()
    out = outdir / "matrix.csv"
    run = subprocess.Popen(
        matrix(lib, out, cache), env=environment(cache), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    workers: list[int] = []
    try:
        assert wait_for(lambda: len(children(run.pid)) >= 2 or run.poll() is not None, 180), "no workers started"
        assert run.poll() is None, run.stderr.read().decode() if run.stderr else ""
        workers = children(run.pid)
        time.sleep(1)  # the workers are aligning plans and writing the cache
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
        assert wait_for(lambda: not any(alive(w) for w in workers), GONE), [w for w in workers if alive(w)]
    finally:
        for pid in [run.pid, *workers]:  # never leave a regressed run behind
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        run.wait(timeout=30)
    left = parts(outdir, cache)
    assert f".matrix.csv.{run.pid}@" in " ".join(p.name for p in left)  # the output it was streaming
    assert not out.exists()  # nothing half-written under the real name

    done = subprocess.run(matrix(lib, out, cache, "p00"), env=environment(cache), capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    assert parts(outdir, cache) == set()  # the killed run's and its workers' temporary files
    assert out.read_text(encoding="utf-8-sig").splitlines()[1].startswith("p00,")


WRITER = r"""
import sys, time
from pathlib import Path
from jtcompare.atomic import write_atomic

def slowly(stream):
    stream.write(b"half")
    stream.flush()
    print("writing", flush=True)
    time.sleep(300)

write_atomic(Path(sys.argv[1]), slowly)
"""


def start_writing(target: Path, cache: Path) -> subprocess.Popen:
    """A process in the middle of writing `target` (its temporary file is on disk)."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)], env=environment(cache), stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
    return writer


def test_only_the_temporary_files_of_dead_writers_are_removed(tmp_path, city_alignments) -> None:
    lib, outdir, cache = many_plans(tmp_path / "lib", 1), tmp_path / "out", cached(tmp_path, city_alignments)
    (cache / "alignments").mkdir(parents=True)
    outdir.mkdir()
    killed = [start_writing(cache / "alignments" / "x.pickle", cache), start_writing(outdir / "matrix.csv", cache)]
    for writer in killed:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    stale = parts(outdir, cache)
    assert len(stale) == 2
    writing = start_writing(cache / "alignments" / "y.pickle", cache)
    try:
        others = [outdir / ".matrix.csv.part", outdir / f".notes.{killed[0].pid}.abcdefgh.part"]  # not ours
        for other in others:
            other.write_bytes(b"another program's")
        live = parts(cache) - stale
        done = subprocess.run(matrix(lib, outdir / "matrix.csv", cache), env=environment(cache), capture_output=True)
        assert done.returncode == 0, done.stderr.decode()
        assert parts(outdir, cache) == live | set(others)  # the live writer's and other programs' are kept
    finally:
        writing.kill()
        writing.wait(timeout=30)


def test_a_writer_killed_but_never_reaped_counts_as_dead(tmp_path, city_alignments) -> None:
    """In a container whose first process never reaps adopted children, a killed run's workers stay zombies:
    the process table still lists them, yet their temporary files are stale."""
    lib, outdir, cache = many_plans(tmp_path / "lib", 1), tmp_path / "out", cached(tmp_path, city_alignments)
    (cache / "alignments").mkdir(parents=True)
    outdir.mkdir()
    writer = start_writing(cache / "alignments" / "x.pickle", cache)
    try:
        writer.send_signal(signal.SIGKILL)
        assert wait_for(lambda: not alive(writer.pid), GONE)  # ended, not reaped: this test is its parent
        assert Path(f"/proc/{writer.pid}").exists() and len(parts(cache)) == 1
        done = subprocess.run(matrix(lib, outdir / "matrix.csv", cache), env=environment(cache), capture_output=True)
        assert done.returncode == 0, done.stderr.decode()
        assert parts(outdir, cache) == set()
    finally:
        writer.kill()
        writer.wait(timeout=30)


ORPHAN = r"""
import multiprocessing, os, sys, time
from jtcompare.workflow import batch

def worker(parent):
    batch._die_with_parent(parent)
    time.sleep(300)

if __name__ == "__main__":
    if sys.argv[1] == "watch":  # as off Linux: no PR_SET_PDEATHSIG, a thread watches the parent
        batch._kernel_kills_orphan = lambda: False
    child = multiprocessing.get_context("fork").Process(target=worker, args=(os.getpid(),))
    child.start()
    print(child.pid, flush=True)
    time.sleep(300)
"""


@pytest.mark.parametrize("how", ["kernel", "watch"])
def test_a_worker_dies_with_its_parent_either_way(how) -> None:
    parent = subprocess.Popen([sys.executable, "-c", ORPHAN, how], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        assert wait_for(lambda: parent_of(child) == parent.pid, 10)
        time.sleep(0.3)  # the worker has set up its end
        parent.kill()
        parent.wait(timeout=30)
        assert wait_for(lambda: not alive(child), GONE)
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)
        parent.kill()
        parent.wait(timeout=30)


def test_a_database_update_is_staged_like_every_write_and_tidied_after_a_killed_one(tmp_path) -> None:
    """The SQLite export edits a copy (atomic.update_atomic): an error leaves the old file and no copy; a copy left
    by a writer killed outright is named for it, so the next update removes it."""
    from jtcompare import atomic

    db = tmp_path / "plans.db"
    db.write_bytes(b"old")

    def fail(copy: Path) -> None:
        assert copy.read_bytes() == b"old" and re.fullmatch(rf"\.plans\.db\.{os.getpid()}@.+\.part", copy.name)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic.update_atomic(db, fail)
    assert db.read_bytes() == b"old" and not list(tmp_path.glob("*.part"))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".plans.db.{dead.stdout.strip()}@{atomic._HOST}.abcdefgh.part"
    stale.write_bytes(b"half a database")
    atomic._swept.clear()  # a new run: each process sweeps a folder once
    atomic.update_atomic(db, lambda copy: copy.write_bytes(b"new"))
    assert db.read_bytes() == b"new" and not list(tmp_path.glob("*.part"))
