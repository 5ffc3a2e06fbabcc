"""The summary of a Kubernetes run, as data (the CLI prints it; ``--json`` dumps it under ``kubernetes``)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from raft.kubernetes.model import COMPONENTS
from raft.kubernetes.record import api_spans, lease_spans, pods_series

if TYPE_CHECKING:
    from raft.kubernetes.run import KubeResult


def kube_summary(result: KubeResult) -> dict[str, Any]:
    """Keys: ``cluster`` (control_plane, etcd, members, workers, zones), ``api_down`` (periods [from_s, to_s,
    reasons] when the API failed its users), ``api_available`` (fraction of probes answered), ``kubectl``
    (each command: at_s, command, ok, reason), ``leases`` (per component: [from_s, to_s, node] held),
    ``not_ready`` ([at_s, node, ready]), ``evicted`` ([at_s, pod, node]), ``deployments`` (name: desired and
    running at the end), ``requests`` (ok, failed, failures by reason), ``expectations``, ``ok``."""
    record, end = result.record, result.duration_s
    spec = result.scenario.kubernetes
    down: list[list[Any]] = []
    for span in api_spans(record, end):
        if span.ok:
            continue
        reason = span.reason or "?"
        if down and down[-1][1] == span.start_s:
            down[-1][1] = span.end_s
            if reason not in down[-1][2]:
                down[-1][2].append(reason)
        else:
            down.append([span.start_s, span.end_s, [reason]])
    probes = [r for r in record if r["type"] == "probe"]
    requests = [r for r in record if r["type"] == "api"]
    failures = Counter(r["reason"] for r in requests if not r["ok"])
    deployments = {}
    for d in spec.deployments:
        series = pods_series(record, d.name)
        desired, running = (series[-1][1], series[-1][2]) if series else (d.replicas, 0)
        deployments[d.name] = {"desired": desired, "running": running}
    return {
        "cluster": {
            "control_plane": list(spec.control_plane_nodes),
            "etcd": spec.etcd,
            "members": list(spec.members),
            "workers": list(spec.worker_nodes),
            "zones": {zone: list(spec.in_zone(zone)) for zone in spec.zones},
        },
        "api_down": [[round(a, 3), round(b, 3), reasons] for a, b, reasons in down],
        "api_available": round(sum(1 for p in probes if p["ok"]) / len(probes), 4) if probes else None,
        "kubectl": [
            {"at_s": r["sent_s"], "command": r["command"], "ok": r["ok"], "reason": r["reason"]}
            for r in record
            if r["type"] == "kubectl"
        ],
        "leases": {
            c: [[round(a, 3), round(b, 3), n] for a, b, n in lease_spans(record, c, end)] for c in COMPONENTS
        },
        "not_ready": [[r["t_s"], r["node"], r["ready"]] for r in record if r["type"] == "node"],
        "evicted": [
            [r["t_s"], r["pod"], r["node"]] for r in record if r["type"] == "pod" and r["change"] == "evicted"
        ],
        "deployments": deployments,
        "requests": {
            "ok": sum(1 for r in requests if r["ok"]),
            "failed": sum(failures.values()),
            "failures": dict(sorted(failures.items())),
        },
        "expectations": [
            {"expectation": e.expectation, "ok": e.ok, "detail": e.detail} for e in result.expectations
        ],
        "ok": result.ok,
    }
