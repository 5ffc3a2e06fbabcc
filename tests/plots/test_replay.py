"""raft.analysis.replay: the state the plots and tables draw, rebuilt from events (beside the plots for their fixtures)."""

from __future__ import annotations

import pytest

from raft.analysis import replay
from raft.errors import RaftSimError
from raft.scenario import parse_scenario
from raft.sim.events import EventBus
from raft.sim.simulation import Simulation


def ev(t, kind, **fields):
    return {"t_ms": t, "type": kind, **fields}


def test_role_spans_follow_role_events_and_end_at_a_crash(trace):
    spans = [(s.node, s.role, s.term, s.start_ms, s.end_ms) for s in replay.role_spans(trace)]
    n1 = [s for s in spans if s[0] == "n1"]
    assert n1 == [
        ("n1", "follower", 0, 0, 10.0),
        ("n1", "candidate", 1, 10.0, 20.0),
        ("n1", "leader", 1, 20.0, 300.0),
        ("n1", "follower", 1, 500.0, 650.0),
        ("n1", "follower", 2, 650.0, 1000.0),
    ]
    assert [s[1:] for s in spans if s[0] == "n2"][-1] == ("leader", 2, 420.0, 1000.0)
    assert len(spans) == 12


def test_a_repeated_role_event_does_not_split_a_span():
    events = [ev(0.0, "meta", nodes=["a"], duration_ms=10.0), ev(0, "role", node="a", role="follower", term=0),
              ev(5, "role", node="a", role="follower", term=0)]  # fmt: skip
    assert [(s.start_ms, s.end_ms) for s in replay.role_spans(events)] == [(0, 10.0)]


def test_leader_changes(trace):
    assert [(c.t_ms, c.node, c.term) for c in replay.leader_changes(trace)] == [(20.0, "n1", 1), (420.0, "n2", 2)]


def test_network_spans_and_cut_links(trace):
    (span,) = replay.network_spans(trace)
    assert (span.start_ms, span.end_ms) == (300.0, 600.0)
    assert span.groups == (("n1",), ("n2", "n3"))
    assert span.label == "n1 | n2 n3"
    assert replay.cut_links_at(trace, 350) == {("n1", "n2"), ("n2", "n1"), ("n1", "n3"), ("n3", "n1")}
    assert replay.cut_links_at(trace, 700) == frozenset()


def test_one_way_cut_and_isolate_are_labelled():
    events = [ev(0.0, "meta", nodes=["a", "b", "c"], duration_ms=100.0), ev(10, "cut", **{"from": "a", "to": "b"}),
              ev(20, "isolate", node="c"), ev(30, "heal")]  # fmt: skip
    first, second = replay.network_spans(events)
    assert first.label == "one-way a→b" and first.groups == (("a", "b", "c"),) and not first.is_partition
    assert second.groups == (("a", "b"), ("c",)) and (second.start_ms, second.end_ms) == (20, 30)
    assert second.label == "a b | c; one-way a→b"


def test_one_way_cuts_that_silence_a_node_are_not_a_partition():
    """n2 and n3 cannot send to n1, n1 still reaches both: every cut is named with its direction, and no
    group is split off (two-way connectivity alone would put n1 in a group of its own)."""
    events = [ev(0.0, "meta", nodes=["n1", "n2", "n3"], duration_ms=100.0),
              ev(10, "cut", **{"from": "n2", "to": "n1"}), ev(10, "cut", **{"from": "n3", "to": "n1"})]  # fmt: skip
    (span,) = replay.network_spans(events)
    assert not span.is_partition and span.groups == (("n1", "n2", "n3"),)
    assert span.one_way == (("n2", "n1"), ("n3", "n1"))
    assert span.label == "one-way n2→n1, n3→n1"


def test_a_pair_cut_both_ways_inside_a_group_is_named():
    names = [f"n{i}" for i in range(1, 11)]
    events = [ev(0.0, "meta", nodes=names, duration_ms=100.0),
              ev(10, "cut", **{"from": "n10", "to": "n2"}), ev(10, "cut", **{"from": "n2", "to": "n10"})]  # fmt: skip
    (span,) = replay.network_spans(events)
    assert not span.is_partition and span.label == "cut n2↔n10"
    assert replay.separated_groups(names, span.cut) == (tuple(names),)
    alone = replay.separated_groups(names, frozenset((a, "n10") for a in names) | {("n10", a) for a in names})
    assert alone == (tuple(names[:-1]), ("n10",))


def test_logs_rebuilt_from_appends_truncates_commits_and_restarts(trace):
    at_350 = {log.node: log for log in replay.logs_at(trace, 350)}
    assert (at_350["n1"].terms, at_350["n1"].up, at_350["n1"].commit_index) == ((1, 1, 1), False, 0)
    assert (at_350["n2"].terms, at_350["n2"].commit_index) == ((1, 1), 2)
    assert at_350["n3"].terms == (1,)
    at_end = {log.node: log for log in replay.logs_at(trace, 1000)}
    assert at_end["n1"].terms == (1, 1, 2) and at_end["n1"].up and at_end["n1"].commit_index == 0
    assert (at_end["n2"].terms, at_end["n2"].commit_index, at_end["n2"].role) == ((1, 1, 2), 3, "leader")
    assert at_end["n3"].terms == (1, 1)


def test_logs_start_from_the_initial_state():
    events = [ev(0.0, "meta", nodes=["a"], duration_ms=1.0, initial_state={"a": {"term": 6, "log": [1, 4, 6]}})]
    (log,) = replay.logs_at(events, 0.0)
    assert (log.terms, log.term) == ((1, 4, 6), 6)


def test_commit_series_gaps_while_down(trace):
    series = replay.commit_series(trace)["n1"]
    assert (55.0, 2.0) in series
    crash = [v for t, v in series if t == 300.0]
    assert crash and crash[0] != crash[0]  # NaN: the line breaks while n1 is down
    assert (500.0, 0.0) in series


def test_writes_with_latency(trace):
    first, second = replay.writes(trace)
    assert (first.command, first.latency_ms, first.index) == ("x=1", 20.0, 2)
    assert second.ack_ms is None and second.latency_ms is None


def test_a_list_without_meta_is_refused():
    with pytest.raises(RaftSimError):
        replay.nodes([ev(0, "role", node="a", role="follower", term=0)])


def test_partial_heals_end_exactly_the_named_cuts():
    nodes = ["n1", "n2", "n3", "n4"]
    events = [ev(0.0, "meta", nodes=nodes, duration_ms=100.0),
              ev(10, "partition", groups=[["n1", "n2"], ["n3", "n4"]]),
              ev(20, "heal", link=["n2", "n3"]),
              ev(30, "heal", node="n1"),
              ev(40, "cut", **{"from": "n4", "to": "n1"}),
              ev(50, "heal", link=["n1", "n4"]),
              ev(60, "heal")]  # fmt: skip
    split, after_link, after_node, with_cut, after_cut_healed = replay.network_spans(events)
    assert [(s.start_ms, s.end_ms) for s in (split, after_link, after_node, with_cut, after_cut_healed)] == [
        (10, 20), (20, 30), (30, 40), (40, 50), (50, 60)
    ]
    assert split.label == "n1 n2 | n3 n4"
    both = lambda *pairs: {link for a, b in pairs for link in ((a, b), (b, a))}  # noqa: E731
    assert after_link.cut == both(("n1", "n3"), ("n1", "n4"), ("n2", "n4"))
    assert after_link.groups == (("n1", "n2", "n3", "n4"),)
    assert after_link.label == "cut n1↔n3, n1↔n4, n2↔n4"
    assert after_node.cut == both(("n2", "n4")) and after_node.label == "cut n2↔n4"
    assert with_cut.label == "one-way n4→n1; cut n2↔n4"
    assert after_cut_healed.cut == both(("n2", "n4"))
    assert replay.cut_links_at(events, 25) == after_link.cut
    assert replay.cut_links_at(events, 65) == frozenset()


def test_partial_heals_of_a_simulated_run_replay_to_the_network_it_had():
    """The links the running network had at each moment are the links replayed from its trace."""
    sc = parse_scenario({"name": "t", "seed": 3, "duration_ms": 1000, "cluster": {"size": 5}, "events": [
        {"at_ms": 100, "partition": [["n1", "n2"], ["n3", "n4", "n5"]]}, {"at_ms": 200, "cut": ["leader", "follower"]},
        {"at_ms": 300, "heal": ["n1", "n4"]}, {"at_ms": 400, "heal": "n5"}, {"at_ms": 500, "isolate": "follower"},
        {"at_ms": 600, "heal": "n2"}]})  # fmt: skip
    bus = EventBus()
    recorded: list[dict] = []
    bus.subscribe(recorded.append)
    sim = Simulation(sc, seed=sc.seed, duration_ms=sc.duration_ms, bus=bus)
    seen: dict[float, frozenset] = {}
    for t in (150, 250, 350, 450, 550, 650):
        sim.env.timeout(t).callbacks.append(lambda _, t=t: seen.__setitem__(t, sim.network.topology.cut))
    sim.run()
    assert seen[350] < seen[250] and seen[450] < seen[350] and seen[650] < seen[550]  # each heal healed some
    for t, cut in seen.items():
        assert replay.cut_links_at(recorded, t) == cut
