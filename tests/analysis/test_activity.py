"""raft.analysis.activity: which nodes did something in a window, and what."""

from __future__ import annotations

from raft.analysis.activity import CRASHED, CUT_OFF, LAGGED, LED, STOOD, activity, cut_off, lagging
from raft.analysis.replay import NetworkSpan


def ev(t, kind, **fields):
    return {"t_ms": t, "type": kind, **fields}


NAMES = ["n1", "n2", "n3", "n4", "n5"]


def run(*events, end=2000.0):
    """n1 leads term 1 from 10 ms; the election timeout's high end is 300 ms (the lag threshold)."""
    start = [
        ev(0.0, "meta", nodes=NAMES, duration_ms=end, config={"cluster": {"election_timeout_ms": [150, 300]}})
    ]
    start += [ev(0.0, "role", node=n, role="follower", term=0) for n in NAMES]
    start += [
        ev(5.0, "role", node="n1", role="candidate", term=1),
        ev(10.0, "role", node="n1", role="leader", term=1),
    ]
    start += [ev(10.0, "role", node=n, role="follower", term=1) for n in NAMES[1:]]
    return [*start, *sorted(events, key=lambda e: e["t_ms"]), ev(end, "end")]


def test_a_node_lags_when_its_leaders_commit_takes_longer_than_the_threshold_to_reach_it():
    events = run(
        ev(100.0, "commit", node="n1", index=1),
        ev(150.0, "commit", node="n2", index=1),
        ev(399.0, "commit", node="n3", index=1),
        ev(401.0, "commit", node="n4", index=1),
        ev(500.0, "commit", node="n5", index=1),
    )
    assert lagging(events, 0.0, 2000.0) == ["n4", "n5"]  # due at 400 ms; n3 made it at 399 ms
    assert lagging(events, 0.0, 399.0) == []  # the lag shows only at 400 ms
    assert activity(events, 0.0, 2000.0) == {"n1": (STOOD, LED), "n4": (LAGGED,), "n5": (LAGGED,)}


def test_nobody_lags_behind_a_leader_that_crashed_or_while_down():
    events = run(
        ev(100.0, "commit", node="n1", index=1), ev(200.0, "crash", node="n1"), ev(150.0, "crash", node="n2")
    )
    assert lagging(events, 0.0, 2000.0) == []
    assert activity(events, 0.0, 2000.0) == {"n1": (STOOD, LED, CRASHED), "n2": (CRASHED,)}


def test_the_window_limits_what_counts():
    events = run(ev(1000.0, "crash", node="n3"))
    assert "n3" not in activity(events, 0.0, 999.0)
    assert activity(events, 100.0, 2000.0) == {"n1": (LED,), "n3": (CRASHED,)}


def test_cut_off_is_the_smaller_side_of_a_partition_and_both_ends_of_a_cut_link():
    split = NetworkSpan(
        0.0,
        1.0,
        frozenset(
            {(a, b) for a in ("n1", "n2") for b in ("n3", "n4", "n5")}
            | {(b, a) for a in ("n1", "n2") for b in ("n3", "n4", "n5")}
        ),
        (("n1", "n2"), ("n3", "n4", "n5")),
    )
    assert cut_off(split, NAMES) == {"n1", "n2"}
    one_way = NetworkSpan(0.0, 1.0, frozenset({("n2", "n1")}), (tuple(NAMES),))
    assert cut_off(one_way, NAMES) == {"n1", "n2"}
    events = run(ev(500.0, "partition", groups=[["n4"], ["n1", "n2", "n3", "n5"]]), ev(900.0, "heal"))
    assert activity(events, 0.0, 2000.0)["n4"] == (CUT_OFF,)
    assert "n4" not in activity(events, 1000.0, 2000.0)
