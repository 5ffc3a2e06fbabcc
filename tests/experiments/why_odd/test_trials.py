"""why-odd trials: the failure schedule, and the availability task measuring what the summary says."""

import json
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


# ------------------------------------------------------------------------------------------ during a change


def test_change_task_grows_one_server_at_a_time_with_learners_or_voters() -> None:
    """With learners each newcomer is added, then promoted; without, it joins as a voter at once through a joint
    change (add always starts a learner). As many followers crash first as n tolerates."""
    task = trials.ChangeTask()
    learner, voter = task.events(5, "learner"), task.events(5, "voter")
    crashes = [{"at_ms": 1800.0, "crash": "follower"}] * 2
    assert learner == [
        *crashes,
        {"at_ms": 2000.0, "add": "n6"},
        {"at_ms": 2300.0, "promote": "n6"},
        {"at_ms": 4500.0, "add": "n7"},
        {"at_ms": 4800.0, "promote": "n7"},
    ]
    assert voter == [
        *crashes,
        {"at_ms": 2000.0, "change": {"add": ["n6"]}},
        {"at_ms": 4500.0, "change": {"add": ["n7"]}},
    ]
    assert task.duration_ms == 7000.0


def test_change_steps_split_the_run_at_each_configuration_appended() -> None:
    """Each configuration is in force from its append to the next one's; unavailability is cut at the edges."""
    summary = {
        "unavailable": [{"from_ms": 900.0, "to_ms": 1300.0}, {"from_ms": 1900.0, "to_ms": 2500.0}],
        "configurations": [
            {
                "index": 9,
                "appended_ms": 1200.0,
                "committed_ms": 1250.0,
                "voters": ["a", "b"],
                "learners": ["c"],
            },
            {
                "index": 12,
                "appended_ms": 2000.0,
                "committed_ms": None,
                "voters": ["a", "b", "c"],
                "learners": [],
                "outgoing": ["a", "b"],
            },
        ],
    }
    steps = trials.change_steps(summary, ["a", "b"], 1000.0, 3000.0)
    assert [(s["voters"], s["learners"], s["outgoing"]) for s in steps] == [
        (["a", "b"], [], []),
        (["a", "b"], ["c"], []),
        (["a", "b", "c"], [], ["a", "b"]),
    ]
    assert [s["in_force_ms"] for s in steps] == [200.0, 800.0, 1000.0]
    assert [s["unavailable_ms"] for s in steps] == [200.0, 100.0 + 100.0, 500.0]
    assert [s["commit_wait_ms"] for s in steps] == [None, 50.0, None]


def test_an_empty_voter_stalls_commits_where_a_learner_does_not() -> None:
    """One real growth 3 → 5 each way, seed 1: the configuration entry that makes the empty n4 a voter at once
    commits only once n4 has caught up (hundreds of ms, writes waiting all along); a learner's entries commit
    in a round trip or two and writes never wait."""
    learner = trials.ChangeTask()(Run(0, (("n", 3), ("join", "learner")), 1))
    voter = trials.ChangeTask()(Run(1, (("n", 3), ("join", "voter")), 1))
    assert learner["outcome"] == voter["outcome"] == "ok"
    learner_steps, voter_steps = json.loads(learner["steps"]), json.loads(voter["steps"])
    assert [len(s["learners"]) for s in learner_steps] == [0, 1, 0, 1, 0]
    assert [len(s["outgoing"]) for s in voter_steps] == [0, 3, 0, 4, 0]
    assert learner["unavailable_ms"] == 0.0
    joint = voter_steps[1]
    assert joint["commit_wait_ms"] > 200.0 and joint["unavailable_ms"] > 200.0
    assert max(s["commit_wait_ms"] for s in learner_steps[1:]) < 50.0
    assert voter["unavailable_ms"] == pytest.approx(sum(s["unavailable_ms"] for s in voter_steps))
