"""One fuzz run and the first property it breaks.

Checked, in this order: safety (the simulator's checker, on every event; the run stops at the first violation),
linearizability of the clients' history, then liveness after the quiet phase starts: no period without a leader
longer than the bound (the scenario's ``max_leaderless_ms_after`` expectation), and every write acknowledged at
least :data:`SETTLE_MS` before the end still held, at the index it was acknowledged with, by a majority of the
servers' final logs and replaced in none (see :func:`missing_acknowledged_write`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from raft.api import Result, simulate
from raft.scenario import Scenario
from raft.sim.safety import known_place

LIVENESS = "Liveness"
ACKED_WRITES = "Acknowledged Writes"
#: Events a fuzz run records: enough for the history and the acknowledged-writes check, no per-message ones.
RECORDED_TYPES = ("append", "submit", "ack")
#: A write acknowledged this long before the end must have reached every server by then.
SETTLE_MS = 1000.0


@dataclass(frozen=True, slots=True)
class Failure:
    """A broken property: which, when, where (nodes, term, log index where known) and what was seen."""

    property: str
    t_ms: float | None
    nodes: tuple[str, ...]
    term: int | None
    index: int | None
    detail: str

    def describe(self) -> str:
        where = ", ".join(self.nodes) or "-"
        when = "-" if self.t_ms is None else f"{self.t_ms:.1f} ms"
        return f"{self.property} at {when} on {where}{known_place(self.term, self.index)}: {self.detail}"

    def to_dict(self) -> dict[str, Any]:
        return {"property": self.property, "t_ms": self.t_ms, "nodes": list(self.nodes), "term": self.term,
                "index": self.index, "detail": self.detail}  # fmt: skip


def missing_acknowledged_write(result: Result, settle_ms: float = SETTLE_MS) -> Failure | None:
    """The first write acknowledged ``settle_ms`` before the end that the final logs lose: some server holds
    another entry at its index, or fewer than a majority hold it. A server whose log simply ends before that
    index is still catching up (a follower fed a few entries per round trip may lag for seconds) and is allowed."""
    events = result.events or ()
    known: dict[tuple[int, int], tuple[Any, Any, Any]] = {}
    for event in events:
        if event["type"] == "append":
            known.setdefault((event["index"], event["term"]), (event.get("command"), event.get("client"), event.get("seq")))
    deadline = result.outcome.end_ms - settle_ms
    nodes = result.outcome.nodes
    majority = len(nodes) // 2 + 1
    for event in events:
        if event["type"] != "ack" or event["command"].startswith("?") or event["t_ms"] > deadline:
            continue
        index = event["index"]
        wanted = (event["command"], event["client"], event["seq"])
        what = (f"write {event['command']!r} of client {event['client']} (seq {event['seq']}), acknowledged at "
                f"{event['t_ms']:.1f} ms with index {index}")  # fmt: skip
        holders = []
        for node, state in nodes.items():
            terms = state.log_terms
            if index > len(terms):
                continue
            if known.get((index, terms[index - 1])) != wanted:
                return Failure(ACKED_WRITES, result.outcome.end_ms, (node,), terms[index - 1], index,
                               f"{what}, is replaced in {node}'s log at the end by an entry of term {terms[index - 1]}")  # fmt: skip
            holders.append(node)
        if len(holders) < majority:
            return Failure(ACKED_WRITES, result.outcome.end_ms, tuple(n for n in nodes if n not in holders), None,
                           index, f"{what}, is held by only {len(holders)} of {len(nodes)} servers at the end")  # fmt: skip
    return None


def first_failure(result: Result) -> Failure | None:
    """The first property ``result`` breaks, or ``None``."""
    violations = result.summary["safety_violations"]
    if violations:
        v = violations[0]
        return Failure(v["property"], v["t_ms"], tuple(v["nodes"]), v["term"], v["index"], v["detail"])
    for expectation in result.summary["expectations"]:
        if expectation["check"] == "max_leaderless_ms_after" and not expectation["ok"]:
            return Failure(LIVENESS, None, (), None, None, expectation["detail"])
    return missing_acknowledged_write(result)


def run_checked(scenario: Scenario, record: tuple[str, ...] | bool = RECORDED_TYPES) -> tuple[Result, Failure | None]:
    """Run ``scenario`` with the linearizability check on; the result and its first failure. ``record``: the
    event types to keep (at least :data:`RECORDED_TYPES`), or ``True`` for all."""
    result = simulate(scenario, record=record, linearizability=True)
    return result, first_failure(result)
