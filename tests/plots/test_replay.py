"""raft.analysis.replay: the state the plots and tables draw, rebuilt from events (beside the plots for their fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from raft.analysis import replay
from raft.api import simulate
from raft.errors import RaftSimError
from raft.scenario import parse_scenario
from raft.sim.events import EventBus
from raft.sim.simulation import Simulation
from tests.plots.tracekit import ev, msg


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
    events = [
        ev(0.0, "meta", nodes=["a"], duration_ms=10.0),
        ev(0, "role", node="a", role="follower", term=0),
        ev(5, "role", node="a", role="follower", term=0),
    ]
    assert [(s.start_ms, s.end_ms) for s in replay.role_spans(events)] == [(0, 10.0)]


def test_leader_changes(trace):
    assert [(c.t_ms, c.node, c.term) for c in replay.leader_changes(trace)] == [
        (20.0, "n1", 1),
        (420.0, "n2", 2),
    ]


def test_network_spans_and_cut_links(trace):
    (span,) = replay.network_spans(trace)
    assert (span.start_ms, span.end_ms) == (300.0, 600.0)
    assert span.groups == (("n1",), ("n2", "n3"))
    assert span.label == "n1 | n2 n3"
    assert replay.cut_links_at(trace, 350) == {("n1", "n2"), ("n2", "n1"), ("n1", "n3"), ("n3", "n1")}
    assert replay.cut_links_at(trace, 700) == frozenset()


def test_one_way_cut_and_isolate_are_labelled():
    events = [
        ev(0.0, "meta", nodes=["a", "b", "c"], duration_ms=100.0),
        ev(10, "cut", **{"from": "a", "to": "b"}),
        ev(20, "isolate", node="c"),
        ev(30, "heal"),
    ]
    first, second = replay.network_spans(events)
    assert first.label == "one-way a→b" and first.groups == (("a", "b", "c"),) and not first.is_partition
    assert second.groups == (("a", "b"), ("c",)) and (second.start_ms, second.end_ms) == (20, 30)
    assert second.label == "a b | c; one-way a→b"


def test_one_way_cuts_that_silence_a_node_are_not_a_partition():
    """n2 and n3 cannot send to n1, n1 still reaches both: every cut is named with its direction, and no
    group is split off (two-way connectivity alone would put n1 in a group of its own)."""
    events = [
        ev(0.0, "meta", nodes=["n1", "n2", "n3"], duration_ms=100.0),
        ev(10, "cut", **{"from": "n2", "to": "n1"}),
        ev(10, "cut", **{"from": "n3", "to": "n1"}),
    ]
    (span,) = replay.network_spans(events)
    assert not span.is_partition and span.groups == (("n1", "n2", "n3"),)
    assert span.one_way == (("n2", "n1"), ("n3", "n1"))
    assert span.label == "one-way n2→n1, n3→n1"


def test_a_pair_cut_both_ways_inside_a_group_is_named():
    names = [f"n{i}" for i in range(1, 11)]
    events = [
        ev(0.0, "meta", nodes=names, duration_ms=100.0),
        ev(10, "cut", **{"from": "n10", "to": "n2"}),
        ev(10, "cut", **{"from": "n2", "to": "n10"}),
    ]
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
    events = [
        ev(0.0, "meta", nodes=["a"], duration_ms=1.0, initial_state={"a": {"term": 6, "log": [1, 4, 6]}})
    ]
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
    events = [
        ev(0.0, "meta", nodes=nodes, duration_ms=100.0),
        ev(10, "partition", groups=[["n1", "n2"], ["n3", "n4"]]),
        ev(20, "heal", link=["n2", "n3"]),
        ev(30, "heal", node="n1"),
        ev(40, "cut", **{"from": "n4", "to": "n1"}),
        ev(50, "heal", link=["n1", "n4"]),
        ev(60, "heal"),
    ]
    split, after_link, after_node, with_cut, after_cut_healed = replay.network_spans(events)
    assert [(s.start_ms, s.end_ms) for s in (split, after_link, after_node, with_cut, after_cut_healed)] == [
        (10, 20),
        (20, 30),
        (30, 40),
        (40, 50),
        (50, 60),
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
    sc = parse_scenario(
        {
            "name": "t",
            "seed": 3,
            "duration_ms": 1000,
            "cluster": {"size": 5},
            "events": [
                {"at_ms": 100, "partition": [["n1", "n2"], ["n3", "n4", "n5"]]},
                {"at_ms": 200, "cut": ["leader", "follower"]},
                {"at_ms": 300, "heal": ["n1", "n4"]},
                {"at_ms": 400, "heal": "n5"},
                {"at_ms": 500, "isolate": "follower"},
                {"at_ms": 600, "heal": "n2"},
            ],
        }
    )
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


def _refusal_trace():
    """n1 (term 2, log [1]) asks for votes: n2 holds a longer log of term 1, n3 already voted for n4 in term 2,
    n4 is in term 3. n5 leads term 3 and sends n1 an AppendEntries that n1 (term 3 by then) cannot match."""

    names = ["n1", "n2", "n3", "n4", "n5"]
    events = [
        ev(
            0.0,
            "meta",
            nodes=names,
            duration_ms=100.0,
            scenario="refusals",
            seed=1,
            initial_state={
                n: {"term": 1, "voted_for": None, "log": [1, 1] if n == "n2" else [1]} for n in names
            },
        )
    ]
    events += [ev(0.0, "role", node=n, role="follower", term=1) for n in names]
    events.append(ev(1.0, "role", node="n4", role="candidate", term=2))
    events.append(ev(2.0, "vote", node="n3", candidate="n4", term=2, granted=True))
    events.append(ev(3.0, "role", node="n4", role="candidate", term=3))
    events.append(ev(10.0, "role", node="n1", role="candidate", term=2))
    for i, to in enumerate(["n2", "n3", "n4"], start=1):
        events.append(msg("send", 10.0, "n1", to, "RequestVote", 2, i, last_index=1, last_term=1))
    events.append(msg("send", 12.0, "n2", "n1", "RequestVoteResponse", 2, 11, reply_to=1, granted=False))
    events.append(msg("send", 12.0, "n3", "n1", "RequestVoteResponse", 2, 12, reply_to=2, granted=False))
    events.append(msg("send", 12.0, "n4", "n1", "RequestVoteResponse", 3, 13, reply_to=3, granted=False))
    events.append(msg("send", 20.0, "n5", "n1", "AppendEntries", 3, 20, prev_index=4, prev_term=3, entries=1))
    events.append(
        msg(
            "send",
            22.0,
            "n1",
            "n5",
            "AppendEntriesResponse",
            3,
            21,
            reply_to=20,
            success=False,
            match_index=0,
        )
    )
    return events


def test_refusal_reasons_are_inferred_from_terms_logs_and_votes():
    assert replay.refusal_reasons(_refusal_trace()) == {
        11: replay.LOG_NOT_UP_TO_DATE,
        12: replay.ALREADY_VOTED,
        13: replay.STALE_TERM,
        21: replay.LOG_MISMATCH,
    }


def test_a_recorded_refusal_is_read_and_only_an_unrecorded_one_inferred():
    """A trace records the rule that refused on the refusing reply (``refused``); inference is for older traces."""
    events = _refusal_trace()
    for event in events:
        if event.get("id") == 11 and event["type"] == "send":
            event["refused"] = "leader"  # what the node said, though the inference would say otherwise
    reasons = replay.refusal_reasons(events)
    assert reasons[11] == "leader" and reasons[12] == replay.ALREADY_VOTED


@pytest.mark.parametrize(("name", "seed"), [("split-3-3", 0), ("split-5", 2), ("old-leader-minority", 1)])
def test_recorded_refusals_agree_with_what_the_trace_shows(name, seed):
    """In a real run the rule each node names is the one the trace's terms, logs and votes show."""
    events = simulate(Path(__file__).resolve().parents[2] / "scenarios" / f"{name}.yaml", seed=seed).events
    recorded = replay.refusal_reasons(events)
    sends = {e["id"]: e for e in events if e["type"] == "send"}
    assert len(recorded) >= 10 and all(sends[i]["refused"] == reason for i, reason in recorded.items())
    inferred = replay.refusal_reasons([{k: v for k, v in e.items() if k != "refused"} for e in events])
    assert inferred == recorded


def test_write_commits_are_the_first_commit_covering_the_entry(trace):
    assert replay.write_commits(trace) == {("c1", 1): 55.0}  # y=2 (seq 2) was never committed


def test_logs_at_keeps_each_entry_command(trace):
    logs = {log.node: log for log in replay.logs_at(trace, 350)}
    assert logs["n1"].commands == (None, "x=1", "y=2")
    assert logs["n2"].commands == (None, "x=1")


def _progress_trace(until_ms=20.0):
    """n1 leads term 2 with log [1, 1, 1, 2]; n2 and n3 hold [1]. n1 probes n2 from its nextIndex 4, n2
    refuses, n1 backs up to prevLogIndex 1 and n2 accepts (matchIndex 4); n3 never answers."""

    names = ["n1", "n2", "n3"]
    events = [
        ev(
            0.0,
            "meta",
            nodes=names,
            duration_ms=100.0,
            scenario="progress",
            seed=1,
            initial_state={
                n: {"term": 1, "voted_for": None, "log": [1, 1, 1] if n == "n1" else [1]} for n in names
            },
        )
    ]
    events += [ev(0.0, "role", node=n, role="follower", term=1) for n in names]
    events.append(ev(10.0, "role", node="n1", role="leader", term=2))
    events.append(ev(10.0, "append", node="n1", index=4, term=2, command=None))
    events.append(msg("send", 10.0, "n1", "n2", "AppendEntries", 2, 1, prev_index=3, prev_term=1, entries=1))
    events.append(msg("send", 10.0, "n1", "n3", "AppendEntries", 2, 2, prev_index=3, prev_term=1, entries=1))
    events.append(
        msg("deliver", 15.0, "n2", "n1", "AppendEntriesResponse", 2, 3, success=False, match_index=0)
    )
    events.append(msg("send", 15.0, "n1", "n2", "AppendEntries", 2, 4, prev_index=1, prev_term=1, entries=3))
    events.append(ev(17.0, "append", node="n2", index=2, term=1, command=None))
    events.append(ev(17.0, "append", node="n2", index=3, term=1, command=None))
    events.append(ev(17.0, "append", node="n2", index=4, term=2, command=None))
    events.append(
        msg("deliver", 20.0, "n2", "n1", "AppendEntriesResponse", 2, 5, success=True, match_index=4)
    )
    return [e for e in events if e["t_ms"] <= until_ms]


def test_replication_progress_of_the_leader():
    events = _progress_trace()
    assert [(p.follower, p.next_index, p.match_index) for p in replay.replication_at(events, 10.0)] == [
        ("n2", 4, 0),
        ("n3", 4, 0),
    ]
    assert [(p.follower, p.next_index) for p in replay.replication_at(events, 15.0)][0] == (
        "n2",
        2,
    )  # backed up
    progress = {p.follower: p for p in replay.replication_at(events, 20.0)}
    assert (progress["n2"].leader, progress["n2"].term) == ("n1", 2)
    assert (progress["n2"].next_index, progress["n2"].match_index) == (5, 4)
    assert (progress["n3"].next_index, progress["n3"].match_index) == (4, 0)
    assert replay.replication_at(events + [ev(30.0, "crash", node="n1")], 30.0) == []
