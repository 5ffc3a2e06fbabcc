"""Servers in the simulation (raft/sim/server.py, simulation.py, script.py): crash, restart, scripted events."""

from __future__ import annotations

from typing import Any

from raft.api import simulate
from raft.scenario import Scenario, parse_scenario
from raft.sim.events import EventBus
from raft.sim.simulation import Simulation
from tests.sim.simkit import Driven, scenario


def test_crash_cancels_timers_and_restart_draws_a_fresh_timeout() -> None:
    run = Driven(scenario(cluster={"election_timeout_ms": [150, 300]}))
    run.at(0.0, lambda: run.sim.isolate("n2"))  # alone, n2 would time out again and again
    run.at(400.0, lambda: run.sim.crash("n2"))
    run.at(2000.0, lambda: run.sim.restart("n2"))
    run.run(2400.0)
    own = [e for e in run.events if e.get("node") == "n2" and e["type"] in ("role", "timeout", "vote")]
    assert [e for e in own if e["t_ms"] < 400.0 and e["type"] == "timeout"]
    assert not [e for e in own if 400.0 <= e["t_ms"] < 2000.0]  # nothing fires while it is down
    term = max(e["term"] for e in own if e["t_ms"] < 400.0)
    [restart] = run.of("restart", node="n2")
    assert restart["term"] == term and restart["voted_for"] == "n2"
    back = [e for e in own if e["t_ms"] >= 2000.0]
    assert back[0] == {"t_ms": 2000.0, "type": "role", "node": "n2", "role": "follower", "term": term}
    first_timeout = next(e for e in back if e["type"] == "timeout")
    assert 2150.0 <= first_timeout["t_ms"] <= 2300.0


def test_restart_loses_volatile_state_and_reapplies_from_one() -> None:
    result = simulate(
        scenario(
            workload={"writes_per_s": 20},
            events=[{"at_ms": 1500, "crash": "n2"}, {"at_ms": 1600, "restart": "n2"}],
        )
    )
    events = result.events or ()
    before = [e for e in events if e["type"] == "apply" and e["node"] == "n2" and e["t_ms"] < 1500]
    [restart] = [e for e in events if e["type"] == "restart"]
    assert len(restart["log"]) >= len(before) > 5  # the log survived
    after = [e["index"] for e in events if e["type"] == "apply" and e["node"] == "n2" and e["t_ms"] >= 1600]
    assert after[: len(before)] == list(range(1, len(before) + 1))  # re-applied from 1, in order
    commits = [
        e["index"] for e in events if e["type"] == "commit" and e["node"] == "n2" and e["t_ms"] >= 1600
    ]
    assert commits == sorted(commits)
    assert result.outcome.nodes["n2"].store == result.outcome.nodes["n1"].store


def test_messages_sent_before_a_crash_are_delivered() -> None:
    run = Driven(scenario(network={"latency_ms": 5}, cluster={"election_timeout_ms": [500, 600]}))
    run.at(0.0, lambda: run.sim.force_timeout("n1"))
    run.at(1.0, lambda: run.sim.crash("n1"))
    run.run(20.0)
    delivered = run.of("deliver", msg="RequestVote")
    assert sorted(e["to"] for e in delivered) == ["n2", "n3"] and all(e["t_ms"] == 5.0 for e in delivered)
    assert run.of("vote", granted=True)
    assert {e["reason"] for e in run.of("drop", to="n1")} == {"down"}  # the answers find it down


def test_crash_leader_without_a_leader_is_skipped_and_traced() -> None:
    result = simulate(scenario(events=[{"at_ms": 0, "crash": "leader"}], duration_ms=500))
    skips = [e for e in result.events or () if e["type"] == "skip"]
    assert [(e["t_ms"], e["action"], e["target"], e["reason"]) for e in skips] == [
        (0, "crash", "leader", "no live leader")
    ]
    assert not [e for e in result.events or () if e["type"] == "crash"]


def test_when_leader_trigger_fires_once_after_delay() -> None:
    first = simulate(scenario(duration_ms=1000), seed=1).summary["leaders"][0]
    node = first["node"]
    sc = scenario(
        duration_ms=3000,
        events=[{"when": {"leader": node}, "after_ms": 100, "crash": node}, {"at_ms": 1500, "restart": node}],
    )
    events = simulate(sc, seed=1).events or ()
    crashes = [e for e in events if e["type"] == "crash"]
    assert len(crashes) == 1 and abs(crashes[0]["t_ms"] - (first["from_ms"] + 100)) < 1e-6


def test_events_at_the_same_time_run_in_file_order() -> None:
    sc = scenario(
        duration_ms=500,
        events=[
            {"at_ms": 100, "isolate": "n1"},
            {"at_ms": 100, "heal": True},
            {"at_ms": 100, "cut": ["n2", "n3"]},
        ],
    )
    result = simulate(sc)
    kinds = [e["type"] for e in result.events or () if e["type"] in ("isolate", "heal", "cut")]
    assert kinds == ["isolate", "heal", "cut"]
    assert result.outcome.groups == [["n1", "n2", "n3"]]


def test_forced_timeout_is_ignored_by_a_leader_and_skipped_for_a_down_node() -> None:
    run = Driven(scenario(cluster={"election_timeout_ms": [500, 600]}))
    run.at(0.0, lambda: run.sim.force_timeout("n1"))
    run.at(100.0, lambda: run.sim.force_timeout("n1"))
    run.at(100.0, lambda: run.sim.crash("n3"))
    run.at(100.0, lambda: run.sim.force_timeout("n3"))
    run.run(200.0)
    assert [e["term"] for e in run.of("role", node="n1")] == [0, 1, 1]
    assert run.of("skip", action="timeout", target="n3")


# ------------------------------------------------ a run driven step by step (start, advance_to, schedule, finish)


def _stepped(sc: Scenario) -> tuple[Simulation, list[dict[str, Any]]]:
    bus = EventBus()
    events: list[dict[str, Any]] = []
    bus.subscribe(events.append)
    sim = Simulation(sc, seed=sc.seed, duration_ms=sc.duration_ms, bus=bus)
    sim.start()
    return sim, events


def test_steps_give_the_events_of_run() -> None:
    sc = scenario(workload={"writes_per_s": 20}, events=[{"at_ms": 700, "crash": "leader"}])
    whole = simulate(sc).events or ()
    sim, events = _stepped(sc)
    for t_ms in (0.3, 1.0, 333.3, 700.0, 701.5, 2999.0, 3000.0):
        sim.advance_to(t_ms)
        assert sim.now_ms == t_ms
    sim.finish()
    assert events == list(whole)


def test_advance_to_lands_exactly_and_says_whether_anything_is_due_then() -> None:
    sim, events = _stepped(scenario(events=[{"at_ms": 500, "crash": "n1"}]))
    assert sim.advance_to(0.1) is True
    assert sim.advance_to(499.9) is True
    assert sim.advance_to(500.0) is False  # the scripted crash is due
    assert not [e for e in events if e["type"] == "crash"]  # and has not happened yet
    assert sim.advance_to(500.5) is True
    assert [e["t_ms"] for e in events if e["type"] == "crash"] == [500.0]


def test_an_event_scheduled_when_nothing_is_due_happens_as_a_scripted_one() -> None:
    crash = {"at_ms": 401.0, "crash": "leader"}
    sim, events = _stepped(scenario())
    assert sim.advance_to(401.0)
    sim.schedule(parse_scenario({**scenario().model_dump(mode="json"), "events": [crash]}).events[0])
    sim.advance_to(3000.0)
    sim.finish()
    assert events[1:] == list(simulate(scenario(events=[crash])).events or ())[1:]
