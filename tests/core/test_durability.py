"""What a node counts as durable (raft/core/durability.py, RaftNode.on_persisted): never more than storage keeps.

Storage carries out the node's log writes in the order they were handed out; an acknowledgement names the
(index, term) the stored log ends at and may arrive after later writes truncated or replaced what it covers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from raft.core.durability import Durability
from raft.core.messages import Entry, RequestVoteResponse
from raft.core.node import RaftNode
from raft.core.types import Role
from tests.core.nodekit import append, make_node, ok, take


@dataclass
class Disk:
    """A dumb model of storage: the stored log, and the writes handed out but not yet carried out, in order."""

    entries: list[Entry] = field(default_factory=list)
    queued: list[tuple[int, tuple[Entry, ...]]] = field(default_factory=list)

    def take(self, node: RaftNode) -> None:
        """Take the node's Ready and queue its log write."""
        ready = node.take_ready()
        if ready is not None and ready.log_from is not None:
            self.queued.append((ready.log_from, ready.entries))

    def complete(self) -> tuple[int, int]:
        """Carry out the oldest queued write; returns where the stored log now ends."""
        log_from, entries = self.queued.pop(0)
        del self.entries[log_from - 1 :]
        self.entries.extend(entries)
        return self.end

    @property
    def end(self) -> tuple[int, int]:
        """The (index, term) the stored log ends at."""
        return (len(self.entries), self.entries[-1].term) if self.entries else (0, 0)

    def truly_durable(self, node: RaftNode) -> int:
        """The oracle: the longest prefix of the node's log that is stored now and that no queued write
        rewrites (a crash at any point of the queue keeps it)."""
        agree = 0
        for stored, held in zip(self.entries, node.log.entries, strict=False):
            if stored != held:
                break
            agree += 1
        return min([agree] + [log_from - 1 for log_from, _ in self.queued])


def follower(log: list[int], term: int) -> tuple[RaftNode, Disk]:
    """A follower restarted from a stored log of these terms: everything it holds is durable."""
    node = make_node("n1", term=term, log=log)
    return node, Disk([Entry(t) for t in log])


# --------------------------------------------------------------- by hand


def test_a_late_acknowledgement_after_a_truncation_counts_only_what_no_later_write_rewrites() -> None:
    node, disk = follower([], term=1)
    node.step(1.0, "n2", append(1, "n2", 0, 0, [1, 1, 1]))
    disk.take(node)  # write A: indexes 1..3 of term 1
    node.step(2.0, "n3", append(2, "n3", 1, 1, [2]))  # index 2 conflicts: truncated from 2, (2, 2) appended
    disk.take(node)  # write B: from index 2 on
    assert node.durable_index == 0
    node.on_persisted(*disk.complete())  # A is durable, acknowledged (3, 1) after B was handed out
    assert node.log.last_index == 2
    assert node.durable_index == 1  # not 3 (past the log's end), not 2 (B is still being written)
    node.on_persisted(*disk.complete())
    assert node.durable_index == 2 == disk.truly_durable(node)


def test_a_late_acknowledgement_does_not_let_a_new_leader_count_an_unwritten_entry() -> None:
    """The hazard behind the rule: a node that then leads must not count itself for entries not written."""
    node, disk = follower([], term=1)
    node.step(1.0, "n2", append(1, "n2", 0, 0, [1, 1, 1]))
    disk.take(node)
    node.step(2.0, "n3", append(2, "n3", 1, 1, [2]))
    disk.take(node)
    node.on_persisted(*disk.complete())  # (3, 1): late, its entries 2 and 3 are gone
    node.election_timeout(3.0)
    disk.take(node)
    node.step(3.0, "n2", RequestVoteResponse(3, True))  # leader of term 3: its no-op goes to index 3
    disk.take(node)
    assert node.role is Role.LEADER and node.log.terms() == [1, 2, 3]
    node.step(4.0, "n2", ok(3, 3))  # n2 holds the no-op: with n1 that would be a majority of 3
    assert node.commit_index == 0  # n1's own copy of index 3 is not durable
    node.on_persisted(*disk.complete())  # B
    assert node.commit_index == 0
    node.on_persisted(*disk.complete())  # the no-op
    assert node.commit_index == 3


def test_an_acknowledgement_for_a_replaced_entry_does_not_count_its_replacement() -> None:
    node, disk = follower([1, 1], term=1)
    node.step(1.0, "n2", append(1, "n2", 2, 1, [1]))
    disk.take(node)  # write A: index 3 of term 1
    node.step(2.0, "n3", append(2, "n3", 2, 1, [2]))  # index 3 replaced by an entry of term 2
    disk.take(node)  # write B: index 3 of term 2
    node.on_persisted(3, 1)  # A: the entry at index 3 it names (term 1) was replaced meanwhile
    assert node.durable_index == 2
    node.on_persisted(3, 1)  # the same acknowledgement again: nothing in progress ends there any more
    assert node.durable_index == 2
    node.on_persisted(3, 2)
    assert node.durable_index == 3


def test_an_entry_put_back_with_the_same_index_and_term_is_durable_only_once_its_own_write_is() -> None:
    """Same index, same term, different writes: a follower follows leader n2, then n3 (term 2), then n4 (term
    3), which sends n2's entry again. A crash after the middle write would lose it, so the first write's
    acknowledgement must not count it."""
    node, disk = follower([1], term=1)
    node.step(1.0, "n2", append(1, "n2", 1, 1, [1]))
    disk.take(node)  # A: (2, 1)
    node.step(2.0, "n3", append(2, "n3", 1, 1, [2]))
    disk.take(node)  # B: (2, 2), from index 2
    node.step(3.0, "n4", append(3, "n4", 1, 1, [1]))
    disk.take(node)  # C: (2, 1) again, from index 2
    assert node.log.terms() == [1, 1]
    node.on_persisted(*disk.complete())  # A says (2, 1) ...
    assert node.durable_index == 1 == disk.truly_durable(node)  # ... but B, still queued, rewrites index 2
    node.on_persisted(*disk.complete())  # B: (2, 2)
    assert node.durable_index == 1 == disk.truly_durable(node)
    node.on_persisted(*disk.complete())  # C: (2, 1)
    assert node.durable_index == 2 == disk.truly_durable(node)


def test_an_acknowledgement_past_the_log_or_never_handed_out_is_ignored() -> None:
    node, disk = follower([1, 1], term=1)
    node.on_persisted(7, 1)  # once an IndexError; now nothing
    node.on_persisted(-1, 0)
    node.on_persisted(2, 1)  # the stored log, already counted
    assert node.durable_index == 2
    node.step(1.0, "n2", append(1, "n2", 2, 1, [1]))
    disk.take(node)
    node.on_persisted(3, 1)
    node.on_persisted(3, 1)  # a duplicate
    assert node.durable_index == 3


def test_one_acknowledgement_covers_every_earlier_write() -> None:
    """Storage may group writes and acknowledge only the last."""
    node, disk = follower([], term=1)
    node.step(1.0, "n2", append(1, "n2", 0, 0, [1]))
    disk.take(node)
    node.step(2.0, "n2", append(1, "n2", 1, 1, [1, 1]))
    disk.take(node)
    disk.complete()
    node.on_persisted(*disk.complete())
    assert node.durable_index == 3


def test_an_acknowledgement_from_before_a_restart_is_ignored() -> None:
    node = make_node(term=1, log=[1])
    node.step(1.0, "n2", append(1, "n2", 1, 1, [1, 1]))
    take(node)
    restarted = make_node(term=1, log=[1])  # the write was lost in the crash
    restarted.on_persisted(3, 1)
    assert restarted.durable_index == 1


# ------------------------------------------------------- against an oracle


@st.composite
def histories(draw: st.DrawFn) -> list[tuple[str, int, int, list[int]]]:
    """Steps for one follower: AppendEntries (any prefix point, entries of any terms up to the message's),
    carrying out the oldest queued write, delivering or losing the oldest acknowledgement not yet delivered,
    and acknowledgements of places the log never reached."""
    kinds = st.sampled_from(
        ["append", "append", "complete", "complete", "deliver", "deliver", "lose", "stray"]
    )
    return [
        (
            draw(kinds),
            draw(st.integers(1, 4)),
            draw(st.integers(0, 8)),
            draw(st.lists(st.integers(1, 4), max_size=4)),
        )
        for _ in range(draw(st.integers(1, 40)))
    ]


@settings(max_examples=300, deadline=None)
@given(histories())
def test_durable_index_never_exceeds_what_storage_keeps(steps: list[tuple[str, int, int, list[int]]]) -> None:
    """Writes are carried out in order; their acknowledgements arrive in order, late, or never."""
    node, disk = follower([], term=0)
    acks: list[tuple[int, int]] = []  # completed writes whose acknowledgement is on its way, oldest first
    lost = False
    for kind, term, point, terms in steps:
        if kind == "append":
            term = max(term, node.current_term)
            prev = min(point, node.log.last_index)
            entries = sorted(min(t, term) for t in terms)
            node.step(1.0, "n2", append(term, "n2", prev, node.log.term_at(prev), entries))
            disk.take(node)
        elif kind == "complete" and disk.queued:
            acks.append(disk.complete())
        elif kind == "deliver" and acks:
            node.on_persisted(*acks.pop(0))
        elif kind == "lose" and acks:
            acks.pop(0)
            lost = True
        elif kind == "stray":  # beyond the log and every write in progress: storage never ended there
            reached = max([node.log.last_index, *(w.last_index for w in node.durability.writes_in_progress)])
            node.on_persisted(reached + 1 + point, term)
        assert node.durable_index <= node.log.last_index
        assert node.durable_index <= disk.truly_durable(node)
    for ack in acks:
        node.on_persisted(*ack)
    while disk.queued:  # storage catches up, acknowledging every write
        node.on_persisted(*disk.complete())
    assert node.durable_index <= disk.truly_durable(node)
    if not lost:  # every write acknowledged: everything counts (after a lost one, it may count less)
        assert node.durable_index == node.log.last_index == disk.truly_durable(node)


def test_durability_alone_follows_changes_writes_and_acknowledgements() -> None:
    durability = Durability(3)
    durability.changed_from(4)  # an append
    assert (durability.index, durability.unsent_from) == (3, 4)
    durability.changed_from(2)  # a truncation
    assert (durability.index, durability.unsent_from) == (1, 2)
    assert durability.hand_out(2, 5) == 2 and durability.unsent_from is None
    assert durability.hand_out(2, 5) is None  # nothing changed since
    durability.changed_from(2)  # truncated again, not handed out yet
    assert not durability.acknowledge(2, 5)  # the write is done, but the change from 2 on will rewrite it
    assert durability.index == 1 and durability.writes_in_progress == ()
    assert durability.hand_out(3, 6) == 2
    durability.changed_from(4)
    assert durability.hand_out(4, 6) == 4
    assert [w.log_from for w in durability.writes_in_progress] == [2, 4]
    assert durability.acknowledge(3, 6) and durability.index == 3  # the append from 4 does not rewrite 3
    assert durability.acknowledge(4, 6) and durability.index == 4
    assert durability.writes_in_progress == ()
