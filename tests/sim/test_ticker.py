"""etcd's timers in the simulation (raft/sim/ticker.py): a ticker per server life, messages between ticks, and
etcd's initial election tick advance."""

from __future__ import annotations

from typing import Any

import pytest

from raft.api import simulate
from raft.scenario import parse_scenario
from raft.sim.simulation import stream

TICK = 100.0


def etcd_run(
    seed: int, duration_ms: float = 4000, events: list[dict[str, Any]] | None = None, **cluster: Any
):
    data = {
        "name": "t",
        "seed": seed,
        "duration_ms": duration_ms,
        "cluster": {"size": 3, "profile": "etcd", **cluster},
        "events": events or [],
    }
    return simulate(parse_scenario(data), record=True)


def of(events: list[dict[str, Any]], kind: str, **match: Any) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == kind and all(e.get(k) == v for k, v in match.items())]


def on_a_tick(t_ms: float, phase: float = 0.0) -> bool:
    ticks = (t_ms - phase) / TICK
    return abs(ticks - round(ticks)) < 1e-6


def first_draw(seed: int, node: str) -> int:
    """The randomized election timeout, in ticks, a node of run ``seed`` draws as it starts (its stream's first
    draw: ElectionTick 10 + a whole number below 10)."""
    return 10 + stream(seed, "node", node).randrange(10)


@pytest.mark.parametrize("seed", range(10))
def test_the_etcd_profile_elects_one_leader_and_its_timers_fire_only_on_ticks(seed: int) -> None:
    events = etcd_run(seed).events or []
    leaders = of(events, "role", role="leader")
    assert len(leaders) == 1 and leaders[0]["term"] == 1
    timeouts = of(events, "timeout")
    assert timeouts and all(on_a_tick(e["t_ms"]) for e in timeouts)


def test_messages_are_handled_between_ticks() -> None:
    """Votes and the election's end come as messages arrive (5-10 ms after a tick), not on the next tick."""
    events = etcd_run(0).events or []
    [timeout, *_] = of(events, "timeout")
    [leader] = of(events, "role", role="leader")
    votes = of(events, "vote", granted=True)
    assert votes and not any(on_a_tick(e["t_ms"]) for e in [*votes, leader])
    assert leader["t_ms"] - timeout["t_ms"] < TICK  # PreVote, RequestVote and their answers: within one tick
    heartbeats = [e for e in of(events, "send", msg="AppendEntries") if e["t_ms"] > leader["t_ms"] + 1]
    assert heartbeats and all(on_a_tick(e["t_ms"]) for e in heartbeats[:6])  # the leader's heartbeat: a tick


@pytest.mark.parametrize("seed", range(20))
def test_the_first_election_comes_as_early_as_the_tick_advance_predicts(seed: int) -> None:
    """All three members reach both peers at their first check (50 ms) and fast-forward ElectionTick - 2 = 8
    ticks: the first timer fires at tick T - 8 of the earliest member, T its randomized timeout (etcd's
    ``adjustTicks``)."""
    events = etcd_run(seed, duration_ms=2500).events or []
    advances = of(events, "tick_advance")
    assert [(e["node"], e["t_ms"], e["ticks"]) for e in advances] == [
        (n, 50.0, 8) for n in ("n1", "n2", "n3")
    ]
    predicted = min(first_draw(seed, node) for node in ("n1", "n2", "n3")) - 8
    assert of(events, "timeout")[0]["t_ms"] == pytest.approx(predicted * TICK)


@pytest.mark.parametrize("seed", range(20))
def test_without_the_advance_the_first_election_waits_a_whole_randomized_timeout(seed: int) -> None:
    events = etcd_run(seed, duration_ms=2500, initial_election_tick_advance=False).events or []
    assert not of(events, "tick_advance")
    predicted = min(first_draw(seed, node) for node in ("n1", "n2", "n3"))
    assert of(events, "timeout")[0]["t_ms"] == pytest.approx(predicted * TICK)


def test_a_member_alone_in_its_cluster_advances_election_tick_minus_one() -> None:
    events = etcd_run(3, duration_ms=2500, size=1).events or []
    assert [(e["t_ms"], e["ticks"]) for e in of(events, "tick_advance")] == [(0.0, 9)]
    assert of(events, "timeout")[0]["t_ms"] == pytest.approx((first_draw(3, "n1") - 9) * TICK)


def test_the_advance_waits_until_more_than_one_peer_is_reachable() -> None:
    """etcd advances only once more than one peer connection is active: n1 and n2 see one peer each while n3 is
    down, and advance at their first check after n3 comes back."""
    events = etcd_run(1, events=[{"at_ms": 0, "crash": "n3"}, {"at_ms": 320, "restart": "n3"}]).events or []
    advances = {e["node"]: e["t_ms"] for e in of(events, "tick_advance")}
    assert advances["n1"] == advances["n2"] == 350.0
    assert advances["n3"] == 370.0  # 50 ms after its own start


def test_a_restarted_member_ticks_with_the_phase_of_its_restart() -> None:
    """n1 restarts at 3333.3 ms, cut off from the others: its timer fires again and again on its own ticks,
    3333.3 ms + k x 100 ms, and with no peer reachable it advances nothing; the others keep ticking on theirs."""
    events = (
        etcd_run(
            2,
            duration_ms=9000,
            events=[
                {"at_ms": 3000, "crash": "n1"},
                {"at_ms": 3333.3, "restart": "n1"},
                {"at_ms": 3333.3, "isolate": "n1"},
            ],
        ).events
        or []
    )
    after = [e for e in of(events, "timeout", node="n1") if e["t_ms"] > 3333.3]
    assert len(after) >= 2 and all(on_a_tick(e["t_ms"], phase=3333.3) for e in after)
    assert all(on_a_tick(e["t_ms"]) for e in of(events, "timeout") if e["node"] != "n1")
    assert [e["t_ms"] for e in of(events, "tick_advance", node="n1")] == [50.0]  # its first life's only


def test_the_transcript_tells_the_tick_advance() -> None:
    text = etcd_run(0, duration_ms=200).transcript("no-sends")
    assert (
        "     50.0 ms  n2 fast-forwards 8 election ticks (initial election tick advance)" in text.splitlines()
    )


def test_a_drifting_clock_ticks_on_its_own_time() -> None:
    """The ticker keeps time by the server's local clock: with n1's clock 1 % fast (timing.drift_ppm), its ticks
    come every 100 / 1.01 ms of simulation time, the others' every 100 ms."""
    data = {
        "name": "t",
        "seed": 4,
        "duration_ms": 6000,
        "cluster": {"size": 3, "profile": "etcd"},
        "timing": {"drift_ppm": {"n1": 10000}},
        "events": [{"at_ms": 0, "isolate": "n1"}],
    }
    events = simulate(parse_scenario(data), record=True).events or []
    n1 = of(events, "timeout", node="n1")
    assert len(n1) >= 2
    for e in n1:
        ticks = e["t_ms"] * 1.01 / TICK
        assert abs(ticks - round(ticks)) < 1e-6 and not on_a_tick(e["t_ms"])
    assert all(on_a_tick(e["t_ms"]) for e in of(events, "timeout") if e["node"] != "n1")
