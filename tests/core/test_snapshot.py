"""Log compaction and InstallSnapshot, sentence by sentence of the thesis (Ongaro 2014, §5.1, Figure 5.3), feeding a
RaftNode by hand.

"Each server takes snapshots independently, covering just the committed entries in its log." "The leader uses a
new RPC called InstallSnapshot to send snapshots to followers that are too far behind." Receiver: "If existing log
entry has same index and term as snapshot's last included entry, retain log entries following it and reply;
discard the entire log; reset state machine using snapshot contents (and load snapshot's cluster configuration)."
"""

from __future__ import annotations

import pytest

from raft.core.bugs import Bug
from raft.core.log import RaftLog
from raft.core.messages import (
    AppendEntries,
    AppendEntriesResponse,
    Entry,
    InstallSnapshot,
    InstallSnapshotResponse,
    Refusal,
)
from raft.core.node import RaftNode
from raft.core.notes import Committed, SnapshotTaken
from raft.core.quorum import MajorityConfig
from raft.core.snapshot import Snapshot, SnapshotMetadata, should_snapshot
from raft.core.statemachine import KeyValueStore
from tests.core.nodekit import THREE, append, cmd, elect, make_node, notes, persisted, sent_of, take


def leader_with_commands(count: int, snapshot_every: int = 3) -> RaftNode:
    """n1 leads term 1 and has committed its no-op and ``count`` commands x=1, x=2, ... (n3 holds them all)."""
    node = make_node(snapshot_every=snapshot_every)
    elect(node)
    for i in range(1, count + 1):
        node.propose(cmd(f"x={i}", seq=i + 1))
    take(node)
    persisted(node)
    node.step(1.0, "n3", AppendEntriesResponse(1, True, match_index=count + 1))
    return node


def snapshot_of(terms: list[int], ops: list[str | None]) -> Snapshot:
    """The snapshot of a log with these entry terms and commands (None: no-op), applied in order."""
    store = KeyValueStore()
    for index, op in enumerate(ops, 1):
        if op is not None:
            store.apply(index, cmd(op, seq=index))
    metadata = SnapshotMetadata(len(terms), terms[-1], MajorityConfig(frozenset(THREE)))
    return Snapshot(metadata, store.image())


# ------------------------------------------------------------------------- taking snapshots


def test_should_snapshot_only_past_the_threshold() -> None:
    """A snapshot once the log holds more than snapshot_every applied entries since the last; 0: never."""
    assert not should_snapshot(3, 0, 3)
    assert should_snapshot(4, 0, 3)
    assert not should_snapshot(7, 4, 3)
    assert not should_snapshot(10_000, 0, 0)


def test_a_server_snapshots_its_applied_entries_and_discards_them() -> None:
    """Reference: §5.1: each server takes snapshots independently, covering just the committed entries; the log
    keeps its indexes after compaction."""
    node = leader_with_commands(5)
    ready = take(node)
    assert notes(ready, SnapshotTaken) == [SnapshotTaken(6, 1)]
    assert ready.snapshot is node.snapshot is not None
    assert (node.log.offset, node.log.offset_term, node.log.last_index) == (6, 1, 6)
    assert node.log.entries == []
    assert node.snapshot.metadata == SnapshotMetadata(6, 1, node.voters)


def test_a_snapshot_holds_the_state_machine_applied_up_to_its_index() -> None:
    """Reference: §5.1: the snapshot is the state machine's state as of the last included index."""
    node = leader_with_commands(5)
    take(node)
    assert node.snapshot is not None
    assert node.snapshot == snapshot_of([1] * 6, [None, "x=1", "x=2", "x=3", "x=4", "x=5"])
    assert KeyValueStore.from_image(node.snapshot.state).data == {"x": "5"}


def test_no_snapshot_by_default() -> None:
    node = leader_with_commands(5, snapshot_every=0)
    ready = take(node)
    assert node.snapshot is None and ready.snapshot is None and node.log.offset == 0


def test_a_restart_recovers_from_snapshot_plus_log() -> None:
    """Reference: §5.1: a restarted server resets its state machine from the snapshot, then applies the log."""
    snapshot = snapshot_of([1, 1, 1], [None, "x=1", "y=2"])
    log = RaftLog([Entry(1, cmd("x=3", seq=4))], offset=3, offset_term=1)
    node = make_node("n2", log=log, snapshot=snapshot, term=1, snapshot_every=0)
    assert (node.commit_index, node.last_applied, node.store.data) == (3, 3, {"x": "1", "y": "2"})
    node.step(1.0, "n1", append(1, "n1", 4, 1, (), commit=4))
    assert node.store.data == {"x": "3", "y": "2"}


# ------------------------------------------------------------------------- the leader side


def leader_with_compacted_log() -> RaftNode:
    node = leader_with_commands(5)
    take(node)
    assert node.log.offset == 6
    return node


def test_leader_sends_install_snapshot_when_a_follower_needs_discarded_entries() -> None:
    """Reference: §5.1: the leader sends its snapshot to a follower that is too far behind."""
    node = leader_with_compacted_log()
    node.progress["n2"].next_index = 7  # as a new leader whose log ends at 6 would start
    node.step(2.0, "n2", AppendEntriesResponse(1, False, reject_index=6, conflict_index=1))
    sends = sent_of(take(node), InstallSnapshot)
    assert sends == [("n2", InstallSnapshot(1, "n1", node.snapshot))]  # type: ignore[arg-type]
    assert node.progress["n2"].next_index == 7


def test_leader_updates_match_and_next_index_on_the_reply() -> None:
    """The reply confirms the snapshot's last included index: matchIndex and nextIndex move past it."""
    node = leader_with_compacted_log()
    node.progress["n2"].next_index = 7  # as a new leader whose log ends at 6 would start
    node.step(2.0, "n2", AppendEntriesResponse(1, False, reject_index=6, conflict_index=1))
    take(node)
    node.propose(cmd("z=9", seq=9))
    take(node)
    node.step(3.0, "n2", InstallSnapshotResponse(1, 6))
    progress = node.progress["n2"]
    assert (progress.match_index, progress.replicating) == (6, True)
    appends = sent_of(take(node), AppendEntries)
    assert [(to, m.prev_log_index, len(m.entries)) for to, m in appends] == [("n2", 6, 1)]
    assert progress.next_index == 8


def test_a_heartbeat_to_a_follower_behind_the_snapshot_is_a_snapshot() -> None:
    node = leader_with_compacted_log()
    node.progress["n2"].next_index = 3
    node.tick(1000.0)
    assert [to for to, _ in sent_of(take(node), InstallSnapshot)] == ["n2"]


# ------------------------------------------------------------------------- the follower side


def follower(terms: list[int], ops: list[str | None] | None = None, bugs: tuple[Bug, ...] = ()) -> RaftNode:
    ops = ops or [None] * len(terms)
    log = RaftLog(
        Entry(t, cmd(op, seq=i) if op else None) for i, (t, op) in enumerate(zip(terms, ops, strict=True), 1)
    )
    return make_node("n2", log=log, term=terms[-1] if terms else 1, bugs=bugs)


def install(
    node: RaftNode, snapshot: Snapshot, term: int = 1
) -> tuple[list[InstallSnapshotResponse], RaftNode]:
    node.step(200.0, "n1", InstallSnapshot(term, "n1", snapshot))
    ready = take(node)
    return [m for _, m in sent_of(ready, InstallSnapshotResponse)], node


def test_install_snapshot_with_a_stale_term_is_refused() -> None:
    """Figure 5.3, rule 1: reply immediately if term < currentTerm."""
    node = make_node("n2", term=3)
    replies, _ = install(node, snapshot_of([1, 1], [None, "x=1"]), term=2)
    assert replies == [InstallSnapshotResponse(3, 0)]
    assert replies[0].refused is Refusal.STALE_TERM
    assert node.snapshot is None


def test_install_snapshot_discards_a_log_that_does_not_hold_its_last_entry() -> None:
    """Figure 5.3, rules 7 and 8: discard the entire log; reset the state machine using the snapshot."""
    node = follower([1, 1, 2], [None, "x=1", "x=7"])  # index 3 of term 2 conflicts with the snapshot
    snapshot = snapshot_of([1, 1, 1, 1], [None, "x=1", "x=2", "y=3"])
    replies, _ = install(node, snapshot, term=2)
    assert replies == [InstallSnapshotResponse(2, 4)]
    assert (node.log.offset, node.log.last_index, node.log.entries) == (4, 4, [])
    assert (node.commit_index, node.last_applied) == (4, 4)
    assert node.store.data == {"x": "2", "y": "3"}
    assert node.snapshot is snapshot


def test_install_snapshot_keeps_the_entries_that_follow_a_matching_last_entry() -> None:
    """Figure 5.3, rule 6: if an existing entry has the snapshot's last index and term, retain the entries that
    follow it."""
    node = follower([1, 1, 1, 1, 1])
    snapshot = snapshot_of([1, 1, 1], [None, "x=1", "x=2"])
    replies, _ = install(node, snapshot)
    ready_notes = node.log.offset, node.log.last_index, node.log.terms()
    assert ready_notes == (3, 5, [1, 1])
    assert replies == [InstallSnapshotResponse(1, 3)]


def test_install_snapshot_notes_the_snapshot_and_the_commit() -> None:
    node = follower([1, 1, 1, 1, 1])
    node.step(5.0, "n1", InstallSnapshot(1, "n1", snapshot_of([1, 1, 1], [None, "x=1", "x=2"])))
    ready = take(node)
    assert notes(ready, SnapshotTaken) == [SnapshotTaken(3, 1, "n1", 2)]
    assert notes(ready, Committed) == [Committed(3)]
    assert ready.snapshot is node.snapshot


def test_a_stale_snapshot_is_ignored() -> None:
    """A snapshot that ends at or before commitIndex would roll the state machine back: nothing changes, and
    the reply confirms commitIndex."""
    node = follower([1, 1, 1, 1], [None, "x=1", "x=2", "x=3"])
    node.step(1.0, "n1", append(1, "n1", 4, 1, (), commit=4))
    take(node)
    replies, _ = install(node, snapshot_of([1, 1], [None, "x=1"]))
    assert replies == [InstallSnapshotResponse(1, 4)]
    assert (node.snapshot, node.log.offset, node.log.last_index, node.store.data) == (None, 0, 4, {"x": "3"})


def test_install_snapshot_recognizes_the_leader() -> None:
    """A current leader's InstallSnapshot restarts the election timer, like its AppendEntries (§5.2)."""
    node = make_node("n2", term=1)
    before = node.election_deadline
    install(node, snapshot_of([1, 1], [None, "x=1"]))
    assert node.leader_id == "n1" and node.election_deadline > before


def test_append_entries_overlapping_the_snapshot_skips_the_covered_entries() -> None:
    """Entries the snapshot covers are committed, hence match: an AppendEntries that overlaps it appends only
    what follows."""
    node = make_node("n2", term=1)
    install(node, snapshot_of([1, 1, 1], [None, "x=1", "x=2"]))
    node.step(6.0, "n1", append(1, "n1", 1, 1, [1, 1, 1, 1], commit=5))
    assert (node.log.offset, node.log.last_index, node.commit_index) == (3, 5, 5)


# ------------------------------------------------------------------------- the bug


@pytest.mark.parametrize(
    ("terms", "commit", "lost"),
    [([1, 1, 1, 1, 1], 0, 2), ([1, 1, 1, 1, 1], 5, 2)],
)
def test_bug_snapshot_over_newer_entries_discards_what_it_should_keep(
    terms: list[int], commit: int, lost: int
) -> None:
    """``snapshot-over-newer-entries``: the follower discards the entries after a matching last entry (rule 6
    broken) and installs a snapshot older than its commitIndex (rolling it back)."""
    node = follower(terms, bugs=(Bug.SNAPSHOT_OVER_NEWER_ENTRIES,))
    if commit:
        node.step(1.0, "n1", append(1, "n1", 5, 1, (), commit=commit))
        take(node)
    install(node, snapshot_of([1, 1, 1], [None, "x=1", "x=2"]))
    assert node.log.last_index == 5 - lost
    assert node.commit_index == 3
    correct = follower(terms)
    if commit:
        correct.step(1.0, "n1", append(1, "n1", 5, 1, (), commit=commit))
    install(correct, snapshot_of([1, 1, 1], [None, "x=1", "x=2"]))
    assert correct.log.last_index == 5


def test_install_snapshot_counts_as_hearing_from_the_leader_for_stickiness() -> None:
    """With CheckQuorum, a follower fed by InstallSnapshot has heard from its leader: it refuses a candidate's
    later term within the minimum election timeout (thesis §4.2.3), as after an AppendEntries."""
    node = make_node("n2", term=1, check_quorum=True)
    node.step(200.0, "n1", InstallSnapshot(1, "n1", snapshot_of([1, 1], [None, "x=1"])))
    take(node)
    assert node.heard_from_leader_recently(250.0)
    leader = leader_with_compacted_log()
    leader.step(3.0, "n2", InstallSnapshotResponse(1, 6))
    assert leader.recently_active == set()  # without CheckQuorum nothing is tracked
    sticky = make_node(snapshot_every=3, check_quorum=True)
    elect(sticky)
    sticky.step(3.0, "n2", InstallSnapshotResponse(1, 1))
    assert sticky.recently_active == {"n2"}
