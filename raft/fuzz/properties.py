"""One fuzz run and the first property it breaks.

Checked, in this order: safety (the simulator's checker, on every event; the run stops at the first violation),
linearizability of the clients' history, then liveness after the quiet phase starts: no period without a leader
longer than the bound (the scenario's ``max_leaderless_ms_after`` expectation), and every write acknowledged at
least :data:`SETTLE_MS` before the end still held, at the index it was acknowledged with, by a majority of the
servers' final logs and replaced in none (see :func:`missing_acknowledged_write`). With membership changes the
servers judged are the members of the configuration the final leader uses, and the majority one of its voters.

A broken property is a :class:`~raft.sim.safety.Violation`, like the safety checker's; the liveness and
acknowledged-writes checks judge the run as a whole, so their violations are dated at its end.
"""

from __future__ import annotations

from typing import Any

from raft.analysis.quorum_math import majority
from raft.api import Result, simulate
from raft.scenario import Scenario
from raft.sim.events import EventType
from raft.sim.safety import Violation

LIVENESS = "Liveness"
ACKED_WRITES = "Acknowledged Writes"
#: Events a fuzz run records: enough for the history and the acknowledged-writes check, no per-message ones.
RECORDED_TYPES = (EventType.APPEND, EventType.SUBMIT, EventType.ACK, EventType.CONFIG)
#: A write acknowledged this long before the end must have reached every server by then.
SETTLE_MS = 1000.0


def missing_acknowledged_write(result: Result, settle_ms: float = SETTLE_MS) -> Violation | None:
    """The first write acknowledged ``settle_ms`` before the end that the final logs lose: some server holds
    another entry at its index, or fewer than a majority hold it. A server whose log simply ends before that
    index is still catching up (a follower fed a few entries per round trip may lag for seconds) and is allowed."""
    events = result.events or ()
    known: dict[tuple[int, int], tuple[Any, Any, Any]] = {}
    for event in events:
        if event["type"] == EventType.APPEND:
            known.setdefault(
                (event["index"], event["term"]), (event.get("command"), event.get("client"), event.get("seq"))
            )
    deadline = result.outcome.end_ms - settle_ms
    members, voters = final_configuration(result)
    nodes = {node: state for node, state in result.outcome.nodes.items() if node in members}
    needed = majority(len(voters))
    for event in events:
        if event["type"] != EventType.ACK or event["command"].startswith("?") or event["t_ms"] > deadline:
            continue
        index = event["index"]
        wanted = (event["command"], event["client"], event["seq"])
        what = (
            f"write {event['command']!r} of client {event['client']} (seq {event['seq']}), acknowledged at "
            f"{event['t_ms']:.1f} ms with index {index}"
        )
        holders = []
        for node, state in nodes.items():
            if index <= state.snapshot_index:  # in its snapshot: committed, and checked as such on the way
                holders.append(node)
                continue
            term = state.term_at(index)
            if term is None:
                continue
            if known.get((index, term)) != wanted:
                return Violation(
                    ACKED_WRITES,
                    result.outcome.end_ms,
                    (node,),
                    term,
                    index,
                    f"{what}, is replaced in {node}'s log at the end by an entry of term {term}",
                )
            if node in voters:
                holders.append(node)
        if len(holders) < needed:
            return Violation(
                ACKED_WRITES,
                result.outcome.end_ms,
                tuple(n for n in sorted(voters) if n not in holders),
                None,
                index,
                f"{what}, is held by only {len(holders)} of the {len(voters)} voters at the end",
            )
    return None


def final_configuration(result: Result) -> tuple[frozenset[str], frozenset[str]]:
    """The members and the voters of the configuration in force at the end: the one the final leader uses (with
    no leader, the one of the latest configuration entry any server uses); the cluster's initial servers when
    that is the initial configuration."""
    in_force: dict[str, tuple[int, frozenset[str], frozenset[str]]] = {}
    for event in result.events or ():
        if event["type"] == EventType.CONFIG and event["phase"] == "in_force":
            voters = frozenset(event["voters"])
            in_force[event["node"]] = (event["index"], voters | frozenset(event["learners"]), voters)
    leader = result.outcome.final_leader
    if leader in in_force:
        _, members, voters = in_force[leader]
        return members, voters
    if in_force and leader is None:
        _, members, voters = max(in_force.values(), key=lambda config: config[0])
        return members, voters
    nodes = frozenset(result.summary["nodes"])
    return nodes, nodes


def first_failure(result: Result) -> Violation | None:
    """The first property ``result`` breaks, or ``None``."""
    violations = result.summary["safety_violations"]
    if violations:
        v = violations[0]
        return Violation(v["property"], v["t_ms"], tuple(v["nodes"]), v["term"], v["index"], v["detail"])
    for expectation in result.summary["expectations"]:
        if expectation["check"] == "max_leaderless_ms_after" and not expectation["ok"]:
            return Violation(LIVENESS, result.outcome.end_ms, (), None, None, expectation["detail"])
    return missing_acknowledged_write(result)


def run_checked(
    scenario: Scenario, record: tuple[EventType, ...] | bool = RECORDED_TYPES
) -> tuple[Result, Violation | None]:
    """Run ``scenario`` with the linearizability check on; the result and its first failure. ``record``: the
    event types to keep (at least :data:`RECORDED_TYPES`), or ``True`` for all. The availability measures,
    which no property here reads, are left out (the summary's ``unavailable`` is empty)."""
    result = simulate(scenario, record=record, linearizability=True, availability=False)
    return result, first_failure(result)
