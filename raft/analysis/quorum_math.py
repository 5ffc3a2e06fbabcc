"""Quorum arithmetic for lessons: majority size, failures tolerated, and the availability of a cluster whose
nodes are up independently with probability ``a`` (the binomial formula of the etcd FAQ's reasoning).

Reference: §5.2 (a candidate needs votes from a majority), §5.3 (an entry commits on a majority).
"""

from __future__ import annotations

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
