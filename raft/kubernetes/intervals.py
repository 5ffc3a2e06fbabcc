"""Kubernetes' and etcd's default intervals, the etcd members' network, and etcd's error words.

Sources (see /docs/kubernetes.md): kube-controller-manager and kube-scheduler ``--leader-elect-lease-duration``
15 s, ``--leader-elect-renew-deadline`` 10 s, ``--leader-elect-retry-period`` 2 s; the kubelet renews its node
Lease every 10 s (Lease duration 40 s); kube-controller-manager ``--node-monitor-grace-period`` 40 s (50 s in
the newest releases) and ``--node-monitor-period`` 5 s; pods tolerate ``not-ready``/``unreachable`` for 300 s
(DefaultTolerationSeconds). etcd's Raft settings are ``cluster.profile: etcd`` (:data:`ETCD_PROFILE`,
docs/etcd-profile.md); a request times out after ``5 s + 2 × election timeout`` (etcd server's ``ReqTimeout``),
7 s.
"""

from __future__ import annotations

from dataclasses import dataclass

from raft.sim.requests import Refusal

#: The Raft settings of the etcd members: the scenario profile of what etcd ships with (PreVote, CheckQuorum,
#: 100 ms heartbeat, election timeouts of [10, 20) ticks, the initial tick advance, ReadIndex reads).
ETCD_PROFILE = "etcd"
#: One-way latency between machines of one region's zones, in ms.
LATENCY_MS = (0.5, 2.0)

#: What an API server answers when etcd refuses, in etcd's own words.
ETCD_ERROR = {
    Refusal.NO_LEADER: "etcdserver: no leader",
    Refusal.TIMED_OUT: "etcdserver: request timed out",
    Refusal.DOWN: "etcd member down",
}
#: What a client of the API sees when no API server answers at all.
CONNECTION_REFUSED = "connection refused (no API server reachable)"


@dataclass(frozen=True, slots=True)
class Intervals:
    """The control plane's timers, in seconds; the defaults are Kubernetes' and etcd's own."""

    lease_duration_s: float = 15.0
    renew_deadline_s: float = 10.0
    retry_period_s: float = 2.0
    node_lease_renew_s: float = 10.0
    node_monitor_grace_s: float = 40.0
    node_monitor_period_s: float = 5.0
    eviction_toleration_s: float = 300.0
    request_timeout_s: float = 7.0
    #: How often each API server checks etcd for its ``/readyz`` (a quorum read).
    readyz_period_s: float = 2.0
    #: How often the Deployment controller and the scheduler look for work (they are event-driven in reality).
    reconcile_period_s: float = 1.0


DEFAULT_INTERVALS = Intervals()
