"""A live session (raft/live/session.py): pacing by a clock, events sent to it, saving, the end of the run."""

from __future__ import annotations

import contextlib
import json
import math
import random
from pathlib import Path

import pytest
import yaml

from raft.live.session import MAX_SPEED, MAX_STEP_S, MAX_WORK_S, SLICES, LiveError, LiveSession
from raft.scenario import Scenario, load_scenario, parse_scenario, read_scenario_data
from tests.live.livekit import FakeClock, of_type, replayed_lines


def quiet_cluster(size: int = 3, **sections: object) -> Scenario:
    """A cluster without clients (its save runs exactly to the time reached)."""
    return parse_scenario(
        {
            "name": "quiet",
            "seed": 3,
            "duration_ms": 1000,
            "cluster": {"size": size},
            "workload": {"clients": 0},
        }
        | sections
    )


def session(scenario: Scenario | None = None, **options: object) -> tuple[LiveSession, FakeClock]:
    clock = FakeClock()
    return LiveSession(scenario or quiet_cluster(), clock=clock, **options), clock  # type: ignore[arg-type]


# ------------------------------------------------------------------ pacing


def test_time_runs_at_speed_and_stands_still_while_paused() -> None:
    live, clock = session(speed=0.5)
    clock.wait(0.1)
    live.advance()
    assert live.now_ms == pytest.approx(50.0)
    live.pause()
    clock.wait(0.2)
    live.advance()
    assert live.now_ms == pytest.approx(50.0)
    assert live.status() == {"now_ms": live.now_ms, "paused": True, "speed": 0.5}
    clock.wait(5.0)  # paused time is not made up for on resuming
    live.resume()
    clock.wait(0.1)
    live.set_speed(2)
    live.advance()
    assert live.now_ms == pytest.approx(250.0)
    assert live.status()["paused"] is False


def test_a_stall_is_not_made_up_for() -> None:
    live, clock = session(speed=1.0)
    clock.wait(30.0)
    live.advance()
    assert live.now_ms == pytest.approx(MAX_STEP_S * 1000.0)


def test_a_simulation_slower_than_asked_for_goes_at_its_own_pace() -> None:
    live, clock = session(speed=10.0)
    clock.wait(0.2)

    def slow() -> float:
        clock.wait(MAX_WORK_S / 4)  # as if each slice took a quarter of the work allowed
        return clock.now

    live.clock = slow
    live.advance()  # the clock now reads 0.2 s + a quarter of the work allowed: that much is asked for
    asked_ms = (0.2 + MAX_WORK_S / 4) * 1000.0 * 10.0
    assert live.now_ms == pytest.approx(4 * asked_ms / SLICES)  # four slices used up the work allowed


def test_starting_paused() -> None:
    live, clock = session(paused=True)
    clock.wait(1.0)
    live.advance()
    assert live.now_ms == 0.0 and live.status()["paused"] is True


@pytest.mark.parametrize("value", [0, -1, MAX_SPEED * 2, math.nan, math.inf, "fast", True, None])
def test_bad_speeds_are_refused(value: object) -> None:
    live, _ = session()
    with pytest.raises(LiveError, match=r"^speed: "):
        live.set_speed(value)
    assert live.speed == 0.05


def test_watchers_get_every_line_once_the_meta_line_first() -> None:
    live, _ = session()
    early = live.subscribe()
    live.run_to(200.0)
    first = early.take()
    assert json.loads(first[0])["type"] == "meta" and len(first) > 5
    late = live.subscribe()
    live.run_to(400.0)
    more = early.take()
    assert more and late.take() == first + more == live.lines
    assert early.take() == []


# ------------------------------------------------------------------ events sent


def test_an_event_is_stamped_with_the_next_whole_millisecond_and_happens_then() -> None:
    live, _ = session()
    live.run_to(420.25)
    assert live.inject({"crash": "n1"}) == 421.0
    assert live.inject({"timeout": "n2"}) == 421.0  # same millisecond: kept in the order sent
    live.run_to(420.9)
    assert not of_type(live.lines, "crash")
    live.run_to(421.5)
    assert [(e["t_ms"], e["node"]) for e in of_type(live.lines, "crash")] == [(421.0, "n1")]
    assert [(e["t_ms"], e["node"]) for e in of_type(live.lines, "timeout")][-1] == (421.0, "n2")
    assert json.loads(live.lines[-1])["t_ms"] < 421.5
    assert [(e.action.value, e.at_ms) for e in live.injected] == [("crash", 421.0), ("timeout", 421.0)]


def test_an_event_moves_on_a_millisecond_when_something_else_is_due_then(tmp_path: Path) -> None:
    live, _ = session()
    live.run_to(600.5)
    live.inject({"crash": "n1"})
    live.run_to(700.2)
    write = live.inject({"write": "x=1", "to": "n1"})  # n1 is down: the client retries 500 ms later
    live.run_to(write + 499.5)
    assert live.inject({"write": "y=2"}) == write + 500.0
    live.run_to(write + 800.0)
    assert [e.at_ms for e in live.injected] == [601.0, 701.0, write + 501.0]
    assert replayed_lines(live.save(), tmp_path, live.now_ms) == live.lines[1:]


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"crash": "n9"}, "event: crash: unknown node n9 (the cluster has n1, n2, n3)"),
        ({"crsh": "n1"}, "event: crsh: unknown action (did you mean 'crash'?)"),
        ({"restart": "leader"}, "event: restart: restart takes a node or 'crashed'"),
        ({"partition": [["n1"], ["n1", "n2"]]}, "event: partition[1]: overlapping groups"),
        ({"write": "x"}, 'event: write: expected "key=value" (set) or "-key" (delete)'),
        ({}, "event: no action (give one of: crash, restart"),
        ({"at_ms": 5, "crash": "n1"}, "event: at_ms: not in a live session"),
        ({"when": {"leader": "n1"}, "crash": "n1"}, "event: when: not in a live session"),
        (["crash", "n1"], "event: expected a mapping such as {crash: n1}, got ['crash', 'n1']"),
    ],
)
def test_bad_events_are_refused_in_one_line(event: object, message: str) -> None:
    live, _ = session()
    with pytest.raises(LiveError) as refused:
        live.inject(event)
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)
    live.run_to(100.0)
    assert live.injected == []


# ------------------------------------------------------------------ saving


def test_a_saved_session_replays_to_the_same_trace(tmp_path: Path) -> None:
    live, _ = session(quiet_cluster(5))
    live.run_to(350.7)
    live.inject({"crash": "leader"})
    live.inject({"timeout": "n2"})
    live.inject({"cut": ["n3", "follower"]})
    live.run_to(800.0)  # exactly on a whole millisecond
    live.inject({"partition": [["n1", "n2"]]})
    live.inject({"restart": "crashed"})
    live.run_to(1303.3)
    live.inject({"isolate": "n4"})
    live.inject({"heal": True})
    live.inject({"transfer": "follower"})
    live.run_to(2500.0)
    assert [e.at_ms for e in live.injected] == [351.0] * 3 + [801.0] * 2 + [1304.0] * 3
    saved = live.save()
    assert parse_scenario(yaml.safe_load(saved)).duration_ms == 2500.0  # no clients: exactly the time reached
    assert replayed_lines(saved, tmp_path, live.now_ms) == live.lines[1:]


def test_a_session_with_clients_replays_to_the_same_trace(tmp_path: Path) -> None:
    data = read_scenario_data("scenarios/cold-start-5.yaml")
    live, _ = session(parse_scenario(data), data=data)
    live.run_to(500.5)
    live.inject({"crash": "leader"})
    live.run_to(1500.0)
    live.inject({"restart": "crashed"})
    live.inject({"write": "x=1", "to": "leader"})
    live.run_to(4200.0)  # past the scenario's own duration
    saved = live.save()
    assert replayed_lines(saved, tmp_path, live.now_ms) == live.lines[1:]
    assert len(of_type(live.lines, "submit")) > 50


def test_saving_before_a_pending_event_leaves_it_out(tmp_path: Path) -> None:
    live, _ = session()
    live.run_to(300.2)
    live.pause()
    live.inject({"crash": "n1"})  # due at 301 ms; the session stands at 300.2 ms
    saved = live.save()
    assert "crash" not in saved
    assert replayed_lines(saved, tmp_path, live.now_ms) == live.lines[1:]


# ------------------------------------------------------------------ the end


def test_a_violation_ends_the_session_as_it_ends_a_run() -> None:
    path = "scenarios/bugs/forget-vote-on-restart.yaml"
    live, _ = session(load_scenario(path))
    live.run_to(1000.0)
    assert live.over and live.violation is not None
    *_, violation, end = [json.loads(line) for line in live.lines]
    assert (violation["type"], violation["property"], end["type"]) == ("violation", "Election Safety", "end")
    assert live.status()["paused"] is True
    with pytest.raises(LiveError, match=r"^the run is over \(Election Safety violated at .* ms\)"):
        live.resume()
    with pytest.raises(LiveError, match=r"^the run is over"):
        live.inject({"crash": "n1"})
    before = list(live.lines)
    live.run_to(2000.0)
    assert live.lines == before


def test_a_session_stopped_by_a_violation_replays_to_the_same_violation(tmp_path: Path) -> None:
    live, _ = session(load_scenario("scenarios/bugs/forget-vote-on-restart.yaml"))
    live.run_to(3.5)
    live.inject({"cut": ["n1", "n2"]})
    live.run_to(1000.0)
    assert live.violation is not None and live.over
    assert yaml.safe_load(live.save())["duration_ms"] == live.now_ms + 1.0  # past the violation
    replayed = replayed_lines(live.save(), tmp_path, math.inf)
    assert replayed == live.lines[1:]  # up to the violation and the end line


def random_session(seed: int) -> LiveSession:
    """A session of a shipped scenario (its own events run too) sent random events at random times, several of
    them in the same millisecond, some refused."""
    rng = random.Random(seed)
    data = read_scenario_data(f"scenarios/{rng.choice(RANDOM_SCENARIOS)}.yaml")
    live, _ = session(parse_scenario(data), data=data)
    nodes = list(live.scenario.cluster.node_ids)
    t_ms = 0.0
    for _ in range(rng.randint(2, 8)):
        t_ms += rng.choice([0.0, 0.3, 1.0, rng.uniform(0, 800)])
        live.run_to(t_ms)
        node = rng.choice([*nodes, "leader", "follower"])
        for event in rng.sample(
            [
                {"crash": node},
                {"restart": rng.choice([*nodes, "crashed"])},
                {"timeout": rng.choice(nodes)},
                {"partition": [rng.sample(nodes, 2)]},
                {"heal": True},
                {"cut": rng.sample(nodes, 2)},
                {"write": f"k{rng.randint(0, 3)}=v"},
                {"transfer": rng.choice([*nodes, "follower"])},
                {"isolate": node},
            ],
            rng.randint(1, 3),
        ):
            with contextlib.suppress(LiveError):  # the run may be over
                live.inject(event)
    live.run_to(t_ms + rng.uniform(1, 2000))
    return live


RANDOM_SCENARIOS = [
    "cold-start-5",
    "leader-crash",
    "split-5",
    "lossy-network",
    "maintenance-transfer",
    "bugs/vote-twice",
]


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(8))
def test_random_sessions_replay_to_the_same_trace(seed: int, tmp_path: Path) -> None:
    live = random_session(seed)
    until = math.inf if live.over else live.now_ms
    assert replayed_lines(live.save(), tmp_path, until) == live.lines[1:]
