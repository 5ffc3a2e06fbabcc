"""The control plane's availability, computed: the API can write when a quorum of etcd members is up and at
least one API server is up and can reach it. Machines are spread over zones in turn (as
:class:`raft.kubernetes.spec.ClusterSpec` places them).
"""

from __future__ import annotations

from math import comb

from raft.analysis.quorum_math import availability, majority

STACKED, EXTERNAL = "stacked", "external"
TOPOLOGIES = (STACKED, EXTERNAL)


def api_availability(n: int, etcd: str, a: float, etcd_members: int) -> float:
    """Probability the API can write when every machine is up independently with probability ``a``: stacked,
    a majority of the ``n`` control-plane nodes (each carries a member and an API server); external, a majority
    of the ``etcd_members`` hosts and at least one of the ``n`` API servers."""
    if etcd == STACKED:
        return availability(n, a)
    return availability(etcd_members, a) * (1.0 - (1.0 - a) ** n)


def per_zone(count: int, zones: int) -> list[int]:
    """How many of ``count`` machines spread in turn over ``zones`` zones sit in each: 5 over 3 is [2, 2, 1]."""
    return [len(range(z, count, zones)) for z in range(zones)]


def layout(n: int, zones: int) -> str:
    """``2+2+1``: the control-plane nodes per zone."""
    return "+".join(str(k) for k in per_zone(n, zones))


def zone_loss_survived(n: int, zones: int, etcd: str, etcd_members: int, lost: int) -> bool:
    """Whether the API can still write when zone number ``lost`` (0-based) fails, everything else up."""
    members = n if etcd == STACKED else etcd_members
    left = members - per_zone(members, zones)[lost]
    api_servers_left = n - per_zone(n, zones)[lost]
    return left >= majority(members) and api_servers_left > 0


def binomial(k: int, n: int, p: float) -> float:
    """P(exactly k of n up), each up with probability p (for the notebook's tables)."""
    return comb(n, k) * p**k * (1.0 - p) ** (n - k)
