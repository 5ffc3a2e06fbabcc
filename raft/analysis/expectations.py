"""Evaluating a scenario's ``expect`` list against a finished run.

Each check returns ``{check, ok, detail}``; the detail says what was seen, so a failing scenario explains
itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from raft.analysis.summary import leaderless_periods

if TYPE_CHECKING:
    from raft.sim.simulation import RunOutcome



@dataclass(frozen=True, slots=True)
class Facts:
    """What the checks look at: leader spans, commit advances and the final state."""

    leaders: list[dict[str, Any]]
    commit_times: list[tuple[float, int]]
    outcome: RunOutcome


Check = Callable[[Any, Facts], tuple[bool, str]]


def _leader_elected_within(limit: float, facts: Facts) -> tuple[bool, str]:
    leaders = facts.leaders
    if not leaders:
        return False, "no leader was ever elected"
    first = min(span["from_ms"] for span in leaders)
    return first <= limit, f"first leader elected at {first:.1f} ms (limit {limit:g} ms)"


def _max_leaderless(limit: float, facts: Facts) -> tuple[bool, str]:
    gaps = leaderless_periods(facts.leaders, facts.outcome.end_ms)
    if not gaps:
        return True, "there was always a leader"
    start, stop = max(gaps, key=lambda g: g[1] - g[0])
    longest = stop - start
    return longest <= limit, f"longest period without a leader: {longest:.1f} ms, from {start:.1f} to {stop:.1f} ms (limit {limit:g} ms)"


def _no_leader_between(window: tuple[float, float], facts: Facts) -> tuple[bool, str]:
    a, b = window
    for span in facts.leaders:
        stop = facts.outcome.end_ms if span["to_ms"] is None else span["to_ms"]
        if span["from_ms"] < b and stop > a:
            return False, f"{span['node']} led term {span['term']} from {span['from_ms']:.1f} to {stop:.1f} ms"
    return True, f"no leader between {a:g} and {b:g} ms"


def _no_commit_between(window: tuple[float, float], facts: Facts) -> tuple[bool, str]:
    a, b = window
    for t, index in facts.commit_times:
        if a <= t <= b:
            return False, f"index {index} was committed at {t:.1f} ms"
    return True, f"nothing committed between {a:g} and {b:g} ms"


def _final_leader_in(nodes: Iterable[str], facts: Facts) -> tuple[bool, str]:
    allowed = list(nodes)
    leader = facts.outcome.final_leader
    return leader in allowed, f"leader at the end: {leader or 'none'} (expected one of {', '.join(allowed)})"


def _committed_on_live(count: int, facts: Facts) -> tuple[bool, str]:
    live = {name: s.commit_index for name, s in facts.outcome.nodes.items() if s.up}
    short = {name: index for name, index in live.items() if index < count}
    seen = ", ".join(f"{name}={index}" for name, index in live.items())
    return not short, f"commitIndex of live nodes: {seen} (expected at least {count})"


def _logs_identical(_: Any, facts: Facts) -> tuple[bool, str]:
    leader = facts.outcome.final_leader
    if leader is None:
        return False, "no leader at the end, so no connected majority to compare"
    group = next((g for g in facts.outcome.groups if leader in g), [leader])
    nodes = [n for n in group if facts.outcome.nodes[n].up]
    reference = facts.outcome.nodes[leader].log_terms
    differ = [n for n in nodes if facts.outcome.nodes[n].log_terms != reference]
    if differ:
        return False, f"logs of {', '.join(differ)} differ from the leader {leader}'s ({len(reference)} entries)"
    return True, f"{', '.join(nodes)} hold the same {len(reference)} entries"


def _safety_violation(prop: str, facts: Facts) -> tuple[bool, str]:
    violation = facts.outcome.violation
    if violation is None:
        return False, f"expected a violation of {prop}; none happened"
    return violation.property == prop, f"violated: {violation}"


CHECKS: dict[str, Check] = {
    "leader_elected_within_ms": _leader_elected_within,
    "max_leaderless_ms": _max_leaderless,
    "no_leader_between_ms": _no_leader_between,
    "no_commit_between_ms": _no_commit_between,
    "final_leader_in": _final_leader_in,
    "committed_on_live_nodes_at_least": _committed_on_live,
    "logs_identical_at_end": _logs_identical,
    "safety_violation": _safety_violation,
}


def evaluate(expectations: Iterable[Any], facts: Facts) -> list[dict[str, Any]]:
    """Evaluate each expectation (objects with ``check`` and ``value``) into ``{check, ok, detail}``."""
    results = []
    for expectation in expectations:
        ok, detail = CHECKS[expectation.check](expectation.value, facts)
        results.append({"check": expectation.check, "ok": ok, "detail": detail})
    return results
