"""The safety checker (raft/sim/safety.py) on hand-made event sequences: each property broken once."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from raft.properties import SAFETY_CHECKED, Property
from raft.sim.safety import SafetyChecker, SafetyViolationError, Violation

Ev = dict[str, Any]


def meta(*nodes: str, initial: dict[str, Any] | None = None) -> Ev:
    return {"t_ms": 0.0, "type": "meta", "nodes": list(nodes), "initial_state": initial or {}}


def role(t: float, node: str, r: str, term: int) -> Ev:
    return {"t_ms": t, "type": "role", "node": node, "role": r, "term": term}


def append(t: float, node: str, index: int, term: int, command: str | None = None) -> Ev:
    return {"t_ms": t, "type": "append", "node": node, "index": index, "term": term, "command": command}


def commit(t: float, node: str, index: int) -> Ev:
    return {"t_ms": t, "type": "commit", "node": node, "index": index}


def apply(t: float, node: str, index: int, term: int, command: str | None) -> Ev:
    return {"t_ms": t, "type": "apply", "node": node, "index": index, "term": term, "command": command}


def truncate(t: float, node: str, index: int) -> Ev:
    return {"t_ms": t, "type": "truncate", "node": node, "index": index}


def elected(t: float, node: str, term: int) -> list[Ev]:
    return [role(t, node, "candidate", term), role(t, node, "leader", term)]


CLEAN: list[Ev] = [
    meta("a", "b", "c"),
    role(0, "a", "follower", 0),
    role(0, "b", "follower", 0),
    role(0, "c", "follower", 0),
    *elected(10, "a", 1),
    role(12, "b", "follower", 1),
    role(12, "c", "follower", 1),
    append(10, "a", 1, 1),
    append(15, "b", 1, 1),
    append(15, "c", 1, 1),
    append(20, "a", 2, 1, "x=1"),
    append(25, "b", 2, 1, "x=1"),
    commit(30, "a", 2),
    apply(30, "a", 1, 1, None),
    apply(30, "a", 2, 1, "x=1"),
    commit(40, "b", 2),
    apply(40, "b", 1, 1, None),
    apply(40, "b", 2, 1, "x=1"),
    append(45, "c", 2, 1, "x=1"),
    {"t_ms": 50, "type": "crash", "node": "a"},
    *elected(300, "b", 2),
    role(305, "c", "follower", 2),
    append(300, "b", 3, 2),
    append(305, "c", 3, 2),
    {"t_ms": 400, "type": "restart", "node": "a", "term": 1, "voted_for": "a", "log": [1, 1]},
    role(400, "a", "follower", 1),
    role(410, "a", "follower", 2),
    append(410, "a", 3, 2),
    commit(410, "a", 3),
    apply(410, "a", 1, 1, None),
    apply(410, "a", 2, 1, "x=1"),
    apply(410, "a", 3, 2, None),
]


def feed(events: list[Ev]) -> SafetyChecker:
    checker = SafetyChecker()
    for event in events:
        checker(event)
    return checker


def test_clean_history_passes() -> None:
    checker = feed(CLEAN)
    assert checker.violations == []


def test_history_with_a_legitimate_truncation_passes() -> None:
    """A follower's uncommitted entry replaced by a later leader's is not a violation."""
    events = [
        meta("a", "b", "c"),
        *elected(10, "a", 1),
        append(10, "a", 1, 1, "x=1"),
        append(12, "b", 1, 1, "x=1"),
        *elected(300, "c", 2),
        role(305, "b", "follower", 2),
        role(305, "a", "follower", 2),
        append(300, "c", 1, 2, "y=1"),
        truncate(310, "a", 1),
        append(310, "a", 1, 2, "y=1"),
        truncate(310, "b", 1),
        append(310, "b", 1, 2, "y=1"),
        commit(320, "c", 1),
    ]
    assert feed(events).violations == []


BROKEN: dict[str, list[Ev]] = {
    Property.ELECTION_SAFETY: [meta("a", "b", "c"), *elected(10, "a", 1), *elected(11, "b", 1)],
    Property.LEADER_APPEND_ONLY: [
        meta("a", "b"),
        *elected(10, "a", 1),
        append(10, "a", 1, 1),
        truncate(20, "a", 1),
    ],
    Property.LOG_MATCHING: [
        meta("a", "b"),
        *elected(10, "a", 1),
        append(10, "a", 1, 1, "x=1"),
        append(12, "b", 1, 1, "x=2"),
    ],
    Property.LEADER_COMPLETENESS: [
        meta("a", "b", "c"),
        *elected(10, "a", 1),
        append(10, "a", 1, 1, "x=1"),
        append(12, "b", 1, 1, "x=1"),
        commit(15, "a", 1),
        *elected(300, "c", 2),
    ],
    Property.STATE_MACHINE_SAFETY: [
        meta("a", "b"),
        append(10, "a", 1, 1, "x=1"),
        append(10, "b", 1, 2, "x=2"),
        apply(20, "a", 1, 1, "x=1"),
        apply(20, "b", 1, 2, "x=2"),
    ],
    Property.TERM_MONOTONICITY: [meta("a", "b"), role(0, "a", "follower", 3), role(5, "a", "follower", 2)],
    Property.COMMIT_MONOTONICITY: [
        meta("a", "b"),
        append(1, "a", 1, 1),
        append(1, "a", 2, 1),
        commit(2, "a", 2),
        commit(3, "a", 1),
    ],
}


def test_every_property_has_a_broken_example() -> None:
    assert set(BROKEN) == set(SAFETY_CHECKED)


@pytest.mark.parametrize("prop", list(BROKEN))
def test_each_property_violated_once(prop: str) -> None:
    events = BROKEN[prop]
    checker = SafetyChecker()
    with pytest.raises(SafetyViolationError) as raised:
        for event in events:
            checker(event)
    violation = raised.value.violation
    assert violation.property == prop
    assert violation.t_ms == events[-1]["t_ms"]  # found at the event that broke it, not later
    assert checker.violations == [violation]
    assert prop in str(violation) and violation.event()["property"] == prop
    # without the last event the history is clean
    assert feed(events[:-1]).violations == []


def test_violation_names_nodes_term_and_index() -> None:
    with pytest.raises(SafetyViolationError) as raised:
        feed(BROKEN[Property.LEADER_COMPLETENESS])
    v = raised.value.violation
    assert (v.nodes, v.term, v.index) == (("c",), 2, 1)


def test_commit_beyond_the_log_is_a_state_machine_violation() -> None:
    with pytest.raises(SafetyViolationError) as raised:
        feed([meta("a"), append(1, "a", 1, 1), commit(2, "a", 2)])
    assert raised.value.violation.property == Property.STATE_MACHINE_SAFETY


def test_commit_resets_with_a_restart() -> None:
    events = [
        meta("a", "b"),
        append(1, "a", 1, 1),
        commit(2, "a", 1),
        {"t_ms": 3, "type": "crash", "node": "a"},
        {"t_ms": 4, "type": "restart", "node": "a", "term": 1, "voted_for": None, "log": [1]},
        role(4, "a", "follower", 1),
        commit(5, "a", 1),
    ]
    assert feed(events).violations == []


def test_restart_from_a_lower_persisted_term_is_a_violation_but_a_lost_unpersisted_term_is_not() -> None:
    lost = [
        meta("a", "b", initial={"a": {"term": 2, "log": []}}),
        role(0, "a", "follower", 2),
        role(5, "a", "candidate", 3),
        {"t_ms": 6, "type": "crash", "node": "a"},
        {"t_ms": 7, "type": "restart", "node": "a", "term": 2, "voted_for": None, "log": []},
        role(7, "a", "follower", 2),
    ]
    assert feed(lost).violations == []
    back = [
        *lost[:-1],
        {"t_ms": 8, "type": "crash", "node": "a"},
        {"t_ms": 9, "type": "restart", "node": "a", "term": 1, "voted_for": None, "log": []},
    ]
    with pytest.raises(SafetyViolationError) as raised:
        feed(back)
    assert raised.value.violation.property == Property.TERM_MONOTONICITY


def test_a_late_leader_of_an_earlier_term_need_not_hold_a_later_commit() -> None:
    """Reference: Figure 3. Leader Completeness binds the leaders of *higher* terms only: a term-1 leader
    elected by a delayed vote after a term-2 leader committed index 1 is legal Raft."""
    events = [
        meta("a", "b", "c"),
        *elected(10, "b", 2),
        append(10, "b", 1, 2),
        append(15, "c", 1, 2),
        commit(20, "b", 1),
        role(30, "a", "candidate", 1),
        role(31, "a", "leader", 1),
    ]
    assert feed(events).violations == []


def test_a_leader_of_a_later_term_must_hold_an_entry_committed_earlier() -> None:
    events = [
        meta("a", "b", "c"),
        *elected(10, "b", 1),
        append(10, "b", 1, 1),
        append(15, "c", 1, 1),
        commit(20, "b", 1),
        role(30, "a", "candidate", 2),
        role(31, "a", "leader", 2),
    ]
    with pytest.raises(SafetyViolationError) as caught:
        feed(events)
    assert caught.value.violation.property == Property.LEADER_COMPLETENESS
    assert caught.value.violation.index == 1


def test_removing_an_entry_at_or_below_the_commit_index_is_caught_at_once() -> None:
    events = [
        meta("a", "b", "c"),
        *elected(10, "a", 1),
        append(10, "a", 1, 1, "x=1"),
        append(15, "b", 1, 1, "x=1"),
        commit(20, "a", 1),
        commit(25, "b", 1),
        role(30, "b", "follower", 2),
        truncate(40, "b", 1),
    ]
    with pytest.raises(SafetyViolationError) as caught:
        feed(events)
    assert caught.value.violation.property == Property.STATE_MACHINE_SAFETY
    assert (caught.value.violation.nodes, caught.value.violation.index) == (("b",), 1)


def test_violation_text_names_only_what_is_known() -> None:
    from raft.sim.safety import Violation

    v = Violation("Election Safety", 1.5, ("n1", "n3"), 2, None, "two leaders")
    assert str(v) == "Election Safety at 1.5 ms on n1, n3 (term 2): two leaders"
    assert v.event()["index"] is None  # the trace keeps its fields
    assert "(term 2, index 7)" in str(Violation("Log Matching", 1.5, ("n1",), 2, 7, "x"))
    assert (
        str(Violation("Linearizability", 9.0, (), None, 2, "stale read"))
        == "Linearizability at 9.0 ms (index 2): stale read"
    )


# ------------------------------------------------------------------ the thesis's extensions


def meta_with(pre_vote: bool = False, check_quorum: bool = False) -> Ev:
    cluster: dict[str, Any] = {"election_timeout_ms": [150.0, 300.0]}
    if pre_vote:
        cluster["pre_vote"] = True
    if check_quorum:
        cluster["check_quorum"] = True
    return {**meta("a", "b", "c"), "config": {"cluster": cluster}}


def deliver(t: float, to: str, msg: str, term: int) -> Ev:
    return {"t_ms": t, "type": "deliver", "from": "x", "to": to, "msg": msg, "term": term, "id": 0}


def vote(t: float, node: str, candidate: str, term: int, granted: bool = True) -> Ev:
    return {"t_ms": t, "type": "vote", "node": node, "candidate": candidate, "term": term, "granted": granted}


def test_prevote_term_stability_every_term_entered_was_begun_by_a_candidate() -> None:
    begun = [
        meta_with(pre_vote=True),
        role(0, "a", "follower", 0),
        role(5, "a", "candidate", 1),
        role(9, "b", "follower", 1),
    ]
    assert feed(begun).violations == []
    with pytest.raises(SafetyViolationError) as raised:
        feed([*begun, role(20, "c", "follower", 2)])  # term 2: nobody stood in it
    assert raised.value.violation.property == Property.PREVOTE_TERM_STABILITY
    # paper Raft: not checked
    assert feed([meta("a", "b", "c"), role(20, "c", "follower", 2)]).violations == []


def test_leader_stickiness_no_later_vote_within_the_minimum_timeout_of_the_leader() -> None:
    heard = [meta_with(check_quorum=True), role(0, "b", "follower", 1), deliver(100, "b", "AppendEntries", 1)]
    with pytest.raises(SafetyViolationError) as raised:
        feed([*heard, role(200, "b", "follower", 2)])  # took a candidate's term
    assert raised.value.violation.property == Property.LEADER_STICKINESS
    checker = feed([*heard[:2], vote(200, "b", "c", 2)])
    checker(deliver(210, "b", "AppendEntries", 1))
    with pytest.raises(SafetyViolationError) as raised:
        checker(vote(220, "b", "c", 2))  # voted in a later term
    assert raised.value.violation.property == Property.LEADER_STICKINESS
    assert (
        feed([*heard, role(250, "b", "follower", 2), vote(250, "b", "c", 2)]).violations == []
    )  # 150 ms later
    assert (
        feed([*heard, vote(120, "b", "a", 1)]).violations == []
    )  # a duplicate vote in the leader's own term
    assert (
        feed(
            [
                *heard,
                {"t_ms": 150, "type": "timeout", "node": "b", "term": 1},
                role(150, "b", "candidate", 2),
                role(160, "b", "follower", 3),
                vote(160, "b", "c", 3),
            ]
        ).violations
        == []
    )  # its timer was forced
    paper = [meta("a", "b", "c"), role(0, "b", "follower", 1), deliver(100, "b", "AppendEntries", 1)]
    assert feed([*paper, vote(200, "b", "c", 2)]).violations == []


def test_leader_stickiness_allows_the_votes_of_a_transfer_campaign() -> None:
    """Thesis §3.10 with §4.2.3: the RequestVote of an election started by TimeoutNow (``transfer`` on its
    deliver) is the leader's own request: its receiver may take the later term and vote at once."""
    heard = [meta_with(check_quorum=True), role(0, "b", "follower", 1), deliver(100, "b", "AppendEntries", 1)]
    campaign = {**deliver(110, "b", "RequestVote", 2), "from": "c", "transfer": True}
    assert feed([*heard, campaign, role(110, "b", "follower", 2), vote(110, "b", "c", 2)]).violations == []
    with pytest.raises(SafetyViolationError) as raised:  # the same election, unmarked
        feed([*heard, {**campaign, "transfer": False}, role(110, "b", "follower", 2), vote(110, "b", "c", 2)])
    assert raised.value.violation.property == Property.LEADER_STICKINESS


def test_leader_stickiness_with_etcd_timers_lasts_election_tick_minus_one_intervals_less_any_advance() -> (
    None
):
    """etcd's timers count ElectionTick ticks from the tick before the AppendEntries: at least ElectionTick - 1
    intervals (900 ms of etcd's defaults); an initial tick advance counts as its ticks gone by."""
    cluster = {
        "election_timeout_ms": [1000.0, 2000.0],
        "heartbeat_ms": 100.0,
        "check_quorum": True,
        "timers": "ticks",
    }
    heard = [
        {**meta("a", "b", "c"), "config": {"cluster": cluster}},
        role(0, "b", "follower", 1),
        deliver(10, "b", "AppendEntries", 1),
    ]
    assert feed([*heard, vote(910, "b", "c", 2)]).violations == []  # 900 ms later: may be ten ticks
    with pytest.raises(SafetyViolationError) as raised:
        feed([*heard, vote(890, "b", "c", 2)])
    assert raised.value.violation.property == Property.LEADER_STICKINESS
    advanced = [*heard, {"t_ms": 50, "type": "tick_advance", "node": "b", "ticks": 8}]
    assert feed([*advanced, vote(120, "b", "c", 2)]).violations == []  # 110 ms + 8 ticks: past 900 ms
    with pytest.raises(SafetyViolationError):
        feed([*advanced, vote(100, "b", "c", 2)])


# ------------------------------------------------------------------ snapshots (thesis §5.1)


def snapshot(t: float, node: str, index: int, term: int, leader: str | None = None, kept: int = 0) -> Ev:
    event: Ev = {"t_ms": t, "type": "snapshot", "node": node, "index": index, "term": term}
    if leader is not None:
        event.update({"from": leader, "kept": kept})
    return event


#: a leads term 1 with [1, 1, 1] committed; b holds all three and has committed two; c has nothing.
SNAP_BASE: list[Ev] = [
    meta("a", "b", "c"),
    *elected(10, "a", 1),
    role(11, "b", "follower", 1),
    role(11, "c", "follower", 1),
    append(10, "a", 1, 1),
    append(11, "a", 2, 1, "x=1"),
    append(12, "a", 3, 1, "x=2"),
    append(13, "b", 1, 1),
    append(13, "b", 2, 1, "x=1"),
    append(13, "b", 3, 1, "x=2"),
    commit(20, "a", 3),
    commit(21, "b", 2),
]


def test_snapshots_taken_installed_and_restarted_from_pass() -> None:
    events = [
        *SNAP_BASE,
        snapshot(30, "a", 3, 1),
        snapshot(31, "c", 3, 1, leader="a"),  # c had nothing: its log is the committed prefix
        commit(31, "c", 3),
        snapshot(32, "b", 2, 1, leader="a", kept=1),  # b keeps entry 3, which follows the snapshot's last
        {"t_ms": 40, "type": "crash", "node": "a"},
        {
            "t_ms": 50,
            "type": "restart",
            "node": "a",
            "term": 1,
            "voted_for": "a",
            "log": [],
            "snapshot": [3, 1],
        },
        *elected(300, "c", 2),  # Leader Completeness: c's log, from its snapshot, holds the committed entries
        append(300, "c", 4, 2),
    ]
    checker = feed(events)
    assert checker.violations == []
    assert checker.logs["c"] == [1, 1, 1, 2]  # the terms of its entries


@pytest.mark.parametrize(
    ("event", "detail"),
    [
        (snapshot(30, "a", 4, 1), "not the committed entry"),  # beyond what is committed anywhere
        (snapshot(30, "b", 3, 1), "beyond its commitIndex"),  # b committed only 2
        (snapshot(30, "b", 1, 1, leader="a"), "discarded its entries after it"),  # b's 2 and 3 are committed
        (snapshot(30, "b", 1, 1, leader="a", kept=2), "below its commitIndex"),  # a stale snapshot rolls back
        (snapshot(30, "c", 2, 1, leader="a", kept=1), "did not match"),  # c has no entry after index 2
    ],
)
def test_snapshots_that_lose_or_invent_committed_state_are_violations(event: Ev, detail: str) -> None:
    with pytest.raises(SafetyViolationError, match=detail) as raised:
        feed([*SNAP_BASE, event])
    assert raised.value.violation.property in (Property.STATE_MACHINE_SAFETY, Property.LOG_MATCHING)


def test_leader_stickiness_an_install_snapshot_of_a_new_leader_is_hearing_from_it() -> None:
    """A follower that adopts a new leader's term from its InstallSnapshot heard from that leader, as from an
    AppendEntries (thesis §5.1, §4.2.3): no violation; one of the old term counts as hearing the old leader."""
    heard = [meta_with(check_quorum=True), role(0, "b", "follower", 1), deliver(100, "b", "AppendEntries", 1)]
    assert (
        feed([*heard, deliver(120, "b", "InstallSnapshot", 2), role(120, "b", "follower", 2)]).violations
        == []
    )
    stale = [
        meta_with(check_quorum=True),
        role(0, "b", "follower", 1),
        deliver(100, "b", "InstallSnapshot", 1),
    ]
    with pytest.raises(SafetyViolationError) as raised:
        feed([*stale, role(200, "b", "follower", 2)])
    assert raised.value.violation.property == Property.LEADER_STICKINESS


def test_a_violation_survives_pickling() -> None:
    """Worker processes hand violations back (fuzz, sweeps), compiled or not."""
    violation = Violation("Election Safety", 50.0, ("n1", "n2"), 1, None, "two leaders")
    assert pickle.loads(pickle.dumps(violation)) == violation
    error = pickle.loads(pickle.dumps(SafetyViolationError(violation)))
    assert (error.violation, str(error)) == (violation, str(violation))
