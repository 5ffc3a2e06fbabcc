"""why-odd trials: the failure schedule, and the availability task measuring what the summary says."""

import random

import pytest

from raft.api import simulate
from raft.batch.grid import Run
from raft.experiments.why_odd import trials


def test_failure_schedule_alternates_per_node() -> None:
    events = trials.failure_events(3, random.Random(1), 1000.0, 250.0, 60_000.0)
    times = [e["at_ms"] for e in events]
    assert times == sorted(times) and len(events) > 20
    for node in ("n1", "n2", "n3"):
        actions = [("crash" if "crash" in e else "restart") for e in events if node in e.values()]
        assert all(a != b for a, b in zip(actions, actions[1:], strict=False))
        assert actions[0] == "crash"


def test_simulated_availability_is_the_time_writes_were_not_unavailable() -> None:
    task = trials.AvailabilityTask(mtbf_ms=3000.0, mttr_ms=1000.0, duration_ms=20_000.0)
    measured = task(Run(0, (("n", 3),), 4))
    events = trials.failure_events(3, random.Random("why-odd/failures/3/4"), 3000.0, 1000.0, 20_000.0)
    scenario = trials.scenario(
        "availability", 3, 20_000.0, events, clients=1, writes_per_s=10.0, stop_ms=20_000.0
    )
    summary = simulate(scenario, seed=4, record=False).summary
    assert summary["unavailable"], "the failure schedule takes the majority down at least once"
    assert measured["serving"] == pytest.approx(1.0 - summary["unavailable_ms"] / 20_000.0)
    assert measured["serving"] < 1.0 and 0.0 < measured["majority_up"] <= 1.0
