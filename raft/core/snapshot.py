"""Snapshots: the state machine at one log index, which lets a server discard the log up to it (thesis §5.1).

A snapshot replaces the log prefix it covers: its metadata is the index and term of the last entry it replaces
(``last_included_index`` / ``last_included_term``, so that the AppendEntries consistency check still works for the
first entry after it) and the configuration in force at that index (so that a server restarting from it, or a
follower installing it, knows its voters). Only applied entries are ever compacted, so a snapshot never holds an
uncommitted entry.

:data:`Configuration` is the type of that configuration: the fixed voter set today
(:class:`~raft.core.quorum.MajorityConfig`); a joint configuration slots in here once membership changes exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from raft.core.quorum import MajorityConfig
from raft.core.statemachine import StoreImage

#: The configuration a snapshot records (thesis §5.1: "the latest configuration as of the last included index").
Configuration = MajorityConfig


@dataclass(frozen=True, slots=True)
class SnapshotMetadata:
    """What a snapshot replaces: the log up to ``last_included_index`` (whose entry had
    ``last_included_term``), and the ``configuration`` in force there. Reference: thesis §5.1, Figure 5.1."""

    last_included_index: int
    last_included_term: int
    configuration: Configuration


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A state machine image and what it replaces. Invariant: ``state`` is the state machine after applying
    exactly the entries 1 .. ``metadata.last_included_index``, in order."""

    metadata: SnapshotMetadata
    state: StoreImage

    @property
    def index(self) -> int:
        return self.metadata.last_included_index

    @property
    def term(self) -> int:
        return self.metadata.last_included_term


def should_snapshot(last_applied: int, snapshot_index: int, snapshot_every: int) -> bool:
    """Whether a server takes a snapshot now: its log holds more than ``snapshot_every`` applied entries since its
    last snapshot (``snapshot_every`` 0: never), as etcd's ``--snapshot-count``. Reference: thesis §5.1."""
    return snapshot_every > 0 and last_applied - snapshot_index > snapshot_every
