"""The readable summary of a run, for a terminal: who led when, elections, commits, faults, safety, expectations.

A large cluster (more than :data:`raft.analysis.nodesets.LARGE_CLUSTER` nodes) is summarised: its nodes are
written as ranges and nodes that share a commit index once (``n1–n18, n20–n101 = 150; n19 = 89``); the JSON
summary keeps every node."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from raft.analysis.expectations import is_expected_failure
from raft.analysis.membership import describe_config
from raft.analysis.nodesets import cluster_names, is_large, node_ranges, per_node
from raft.analysis.records import (
    ConfigurationRecord,
    Fault,
    LeaderSpan,
    Operations,
    Summary,
    ViolationRecord,
)
from raft.analysis.transcript import transfer_words
from raft.scenario import ClusterConfig
from raft.scenario.suggest import fmt_number
from raft.sim.events import EventType, TransferAbortEvent, TransferDoneEvent, TransferEvent
from raft.sim.safety import describe_place


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def _fault(event: Fault, order: list[str]) -> str:
    """One fault in words; in a large cluster a partition's groups are written as ranges (``n1–n6, n8–n101``)."""
    kind = event["type"]
    if kind == EventType.PARTITION and is_large(len(order)):
        return "partition " + " | ".join(node_ranges(group, order) for group in event["groups"])
    if kind == EventType.PARTITION:
        return "partition " + " | ".join(",".join(group) for group in event["groups"])
    if kind == EventType.CUT:
        return f"cut {event['from']} -> {event['to']}"
    if kind == EventType.SKIP:
        return f"skipped {event['action']} {event['target']} ({event['reason']})"
    if kind in (EventType.TRANSFER, EventType.TRANSFER_DONE, EventType.TRANSFER_ABORT):
        return transfer_words(cast("TransferEvent | TransferDoneEvent | TransferAbortEvent", event))
    if kind == EventType.HEAL and "link" in event:
        return "heal {} <-> {}".format(*event["link"])
    if kind == EventType.HEAL and "node" in event:
        return f"heal {event['node']} (all its links)"
    if kind == EventType.HEAL:
        return "heal"
    return f"{kind} {event['node']}"


def leaders_of_term(leaders: list[LeaderSpan], term: int) -> str:
    """``leaders of term 3: n1 (from 20.0 ms), n2 (from 22.0 ms)``: every node that led ``term`` (more than
    one is what Election Safety forbids), or ``none``."""
    found = [f"{span['node']} (from {_ms(span['from_ms'])})" for span in leaders if span["term"] == term]
    return f"leaders of term {term}: {', '.join(found) or 'none'}"


#: How the text summary words each read mode of ``read`` events.
_READ_WAYS = {"read_index": "by ReadIndex (a heartbeat round)", "lease": "under the leader's lease"}


def _operations(operations: Operations) -> str:
    """``44 submitted, 44 committed, 43 acknowledged, 1 still outstanding at the end``. Outstanding: submitted,
    not acknowledged, its client still retrying when the run ended. Never "lost": a committed write that
    vanished would be a safety violation, which the checker reports."""
    return (
        f"{operations['submitted']} submitted, {operations['committed']} committed, "
        f"{operations['acknowledged']} acknowledged, {operations['outstanding']} still outstanding at the end"
    )


def _violation_place(violation: ViolationRecord) -> str:
    return describe_place(
        violation["property"],
        violation["t_ms"],
        violation["nodes"],
        violation.get("term"),
        violation.get("index"),
    )


def _verdict(summary: Summary) -> str:
    """``ok``, ``ok (the expected violation happened: ...)`` for a lesson that showed its violation, or ``FAILED``."""
    if not summary["ok"]:
        return "FAILED"
    expected = summary.get("expected_violations", [])
    seen = [_violation_place(v) for v in summary["safety_violations"] if v["property"] in expected]
    seen += [
        f"Liveness: {e['check']}: {e['detail']}"
        for e in summary["expectations"]
        if is_expected_failure(e, expected)
    ]
    return f"ok (the expected violation happened: {'; '.join(seen)})" if seen else "ok"


def _availability(summary: Summary, add: Callable[[str], None]) -> None:
    """The sections on write unavailability and on leaders without a majority."""
    periods = summary.get("unavailable", [])
    add("Writes unavailable (a write waiting, commit index not advancing):")
    for period in periods:
        add(
            f"  {_ms(period['from_ms'])} -> {_ms(period['to_ms'])}  ({period['to_ms'] - period['from_ms']:.1f} ms)"
        )
    if periods:
        add(f"  total {summary['unavailable_ms']:.1f} ms")
    else:
        add("  never")
    leaders = summary.get("leader_without_majority", [])
    add("Leaders without a majority (no successful AppendEntries reply from one):")
    for span in leaders:
        add(
            f"  term {span['term']:>3}  {span['node']:<6} {_ms(span['from_ms'])} -> {_ms(span['to_ms'])}  "
            f"({span['to_ms'] - span['from_ms']:.1f} ms)"
        )
    if not leaders:
        add("  none")


def raft_settings(cluster: ClusterConfig) -> str | None:
    """The Raft a run follows, in a line, when it is not the paper's: the profile, the thesis's extensions
    switched on, the timers; ``None`` for paper Raft."""
    low, high = cluster.election_timeout_ms
    heartbeat = cluster.heartbeat_ms
    parts = [
        name for name, on in (("PreVote", cluster.pre_vote), ("CheckQuorum", cluster.check_quorum)) if on
    ]
    if cluster.timers == "ticks":
        ticks = round(low / heartbeat), round(high / heartbeat)
        parts.append(f"heartbeat {fmt_number(heartbeat)} ms, election timeout {fmt_number(low)} ms")
        after = f"{ticks[0]} to {ticks[1] - 1} ticks" if ticks[1] > ticks[0] + 1 else f"{ticks[0]} ticks"
        parts.append(f"etcd's timers (a tick every {fmt_number(heartbeat)} ms, an election after {after})")
        if cluster.initial_election_tick_advance:
            parts.append("initial election tick advance")
    elif cluster.profile == "paper" and not parts:
        return None
    else:
        parts.append(
            f"heartbeat {fmt_number(heartbeat)} ms, election timeout {fmt_number(low)}-{fmt_number(high)} ms"
        )
    return f"Raft: {cluster.profile} profile: {', '.join(parts)}"


def render_summary(summary: Summary, raft: str | None = None) -> str:
    """The summary as lines of text (ending with a newline); ``raft``, the line of :func:`raft_settings`, under
    the title."""
    out: list[str] = []
    add = out.append
    if summary.get("bugs"):
        add(f"!! BUGS SWITCHED ON: {', '.join(summary['bugs'])} (this run does not follow Raft)")
    add(
        f"Scenario {summary['scenario']} (seed {summary['seed']}, {summary['duration_ms']:g} ms, "
        f"{len(summary['nodes'])} nodes: {cluster_names(summary['nodes'])})"
    )
    if raft is not None:
        add(raft)
    add("")
    add("Leaders:")
    for span in summary["leaders"] or []:
        end = "end" if span["to_ms"] is None else _ms(span["to_ms"])
        why = f"  (stepped down: {span['stepped_down']})" if "stepped_down" in span else ""
        add(f"  term {span['term']:>3}  {span['node']:<6} {_ms(span['from_ms'])} -> {end}{why}")
    if not summary["leaders"]:
        add("  none")
    add("Elections:")
    for election in summary["elections"]:
        elected_ms = election["elected_ms"]
        if election["leader"] is None or elected_ms is None:  # a leader comes with its election time
            add(f"  term {election['term']:>3}  started {_ms(election['started_ms'])}, nobody won")
        else:
            took = elected_ms - election["started_ms"]
            add(
                f"  term {election['term']:>3}  started {_ms(election['started_ms'])}, "
                f"{election['leader']} won after {took:.1f} ms"
            )
    add("Without a leader:")
    for start, stop in summary["leaderless_ms"]:
        add(f"  {_ms(start)} -> {_ms(stop)}  ({stop - start:.1f} ms)")
    if not summary["leaderless_ms"]:
        add("  never")
    _availability(summary, add)
    if summary["faults"]:
        add("Faults:")
        for event in summary["faults"]:
            add(f"  {_ms(event['t_ms']):>12}  {_fault(event, summary['nodes'])}")
    configurations = summary.get("configurations") or []
    if configurations:
        add("Configuration changes (thesis chapter 4):")
        for change in configurations:
            add(f"  {_ms(change['appended_ms']):>12}  {_configuration(change)}")
    if summary.get("snapshots"):
        add("Snapshots (taken / installed from a leader, last included index):")
        for counts in summary["snapshots"]:
            add(
                f"  {counts['node']:<6} {counts['taken']} taken, {counts['installed']} installed, "
                f"up to {counts['last_index']}"
            )
    commits = per_node(summary["commit_index"], summary["nodes"])
    add(f"Commit index at the end: {commits}")
    writes = summary["writes"]
    latency = writes["latency_ms"]
    add(f"Writes: {_operations(writes)} (latency p50 {_ms(latency['p50'])}, p99 {_ms(latency['p99'])})")
    reads = summary.get("reads")
    if reads and reads["submitted"]:
        add(f"Reads: {_operations(reads)}")
        answered = reads.get("answered")
        if answered:
            ways = ", ".join(f"{count} {_READ_WAYS.get(mode, mode)}" for mode, count in answered.items())
            add(f"  answered without the log (thesis §6.4): {ways}")
    msgs = summary["messages"]
    add(f"Messages: {msgs['sent']} sent, {msgs['delivered']} delivered, {msgs['dropped']} dropped")
    add("")
    if summary["safety_violations"]:
        for violation in summary["safety_violations"]:
            add(f"SAFETY VIOLATED: {_violation_place(violation)}: {violation['detail']}")
            term = violation["term"]
            if term is not None:
                add("  " + leaders_of_term(summary["leaders"] or [], term))
    else:
        add("Safety: all properties held on every event")
    expected = summary.get("expected_violations", [])
    for expectation in summary["expectations"]:
        mark = (
            "ok  "
            if expectation["ok"]
            else "expected"
            if is_expected_failure(expectation, expected)
            else "FAIL"
        )
        add(f"  [{mark}] {expectation['check']}: {expectation['detail']}")
    add("Result: " + _verdict(summary))
    return "\n".join(out) + "\n"


def _configuration(change: ConfigurationRecord) -> str:
    """``n1 appends index 4: voters n1, n2, n3, n4 (committed 1515.5 ms)``."""
    words = describe_config(change["voters"], change["learners"], change.get("outgoing", ()))
    committed = change["committed_ms"]
    fate = f"committed {_ms(committed)}" if committed is not None else "never committed"
    return f"{change['node']} appends index {change['index']}: {words} ({fate})"
