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
from raft.core.membership import ChangeKind, ConfChange, Configuration
from raft.core.messages import (
    AppendEntries,
    AppendEntriesResponse,
    Entry,
    InstallSnapshot,
    InstallSnapshotResponse,
    Refusal,
)
from raft.core.node import RaftNode
from raft.core.notes import Committed, ConfigNoted, ConfigPhase, SnapshotTaken
from raft.core.snapshot import Snapshot, SnapshotMetadata, should_snapshot
from raft.core.statemachine import KeyValueStore
from raft.core.types import Role
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
    metadata = SnapshotMetadata(len(terms), terms[-1], Configuration(frozenset(THREE)))
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
    assert node.snapshot.metadata == SnapshotMetadata(6, 1, node.config)


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


# ------------------------------------------------------------- snapshots and membership (§5.1 with chapter 4)


def config_entry(term: int, config: Configuration) -> Entry:
    return Entry(term, None, config)


WITH_N4 = Configuration(frozenset(THREE), frozenset({"n4"}))


def test_a_snapshot_after_a_membership_change_carries_the_new_configuration() -> None:
    """Reference: thesis §5.1: a snapshot records the latest configuration as of its last included index; a
    configuration entry past that index (appended, not yet applied) is not part of it."""
    node = make_node(snapshot_every=3)
    elect(node)
    node.step(1.0, "n2", AppendEntriesResponse(1, True, match_index=1))
    assert node.propose_config_change(2.0, ConfChange(ChangeKind.ADD, add=frozenset({"n4"}))) == 2
    for i in range(3, 6):
        node.propose(cmd(f"x={i}", seq=i))
    take(node)
    persisted(node)
    node.step(3.0, "n2", AppendEntriesResponse(1, True, match_index=5))
    assert node.commit_index == 5 and node.snapshot is not None
    assert node.snapshot.metadata == SnapshotMetadata(5, 1, WITH_N4)
    assert node.config == WITH_N4 and node.log.offset == 5
    # the promotion appended after it is in force at the leader, but not in the snapshot taken before it
    node.progress["n4"].on_success(5)
    assert node.propose_config_change(4.0, ConfChange(ChangeKind.PROMOTE, add=frozenset({"n4"}))) == 6
    assert node.config.voters == {"n1", "n2", "n3", "n4"}
    assert node.snapshot.metadata.configuration == WITH_N4


def test_a_new_server_catching_up_by_snapshot_takes_its_configuration() -> None:
    """Reference: thesis §5.1 (Figure 5.3, rule 8: load the snapshot's cluster configuration): a new server,
    which knows no configuration, installs a snapshot whose configuration names it a learner; it then
    replicates nowhere, counts the right voters and, as a learner, does not campaign (§4.2.1)."""
    spare = make_node("n4", voters=())
    assert not spare.config.voters
    store = KeyValueStore()
    store.apply(2, cmd("x=1", seq=2))
    snapshot = Snapshot(SnapshotMetadata(3, 1, WITH_N4), store.image())
    spare.step(5.0, "n1", InstallSnapshot(1, "n1", snapshot))
    ready = take(spare)
    assert notes(ready, ConfigNoted) == [ConfigNoted(ConfigPhase.IN_FORCE, 3, WITH_N4)]
    assert (spare.config, spare.config_index) == (WITH_N4, 3)
    assert spare.voters.voters == set(THREE) and spare.voter_peers == THREE
    assert spare.store.data == {"x": "1"}
    spare.election_timeout(1000.0)
    assert spare.role is Role.FOLLOWER and spare.current_term == 1


def test_installing_a_snapshot_keeps_a_later_configuration_of_the_retained_log() -> None:
    """Figure 5.3 rule 6 with chapter 4: the entries kept after the snapshot may hold a newer configuration,
    which stays in force (a server uses the latest configuration in its log)."""
    promoted = Configuration(frozenset({*THREE, "n4"}))
    log = RaftLog([Entry(1), config_entry(1, WITH_N4), Entry(1), config_entry(1, promoted)])
    node = make_node("n4", voters=(), log=log, term=1)
    assert node.config == promoted
    node.step(
        5.0,
        "n1",
        InstallSnapshot(1, "n1", Snapshot(SnapshotMetadata(3, 1, WITH_N4), KeyValueStore().image())),
    )
    take(node)
    assert (node.config, node.config_index, node.log.offset) == (promoted, 4, 3)


def test_a_restart_recovers_the_latest_configuration_from_snapshot_plus_log() -> None:
    """Reference: thesis §5.1 and §4.1: a server restarting from a snapshot and a log uses the latest
    configuration in the log after the snapshot, else the snapshot's, never the one it was first built with."""
    snapshot = Snapshot(SnapshotMetadata(3, 1, WITH_N4), KeyValueStore().image())
    bare = make_node("n2", log=RaftLog([Entry(1)], offset=3, offset_term=1), snapshot=snapshot, term=1)
    assert (bare.config, bare.config_index) == (WITH_N4, 3)
    assert bare.peers == ("n1", "n3", "n4") and bare.voter_peers == ("n1", "n3")
    promoted = Configuration(frozenset({*THREE, "n4"}))
    log = RaftLog([Entry(1), config_entry(1, promoted)], offset=3, offset_term=1)
    later = make_node("n2", log=log, snapshot=snapshot, term=1)
    assert (later.config, later.config_index) == (promoted, 5)
    assert later.voters.voters == promoted.voters


def test_truncating_a_configuration_entry_falls_back_to_the_snapshot_configuration() -> None:
    """Reference: §4.1: when the entry holding the configuration in use is truncated, the server goes back to
    the one before it; when that one was compacted, it is the snapshot's."""
    snapshot = Snapshot(SnapshotMetadata(3, 1, WITH_N4), KeyValueStore().image())
    promoted = Configuration(frozenset({*THREE, "n4"}))
    log = RaftLog([config_entry(1, promoted)], offset=3, offset_term=1)
    node = make_node("n2", log=log, snapshot=snapshot, term=1)
    assert node.config == promoted
    node.step(10.0, "n3", append(2, "n3", 3, 1, [2], commit=3))  # a new leader's entry replaces index 4
    ready = take(node)
    assert (node.config, node.config_index, node.log.terms()) == (WITH_N4, 3, [2])
    assert ConfigNoted(ConfigPhase.IN_FORCE, 3, WITH_N4) in notes(ready, ConfigNoted)


def test_installing_a_snapshot_commits_the_configuration_entries_it_covers() -> None:
    """Trace events for each configuration entry appended, committed and in force: a follower whose log holds the
    snapshot's last entry holds the leader's entries up to it (Log Matching), so its configuration entries there
    are committed with the snapshot, and noted as such."""
    log = RaftLog([Entry(1), config_entry(1, WITH_N4), Entry(1), Entry(1)])
    node = make_node("n2", log=log, term=1)
    node.step(
        5.0,
        "n1",
        InstallSnapshot(1, "n1", Snapshot(SnapshotMetadata(3, 1, WITH_N4), KeyValueStore().image())),
    )
    assert notes(take(node), ConfigNoted) == [ConfigNoted(ConfigPhase.COMMITTED, 2, WITH_N4)]


def test_a_discarded_log_commits_none_of_its_configuration_entries() -> None:
    log = RaftLog([Entry(1), config_entry(1, WITH_N4), Entry(2)])  # index 3 conflicts with the snapshot's
    node = make_node("n2", log=log, term=2)
    node.step(
        5.0,
        "n1",
        InstallSnapshot(2, "n1", Snapshot(SnapshotMetadata(3, 1, WITH_N4), KeyValueStore().image())),
    )
    assert ConfigNoted(ConfigPhase.COMMITTED, 2, WITH_N4) not in notes(take(node), ConfigNoted)
