"""The cost estimate of a run (raft/sim/cost.py): checked against real runs, within a factor."""

from __future__ import annotations

import pytest

from raft.api import simulate
from raft.sim.cost import WARN_SECONDS, estimate, warning
from tests.sim.simkit import scenario


@pytest.mark.parametrize(
    ("size", "heartbeat", "writes", "reads"),
    [(3, 50, 0, 0), (5, 50, 20, 0), (5, 50, 100, 20), (3, 25, 200, 0), (9, 100, 50, 0)],
)
def test_estimated_messages_and_events_match_a_real_run(
    size: int, heartbeat: float, writes: float, reads: float
) -> None:
    setup = scenario(
        size,
        6000,
        cluster={"heartbeat_ms": heartbeat, "election_timeout_ms": [150, 300]},
        network={"latency_ms": [5, 10]},
        workload={"writes_per_s": writes, "reads_per_s": reads},
    )
    result = simulate(setup)
    sent = result.summary["messages"]["sent"]
    cost = estimate(setup, trace=True)
    assert 0.7 * sent <= cost.messages <= 1.3 * sent
    events = len(result.events or ())
    assert 0.7 * events <= cost.events <= 1.3 * events
    assert cost.trace_bytes > 0 and estimate(setup).trace_bytes == 0


def test_the_duration_override_scales_the_estimate() -> None:
    setup = scenario(5, 6000, workload={"writes_per_s": 20})
    assert estimate(setup, 60_000).messages == pytest.approx(10 * estimate(setup).messages)


def test_no_warning_for_an_ordinary_run() -> None:
    setup = scenario(5, 60_000, workload={"writes_per_s": 100})
    assert warning(estimate(setup, trace=True), 60_000) is None


def test_an_absurd_run_gets_one_line_saying_how_to_shorten_it() -> None:
    """Thirty simulated days of 5 nodes at 100 writes/s: hours of computing and a trace of terabytes."""
    duration = 30 * 24 * 3600 * 1000.0
    setup = scenario(5, duration, workload={"writes_per_s": 100})
    cost = estimate(setup, trace=True)
    assert cost.seconds > WARN_SECONDS and cost.trace_bytes > 1e9
    line = warning(cost, duration)
    assert line is not None and "\n" not in line
    assert line.startswith("warning: this run will take about ") and "TB" in line
    shorter = float(line.split("--duration-ms ")[1].split()[0])
    assert 0 < shorter < duration
    assert warning(estimate(setup, shorter, trace=True), shorter) is None  # the advice is enough
    untraced = warning(estimate(setup), duration)
    assert untraced is not None and "trace" not in untraced and "hours of computing" in untraced
