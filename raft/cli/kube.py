"""``raft-sim run`` on a Kubernetes scenario (a file with a ``kubernetes`` section): the etcd summary, then the
Kubernetes section; ``--plot`` draws the Kubernetes timeline, ``--diagram`` the cluster at ``--at`` seconds."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import Any

from raft.batch.sweep import show_progress
from raft.cli.options import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from raft.cli.progress import RunPacer
from raft.cli.report import render_summary
from raft.errors import RaftSimError
from raft.files import check_output_file
from raft.kubernetes.loader import parse_kube_scenario
from raft.kubernetes.run import RAFT_EVENTS, simulate_kubernetes
from raft.kubernetes.summary import kube_summary

#: Options of ``raft-sim run`` that have no meaning for a Kubernetes scenario.
_RAFT_ONLY = {"bug": "--bug", "events": "--events", "show": "--show", "all_nodes": "--all-nodes"}


def run_kubernetes(args: argparse.Namespace, data: Mapping[str, Any]) -> int:
    for option, flag in _RAFT_ONLY.items():
        if getattr(args, option):
            raise RaftSimError(f"{flag}: not for a Kubernetes scenario (it is a Raft scenario option)")
    scenario = parse_kube_scenario(data)
    duration_s = scenario.duration_s if args.duration_ms is None else args.duration_ms / 1000.0
    if args.at is not None and not 0 <= args.at <= duration_s:
        raise RaftSimError(f"--at: must be between 0 and the run's {duration_s:g} s, got {args.at:g}")
    if args.trace:
        check_output_file(args.trace)
    for path in (args.plot, args.diagram):
        if path:
            from raft.plots.files import check_figure_path

            check_figure_path(path)
    pacer = RunPacer(duration_s * 1000.0, show=show_progress(args.quiet))
    try:
        with pacer.catching_interrupts():
            result = simulate_kubernetes(
                scenario,
                seed=args.seed,
                duration_s=duration_s,
                record=RAFT_EVENTS,
                pacer=pacer,
                trace=args.trace,
            )
    finally:
        pacer.close()
    summary = kube_summary(result)
    if args.plot or args.diagram:
        from raft.kubernetes.figures import diagram, timeline
        from raft.plots.files import save_figure

        if args.plot:
            save_figure(timeline(result), args.plot)
        if args.diagram:
            save_figure(diagram(result, duration_s if args.at is None else args.at), args.diagram)
    if args.json:
        json.dump({**result.raft.summary, "kubernetes": summary, "ok": result.ok}, sys.stdout)
        sys.stdout.write("\n")
    else:
        print(f"etcd underneath ({len(scenario.kubernetes.members)} members):")
        sys.stdout.write(render_summary(result.raft.summary))
        sys.stdout.write(render_kubernetes(summary))
        if args.trace:
            print(f"etcd's Raft trace written to {args.trace}")
        if args.plot:
            print(f"Kubernetes timeline written to {args.plot}")
        if args.diagram:
            print(f"Cluster diagram written to {args.diagram}")
    if result.raft.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if result.ok else EXIT_FAILED


def render_kubernetes(summary: Mapping[str, Any]) -> str:
    """The Kubernetes section of the summary, for a terminal."""
    cluster = summary["cluster"]
    out = ["", "Kubernetes:"]
    zones = "; ".join(f"zone {z}: {', '.join(ms)}" for z, ms in cluster["zones"].items())
    out.append(
        f"  cluster: {len(cluster['control_plane'])} control-plane nodes, {cluster['etcd']} etcd "
        f"({len(cluster['members'])} members), {len(cluster['workers'])} workers; {zones}"
    )
    if summary["api_down"]:
        for a, b, reasons in summary["api_down"]:
            out.append(f"  API down {a:.1f}-{b:.1f} s: {', then '.join(reasons)}")
    else:
        out.append("  API: answered throughout")
    if summary["api_available"] is not None:
        out.append(f"  API answered {100 * summary['api_available']:.1f} % of the probes (one a second)")
    for k in summary["kubectl"]:
        outcome = "ok" if k["ok"] else f"failed: {k['reason']}"
        out.append(f"  {k['at_s']:7.1f} s  {k['command']}: {outcome}")
    for component, held in summary["leases"].items():
        words = ", ".join(f"{n} {a:.1f}-{b:.1f} s" for a, b, n in held) or "nobody"
        out.append(f"  {component} leader: {words}")
    for at, node, ready in summary["not_ready"]:
        out.append(f"  {at:7.1f} s  {node} marked {'Ready' if ready else 'NotReady'}")
    for at, pod, node in summary["evicted"]:
        out.append(f"  {at:7.1f} s  {pod} evicted from {node}")
    for name, pods in summary["deployments"].items():
        out.append(f"  Deployment {name} at the end: {pods['desired']} desired, {pods['running']} running")
    requests = summary["requests"]
    failures = ", ".join(f"{reason} x{n}" for reason, n in requests["failures"].items())
    out.append(
        f"  API requests: {requests['ok']} ok, {requests['failed']} failed"
        + (f" ({failures})" if failures else "")
    )
    if summary["expectations"]:
        out.append("Kubernetes expectations:")
        out += [
            f"  {'ok  ' if e['ok'] else 'FAIL'}  {e['expectation']}: {e['detail']}"
            for e in summary["expectations"]
        ]
    out.append("Result: " + ("ok" if summary["ok"] else "FAILED"))
    return "\n".join(out) + "\n"
