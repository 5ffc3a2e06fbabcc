"""Quorum arithmetic for a configuration of voters (§5.2, §5.4).

A configuration object rather than a number: :class:`MajorityConfig` for one set of voters, and
:class:`JointConfig` for joint consensus (thesis §4.3), with the same two questions: has an election been won,
and which index does a quorum hold?
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import Enum


class VoteResult(Enum):
    WON = "won"
    LOST = "lost"
    PENDING = "pending"


@dataclass(frozen=True, slots=True)
class MajorityConfig:
    """A set of voters; a majority is more than half of them.

    ``off_by_one`` makes a majority floor(n/2) instead of floor(n/2) + 1 (a switchable bug for lessons).
    """

    voters: frozenset[str]
    off_by_one: bool = False

    @property
    def majority(self) -> int:
        size = len(self.voters)
        if self.off_by_one:
            return max(1, size // 2)
        return size // 2 + 1

    def vote_result(self, granted: Collection[str], rejected: Collection[str]) -> VoteResult:
        """Won once a majority granted; lost once a majority can no longer be reached."""
        yes = sum(1 for v in granted if v in self.voters)
        no = sum(1 for v in rejected if v in self.voters)
        if yes >= self.majority:
            return VoteResult.WON
        if len(self.voters) - no < self.majority:
            return VoteResult.LOST
        return VoteResult.PENDING

    def committed_index(self, match: Mapping[str, int]) -> int:
        """The largest index that a majority of voters hold (voters missing from ``match`` hold 0)."""
        indexes = sorted((match.get(v, 0) for v in self.voters), reverse=True)
        return indexes[self.majority - 1] if indexes else 0


@dataclass(frozen=True, slots=True)
class JointConfig:
    """Joint consensus (C_old,new): elections and commits need a majority of ``incoming`` and, separately, a
    majority of ``outgoing``. Reference: §4.3 of the thesis (etcd's ``JointConfig``)."""

    incoming: MajorityConfig
    outgoing: MajorityConfig

    @property
    def voters(self) -> frozenset[str]:
        return self.incoming.voters | self.outgoing.voters

    def vote_result(self, granted: Collection[str], rejected: Collection[str]) -> VoteResult:
        """Won once both halves are won; lost once either half is lost."""
        first = self.incoming.vote_result(granted, rejected)
        second = self.outgoing.vote_result(granted, rejected)
        if first is VoteResult.LOST or second is VoteResult.LOST:
            return VoteResult.LOST
        if first is VoteResult.WON and second is VoteResult.WON:
            return VoteResult.WON
        return VoteResult.PENDING

    def committed_index(self, match: Mapping[str, int]) -> int:
        """The largest index both halves' majorities hold."""
        return min(self.incoming.committed_index(match), self.outgoing.committed_index(match))
