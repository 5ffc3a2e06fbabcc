"""Cluster membership (thesis chapter 4): the configuration a server uses, the changes an operator asks for, and
how a leader decides that a learner has caught up.

A configuration travels in the log, in an entry of its own (:attr:`~raft.core.messages.Entry.config`), and a
server uses the latest configuration in its log, committed or not (§4.1); when the entry holding it is truncated,
the server goes back to the one before. This module owns the values; the rules that use them (one change at a
time, a new leader first commits an entry of its term, a removed leader steps down) are methods of
:class:`~raft.core.node.RaftNode`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from raft.core.quorum import JointConfig, MajorityConfig
from raft.errors import RaftSimError


@dataclass(frozen=True, slots=True)
class Configuration:
    """The servers of the cluster as one server sees them: ``voters`` (who elect and whose majority commits),
    ``learners`` (non-voting members: they receive entries but are not counted, §4.2.1) and, during joint
    consensus only, ``outgoing``: the voters of the old configuration, whose majority is needed too (§4.3).

    Invariant: a server is in at most one of ``voters`` and ``learners``; ``outgoing`` is empty outside joint
    consensus. A snapshot stores this value as it stands.
    """

    voters: frozenset[str]
    learners: frozenset[str] = frozenset()
    outgoing: frozenset[str] = frozenset()

    @property
    def is_joint(self) -> bool:
        """In joint consensus (C_old,new): both majorities are needed. Reference: §4.3."""
        return bool(self.outgoing)

    @property
    def all_voters(self) -> frozenset[str]:
        """Every server whose vote counts (both halves of a joint configuration)."""
        return self.voters | self.outgoing

    @property
    def members(self) -> frozenset[str]:
        """Every server a leader replicates to: voters of both halves and learners."""
        return self.voters | self.outgoing | self.learners

    def quorum(self, off_by_one: bool = False) -> MajorityConfig | JointConfig:
        """The quorum object: a majority of ``voters``, or in joint consensus a majority of each half."""
        incoming = MajorityConfig(self.voters, off_by_one)
        if not self.outgoing:
            return incoming
        return JointConfig(incoming, MajorityConfig(self.outgoing, off_by_one))

    def describe(self) -> str:
        """``voters n1, n2, n3; learners n4`` (the outgoing half shown in joint consensus)."""
        parts = [f"voters {', '.join(sorted(self.voters)) or 'none'}"]
        if self.outgoing:
            parts.append(f"outgoing {', '.join(sorted(self.outgoing))}")
        if self.learners:
            parts.append(f"learners {', '.join(sorted(self.learners))}")
        return "; ".join(parts)


class ChangeKind(Enum):
    """What an operator asks of the leader; the values are the scenario events' names."""

    ADD = "add"
    PROMOTE = "promote"
    REMOVE = "remove"
    CHANGE = "change"


@dataclass(frozen=True, slots=True)
class ConfChange:
    """A membership change as asked: ``add`` one server as a learner, ``promote`` a learner to voter,
    ``remove`` one server (single-server changes, §4.1, §4.2.1), or ``change`` any set of voters at once
    through joint consensus (§4.3): the servers in ``add`` become voters, those in ``remove`` leave."""

    kind: ChangeKind
    add: frozenset[str] = frozenset()
    remove: frozenset[str] = frozenset()

    @classmethod
    def single(cls, kind: ChangeKind, node: str) -> ConfChange:
        if kind is ChangeKind.REMOVE:
            return cls(kind, remove=frozenset({node}))
        return cls(kind, add=frozenset({node}))


class ChangeRefused(RaftSimError):
    """The leader refused a membership change; the message says which rule refused it."""


def apply_change(config: Configuration, change: ConfChange) -> Configuration:
    """The configuration ``change`` leads to from ``config`` (for ``change``, the joint configuration).

    Raises :class:`ChangeRefused` for a change that makes no sense in ``config``.
    """
    if config.is_joint:
        raise ChangeRefused("the configuration is joint: the leader leaves it first (§4.3)")
    (node,) = change.add or change.remove if change.kind is not ChangeKind.CHANGE else ("",)
    match change.kind:
        case ChangeKind.ADD:
            if node in config.members:
                raise ChangeRefused(f"{node} is already a member")
            return Configuration(config.voters, config.learners | {node})
        case ChangeKind.PROMOTE:
            if node not in config.learners:
                raise ChangeRefused(f"{node} is not a learner")
            return Configuration(config.voters | {node}, config.learners - {node})
        case ChangeKind.REMOVE:
            if node not in config.members:
                raise ChangeRefused(f"{node} is not a member")
            voters = config.voters - {node}
            if not voters:
                raise ChangeRefused(f"removing {node} would leave no voters")
            return Configuration(voters, config.learners - {node})
    unknown = change.remove - config.members
    if unknown:
        raise ChangeRefused(f"{', '.join(sorted(unknown))} not a member")
    voters = (config.voters - change.remove) | change.add
    if not voters:
        raise ChangeRefused("the change would leave no voters")
    if voters == config.voters:
        raise ChangeRefused("the change leaves the voters as they are")
    return Configuration(voters, config.learners - change.add - change.remove, outgoing=config.voters)


def leave_joint(config: Configuration) -> Configuration:
    """C_new, once C_old,new is committed: the incoming voters only. Reference: §4.3."""
    return Configuration(config.voters, config.learners)


@dataclass(slots=True)
class CatchUp:
    """A learner the leader was asked to promote, caught up in rounds (§4.2.1): each round replicates the
    entries in the leader's log when the round began (up to ``round_end``); a round that ends within an election
    timeout of its start shows the learner keeps up, and it is caught up. Volatile leader state: a new leader
    knows of no promotion asked of the old one."""

    round_end: int
    round_started: float
    caught_up: bool = False
    rounds: int = 1

    def on_match(self, now: float, match_index: int, last_index: int, timeout_ms: float) -> None:
        """The learner's log now matches up to ``match_index``: end the round if it reached ``round_end``."""
        if self.caught_up or match_index < self.round_end:
            return
        if now - self.round_started < timeout_ms or match_index >= last_index:
            self.caught_up = True
            return
        self.round_end = last_index
        self.round_started = now
        self.rounds += 1
