"""Pinned traces: the SHA-256 of every shipped scenario's JSON Lines trace (its own seed) and of the fuzzer's
verdicts over a range of seeds.

A change that only makes the simulator faster must leave all of these alone; a change that means to alter what a
run does updates ``tests/golden/trace_hashes.json`` on purpose, with ``python -m tests.test_trace_hashes``.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PINNED = ROOT / "tests" / "golden" / "trace_hashes.json"
#: The fuzz seeds whose verdicts are pinned (default draws, no bugs; and one bug that fails early).
FUZZ_SEEDS = range(1, 151)
FUZZ_BUG = "majority-off-by-one"


def shipped() -> list[Path]:
    return sorted(p for p in (ROOT / "scenarios").rglob("*.yaml"))


def trace_digest(path: Path) -> str:
    """The SHA-256 of the trace of ``path`` run with its own seed (a Kubernetes scenario: its etcd members')."""
    with tempfile.TemporaryDirectory() as tmp:
        trace = Path(tmp) / "trace.jsonl"
        if path.parent.name == "kubernetes":
            from raft.kubernetes import simulate_kubernetes

            result = simulate_kubernetes(path, trace=trace)
            record = json.dumps(result.record).encode()
            return hashlib.sha256(trace.read_bytes() + record).hexdigest()
        from raft.api import simulate

        simulate(path, record=False, trace=trace)
        return hashlib.sha256(trace.read_bytes()).hexdigest()


def fuzz_digest(bugs: tuple[str, ...]) -> str:
    """The SHA-256 of the fuzzer's verdict on every seed of :data:`FUZZ_SEEDS` (property broken, and where)."""
    from raft.fuzz.generator import FuzzConfig
    from raft.fuzz.runner import run_seeds

    report = run_seeds(FUZZ_SEEDS, FuzzConfig(bugs=bugs), jobs=1, stop_on_failure=False)
    lines = [f"{o.seed} {o.failure!s} {o.linearizable}" for o in report.ran]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def current() -> dict[str, str]:
    digests = {str(p.relative_to(ROOT)): trace_digest(p) for p in shipped()}
    digests["fuzz:none"] = fuzz_digest(())
    digests[f"fuzz:{FUZZ_BUG}"] = fuzz_digest((FUZZ_BUG,))
    return digests


def pinned() -> dict[str, str]:
    return dict(json.loads(PINNED.read_text()))


@pytest.mark.parametrize("path", shipped(), ids=lambda p: str(p.relative_to(ROOT / "scenarios")))
def test_a_shipped_scenarios_trace_is_pinned(path: Path) -> None:
    assert trace_digest(path) == pinned()[str(path.relative_to(ROOT))], (
        f"{path.name}: its trace changed (update on purpose with python -m tests.test_trace_hashes)"
    )


@pytest.mark.parametrize("bugs", [(), (FUZZ_BUG,)], ids=["no-bugs", FUZZ_BUG])
def test_fuzz_verdicts_are_pinned(bugs: tuple[str, ...]) -> None:
    assert fuzz_digest(bugs) == pinned()[f"fuzz:{bugs[0] if bugs else 'none'}"]


def test_every_shipped_scenario_is_pinned() -> None:
    names = {str(p.relative_to(ROOT)) for p in shipped()}
    assert names == {k for k in pinned() if not k.startswith("fuzz:")}


if __name__ == "__main__":
    PINNED.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {PINNED} ({len(pinned())} digests)", file=sys.stderr)
