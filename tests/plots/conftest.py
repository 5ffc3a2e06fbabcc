"""A small hand-written trace whose content every plot test knows exactly, and a simulated one."""

from __future__ import annotations

from typing import Any

import matplotlib
import pytest

from tests.plots.tracekit import ev, msg

matplotlib.use("Agg")


@pytest.fixture
def trace() -> list[dict[str, Any]]:
    """Three nodes. n1 wins term 1 at 20 ms (votes from n2; the vote request to n3 is lost), replicates two
    entries, commits them, crashes at 300 ms; n2 wins term 2 at 420 ms during a partition {n1} | {n2, n3};
    n1 restarts at 500 ms with its log; heal at 600 ms; the run ends at 1000 ms."""
    return [
        ev(
            0.0,
            "meta",
            schema=1,
            scenario="tiny",
            seed=7,
            duration_ms=1000.0,
            nodes=["n1", "n2", "n3"],
            initial_state={"n3": {"term": 0, "voted_for": None, "log": []}},
        ),
        ev(0, "role", node="n1", role="follower", term=0),
        ev(0, "role", node="n2", role="follower", term=0),
        ev(0, "role", node="n3", role="follower", term=0),
        ev(10.0, "role", node="n1", role="candidate", term=1),
        msg("send", 10.0, "n1", "n2", "RequestVote", 1, 1, last_index=0, last_term=0),
        msg("send", 10.0, "n1", "n3", "RequestVote", 1, 2, last_index=0, last_term=0),
        msg("deliver", 14.0, "n1", "n2", "RequestVote", 1, 1, last_index=0, last_term=0),
        ev(14.0, "role", node="n2", role="follower", term=1),
        msg("send", 14.0, "n2", "n1", "RequestVoteResponse", 1, 3, reply_to=1, granted=True),
        msg("drop", 16.0, "n1", "n3", "RequestVote", 1, 2, last_index=0, last_term=0, reason="loss"),
        msg("deliver", 20.0, "n2", "n1", "RequestVoteResponse", 1, 3, reply_to=1, granted=True),
        ev(20.0, "role", node="n1", role="leader", term=1),
        ev(20.0, "append", node="n1", index=1, term=1, command=None),
        msg("send", 20.0, "n1", "n3", "AppendEntries", 1, 4, prev_index=0, prev_term=0, entries=1, commit=0),
        msg(
            "deliver", 25.0, "n1", "n3", "AppendEntries", 1, 4, prev_index=0, prev_term=0, entries=1, commit=0
        ),
        ev(25.0, "role", node="n3", role="follower", term=1),
        ev(25.0, "append", node="n3", index=1, term=1, command=None),
        msg(
            "send", 25.0, "n3", "n1", "AppendEntriesResponse", 1, 5, reply_to=4, success=False, match_index=0
        ),
        msg(
            "deliver",
            30.0,
            "n3",
            "n1",
            "AppendEntriesResponse",
            1,
            5,
            reply_to=4,
            success=False,
            match_index=0,
        ),
        ev(40.0, "submit", client="c1", seq=1, command="x=1"),
        ev(45.0, "append", node="n1", index=2, term=1, command="x=1", client="c1", seq=1),
        ev(50.0, "append", node="n2", index=1, term=1, command=None),
        ev(50.0, "append", node="n2", index=2, term=1, command="x=1", client="c1", seq=1),
        ev(55.0, "commit", node="n1", index=2),
        ev(60.0, "ack", client="c1", seq=1, command="x=1", index=2),
        ev(70.0, "commit", node="n2", index=2),
        ev(100.0, "submit", client="c1", seq=2, command="y=2"),
        ev(105.0, "append", node="n1", index=3, term=1, command="y=2"),
        ev(300.0, "crash", node="n1"),
        ev(300.0, "partition", groups=[["n1"], ["n2", "n3"]]),
        ev(400.0, "role", node="n2", role="candidate", term=2),
        ev(420.0, "role", node="n2", role="leader", term=2),
        ev(420.0, "role", node="n3", role="follower", term=2),
        ev(425.0, "truncate", node="n3", index=1),
        ev(425.0, "append", node="n3", index=1, term=1, command=None),
        ev(425.0, "append", node="n3", index=2, term=1, command="x=1"),
        ev(430.0, "append", node="n2", index=3, term=2, command=None),
        ev(500.0, "restart", node="n1", term=1, voted_for="n1", log=[1, 1, 1]),
        ev(500.0, "role", node="n1", role="follower", term=1),
        ev(600.0, "heal"),
        ev(650.0, "role", node="n1", role="follower", term=2),
        ev(660.0, "truncate", node="n1", index=3),
        ev(660.0, "append", node="n1", index=3, term=2, command=None),
        ev(700.0, "commit", node="n2", index=3),
        ev(1000.0, "end", final_leader="n2", commit_index={"n1": 0, "n2": 3, "n3": 0}),
    ]


@pytest.fixture(scope="session")
def simulated() -> Any:
    """A real 3-node run with a crash, a partition and a workload (about 1.5 s of simulated time)."""
    from raft.api import parse_scenario, simulate

    scenario = parse_scenario(
        {
            "name": "plot-test",
            "seed": 4,
            "duration_ms": 1500,
            "cluster": {"size": 3},
            "network": {"latency_ms": [5, 10]},
            "workload": {"writes_per_s": 20},
            "events": [
                {"at_ms": 500, "crash": "leader"},
                {"at_ms": 800, "partition": [["n1"], ["n2", "n3"]]},
                {"at_ms": 1100, "heal": True},
            ],
        }
    )
    return simulate(scenario)


@pytest.fixture(scope="session")
def large() -> Any:
    """A real 15-node run (a large cluster): the leader crashes at 800 ms; n4 and n9 are cut off from 1600 to
    2600 ms; writes throughout."""
    from raft.api import parse_scenario, simulate

    rest = [f"n{i}" for i in range(1, 16) if i not in (4, 9)]
    scenario = parse_scenario(
        {
            "name": "large-test",
            "seed": 3,
            "duration_ms": 3000,
            "cluster": {"size": 15},
            "network": {"latency_ms": [5, 10]},
            "workload": {"writes_per_s": 20},
            "events": [
                {"at_ms": 800, "crash": "leader"},
                {"at_ms": 1600, "partition": [["n4", "n9"], rest]},
                {"at_ms": 2600, "heal": True},
            ],
        }
    )
    return simulate(scenario)
