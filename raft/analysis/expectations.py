"""Evaluating a scenario's ``expect`` list against a finished run, and the run's verdict.

Each check returns ``{check, ok, detail}``; the detail says what was seen, so a failing scenario explains
itself. A scenario that expects a violation (``safety_violation: PROPERTY``, the bug lessons) is *meant* to show
it: a run that shows exactly it is ok (:func:`run_ok`); one that shows none, or another one, is not.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from raft.analysis.linearizability import Verdict
from raft.analysis.nodesets import is_large, node_ranges, per_node
from raft.analysis.records import ExpectationResult, LeaderSpan
from raft.analysis.summary import leaderless_periods
from raft.properties import Property

if TYPE_CHECKING:
    from raft.sim.simulation import RunOutcome


@dataclass(frozen=True, slots=True)
class Facts:
    """What the checks look at: leader spans, commit advances and the final state."""

    leaders: list[LeaderSpan]
    commit_times: list[tuple[float, int]]
    outcome: RunOutcome
    #: Every property the run violated (the safety checker's, and Linearizability when it was checked).
    violated: tuple[str, ...] = ()
    #: The periods of write unavailability, (from_ms, to_ms) (:mod:`raft.analysis.availability`).
    unavailable: tuple[tuple[float, float], ...] = ()
    #: The periods in which a leader held its title without a majority, (node, from_ms, to_ms)
    #: (:mod:`raft.analysis.availability`: only those longer than an election timeout are kept).
    without_majority: tuple[tuple[str, float, float], ...] = ()
    #: Every snapshot a server installed from a leader, (node, t_ms, last included index), in time order.
    installs: tuple[tuple[str, float, int], ...] = ()
    #: Each server's last restart: (t_ms, the index its recovered log ended at).
    restarts: Mapping[str, tuple[float, int]] = field(default_factory=dict)
    #: The linearizability checker's verdict on the clients' history (``None``: not checked).
    linearizable: str | None = None


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
    return (
        longest <= limit,
        f"longest period without a leader: {longest:.1f} ms, from {start:.1f} to {stop:.1f} ms (limit {limit:g} ms)",
    )


def _max_leaderless_after(value: tuple[float, float], facts: Facts) -> tuple[bool, str]:
    start, limit = value
    gaps = [
        (max(a, start), b) for a, b in leaderless_periods(facts.leaders, facts.outcome.end_ms) if b > start
    ]
    if not gaps:
        return True, f"there was always a leader after {start:g} ms"
    a, b = max(gaps, key=lambda g: g[1] - g[0])
    return b - a <= limit, (
        f"longest period without a leader after {start:g} ms: {b - a:.1f} ms, from {a:.1f} to {b:.1f} ms "
        f"(limit {limit:g} ms)"
    )


def _max_unavailable(limit: float, facts: Facts) -> tuple[bool, str]:
    if not facts.unavailable:
        return True, "writes were never unavailable"
    start, stop = max(facts.unavailable, key=lambda p: p[1] - p[0])
    longest = stop - start
    return longest <= limit, (
        f"longest write unavailability: {longest:.1f} ms, from {start:.1f} to {stop:.1f} ms (limit {limit:g} ms)"
    )


def _max_unavailable_after(value: tuple[float, float], facts: Facts) -> tuple[bool, str]:
    start, limit = value
    periods = [(max(a, start), b) for a, b in facts.unavailable if b > start]
    if not periods:
        return True, f"writes were never unavailable after {start:g} ms"
    a, b = max(periods, key=lambda p: p[1] - p[0])
    return b - a <= limit, (
        f"longest write unavailability after {start:g} ms: {b - a:.1f} ms, from {a:.1f} to {b:.1f} ms "
        f"(limit {limit:g} ms)"
    )


def _no_leader_between(window: tuple[float, float], facts: Facts) -> tuple[bool, str]:
    a, b = window
    for span in facts.leaders:
        stop = facts.outcome.end_ms if span["to_ms"] is None else span["to_ms"]
        if span["from_ms"] < b and stop > a:
            return (
                False,
                f"{span['node']} led term {span['term']} from {span['from_ms']:.1f} to {stop:.1f} ms",
            )
    return True, f"no leader between {a:g} and {b:g} ms"


def _no_commit_between(window: tuple[float, float], facts: Facts) -> tuple[bool, str]:
    a, b = window
    for t, index in facts.commit_times:
        if a <= t <= b:
            return False, f"index {index} was committed at {t:.1f} ms"
    return True, f"nothing committed between {a:g} and {b:g} ms"


def _max_leader_without_majority(limit: float, facts: Facts) -> tuple[bool, str]:
    if not facts.without_majority:
        return True, "no leader held its title without a majority for longer than an election timeout"
    node, a, b = max(facts.without_majority, key=lambda p: p[2] - p[1])
    return b - a <= limit, (
        f"longest leadership without a majority: {node}, {b - a:.1f} ms, from {a:.1f} to {b:.1f} ms "
        f"(limit {limit:g} ms)"
    )


def _leader_without_majority_between(window: tuple[float, float], facts: Facts) -> tuple[bool, str]:
    a, b = window
    for node, start, stop in facts.without_majority:
        if start <= a and stop >= b:
            return True, f"{node} led without a majority from {start:.1f} to {stop:.1f} ms"
    return False, f"no leader held its title without a majority throughout {a:g} to {b:g} ms"


def _final_leader_in(nodes: Iterable[str], facts: Facts) -> tuple[bool, str]:
    allowed = list(nodes)
    leader = facts.outcome.final_leader
    return leader in allowed, f"leader at the end: {leader or 'none'} (expected one of {', '.join(allowed)})"


def _committed_on_live(count: int, facts: Facts) -> tuple[bool, str]:
    live = {name: s.commit_index for name, s in facts.outcome.nodes.items() if s.up}
    short = {name: index for name, index in live.items() if index < count}
    seen = per_node(live, list(facts.outcome.nodes))
    return not short, f"commitIndex of live nodes: {seen} (expected at least {count})"


def _logs_identical(_: Any, facts: Facts) -> tuple[bool, str]:
    leader = facts.outcome.final_leader
    if leader is None:
        return False, "no leader at the end, so no connected majority to compare"
    group = next((g for g in facts.outcome.groups if leader in g), [leader])
    nodes = [n for n in group if facts.outcome.nodes[n].up]
    states = facts.outcome.nodes
    reference = states[leader]
    # Entries a snapshot replaced are committed (the safety checker holds every snapshot to that), so logs
    # are compared from the latest snapshot of the group on.
    after = max(states[n].snapshot_index for n in nodes)
    wanted = reference.log_terms[after - reference.snapshot_index :]
    differ = [n for n in nodes if states[n].log_terms[after - states[n].snapshot_index :] != wanted]
    order = list(facts.outcome.nodes)
    names = (lambda found: node_ranges(found, order)) if is_large(len(order)) else ", ".join
    if differ:
        return (
            False,
            f"logs of {names(differ)} differ from the leader {leader}'s ({reference.last_index} entries)",
        )
    return True, f"{names(nodes)} hold the same {reference.last_index} entries"


def _caught_up_by_snapshot(nodes: Iterable[str], facts: Facts) -> tuple[bool, str]:
    """Each node, after its last restart, installed a leader's snapshot covering entries its log lacked: it
    caught up from the snapshot, not entry by entry from where its log ended (thesis §5.1)."""
    seen: list[str] = []
    missing: list[str] = []
    for node in nodes:
        since, log_end = facts.restarts.get(node, (0.0, 0))
        install = next(
            ((t, index) for n, t, index in facts.installs if n == node and t >= since and index > log_end),
            None,
        )
        if install is None:
            missing.append(node)
            seen.append(f"{node} installed no snapshot beyond its log's end ({log_end}) after {since:.1f} ms")
        else:
            seen.append(
                f"{node} (log ending at {log_end} after {since:.1f} ms) installed a snapshot up to {install[1]} at "
                f"{install[0]:.1f} ms"
            )
    return not missing, "; ".join(seen)


def _safety_violation(prop: str, facts: Facts) -> tuple[bool, str]:
    violation = facts.outcome.violation
    if prop in facts.violated:
        return True, str(
            violation
        ) if violation is not None and violation.property == prop else f"{prop} violated"
    if violation is None and not facts.violated:
        return False, f"expected a violation of {prop}; none happened"
    return False, f"expected a violation of {prop}; violated instead: {', '.join(facts.violated)}"


def _linearizable(expected: bool, facts: Facts) -> tuple[bool, str]:
    verdict = facts.linearizable
    if verdict is None:
        return False, "the clients' history was not checked (the workload issues no reads)"
    wanted = (Verdict.LINEARIZABLE if expected else Verdict.NOT_LINEARIZABLE).value
    return verdict == wanted, f"the clients' history is {verdict}" + (
        "" if verdict == wanted else f", not {wanted}"
    )


CHECKS: dict[str, Check] = {
    "leader_elected_within_ms": _leader_elected_within,
    "max_leaderless_ms": _max_leaderless,
    "max_leaderless_ms_after": _max_leaderless_after,
    "max_unavailable_ms": _max_unavailable,
    "max_unavailable_ms_after": _max_unavailable_after,
    "no_leader_between_ms": _no_leader_between,
    "no_commit_between_ms": _no_commit_between,
    "max_leader_without_majority_ms": _max_leader_without_majority,
    "leader_without_majority_between_ms": _leader_without_majority_between,
    "final_leader_in": _final_leader_in,
    "committed_on_live_nodes_at_least": _committed_on_live,
    "logs_identical_at_end": _logs_identical,
    "caught_up_by_snapshot": _caught_up_by_snapshot,
    "safety_violation": _safety_violation,
    "linearizable": _linearizable,
}


#: Checks that bound how long the cluster may go without a leader or without taking writes: failing one is a
#: liveness failure.
LIVENESS_CHECKS = frozenset(
    {
        "leader_elected_within_ms",
        "max_leaderless_ms",
        "max_leaderless_ms_after",
        "max_unavailable_ms",
        "max_unavailable_ms_after",
    }
)
#: Checks that read the availability measures (:mod:`raft.analysis.availability`): a run that leaves them out
#: (``simulate(..., availability=False)``) still measures them for a scenario naming one of these.
AVAILABILITY_CHECKS = frozenset(
    {
        "max_unavailable_ms",
        "max_unavailable_ms_after",
        "max_leader_without_majority_ms",
        "leader_without_majority_between_ms",
    }
)
LIVENESS = Property.LIVENESS
LINEARIZABILITY = Property.LINEARIZABILITY


def evaluate(expectations: Iterable[Any], facts: Facts) -> list[ExpectationResult]:
    """Evaluate each expectation (objects with ``check`` and ``value``) into ``{check, ok, detail}``.

    ``safety_violation: Liveness`` holds when a liveness bound of the same scenario (:data:`LIVENESS_CHECKS`)
    fails: that bound is what the run is expected to break.
    """
    results: list[ExpectationResult] = []
    for expectation in expectations:
        if expectation.check == "safety_violation" and expectation.value == LIVENESS:
            results.append({"check": expectation.check, "ok": False, "detail": ""})
            continue
        ok, detail = CHECKS[expectation.check](expectation.value, facts)
        results.append({"check": expectation.check, "ok": ok, "detail": detail})
    broken = [r for r in results if r["check"] in LIVENESS_CHECKS and not r["ok"]]
    for expectation, result in zip(expectations, results, strict=True):
        if expectation.check == "safety_violation" and expectation.value == LIVENESS:
            if broken:
                result["ok"] = True
                result["detail"] = f"{LIVENESS} violated: {broken[0]['check']}: {broken[0]['detail']}"
            else:
                result["detail"] = (
                    f"expected a {LIVENESS} failure (a liveness bound broken); every bound held"
                )
    return results


def expected_violations(expectations: Sequence[Any], results: Sequence[ExpectationResult]) -> list[str]:
    """The properties the scenario expects to be violated (``safety_violation``, and Linearizability for
    ``linearizable: false``) that the run did violate, in the
    order of the ``expect`` list; ``results`` are :func:`evaluate`'s, in the same order."""
    met = [
        str(e.value) if e.check == "safety_violation" else str(LINEARIZABILITY)
        for e, r in zip(expectations, results, strict=True)
        if r["ok"] and (e.check == "safety_violation" or (e.check == "linearizable" and e.value is False))
    ]
    return list(dict.fromkeys(met))


def is_expected_failure(result: ExpectationResult, expected: Collection[str]) -> bool:
    """Whether a failed expectation is the expected violation itself: a liveness bound (:data:`LIVENESS_CHECKS`)
    broken in a run expected to violate Liveness. It stays ``ok: false`` (it did fail), but does not fail the run."""
    return not result["ok"] and result["check"] in LIVENESS_CHECKS and LIVENESS in expected


def run_ok(results: Iterable[ExpectationResult], violated: Iterable[str], expected: Collection[str]) -> bool:
    """The run's verdict: every expectation held (or failed only as the expected violation), and every property
    the run violated was expected. A violation nobody expected fails the run; so does an expected one that did
    not happen (its ``safety_violation`` expectation fails)."""
    return all(r["ok"] or is_expected_failure(r, expected) for r in results) and all(
        prop in expected for prop in violated
    )
