"""The readable summary of a run, for a terminal: who led when, elections, commits, faults, safety, expectations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from raft.sim.safety import known_place


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def _fault(event: dict[str, Any]) -> str:
    kind = event["type"]
    if kind == "partition":
        return "partition " + " | ".join(",".join(group) for group in event["groups"])
    if kind == "cut":
        return f"cut {event['from']} -> {event['to']}"
    if kind == "skip":
        return f"skipped {event['action']} {event['target']} ({event['reason']})"
    if kind == "heal":
        return "heal"
    return f"{kind} {event['node']}"


def _availability(summary: dict[str, Any], add: Callable[[str], None]) -> None:
    """The sections on write unavailability and on leaders without a majority."""
    periods = summary.get("unavailable", [])
    add("Writes unavailable (a write waiting, commit index not advancing):")
    for period in periods:
        add(f"  {_ms(period['from_ms'])} -> {_ms(period['to_ms'])}  ({period['to_ms'] - period['from_ms']:.1f} ms)")
    if periods:
        add(f"  total {summary['unavailable_ms']:.1f} ms")
    else:
        add("  never")
    leaders = summary.get("leader_without_majority", [])
    add("Leaders without a majority (no successful AppendEntries reply from one):")
    for span in leaders:
        add(f"  term {span['term']:>3}  {span['node']:<6} {_ms(span['from_ms'])} -> {_ms(span['to_ms'])}  "
            f"({span['to_ms'] - span['from_ms']:.1f} ms)")  # fmt: skip
    if not leaders:
        add("  none")


def render_summary(summary: dict[str, Any]) -> str:
    """The summary as lines of text (ending with a newline)."""
    out: list[str] = []
    add = out.append
    if summary.get("bugs"):
        add(f"!! BUGS SWITCHED ON: {', '.join(summary['bugs'])} (this run does not follow Raft)")
    add(f"Scenario {summary['scenario']} (seed {summary['seed']}, {summary['duration_ms']:g} ms, "
        f"{len(summary['nodes'])} nodes: {', '.join(summary['nodes'])})")  # fmt: skip
    add("")
    add("Leaders:")
    for span in summary["leaders"] or []:
        end = "end" if span["to_ms"] is None else _ms(span["to_ms"])
        add(f"  term {span['term']:>3}  {span['node']:<6} {_ms(span['from_ms'])} -> {end}")
    if not summary["leaders"]:
        add("  none")
    add("Elections:")
    for election in summary["elections"]:
        if election["leader"] is None:
            add(f"  term {election['term']:>3}  started {_ms(election['started_ms'])}, nobody won")
        else:
            took = election["elected_ms"] - election["started_ms"]
            add(f"  term {election['term']:>3}  started {_ms(election['started_ms'])}, "
                f"{election['leader']} won after {took:.1f} ms")  # fmt: skip
    add("Without a leader:")
    for start, stop in summary["leaderless_ms"]:
        add(f"  {_ms(start)} -> {_ms(stop)}  ({stop - start:.1f} ms)")
    if not summary["leaderless_ms"]:
        add("  never")
    _availability(summary, add)
    if summary["faults"]:
        add("Faults:")
        for event in summary["faults"]:
            add(f"  {_ms(event['t_ms']):>12}  {_fault(event)}")
    commits = ", ".join(f"{node}={index}" for node, index in summary["commit_index"].items())
    add(f"Commit index at the end: {commits}")
    writes = summary["writes"]
    latency = writes["latency_ms"]
    add(f"Writes: {writes['submitted']} submitted, {writes['committed']} committed, {writes['acknowledged']} "
        f"acknowledged (latency p50 {_ms(latency['p50'])}, p99 {_ms(latency['p99'])})")  # fmt: skip
    reads = summary.get("reads")
    if reads and reads["submitted"]:
        add(f"Reads: {reads['submitted']} submitted, {reads['acknowledged']} acknowledged")
    msgs = summary["messages"]
    add(f"Messages: {msgs['sent']} sent, {msgs['delivered']} delivered, {msgs['dropped']} dropped")
    add("")
    if summary["safety_violations"]:
        for violation in summary["safety_violations"]:
            place = known_place(violation.get("term"), violation.get("index"))
            add(f"SAFETY VIOLATED: {violation['property']} at {_ms(violation['t_ms'])} on "
                f"{', '.join(violation['nodes'])}{place}: {violation['detail']}")  # fmt: skip
    else:
        add("Safety: all properties held on every event")
    for expectation in summary["expectations"]:
        mark = "ok  " if expectation["ok"] else "FAIL"
        add(f"  [{mark}] {expectation['check']}: {expectation['detail']}")
    add("Result: " + ("ok" if summary["ok"] else "FAILED"))
    return "\n".join(out) + "\n"
