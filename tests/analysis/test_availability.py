"""raft.analysis.availability: write unavailability and leaders without a majority, on hand-written events."""

from __future__ import annotations

from typing import Any

import pytest

from raft.analysis.availability import LeaderWithoutMajority, Period, availability, stall_threshold_ms


def ev(t: float, kind: str, **fields: Any) -> dict[str, Any]:
    return {"t_ms": t, "type": kind, **fields}


def meta(
    nodes: int = 3, timeout: tuple[float, float] = (150.0, 300.0), stall_ms: float | None = None
) -> dict[str, Any]:
    config = {"cluster": {"election_timeout_ms": list(timeout)}, "analysis": {"stall_ms": stall_ms}}
    return ev(0.0, "meta", nodes=[f"n{i}" for i in range(1, nodes + 1)], config=config)


def submit(t: float, seq: int, command: str = "x=1", client: str = "c1") -> dict[str, Any]:
    return ev(t, "submit", client=client, seq=seq, command=command)


def ack(t: float, seq: int, client: str = "c1") -> dict[str, Any]:
    return ev(t, "ack", client=client, seq=seq, command="x=1", index=1, value=None)


def commit(t: float, node: str, index: int) -> dict[str, Any]:
    return ev(t, "commit", node=node, index=index)


def ok_reply(t: float, src: str, dst: str, term: int, success: bool = True) -> dict[str, Any]:
    return {
        "t_ms": t,
        "type": "deliver",
        "from": src,
        "to": dst,
        "msg": "AppendEntriesResponse",
        "term": term,
        "id": 0,
        "success": success,
        "match_index": 0,
    }


def periods(events: list[dict[str, Any]], end: float) -> list[tuple[float, float]]:
    return [(p.from_ms, p.to_ms) for p in availability(events, end).unavailable]


# ------------------------------------------------------------ write unavailability


def test_a_waiting_write_and_a_still_commit_index_is_unavailable_until_the_next_advance() -> None:
    events = [meta(), commit(10, "n1", 1), submit(100, 1), commit(900, "n1", 2), ack(905, 1)]
    assert periods(events, 2000) == [(100.0, 900.0)]


def test_the_period_starts_at_the_later_of_the_last_advance_and_the_oldest_waiting_submit() -> None:
    # write 1 waits from 100; the commit index advances at 200 (write 1 is still not acknowledged); nothing
    # moves afterwards: the period counts from the advance, not from the submit
    events = [meta(), submit(100, 1), commit(200, "n1", 1), commit(1200, "n1", 2), ack(1210, 1)]
    assert periods(events, 2000) == [(200.0, 1200.0)]


def test_a_stall_no_longer_than_the_threshold_is_not_unavailability() -> None:
    events = [meta(), submit(100, 1), commit(400, "n1", 1), ack(401, 1)]  # exactly 300 ms: not longer
    assert periods(events, 1000) == []
    events = [meta(), submit(100, 1), commit(400.5, "n1", 1), ack(401, 1)]
    assert periods(events, 1000) == [(100.0, 400.5)]


def test_the_threshold_is_the_high_end_of_the_election_timeout_unless_analysis_stall_ms_says_otherwise() -> (
    None
):
    events = [submit(100, 1), commit(700, "n1", 1), ack(701, 1)]  # a 600 ms stall
    assert periods([meta(timeout=(400, 800)), *events], 1000) == []
    assert periods([meta(timeout=(150, 300)), *events], 1000) == [(100.0, 700.0)]
    assert periods([meta(timeout=(400, 800), stall_ms=500), *events], 1000) == [(100.0, 700.0)]
    assert availability([meta(timeout=(400, 800), stall_ms=500)], 10).stall_ms == 500
    assert stall_threshold_ms({"cluster": {"election_timeout_ms": [100, 250]}}) == 250
    assert (
        stall_threshold_ms({"cluster": {"election_timeout_ms": [100, 250]}, "analysis": {"stall_ms": 40}})
        == 40
    )


def test_without_a_waiting_write_a_still_commit_index_is_not_unavailability() -> None:
    events = [meta(), submit(100, 1), commit(110, "n1", 1), ack(115, 1), commit(3000, "n1", 2)]
    assert periods(events, 4000) == []


def test_reads_do_not_count_as_waiting_writes() -> None:
    events = [meta(), submit(100, 1, command="?x"), commit(3000, "n1", 1)]
    assert periods(events, 4000) == []


def test_a_period_still_open_ends_with_the_run() -> None:
    events = [meta(), commit(10, "n1", 1), submit(1000, 1)]
    assert periods(events, 5000) == [(1000.0, 5000.0)]


def test_getting_back_to_a_commit_index_the_cluster_had_is_not_an_advance() -> None:
    # n1 (commitIndex 5) crashes; n2 and n3 were at 4; a restarted node starts from 0 and learns 4, then 5
    # again: nothing new is committed until index 6
    events = [
        meta(),
        commit(10, "n1", 5),
        commit(12, "n2", 4),
        commit(12, "n3", 4),
        submit(100, 1),
        ev(150, "crash", node="n1"),
        ev(400, "restart", node="n1"),
        commit(500, "n1", 4),
        commit(600, "n2", 5),
        commit(1500, "n2", 6),
        ack(1505, 1),
    ]
    assert periods(events, 2000) == [(100.0, 1500.0)]


def test_a_period_ends_when_no_write_waits_any_more() -> None:
    events = [meta(), submit(100, 1), submit(200, 2), ack(800, 1), ack(900, 2), commit(3000, "n1", 1)]
    assert periods(events, 4000) == [(100.0, 900.0)]


def test_total_unavailable_time() -> None:
    events = [
        meta(),
        submit(0, 1),
        commit(500, "n1", 1),
        commit(1000, "n1", 2),
        ack(1001, 1),
        submit(2000, 2),
    ]
    result = availability(events, 2500)
    assert result.unavailable == (Period(0, 500), Period(500, 1000), Period(2000, 2500))
    assert result.unavailable_ms == pytest.approx(1500)


# ------------------------------------------------------------ leaders without a majority


def lead(t: float, node: str, term: int) -> dict[str, Any]:
    return ev(t, "role", node=node, role="leader", term=term)


def without(events: list[dict[str, Any]], end: float) -> list[tuple[str, int, float, float]]:
    return [(p.node, p.term, p.from_ms, p.to_ms) for p in availability(events, end).leader_without_majority]


def heartbeats(
    leader: str, followers: list[str], term: int, start: float, stop: float
) -> list[dict[str, Any]]:
    return [ok_reply(float(t), f, leader, term) for t in range(int(start), int(stop), 50) for f in followers]


def test_a_leader_answered_by_a_majority_is_never_without_one() -> None:
    events = [meta(5), lead(10, "n1", 1), *heartbeats("n1", ["n2", "n3"], 1, 20, 3000)]
    assert without(events, 3000) == []


def test_a_leader_answered_by_a_minority_is_without_a_majority_from_its_last_contact() -> None:
    # five nodes: n1 leads; n2 and n3 answer until 970, then only n2 does (n1, n2 cut off from the rest)
    events = [
        meta(5),
        lead(10, "n1", 1),
        *heartbeats("n1", ["n2", "n3"], 1, 20, 1001),
        *heartbeats("n1", ["n2"], 1, 1050, 3000),
        ev(3000, "role", node="n1", role="follower", term=2),
    ]
    assert without(events, 5000) == [("n1", 1, 970.0, 3000.0)]


def test_a_majority_regained_ends_the_period() -> None:
    events = [
        meta(3),
        lead(10, "n1", 1),
        ok_reply(20, "n2", "n1", 1),
        ok_reply(900, "n3", "n1", 1),
        *heartbeats("n1", ["n2"], 1, 950, 2000),
    ]
    assert without(events, 2000) == [("n1", 1, 20.0, 900.0)]


def test_a_leader_that_hears_nothing_is_without_a_majority_from_taking_office_until_its_crash() -> None:
    events = [
        meta(3),
        lead(10, "n1", 1),
        ok_reply(20, "n2", "n1", 1, success=False),
        ev(2000, "crash", node="n1"),
    ]
    assert without(events, 5000) == [("n1", 1, 10.0, 2000.0)]


def test_only_successful_replies_of_the_leaders_own_term_count() -> None:
    events = [
        meta(3),
        lead(10, "n1", 2),
        ok_reply(100, "n2", "n1", 1),
        ok_reply(200, "n3", "n1", 3),
        ok_reply(300, "n2", "n1", 2, success=False),
    ]
    assert without(events, 1000) == [("n1", 2, 10.0, 1000.0)]


def test_a_gap_no_longer_than_an_election_timeout_is_not_reported() -> None:
    events = [
        meta(3, timeout=(150, 300)),
        lead(10, "n1", 1),
        ok_reply(300, "n2", "n1", 1),
        ok_reply(600, "n2", "n1", 1),
    ]
    assert without(events, 600) == []
    assert availability([meta(3, timeout=(150, 300))], 1).majority_timeout_ms == 300


def test_a_single_server_is_its_own_majority() -> None:
    assert without([meta(1), lead(10, "n1", 1)], 5000) == []


def test_periods_carry_node_and_term_as_a_dict() -> None:
    period = LeaderWithoutMajority("n1", 3, 10.0, 20.0)
    assert period.to_dict() == {"node": "n1", "term": 3, "from_ms": 10.0, "to_ms": 20.0}
    assert Period(1.0, 2.0).to_dict() == {"from_ms": 1.0, "to_ms": 2.0}


def config(t: float, node: str, voters: list[str], outgoing: list[str] | None = None) -> dict[str, Any]:
    event = ev(t, "config", node=node, phase="in_force", index=2, voters=voters, learners=[])
    if outgoing:
        event["outgoing"] = outgoing
    return event


def test_a_majority_is_one_of_the_configuration_the_leader_uses() -> None:
    """Three nodes grow to five (thesis chapter 4): the leader and one answering follower are a majority of
    three, not of five: from the change on, n1 is a leader without a majority."""
    events = [
        meta(3),
        lead(10, "n1", 1),
        *heartbeats("n1", ["n2"], 1, 20, 1001),
        config(1001, "n1", ["n1", "n2", "n3", "n4", "n5"]),
        *heartbeats("n1", ["n2"], 1, 1050, 3000),
    ]
    assert without(events, 3000) == [("n1", 1, 970.0, 3000.0)]
    assert without([e for e in events if e["type"] != "config"], 3000) == []


def test_a_leader_outside_its_configuration_does_not_count_itself() -> None:
    """A leader removed from the configuration (§4.2.2) needs a majority of the others: n2 alone of {n2, n3}
    is not one."""
    events = [
        meta(3),
        lead(10, "n1", 1),
        config(15, "n1", ["n2", "n3"]),
        *heartbeats("n1", ["n2"], 1, 20, 3000),
    ]
    assert without(events, 3000) == [("n1", 1, 10.0, 3000.0)]


def test_joint_consensus_needs_a_majority_of_each_half() -> None:
    events = [
        meta(3),
        lead(10, "n1", 1),
        config(15, "n1", ["n1", "n4", "n5"], outgoing=["n1", "n2", "n3"]),
        *heartbeats("n1", ["n4", "n5"], 1, 20, 3000),  # all of C_new, but of C_old only n1
    ]
    assert without(events, 3000) == [("n1", 1, 10.0, 3000.0)]
    both = [*events[:3], *heartbeats("n1", ["n2", "n4"], 1, 20, 3000)]
    assert without(both, 3000) == []
