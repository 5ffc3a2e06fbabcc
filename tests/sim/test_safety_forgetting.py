"""The safety checker forgets the committed prefix no server can reach any more (raft/sim/safety.py): its
per-index state stays bounded over a long run with snapshots, it keeps what a server whose storage lags, or that
is down, can still bring back, and every violation it found before it still finds, at the same event."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from raft.properties import Property
from raft.sim.safety import SafetyChecker, SafetyViolationError, Violation
from tests.sim.test_safety import append, apply, commit, elected, meta, role, snapshot, truncate

Ev = dict[str, Any]
NODES = ("a", "b", "c")


def restarted_from_snapshot(t: float, node: str, index: int, term: int) -> list[Ev]:
    """``node`` crashes at ``t`` and restarts a millisecond later in term 1 (voted for a) with an empty log and
    its stored snapshot of ``index`` in ``term``."""
    restart = {"t_ms": t + 1, "type": "restart", "node": node, "term": 1, "voted_for": "a", "log": []}
    return [{"t_ms": t, "type": "crash", "node": node}, {**restart, "snapshot": [index, term]}]


class Disk:
    """What each server's storage holds: the last index of its stored snapshot (written at once unless
    ``lagging``: then that server's snapshot writes are lost in flight)."""

    def __init__(self) -> None:
        self.stored: dict[str, int] = dict.fromkeys(NODES, 0)
        self.lagging: set[str] = set()

    def __call__(self, node: str) -> int:
        return self.stored[node]


def healthy(entries: int, every: int, disk: Disk | None = None, start: int = 1) -> Iterator[Ev]:
    """``a`` leads term 1 and replicates ``entries`` writes from index ``start``; every server commits,
    applies, and snapshots every ``every`` entries (recorded on ``disk``, as the simulation's storage would)."""
    for index in range(start, start + entries):
        t = float(index)
        for node in NODES:
            yield append(t, node, index, 1, f"k={index}")
        for node in NODES:
            yield commit(t, node, index)
            yield apply(t, node, index, 1, f"k={index}")
            if index % every == 0:
                if disk is not None and node not in disk.lagging:
                    disk.stored[node] = index
                yield snapshot(t, node, index, 1)


def opening() -> list[Ev]:
    return [meta(*NODES), *elected(1, "a", 1), role(1, "b", "follower", 1), role(1, "c", "follower", 1)]


def feed(checker: SafetyChecker, events: Any, watch: Callable[[SafetyChecker], None] | None = None) -> None:
    for event in events:
        checker(event)
        if watch is not None:
            watch(checker)


def sizes(checker: SafetyChecker) -> dict[str, int]:
    """The sizes of the checker's per-index state."""
    return {
        "committed": len(checker.committed),
        "commit_terms": len(checker.commit_terms),
        "registry": len(checker.registry) + len(checker.other_entries),
        "applied": len(checker.applied),
        **{f"log {node}": len(log) for node, log in checker.logs.items()},
    }


def test_per_index_state_stays_bounded_over_a_long_run_with_snapshots() -> None:
    disk = Disk()
    checker = SafetyChecker(stored_snapshot=disk)
    feed(checker, opening())
    largest: dict[str, int] = {}

    def watch(c: SafetyChecker) -> None:
        for name, size in sizes(c).items():
            largest[name] = max(largest.get(name, 0), size)

    feed(checker, healthy(20_000, every=100, disk=disk), watch)
    assert checker.violations == []
    assert checker.floor == 20_000  # everything committed everywhere and stored under a snapshot
    assert max(largest.values()) <= 100  # never more than one snapshot interval
    assert checker.forgotten_runs == [(1, 1)]  # the forgotten prefix: one run of term 1


def test_without_the_storage_nothing_is_forgotten() -> None:
    checker = SafetyChecker()
    feed(checker, [*opening(), *healthy(1_000, every=100)])
    assert checker.floor == 0
    assert len(checker.registry) == len(checker.committed) == len(checker.applied) == 1_000


def test_a_server_down_holds_the_floor_at_the_snapshot_its_storage_keeps() -> None:
    disk = Disk()
    checker = SafetyChecker(stored_snapshot=disk)
    feed(checker, [*opening(), *healthy(300, every=100, disk=disk)])
    assert checker.floor == 300
    checker({"t_ms": 400, "type": "crash", "node": "c"})
    disk.lagging.add("c")  # down: its storage keeps what it held
    feed(checker, (e for e in healthy(1_000, every=100, disk=disk, start=301) if e.get("node") != "c"))
    assert checker.floor == 300  # what c's restart brings back, and everything after it, is kept
    assert len(checker.registry) == 1_000
    restart = {"t_ms": 2000, "type": "restart", "node": "c", "term": 1, "voted_for": "a", "log": [1] * 50}
    checker({**restart, "snapshot": [300, 1]})
    checker(role(2000, "c", "follower", 1))
    for index in range(351, 1301):  # c catches up by appends from where its stored log ends
        checker(append(2001, "c", index, 1, f"k={index}"))
    checker(commit(2002, "c", 1300))
    checker(snapshot(2003, "c", 1300, 1))
    disk.stored["c"] = 1300
    checker(snapshot(2004, "a", 1300, 1))
    assert checker.violations == []
    assert checker.floor == 1300


def lagging_c() -> tuple[SafetyChecker, Disk]:
    """Entries 1-300 committed everywhere; c's snapshot writes after index 100 were lost in flight, so its
    storage holds the snapshot of index 100 only: the floor stays there."""
    disk = Disk()
    checker = SafetyChecker(stored_snapshot=disk)
    feed(checker, [*opening(), *healthy(100, every=100, disk=disk)])
    disk.lagging.add("c")
    feed(checker, healthy(200, every=100, disk=disk, start=101))
    assert checker.floor == 100
    checker({"t_ms": 400, "type": "crash", "node": "c"})
    restart = {"t_ms": 500, "type": "restart", "node": "c", "term": 1, "voted_for": "a", "log": [1] * 50}
    checker({**restart, "snapshot": [100, 1]})
    return checker, disk


def test_a_restart_from_a_lagging_storage_is_still_checked_entry_by_entry() -> None:
    """c's restart brings back the entries after its stored snapshot (indices 101-150): an entry re-appended
    at 151 with another command, below what c and every other server had snapshotted, is still caught."""
    checker, _ = lagging_c()
    with pytest.raises(SafetyViolationError) as raised:
        checker(append(501, "c", 151, 1, "forged"))
    assert raised.value.violation.property == Property.LOG_MATCHING
    assert raised.value.violation.index == 151


def test_a_restart_from_a_lagging_storage_commits_and_applies_what_was_committed() -> None:
    checker, _ = lagging_c()
    for index in range(151, 301):
        checker(append(501, "c", index, 1, f"k={index}"))
    checker(commit(502, "c", 300))
    with pytest.raises(SafetyViolationError) as raised:
        checker(apply(503, "c", 101, 1, "forged"))
    assert raised.value.violation.property == Property.STATE_MACHINE_SAFETY


# ------------------------------------------------------------------ the same verdicts with and without forgetting


def warmed(disk: Disk | None) -> list[Ev]:
    """A long healthy prefix (2,000 entries, snapshots every 100), then b is elected in term 2 (no entry of
    its own yet)."""
    return [
        *opening(),
        *healthy(2_000, every=100, disk=disk),
        *elected(3000, "b", 2),
        role(3000, "a", "follower", 2),
    ]


#: Endings that break a property after the warm-up, each with the property it breaks.
ENDINGS: dict[str, tuple[Property, list[Ev]]] = {
    "Log Matching: another command at a known index and term": (
        Property.LOG_MATCHING,
        [append(3001, "b", 2_001, 2, "x=1"), append(3001, "c", 2_001, 2, "forged")],
    ),
    "Log Matching: an append that leaves a gap": (Property.LOG_MATCHING, [append(3001, "b", 2_002, 2)]),
    "Leader Append-Only": (
        Property.LEADER_APPEND_ONLY,
        [append(3001, "b", 2_001, 2), truncate(3002, "b", 2_001)],
    ),
    "State Machine Safety: a truncation below the commit index": (
        Property.STATE_MACHINE_SAFETY,
        [truncate(3001, "c", 1_950)],
    ),
    "State Machine Safety: a commit of another entry": (
        Property.STATE_MACHINE_SAFETY,
        [
            append(3001, "b", 2_001, 2),
            append(3001, "a", 2_001, 2),
            commit(3002, "b", 2_001),
            *restarted_from_snapshot(3003, "c", 2_000, 1),
            role(3004, "c", "candidate", 3),
            append(3005, "c", 2_001, 3),
            commit(3006, "c", 2_001),
        ],
    ),
    "State Machine Safety: a snapshot installed below the commit index": (
        Property.STATE_MACHINE_SAFETY,
        [snapshot(3001, "c", 1_990, 1, leader="b", kept=10)],
    ),
    "State Machine Safety: an install discarding committed entries below the floor": (
        Property.STATE_MACHINE_SAFETY,
        [snapshot(3001, "c", 1_500, 1, leader="b")],
    ),
    "State Machine Safety: a restart from a snapshot of a forgotten index in another term": (
        Property.STATE_MACHINE_SAFETY,
        [
            *restarted_from_snapshot(3003, "c", 1_000, 2),
        ],
    ),
    "Log Matching: an install keeping entries its log does not hold": (
        Property.LOG_MATCHING,
        [snapshot(3001, "c", 1_999, 1, leader="b", kept=2)],  # c's log ends at 2,000
    ),
    "State Machine Safety: an apply of another entry": (
        Property.STATE_MACHINE_SAFETY,
        [
            append(3001, "b", 2_001, 2, "x=1"),
            append(3001, "c", 2_001, 2, "x=1"),
            commit(3002, "b", 2_001),
            apply(3002, "b", 2_001, 2, "x=1"),
            commit(3003, "c", 2_001),
            apply(3003, "c", 2_001, 2, "x=2"),
        ],
    ),
    "Leader Completeness": (
        Property.LEADER_COMPLETENESS,
        [
            append(3001, "b", 2_001, 2),
            append(3001, "a", 2_001, 2),
            commit(3002, "b", 2_001),
            *restarted_from_snapshot(3003, "c", 2_000, 1),
            *elected(3005, "c", 3),
        ],
    ),
    "Election Safety": (Property.ELECTION_SAFETY, [*elected(3001, "c", 2)]),
    "Commit Monotonicity": (Property.COMMIT_MONOTONICITY, [commit(3001, "c", 1_999)]),
}


def verdict(checker: SafetyChecker, events: list[Ev]) -> Violation | None:
    try:
        feed(checker, events)
    except SafetyViolationError as error:
        return error.violation
    return None


@pytest.mark.parametrize("name", list(ENDINGS))
def test_every_violation_is_found_as_without_forgetting(name: str) -> None:
    prop, ending = ENDINGS[name]
    disk = Disk()
    forgetting = SafetyChecker(stored_snapshot=disk)
    assert verdict(forgetting, warmed(disk)) is None
    assert forgetting.floor == 2_000
    keeping = SafetyChecker()
    assert verdict(keeping, warmed(None)) is None
    found = verdict(forgetting, ending)
    assert found is not None and found.property == prop.value
    assert found == verdict(keeping, ending)  # same property, time, nodes, term, index and detail


@pytest.mark.parametrize("check_quorum", [False, True])
def test_subscribed_to_a_bus_each_type_reaches_its_handler(check_quorum: bool) -> None:
    """``subscribe`` (each checked type straight to its handler, as :func:`raft.api.simulate` does) finds what
    calling the checker with each event finds."""
    from raft.sim.events import EventBus
    from tests.sim.test_safety import BROKEN

    for prop, events in BROKEN.items():
        bus = EventBus()
        checker = SafetyChecker()
        checker.subscribe(bus, check_quorum)
        with pytest.raises(SafetyViolationError) as raised:
            for event in events:
                bus.emit(event)  # type: ignore[arg-type]
        assert raised.value.violation.property == prop
