"""Durable storage (raft/sim/storage.py) and write latency: nothing leaves before it is durable."""

from __future__ import annotations

import pytest

from raft.api import simulate
from raft.core.messages import Entry
from raft.core.node import HardState, Ready
from raft.core.quorum import MajorityConfig
from raft.core.snapshot import Snapshot, SnapshotMetadata
from raft.core.statemachine import StoreImage
from raft.sim.events import EventBus
from raft.sim.simulation import Simulation
from raft.sim.storage import Storage
from tests.sim.simkit import Driven, scenario


def ready(hard_state: HardState | None, log_from: int | None, terms: list[int]) -> Ready:
    return Ready((), hard_state, log_from, tuple(Entry(t) for t in terms), ())


def test_write_replaces_the_log_from_log_from() -> None:
    storage = Storage()
    storage.write(ready(HardState(1, "n1"), 1, [1, 1, 1]))
    storage.write(ready(None, 2, [2]))
    assert (storage.term, storage.voted_for) == (1, "n1")
    assert [e.term for e in storage.entries] == [1, 2]


def test_durable_index_excludes_entries_a_pending_write_rewrites() -> None:
    storage = Storage(entries=[Entry(1)] * 5)
    assert storage.durable_index == 5
    storage.pending_log_from.append(3)
    assert storage.durable_index == 2


def test_recover_drops_pending_writes() -> None:
    storage = Storage(term=4, voted_for="n2", entries=[Entry(1), Entry(4)])
    storage.pending_log_from.append(3)
    term, voted_for, log = storage.recover()
    assert (term, voted_for, log.terms()) == (4, "n2", [1, 4])
    assert not storage.pending_log_from


def test_no_vote_or_request_leaves_before_the_write_is_durable() -> None:
    """Figure 2: persist currentTerm and votedFor before responding; a candidate's RequestVote waits too."""
    result = simulate(scenario(storage={"write_ms": 20}, duration_ms=1500), seed=3)
    events = result.events or ()
    sends = [e for e in events if e["type"] == "send"]
    grants = [e for e in events if e["type"] == "vote" and e["granted"]]
    assert grants
    for vote in grants:
        reply = next(
            s
            for s in sends
            if s["msg"] == "RequestVoteResponse"
            and s["from"] == vote["node"]
            and s["to"] == vote["candidate"]
            and s["term"] == vote["term"]
            and s["t_ms"] >= vote["t_ms"]
        )
        assert reply["t_ms"] >= vote["t_ms"] + 20 - 1e-9
    for timeout in (e for e in events if e["type"] == "timeout"):
        requests = [
            s
            for s in sends
            if s["msg"] == "RequestVote" and s["from"] == timeout["node"] and s["term"] == timeout["term"] + 1
        ]
        assert all(s["t_ms"] >= timeout["t_ms"] + 20 - 1e-9 for s in requests)
    appends = [e for e in events if e["type"] == "append" and e["command"]]
    for append in appends[:20]:
        ack = next(
            s
            for s in sends
            if s["msg"] == "AppendEntriesResponse"
            and s["from"] == append["node"]
            and s["t_ms"] >= append["t_ms"]
            and s["match_index"] >= append["index"]
        )
        assert ack["t_ms"] >= append["t_ms"] + 20 - 1e-9


def test_crash_loses_a_write_in_progress() -> None:
    run = Driven(scenario(storage={"write_ms": 10}, cluster={"election_timeout_ms": [500, 600]}))
    n1 = run.sim.servers["n1"]
    run.at(0.0, lambda: run.sim.force_timeout("n1"))  # term 1, vote for self: being written until t=10
    run.at(5.0, lambda: run.sim.crash("n1"))
    run.at(20.0, lambda: run.sim.restart("n1"))
    run.run(30.0)
    assert run.of("role", node="n1", role="candidate", term=1)  # it did become a candidate in memory ...
    assert run.sim.network.sent == 0  # ... but no RequestVote left before the write was durable
    assert run.of("restart", node="n1") == [
        {"t_ms": 20.0, "type": "restart", "node": "n1", "term": 0, "voted_for": None, "log": []}
    ]
    assert n1.node is not None and n1.node.current_term == 0


def test_leader_counts_itself_only_once_durable() -> None:
    run = Driven(scenario(size=1, storage={"write_ms": 10}))
    run.at(0.0, lambda: run.sim.force_timeout("n1"))
    run.run(50.0)
    [leader] = run.of("role", role="leader")
    [commit] = run.of("commit")
    assert leader["t_ms"] == 0.0 and commit["t_ms"] == 10.0 and commit["index"] == 1


def test_without_write_latency_a_single_node_commits_at_once() -> None:
    run = Driven(scenario(size=1))
    run.at(0.0, lambda: run.sim.force_timeout("n1"))
    run.run(50.0)
    assert [(e["t_ms"], e["index"]) for e in run.of("commit")] == [(0.0, 1)]


def test_writes_are_grouped_so_a_slow_disk_keeps_up_with_load() -> None:
    """Everything produced while a write is in progress goes into the next write: at 150 writes/s and a
    10 ms disk (1.5 writes per disk time), every write is acknowledged and every follower catches up."""
    result = simulate(
        scenario(storage={"write_ms": 10}, workload={"writes_per_s": 150, "stop_ms": 2000}, duration_ms=3000),
        seed=1,
        record=False,
    )
    writes = result.summary["writes"]
    assert writes["submitted"] > 250
    assert writes["acknowledged"] == writes["submitted"]
    assert writes["latency_ms"]["p50"] < 100  # (the p99 includes writes submitted before the first election)
    assert len(set(result.summary["commit_index"].values())) == 1


def test_a_leader_replicates_in_parallel_with_its_own_write() -> None:
    """Thesis §10.2.1: the leader's AppendEntries leave when the entry is appended, not after its write;
    replies still wait for the disk."""
    result = simulate(
        scenario(storage={"write_ms": 20}, workload={"writes_per_s": 10}, duration_ms=2000), seed=2
    )
    events = result.events or ()
    appends = [e for e in events if e["type"] == "append" and e["command"] is not None]
    leader_appends = [
        a
        for a in appends
        if any(
            e["type"] == "role" and e["node"] == a["node"] and e["role"] == "leader"
            for e in events
            if e["t_ms"] <= a["t_ms"]
        )
    ]
    assert leader_appends
    first = leader_appends[0]
    sends = [
        e
        for e in events
        if e["type"] == "send"
        and e["msg"] == "AppendEntries"
        and e["from"] == first["node"]
        and e["t_ms"] == first["t_ms"]
        and e["entries"] > 0
    ]
    assert sends, "the leader sent the new entry at once"
    replies = [
        e
        for e in events
        if e["type"] == "send"
        and e["msg"] == "AppendEntriesResponse"
        and e["reply_to"] in {s["id"] for s in sends}
    ]
    arrivals = {e["id"]: e["t_ms"] for e in events if e["type"] == "deliver"}
    assert replies and all(r["t_ms"] >= arrivals[r["reply_to"]] + 20 - 1e-9 for r in replies)


def test_what_a_node_counts_durable_is_what_storage_keeps_through_truncations() -> None:
    """A slow disk, an old leader's entries truncated after a partition heals, a crash losing writes: after every
    acknowledgement the server asserts that the node counts no more durable than storage keeps (the cases where
    it could are tested by hand in tests/core/test_durability.py), and once the disk is idle the node counts
    all of it: acknowledgements name the stored log's end correctly."""
    sc = scenario(
        size=5,
        duration_ms=4000,
        storage={"write_ms": 3},
        network={"latency_ms": [1, 3], "drop_rate": 0.05},
        workload={"writes_per_s": 60},
        events=[
            {"at_ms": 0, "timeout": "n1"},
            {"at_ms": 300, "partition": [["n1", "n2"], ["n3", "n4", "n5"]]},
            {"at_ms": 1500, "heal": True},
            {"at_ms": 2000, "crash": "n3"},
            {"at_ms": 2000, "partition": [["n1", "n2"], ["n3", "n4", "n5"]]},
            {"at_ms": 2800, "restart": "n3"},
            {"at_ms": 3000, "heal": True},
        ],
    )
    bus = EventBus()
    truncations: list[dict[str, object]] = []
    bus.subscribe(truncations.append, {"truncate"})
    sim = Simulation(sc, seed=sc.seed, duration_ms=sc.duration_ms, bus=bus)
    outcome = sim.run()
    assert outcome.violation is None
    assert len({e["node"] for e in truncations}) >= 2  # entries were truncated, on more than one node
    for server in sim.servers.values():
        node = server.node
        assert node is not None
        if not server.storage.pending_log_from:
            assert node.durable_index == server.storage.durable_index == node.log.last_index


def test_disk_writes_take_their_drawn_durations_with_occasional_stalls() -> None:
    """A candidate persists its term and vote before its RequestVotes leave: over many seeds, the time from its
    timeout to its RequestVote is one write, whose durations have the configured median and whose stalls come at
    the configured rate and add the configured time."""
    gaps = []
    for seed in range(600):
        sc = scenario(
            size=3,
            duration_ms=400,
            cluster={"size": 3, "election_timeout_ms": [150, 300]},
            storage={
                "write_ms": {"dist": "lognormal", "median_ms": 2.0, "sigma": 0.3},
                "fsync_stall_rate": 0.1,
                "fsync_stall_ms": 40,
            },
        ).model_copy(update={"seed": seed})
        events = simulate(sc, seed=seed).recorded_events()
        timeout = next(e for e in events if e["type"] == "timeout")
        vote = next(
            e
            for e in events
            if e["type"] == "send" and e["msg"] == "RequestVote" and e["from"] == timeout["node"]
        )
        gaps.append(vote["t_ms"] - timeout["t_ms"])
    fast = sorted(g for g in gaps if g < 20)
    stalled = [g for g in gaps if g >= 20]
    assert len(stalled) / len(gaps) == pytest.approx(0.1, abs=0.03)
    assert fast[len(fast) // 2] == pytest.approx(2.0, rel=0.06)
    assert sorted(stalled)[len(stalled) // 2] == pytest.approx(42.0, rel=0.06)


# ------------------------------------------------------------------ snapshots (thesis §5.1)


def _snapshot(index: int, term: int) -> Snapshot:
    return Snapshot(SnapshotMetadata(index, term, MajorityConfig(frozenset({"n1"}))), StoreImage())


def test_a_stored_snapshot_replaces_the_entries_it_covers_and_keeps_indexes() -> None:
    storage = Storage()
    storage.write(ready(None, 1, [1, 1, 1, 2, 2]))
    storage.write(ready(None, None, [])._replace(snapshot=_snapshot(3, 1)))
    assert (storage.offset, [e.term for e in storage.entries], storage.log_end) == (3, [2, 2], (5, 2))
    storage.write(ready(None, 5, [3]))  # rewrite from index 5 on: the index survives compaction
    assert ([e.term for e in storage.entries], storage.log_end) == ([2, 3], (5, 3))
    term, _, log = storage.recover()
    assert (log.offset, log.offset_term, log.last_index, log.terms()) == (3, 1, 5, [2, 3])


def test_an_empty_log_after_a_snapshot_ends_at_the_snapshot() -> None:
    storage = Storage()
    storage.write(ready(None, None, [])._replace(snapshot=_snapshot(4, 2)))
    assert storage.log_end == (4, 2) and storage.durable_index == 4


def test_a_restart_recovers_from_snapshot_plus_log() -> None:
    """A server crashed after compacting restarts with its snapshot's state and commitIndex, then the log."""
    sc = scenario(
        duration_ms=4000,
        storage={"snapshot_every": 4},
        workload={"clients": 1, "writes_per_s": 40},
        events=[{"at_ms": 2000, "crash": "n1"}, {"at_ms": 2100, "restart": "n1"}],
    )
    result = simulate(sc, seed=1)
    events = result.events or ()
    restart = next(e for e in events if e["type"] == "restart")
    index, _ = restart["snapshot"]
    assert index > 4
    taken = [e["index"] for e in events if e["type"] == "snapshot" and e["node"] == "n1" and e["t_ms"] < 2000]
    assert index == taken[-1]
    assert result.outcome.violation is None
    ends = result.outcome.nodes
    assert ends["n1"].commit_index == ends["n2"].commit_index > index


def test_a_snapshot_write_takes_snapshot_write_ms_more() -> None:
    """The write that stores a snapshot holds the replies behind it for write_ms + snapshot_write_ms."""
    driven = Driven(scenario(storage={"write_ms": 2, "snapshot_write_ms": 30, "snapshot_every": 2}))
    for i in range(6):
        driven.at(400 + 20 * i, lambda i=i: driven.sim.scripted_write(f"k={i}", None))
    driven.run(1200)
    snaps = driven.of("snapshot")
    checked = 0
    for snap in snaps:
        node = snap["node"]
        after = [e for e in driven.of("send", **{"from": node}) if e["t_ms"] > snap["t_ms"] - 1e-9]
        held = [e for e in after if e["msg"] == "AppendEntriesResponse"]
        if held:
            assert held[0]["t_ms"] >= snap["t_ms"] + 32 - 1e-9
            checked += 1
    assert checked
