"""Quorum arithmetic for lessons: majority size, failures tolerated, the two-way splits that leave a majority
side, and the availability of a cluster whose nodes are up independently with probability ``a`` (the binomial
formula of the etcd FAQ's reasoning).

Reference: §5.2 (a candidate needs votes from a majority), §5.3 (an entry commits on a majority).
"""

from __future__ import annotations

import math
from math import comb

from raft.core.quorum import MajorityConfig


def majority(n: int) -> int:
    """Votes (or replicas) needed in a cluster of ``n``: floor(n/2) + 1, as the core's quorum counts them."""
    if n < 1:
        raise ValueError(f"cluster size must be at least 1, got {n}")
    return MajorityConfig(frozenset(str(i) for i in range(n))).majority


def failures_tolerated(n: int) -> int:
    """How many nodes may fail while a majority is still up: n - majority(n) = floor((n-1)/2)."""
    return n - majority(n)


def availability(n: int, a: float) -> float:
    """Probability that at least a majority of ``n`` nodes is up, each up independently with probability ``a``:
    the sum over k >= majority of C(n, k) a^k (1 - a)^(n - k)."""
    if not 0.0 <= a <= 1.0:
        raise ValueError(f"availability of a node must be in [0, 1], got {a}")
    return sum(comb(n, k) * a**k * (1.0 - a) ** (n - k) for k in range(majority(n), n + 1))


def split_shapes(n: int) -> list[tuple[int, int]]:
    """(size of the smaller side, number of two-way splits of that shape) for every shape of split of n."""
    shapes = []
    for a in range(1, n // 2 + 1):
        count = math.comb(n, a) // (2 if 2 * a == n else 1)
        shapes.append((a, count))
    return shapes


def majority_split_fraction(n: int) -> float | None:
    """The fraction of two-way splits that leave one side with a majority (``None`` for n = 1: no split)."""
    shapes = split_shapes(n)
    total = sum(count for _, count in shapes)
    if not total:
        return None
    return sum(count for a, count in shapes if n - a >= majority(n)) / total


def joint_failures_tolerated(voters: int, outgoing: int) -> int:
    """How many servers may fail while a configuration still has its quorum, when it is joint (thesis §4.3):
    ``voters`` servers in C_new and ``outgoing`` in C_old, each half needing its own majority. Failures anywhere
    break it once they exceed what one half tolerates, so it tolerates the smaller of the two;
    ``outgoing`` = 0 is a simple configuration of ``voters``. Learners count in no quorum and change nothing."""
    if outgoing == 0:
        return failures_tolerated(voters)
    return min(failures_tolerated(voters), failures_tolerated(outgoing))
