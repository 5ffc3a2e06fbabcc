"""Reading the control plane's record: what the API answered over time, the pods per Deployment, and the whole
cluster's state at a moment.

The record is a list of events, each a dict with ``t_s`` (seconds) and ``type``:

- ``probe``: the API as a user sees it, a quorum read through the load balancer each second (``sent_s``,
  ``ok``, ``reason``: etcd's words, ``etcdserver: no leader`` / ``etcdserver: request timed out``, or
  ``connection refused`` when no API server is up);
- ``readyz``: one API server's check of its etcd changed (``node``, ``ok``, ``reason``; ``down`` when its
  machine is);
- ``api``: one API request of a component (``sent_s``, ``via`` the API server, ``caller``, ``what``, ``ok``,
  ``reason``): lease renewals, NotReady marks, pod creations, bindings, evictions, kubectl commands;
- ``lease``: a component's leader Lease ``acquired`` or ``lost`` (``component``, ``node``, ``reason``);
- ``node``: a worker marked NotReady (``ready: false``) or Ready again;
- ``pod``: a pod ``scheduled`` on a node (the initial ones at 0 s), ``created``, ``evicted`` or ``deleted``;
- ``pods``: a Deployment's ``desired`` and ``running`` pods, whenever either changes;
- ``kubectl``: a kubectl command's outcome (``sent_s``, ``command``, ``ok``, ``reason``);
- ``machine``: ``crash``, ``restart``, ``drain``, ``move-leader`` (``to``), ``stop``; ``zone``: ``down``/``up``;
  ``zones``: the groups of zones that can reach each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

Record = Sequence[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Span:
    """A period [start_s, end_s) in one state (``ok``), with the reason it was not ok."""

    start_s: float
    end_s: float
    ok: bool
    reason: str | None


def spans(points: Sequence[tuple[float, bool, str | None]], end_s: float) -> list[Span]:
    """The periods between state changes of a series of (time, ok, reason) points."""
    out: list[Span] = []
    for i, (t, ok, reason) in enumerate(points):
        if out and out[-1].ok == ok and out[-1].reason == reason:
            continue
        if out:
            last = out[-1]
            out[-1] = Span(last.start_s, t, last.ok, last.reason)
        out.append(Span(t, end_s, ok, reason))
        del i
    return out


def api_spans(record: Record, end_s: float) -> list[Span]:
    """The API's availability to its users (the probes), as periods; a failure counts from when it was sent."""
    points = [
        (r["sent_s"], r["ok"], None if r["ok"] else r["reason"]) for r in record if r["type"] == "probe"
    ]
    return spans(sorted(points, key=lambda p: p[0]), end_s)


def readyz_spans(record: Record, node: str, end_s: float) -> list[Span]:
    points = [(r["t_s"], r["ok"], r["reason"]) for r in record if r["type"] == "readyz" and r["node"] == node]
    return spans(points, end_s)


def pods_series(record: Record, deployment: str) -> list[tuple[float, int, int]]:
    """(time, desired, running) of ``deployment`` at each change."""
    return [
        (r["t_s"], r["desired"], r["running"])
        for r in record
        if r["type"] == "pods" and r["deployment"] == deployment
    ]


def lease_spans(record: Record, component: str, end_s: float) -> list[tuple[float, float, str]]:
    """Who held ``component``'s leadership when: (start, end, node)."""
    out: list[tuple[float, float, str]] = []
    holder: tuple[float, str] | None = None
    for r in record:
        if r["type"] != "lease" or r["component"] != component:
            continue
        if r["change"] == "acquired":
            holder = (r["t_s"], r["node"])
        elif holder is not None:
            out.append((holder[0], r["t_s"], holder[1]))
            holder = None
    if holder is not None:
        out.append((holder[0], end_s, holder[1]))
    return out


@dataclass(frozen=True)
class ClusterState:
    """The cluster at one moment: machines up, API servers' etcd check, NotReady workers, pods per worker,
    zones that reach each other, controller leaders."""

    at_s: float
    down: frozenset[str]
    readyz: dict[str, str | None]
    not_ready: frozenset[str]
    pods: dict[str, list[tuple[str, str]]]
    zone_groups: list[list[str]]
    leaders: dict[str, str | None]
    api_ok: bool | None
    api_reason: str | None = None
    desired: dict[str, int] = field(default_factory=dict)


def state_at(record: Record, at_s: float, zones: Sequence[str]) -> ClusterState:
    """The cluster's state at ``at_s`` (after every event of that instant)."""
    down: set[str] = set()
    readyz: dict[str, str | None] = {}
    not_ready: set[str] = set()
    placed: dict[str, tuple[str, str]] = {}
    groups: list[list[str]] = [list(zones)]
    leaders: dict[str, str | None] = {}
    api: tuple[bool, str | None] | None = None
    desired: dict[str, int] = {}
    for r in record:
        if r["t_s"] > at_s:
            break
        kind = r["type"]
        if kind == "machine" and r["change"] in ("crash", "stop"):
            down.add(r["node"])
        elif kind == "machine" and r["change"] == "restart":
            down.discard(r["node"])
        elif kind == "readyz":
            readyz[r["node"]] = r["reason"]
        elif kind == "node":
            (not_ready.discard if r["ready"] else not_ready.add)(r["node"])
        elif kind == "pod" and r["change"] == "scheduled":
            placed[r["pod"]] = (r["deployment"], r["node"])
        elif kind == "pod" and r["change"] in ("evicted", "deleted"):
            placed.pop(r["pod"], None)
        elif kind == "zones":
            groups = r["groups"]
        elif kind == "lease":
            leaders[r["component"]] = r["node"] if r["change"] == "acquired" else None
        elif kind == "probe" and r["sent_s"] <= at_s:
            api = (r["ok"], r["reason"])
        elif kind == "pods":
            desired[r["deployment"]] = r["desired"]
    pods: dict[str, list[tuple[str, str]]] = {}
    for name, (deployment, node) in sorted(placed.items()):
        pods.setdefault(node, []).append((name, deployment))
    return ClusterState(
        at_s,
        frozenset(down),
        readyz,
        frozenset(not_ready),
        pods,
        groups,
        leaders,
        None if api is None else api[0],
        None if api is None else api[1],
        desired,
    )
