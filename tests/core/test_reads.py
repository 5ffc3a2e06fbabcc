"""Linearizable reads without writing the log (thesis §6.4): ReadIndex and lease reads, feeding a RaftNode by
hand; and the two bugs that break them."""

from __future__ import annotations

import pytest

from raft.core.bugs import Bug
from raft.core.messages import AppendEntries, AppendEntriesResponse, RequestVote, RequestVoteResponse
from raft.core.node import NotLeader, RaftNode
from raft.core.notes import Appended, ReadAnswered
from raft.core.reads import ReadMode, lease_duration_ms
from raft.core.types import Role
from tests.core.nodekit import LOW, append, cmd, elect, make_node, notes, persisted, sent_of, take

#: The lease of the default settings: the minimum election timeout shrunk by the default 10,000 ppm bound.
LEASE = LOW * (1 - 0.01)


def leader(mode: ReadMode, now: float = 0.0, **kwargs: object) -> RaftNode:
    """n1, leader of term 1 in a cluster of three, reading the ``mode`` way; its no-op (index 1) not yet
    committed."""
    if mode is ReadMode.LEASE:
        kwargs.setdefault("check_quorum", True)
    node = make_node("n1", read_mode=mode, **kwargs)  # type: ignore[arg-type]
    elect(node, now)
    return node


def ack(node: RaftNode, now: float, peer: str, match: int = 1, heartbeat_round: int | None = None) -> None:
    """``peer`` answers the leader's AppendEntries of ``heartbeat_round`` (default: the latest round)."""
    latest = node.reads.latest_round if heartbeat_round is None else heartbeat_round
    node.step(now, peer, AppendEntriesResponse(1, True, match_index=match, heartbeat_round=latest))


def answered(node: RaftNode) -> list[ReadAnswered]:
    return notes(take(node), ReadAnswered)


def committed_leader(mode: ReadMode, **kwargs: object) -> RaftNode:
    """As :func:`leader`, with its no-op committed at 10 ms (n2 acknowledged the election's round)."""
    node = leader(mode, **kwargs)
    ack(node, 10.0, "n2")
    take(node)
    assert node.commit_index == 1
    return node


# ------------------------------------------------------------------------- reads through the log (the default)


def test_by_default_a_read_goes_through_the_log_and_no_round_is_numbered() -> None:
    """Reference: §8: the paper's way, unchanged: the read is a log entry, and AppendEntries carry round 0."""
    node = make_node("n1")
    elect(node)
    proposal = node.read(1.0, cmd("?x"))
    ready = take(node)
    assert proposal.index == 2 and [n.index for n in notes(ready, Appended)] == [2]
    assert all(m.heartbeat_round == 0 for _, m in sent_of(ready, AppendEntries))
    assert node.reads.latest_round == 0


def test_read_refuses_a_write() -> None:
    with pytest.raises(ValueError, match="not a read"):
        make_node("n1").read(0.0, cmd("x=1"))


# ------------------------------------------------------------------------------------------------ ReadIndex


def test_a_follower_does_not_serve_reads_but_names_its_leader() -> None:
    """Reference: thesis §6.4: only the leader answers; the client follows the hint."""
    node = make_node("n2", read_mode=ReadMode.READ_INDEX)
    node.step(5.0, "n1", append(1, "n1", 0, 0))
    with pytest.raises(NotLeader) as refusal:
        node.read(6.0, cmd("?x"))
    assert refusal.value.leader_hint == "n1"


def test_read_index_waits_for_an_entry_of_the_leaders_term_to_commit() -> None:
    """Reference: thesis §6.4 step 1: "If the leader has not yet marked an entry from its current term
    committed, it waits until it has done so"."""
    node = leader(ReadMode.READ_INDEX)
    node.read(1.0, cmd("?x"))
    assert answered(node) == [] and node.reads.pending[0].index is None
    ack(node, 10.0, "n2")  # commits the no-op: the read index is recorded, a round begins
    ready = take(node)
    assert notes(ready, ReadAnswered) == []
    assert node.reads.pending[0].index == 1
    rounds = {m.heartbeat_round for _, m in sent_of(ready, AppendEntries)}
    assert rounds == {node.reads.latest_round} and node.reads.latest_round == 2


def test_read_index_is_answered_once_a_majority_acknowledges_a_round_begun_after_it() -> None:
    """Reference: thesis §6.4 steps 2 to 4: the leader records its commitIndex as the read index, sends a
    round of heartbeats, and answers once a majority acknowledged it and lastApplied reached the read index."""
    node = committed_leader(ReadMode.READ_INDEX)
    node.read(20.0, cmd("?x", seq=7))
    ready = take(node)
    begun = node.reads.latest_round
    assert [to for to, m in sent_of(ready, AppendEntries) if m.heartbeat_round == begun] == ["n2", "n3"]
    ack(node, 25.0, "n3", heartbeat_round=begun - 1)  # an answer to an earlier round confirms nothing
    assert answered(node) == []
    ack(node, 26.0, "n3", heartbeat_round=begun)
    [note] = answered(node)
    assert note == ReadAnswered(cmd("?x", seq=7), 1, ReadMode.READ_INDEX, None)
    assert node.reads.pending == []
    assert node.log.last_index == 1  # nothing was written to the log


def test_read_index_answers_from_the_state_machine_as_of_the_read_index() -> None:
    node = committed_leader(ReadMode.READ_INDEX)
    node.propose(cmd("x=1", seq=1))
    take(node)
    persisted(node)
    ack(node, 30.0, "n2", match=2)
    take(node)
    node.read(31.0, cmd("?x", seq=2))
    ack(node, 36.0, "n2", match=2)
    [note] = answered(node)
    assert (note.index, note.value) == (2, "1")


def test_a_follower_echoes_the_round_of_the_append_entries_it_answers() -> None:
    """The heartbeat's context comes back in the answer, success or log mismatch (as etcd's heartbeat ctx)."""
    node = make_node("n2", read_mode=ReadMode.READ_INDEX)
    good = AppendEntries(1, "n1", 0, 0, (), 0, heartbeat_round=4)
    node.step(5.0, "n1", good)
    [(_, answer)] = sent_of(take(node), AppendEntriesResponse)
    assert answer.success and answer.heartbeat_round == 4
    node.step(6.0, "n1", AppendEntries(1, "n1", 3, 1, (), 0, heartbeat_round=5))
    [(_, refusal)] = sent_of(take(node), AppendEntriesResponse)
    assert not refusal.success and refusal.heartbeat_round == 5


def test_a_deposed_leader_never_answers_its_pending_reads() -> None:
    node = committed_leader(ReadMode.READ_INDEX)
    node.read(20.0, cmd("?x"))
    take(node)
    node.step(21.0, "n3", RequestVote(2, "n3", 1, 1))  # a higher term: n1 steps down
    assert node.role is Role.FOLLOWER
    ack(node, 22.0, "n2")
    assert answered(node) == []
    with pytest.raises(NotLeader):
        node.read(23.0, cmd("?x", seq=2))


# ----------------------------------------------------------------------------------------------------- lease


def test_the_lease_lasts_the_minimum_election_timeout_shrunk_by_the_drift_bound() -> None:
    """Reference: thesis §6.4.1: the lease is bounded by the election timeout and the clock drift bound."""
    assert lease_duration_ms(150.0, 10_000) == pytest.approx(148.5)
    assert lease_duration_ms(1000.0, 0) == 1000.0


def test_a_lease_read_is_answered_at_once_without_a_round() -> None:
    """Reference: thesis §6.4.1: while its lease holds, the leader answers without the heartbeat round."""
    node = committed_leader(ReadMode.LEASE)
    rounds = node.reads.latest_round
    node.read(50.0, cmd("?x"))
    ready = take(node)
    [note] = notes(ready, ReadAnswered)
    assert note.mode is ReadMode.LEASE and note.index == 1
    assert sent_of(ready, AppendEntries) == [] and node.reads.latest_round == rounds


def test_the_lease_starts_when_the_acknowledged_round_was_sent_not_when_it_was_acknowledged() -> None:
    """Reference: thesis §6.4.1: "start ... the time the heartbeat was sent"; acknowledged at 100 ms, the round
    of the election (sent at 0 ms) gives a lease until 148.5 ms, not 248.5 ms."""
    node = leader(ReadMode.LEASE)
    ack(node, 100.0, "n2")
    take(node)
    assert node.reads.lease_until == pytest.approx(LEASE)
    node.read(LEASE - 0.1, cmd("?x", seq=1))
    assert [n.mode for n in answered(node)] == [ReadMode.LEASE]
    node.read(LEASE + 0.1, cmd("?x", seq=2))  # the lease has lapsed: a round, as ReadIndex
    assert answered(node) == [] and node.reads.pending[0].needs_round == node.reads.latest_round
    ack(node, LEASE + 5.0, "n3")
    [note] = answered(node)
    assert note.mode is ReadMode.READ_INDEX
    assert node.reads.lease_until == pytest.approx(LEASE + 0.1 + LEASE)  # renewed from that round


def test_lease_reads_need_check_quorum() -> None:
    """Reference: thesis §6.4.1: the lease rests on followers refusing votes (leader stickiness, §4.2.3):
    configured without CheckQuorum, the node refuses to be built."""
    with pytest.raises(ValueError, match="check_quorum"):
        make_node("n1", read_mode=ReadMode.LEASE)


def test_a_transfer_ends_the_lease_for_the_rest_of_the_term() -> None:
    """Reference: thesis §3.10: the target's election skips leader stickiness, so no lease holds."""
    node = committed_leader(ReadMode.LEASE)
    node.transfer_leadership(20.0, "n2")
    node.abort_transfer()
    take(node)
    ack(node, 30.0, "n2")
    node.read(31.0, cmd("?x"))
    assert answered(node) == [] and not node.lease_holds(31.0)


def test_with_leases_a_started_server_withholds_its_vote_for_an_election_timeout() -> None:
    """A restarted server may have acknowledged a lease before it crashed: it votes for nobody within the
    minimum election timeout of its start (thesis §6.4.1, §4.2.3)."""
    node = make_node("n2", read_mode=ReadMode.LEASE, check_quorum=True, term=1, now=1000.0)
    node.step(1000.0 + LOW - 1.0, "n3", RequestVote(2, "n3", 0, 0))
    [(_, refusal)] = sent_of(take(node), RequestVoteResponse)
    assert not refusal.vote_granted and node.current_term == 1
    node.step(1000.0 + LOW + 1.0, "n3", RequestVote(2, "n3", 0, 0))
    [(_, grant)] = sent_of(take(node), RequestVoteResponse)
    assert grant.vote_granted


def test_with_leases_a_forced_election_is_ignored_while_the_leader_was_heard_recently() -> None:
    """Its own vote would count against the lease it helped confirm (thesis §6.4.1); a timer that is due
    always fires."""
    node = make_node("n2", read_mode=ReadMode.LEASE, check_quorum=True, now=0.0)
    node.step(200.0, "n1", append(1, "n1", 0, 0))
    take(node)
    node.election_timeout(250.0)
    assert node.role is Role.FOLLOWER and node.current_term == 1
    node.tick(node.election_deadline)
    assert node.role is Role.CANDIDATE


# ------------------------------------------------------------------------------------------------------ bugs


def test_read_index_without_confirmation_answers_before_any_round_is_acknowledged() -> None:
    node = committed_leader(ReadMode.READ_INDEX, bugs=[Bug.READ_INDEX_WITHOUT_CONFIRMATION])
    node.read(20.0, cmd("?x"))
    assert [n.mode for n in answered(node)] == [ReadMode.READ_INDEX]


def test_lease_without_check_quorum_builds_and_trusts_the_lease_while_it_leads() -> None:
    node = committed_leader(ReadMode.LEASE, check_quorum=False, bugs=[Bug.LEASE_WITHOUT_CHECK_QUORUM])
    node.read(10_000.0, cmd("?x"))  # long after any lease lapsed
    assert [n.mode for n in answered(node)] == [ReadMode.LEASE]


def test_a_leader_alone_answers_a_read_index_read_at_once() -> None:
    """A cluster of one: the leader is its own majority, so its round is acknowledged as soon as it is sent."""
    node = make_node("n1", voters=("n1",), read_mode=ReadMode.READ_INDEX)
    elect(node)
    node.read(1.0, cmd("?x"))
    [note] = answered(node)
    assert note.mode is ReadMode.READ_INDEX and note.index == 1
