"""Determinism as a tested property, for what tests/test_scenarios.py does not cover: the bug scenarios and the
fuzz path. In separate processes with different PYTHONHASHSEED, every bug scenario writes a byte-identical trace
and fuzz seeds generate the same scenarios and end the same way, serially or in parallel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUG_SCENARIOS = sorted((ROOT / "scenarios" / "bugs").glob("*.yaml"))

_PROGRAM = """
import hashlib, sys, tempfile
from pathlib import Path
from raft.api import simulate
from raft.fuzz.generator import FuzzConfig, generate
from raft.fuzz.runner import run_seeds
with tempfile.TemporaryDirectory() as tmp:
    for path in sys.argv[1:]:
        trace = Path(tmp) / "t.jsonl"
        simulate(path, record=False, trace=trace)
        print(Path(path).name, hashlib.sha256(trace.read_bytes()).hexdigest())
for seed in (1, 2, 3):
    print(seed, hashlib.sha256(repr(generate(seed)).encode()).hexdigest())
config = FuzzConfig(sizes=(3, 5), bugs=("no-step-down",))
print(run_seeds(range(1, 7), config, jobs=int({jobs}), stop_on_failure=False).ran)
config = FuzzConfig(bugs=("truncate-on-stale-append",))  # seeds whose Acknowledged Writes failure names 3 voters
print(run_seeds([35, 49], config, jobs=int({jobs}), stop_on_failure=False).ran)
"""


def _run(hash_seed: str, jobs: int) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
    program = _PROGRAM.replace("{jobs}", str(jobs))
    done = subprocess.run(
        [sys.executable, "-c", program, *map(str, BUG_SCENARIOS)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_bug_scenarios_and_fuzz_runs_are_identical_across_processes_and_job_counts() -> None:
    first = _run("0", jobs=1)
    second = _run("4242", jobs=2)
    assert first.count("\n") == len(BUG_SCENARIOS) + 3 + 2
    assert first == second
