"""Ctrl-C: a real SIGINT sent to a real ``raft-sim`` process stops it cleanly, with what ran.

Each test starts ``python -m raft ...`` in a session of its own (as a terminal's process group, so that worker
processes get the signal too, as they would from a terminal), polls until the work has visibly started, sends
SIGINT and checks the exit status, the output and the files. No sleeps as assertions: polling with a generous
timeout.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from raft.sim.trace import read_trace

ROOT = Path(__file__).resolve().parents[2]
#: An hour of 5 nodes at 100 writes/s: about a minute of work, far longer than any test waits.
LONG = """name: long
seed: 1
duration_ms: 3600000
cluster: {size: 5}
network: {latency_ms: [5, 10]}
workload: {writes_per_s: 100}
expect:
  - leader_elected_within_ms: 1000
"""
TIMEOUT_S = 120.0

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a process group is POSIX")


def start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "raft", *args],
        cwd=cwd,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def wait_for(started: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not started():
        assert process.poll() is None, f"ended before it was interrupted: {process.communicate()}"
        assert time.monotonic() < deadline, "never started"
        time.sleep(0.05)


def interrupt(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
    out, err = process.communicate(timeout=TIMEOUT_S)
    return process.returncode, out, err


def trace_started(directory: Path) -> Callable[[], bool]:
    """True once the trace being written (under its temporary name) holds a few lines."""
    return lambda: any(p.stat().st_size > 100_000 for p in directory.glob(".*.tmp"))


def test_run_json_trace_and_plot_cover_the_part_that_ran(tmp_path: Path) -> None:
    (tmp_path / "long.yaml").write_text(LONG, encoding="utf-8")
    process = start(["run", "long.yaml", "--json", "--trace", "t.jsonl", "--plot", "t.png"], tmp_path)
    wait_for(trace_started(tmp_path), process)
    status, out, err = interrupt(process)
    assert status == 130, err
    assert "Traceback" not in err
    summary = json.loads(out)
    assert summary["interrupted"] is True
    at = summary["interrupted_at_ms"]
    assert 0 < at < 3_600_000 and summary["duration_ms"] == 3_600_000
    assert summary["writes"]["committed"] > 0
    events = read_trace(tmp_path / "t.jsonl")  # valid: the meta line first, every line an event
    assert events[-1]["type"] == "end" and events[-1]["interrupted"] is True and events[-1]["t_ms"] == at
    assert max(e["t_ms"] for e in events) == at
    assert (tmp_path / "t.png").stat().st_size > 0
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file left behind"
    plotted = subprocess.run(
        [sys.executable, "-m", "raft", "plot", "t.jsonl", "--kind", "timeline", "-o", "p.png"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert plotted.returncode == 0, plotted.stderr


def test_run_text_summary_says_where_it_stopped(tmp_path: Path) -> None:
    (tmp_path / "long.yaml").write_text(LONG, encoding="utf-8")
    process = start(["run", "long.yaml", "--trace", "t.jsonl"], tmp_path)
    wait_for(trace_started(tmp_path), process)
    status, out, err = interrupt(process)
    assert status == 130, err
    assert "Traceback" not in err
    first = out.splitlines()[0]
    assert first.startswith("Interrupted at ") and "(of 3600000 ms)" in first
    at = float(first.split()[2])
    assert read_trace(tmp_path / "t.jsonl")[-1]["t_ms"] == at
    assert "Leaders:" in out and "Trace written to t.jsonl" in out


def test_sweep_keeps_the_rows_that_finished(tmp_path: Path) -> None:
    out_file = tmp_path / "rows.csv"
    process = start(
        ["sweep", "leader-crash", "--seeds", "1-2000", "--jobs", "2", "--out", str(out_file)], tmp_path
    )
    wait_for(lambda: out_file.exists() and len(out_file.read_text().splitlines()) > 5, process)
    status, out, err = interrupt(process)
    assert status == 130, err
    assert "Traceback" not in err and "Warning" not in err
    rows = out_file.read_text().splitlines()[1:]
    assert f"2000 runs: {len(rows)} ran, 0 already done" in out
    assert "interrupted" in out and "the same command resumes" in out
    assert int(out.splitlines()[1].split()[0]) == len(
        rows
    )  # the table's one line covers the runs that finished


def test_fuzz_reports_the_seeds_it_finished(tmp_path: Path) -> None:
    process = start(["fuzz", "--seeds", "1-5000", "--jobs", "1", "--out", str(tmp_path / "f")], tmp_path)
    # The fuzzer says nothing until it ends; a seed takes a fraction of a second: wait until it has surely run one.
    wait_for(_after(5.0), process)
    status, out, err = interrupt(process)
    assert status == 130, err
    assert "Traceback" not in err
    lines = out.splitlines()
    finished = int(lines[0].split()[1])
    assert lines[1] == f"Interrupted after {finished} of 5000 seeds."
    assert lines[2] == (
        f"  passed: 1-{finished}" if finished > 1 else f"  passed: {'1' if finished else 'none'}"
    )


def _after(seconds: float) -> Callable[[], bool]:
    end = time.monotonic() + seconds
    return lambda: time.monotonic() >= end
