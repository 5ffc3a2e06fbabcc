"""The time model (raft/sim/clock.py): local clocks that drift, read by the core, and timers set in local time.

Rules checked: a clock ``drift_ppm`` fast reads ``(1 + drift) · t`` at simulation time ``t``; a deadline in local
time is reached at the simulation time the clock reads it (never earlier, however long the run); timers started
together on servers whose clocks drift apart fire apart by exactly what the rates say; without drift nothing
changes.
"""

from __future__ import annotations

import pytest
import simpy

from raft.core.node import TIME_EPSILON
from raft.sim.clock import Clock
from tests.sim.simkit import Driven, scenario


def test_an_exact_clock_reads_simulation_time() -> None:
    env = simpy.Environment(initial_time=1234.5678)
    clock = Clock(env)
    assert clock.now() == env.now
    assert clock.delay_until(1300.0) == 1300.0 - env.now
    assert clock.delay_until(1000.0) == 0.0


def test_a_fast_clock_reads_ahead_by_its_rate() -> None:
    env = simpy.Environment(initial_time=1_000_000.0)
    clock = Clock(env, drift_ppm=200.0)
    assert clock.now() == pytest.approx(1_000_200.0, abs=1e-6)
    assert clock.drift_ppm == pytest.approx(200.0)


@pytest.mark.parametrize("drift_ppm", [-99_999.0, -37.3, 0.001, 41.0, 55_555.5])
@pytest.mark.parametrize("start", [0.0, 0.1, 150.0, 86_400_000.0, 3.1e10])
def test_a_timer_set_in_local_time_wakes_at_its_deadline(drift_ppm: float, start: float) -> None:
    env = simpy.Environment(initial_time=start)
    clock = Clock(env, drift_ppm)
    for duration in (0.0, 1e-9, 0.3, 150.0, 299.99):
        deadline = clock.now() + duration
        delay = clock.delay_until(deadline)
        assert delay == pytest.approx(duration / clock.rate, rel=1e-6, abs=1e-6)
        assert clock.rate * (env.now + delay) >= deadline - TIME_EPSILON  # wakes with the deadline due


def test_timers_started_together_fire_apart_by_the_drift() -> None:
    """Three servers start their election timers together, with the same fixed timeout of 300 ms on their own
    clocks: the one 1000 ppm fast times out at 300/1.001 ms, the exact one at 300 ms, the one 1000 ppm slow at
    300/0.999 ms (simulation time): 0.6 ms between the first and the last."""
    sc = scenario(
        cluster={"size": 3, "election_timeout_ms": [300, 300]},
        network={"latency_ms": 50},
        timing={"drift_ppm": {"n1": 1000, "n3": -1000}},
    )
    run = Driven(sc)
    run.run(until=301)
    fired = {e["node"]: e["t_ms"] for e in run.of("timeout", term=0)}
    assert fired["n1"] == pytest.approx(300 / 1.001, abs=1e-9)
    assert fired["n2"] == 300.0
    assert fired["n3"] == pytest.approx(300 / 0.999, abs=1e-9)
    assert fired["n3"] - fired["n1"] == pytest.approx(300 / 0.999 - 300 / 1.001, abs=1e-9)


def test_a_leader_keeps_its_heartbeats_on_its_own_clock() -> None:
    """A leader 10 % slow sends its heartbeats every 50 ms of its own time: 50/0.9 ms of simulation time."""
    sc = scenario(
        cluster={"size": 3, "election_timeout_ms": [150, 150]},
        timing={"drift_ppm": {"n1": -100_000}},
    )
    run = Driven(sc)
    run.at(1.0, lambda: run.sim.force_timeout("n1"))
    run.run(until=1000)
    sends = [e["t_ms"] for e in run.of("send", **{"from": "n1", "to": "n2", "msg": "AppendEntries"})]
    gaps = [b - a for a, b in zip(sends[1:], sends[2:], strict=False)]
    assert len(gaps) > 5
    assert gaps == pytest.approx([50 / 0.9] * len(gaps), abs=1e-6)


def test_drawn_drifts_lie_within_the_bound_and_follow_the_seed() -> None:
    sc = scenario(size=5, timing={"drift_ppm": 50})
    drifts = [Driven(sc).sim.servers[n].clock.drift_ppm for n in ("n1", "n2", "n3", "n4", "n5")]
    again = [Driven(sc).sim.servers[n].clock.drift_ppm for n in ("n1", "n2", "n3", "n4", "n5")]
    assert drifts == again
    assert all(-50 <= d <= 50 for d in drifts)
    assert len(set(drifts)) == 5


def test_without_drift_every_clock_is_exact() -> None:
    run = Driven(scenario(size=5))
    assert all(server.clock.rate == 1.0 for server in run.sim.servers.values())


def first_timeouts(seed: int, **sections: object) -> dict[str, float]:
    sc = scenario(size=5, **sections).model_copy(update={"seed": seed})
    run = Driven(sc)
    run.run(until=310)
    return {e["node"]: e["t_ms"] for e in run.of("timeout", term=0)}


def test_timer_jitter_fires_late_by_the_configured_distribution() -> None:
    """Timers due at 300 ms fire 300 ms plus one jitter draw later: over many servers and seeds the lateness has
    the configured mean (exponential, 0.02 above its 0.01 floor) and never falls below the floor."""
    late = [
        t - 300.0
        for seed in range(300)
        for t in first_timeouts(
            seed,
            cluster={"size": 5, "election_timeout_ms": [300, 300]},
            network={"latency_ms": 5},
            timing={"timer_jitter_ms": {"dist": "exponential", "min_ms": 0.01, "mean_ms": 0.03}},
        ).values()
    ]
    assert len(late) >= 300
    assert min(late) >= 0.01 - 1e-9
    assert sum(late) / len(late) == pytest.approx(0.03, rel=0.1)
    assert len({round(x, 9) for x in late}) == len(late)  # every server draws its own


def test_jitter_and_drift_compose() -> None:
    """A constant jitter of 0.5 ms on a clock 1000 ppm fast: 300/1.001 + 0.5."""
    fired = first_timeouts(
        1,
        cluster={"size": 5, "election_timeout_ms": [300, 300]},
        network={"latency_ms": 5},
        timing={"drift_ppm": {"n2": 1000}, "timer_jitter_ms": 0.5},
    )
    assert fired["n2"] == pytest.approx(300 / 1.001 + 0.5, abs=1e-9)
    assert fired["n1"] == pytest.approx(300.5, abs=1e-9)


def test_by_default_nothing_is_drawn_and_the_meta_line_names_the_model() -> None:
    """Exact time draws nothing (no jitter, no disk stream: a constant write stays a constant), so traces without
    the model are what they were; the trace's meta line says which model ran."""
    run = Driven(scenario(size=3, storage={"write_ms": 4}))
    for server in run.sim.servers.values():
        assert server.clock.rate == 1.0 and server.clock.jitter is None
        assert server.write_time is not None and {server.write_time() for _ in range(5)} == {4.0}
    assert Driven(scenario(size=3)).sim.servers["n1"].write_time is None
    config = run.sim.meta()["config"]
    assert config["timing"] == {"profile": "exact", "drift_ppm": 0.0, "timer_jitter_ms": 0.0}
    assert config["network"]["link_latency_ms"] == {} and config["network"]["latency_ms"] == [5.0, 10.0]
    assert config["storage"] == {
        "write_ms": 4.0,
        "fsync_stall_rate": 0.0,
        "fsync_stall_ms": 0.0,
        "snapshot_every": 0,  # log compaction (thesis §5.1): off by default
        "snapshot_write_ms": 5.0,
    }
