"""Shrinking a failing fuzz scenario to the fewest faults that still fail, and writing it as a reproducer.

The faults of a generated scenario are explicit: the scripted events of its fault phase, and the network rates
(drop, duplicate, reorder, the wide "delay" latency). Delta debugging (Zeller's ddmin) searches for a smallest
subset of them with which the run still breaks the same property; the quiet phase (heal and restarts) and the
workload stay. Every candidate is a full deterministic run, so the result replays exactly.

The reproducer expects the failure it shows, and only what its run can show: a run stops at a safety violation,
so an expectation about times at or after that stop (the quiet phase's liveness bound, say) is left out rather
than passing vacuously (:func:`within_run`). The duration stays: the clients' retries depend on it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from raft.api import load_scenario, parse_scenario, simulate
from raft.errors import RaftSimError, ScenarioError
from raft.files import atomic_write
from raft.fuzz.generator import is_quiet_event, quiet_ms
from raft.fuzz.properties import ACKED_WRITES, RECORDED_TYPES, first_failure, run_checked
from raft.scenario.expectations import WINDOW_CHECKS
from raft.sim.safety import Violation

#: A fault that can be removed: ("event", position in the events list) or ("network", key).
Fault = tuple[str, Any]
#: Network settings that are faults, and the value each takes when removed.
NETWORK_FAULTS: dict[str, Any] = {
    "drop_rate": 0.0,
    "duplicate_rate": 0.0,
    "reorder_ms": 0.0,
    "latency_ms": [5, 10],
}
#: At most this many runs are spent shrinking one failure.
MAX_RUNS = 150


@dataclass(frozen=True, slots=True)
class Shrunk:
    """A shrunk failing scenario: its mapping, its failure, how many faults it kept of how many, and when its
    run stopped (at the failure, for a safety violation; else at the end)."""

    scenario: dict[str, Any]
    failure: Violation
    kept: int
    total: int
    runs: int
    end_ms: float


def faults_of(data: dict[str, Any]) -> list[Fault]:
    """The removable faults of a generated scenario mapping."""
    quiet = quiet_ms(data)
    faults: list[Fault] = [("event", i) for i, e in enumerate(data["events"]) if not is_quiet_event(e, quiet)]
    network = data.get("network", {})
    faults += [
        ("network", key) for key in NETWORK_FAULTS if key in network and network[key] != NETWORK_FAULTS[key]
    ]
    return faults


def with_faults(data: dict[str, Any], keep: Sequence[Fault]) -> dict[str, Any]:
    """``data`` with only the faults in ``keep`` (the quiet phase and everything else unchanged)."""
    kept = set(keep)
    out = copy.deepcopy(data)
    quiet = quiet_ms(data)
    out["events"] = [
        e for i, e in enumerate(data["events"]) if is_quiet_event(e, quiet) or ("event", i) in kept
    ]
    network = out.setdefault("network", {})
    for key, neutral in NETWORK_FAULTS.items():
        if key in network and ("network", key) not in kept:
            network[key] = neutral
    return out


def ddmin(items: list[Fault], fails: Callable[[list[Fault]], bool]) -> list[Fault]:
    """A 1-minimal subset of ``items`` for which ``fails`` holds (``fails(items)`` is assumed)."""
    if fails([]):
        return []
    granularity = 2
    while len(items) >= 2:
        size = -(-len(items) // granularity)
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        for candidate in chunks + [[x for x in items if x not in chunk] for chunk in chunks]:
            if len(candidate) < len(items) and fails(candidate):
                items = candidate
                granularity = max(granularity - 1, 2)
                break
        else:
            if granularity >= len(items):
                break
            granularity = min(len(items), granularity * 2)
    return items


def shrink(data: dict[str, Any], failure: Violation, max_runs: int = MAX_RUNS) -> Shrunk:
    """The smallest set of ``data``'s faults found with which the run still breaks ``failure.property``."""
    faults = faults_of(data)
    runs = 0
    found: dict[tuple[Fault, ...], tuple[Violation | None, float]] = {}

    def run(keep: list[Fault]) -> tuple[Violation | None, float]:
        result, broken = run_checked(parse_scenario(with_faults(data, keep)))
        return broken, result.outcome.end_ms

    def fails(keep: list[Fault]) -> bool:
        nonlocal runs
        key = tuple(keep)
        if key not in found:
            if runs >= max_runs:
                return False
            runs += 1
            found[key] = run(keep)
        result = found[key][0]
        return result is not None and result.property == failure.property

    kept = ddmin(faults, fails)
    final, end_ms = found[tuple(kept)] if tuple(kept) in found else run(kept)
    return Shrunk(with_faults(data, kept), final or failure, len(kept), len(faults), runs, end_ms)


def within_run(expect: list[dict[str, Any]], stop_ms: float) -> list[dict[str, Any]]:
    """The expectations (YAML form, ``{check: value}``) whose times lie inside a run that stops at ``stop_ms``:
    a window (``no_leader_between_ms``, ``no_commit_between_ms``) must end by then, and a bound counted from a
    time (``max_leaderless_ms_after``) must start before it."""
    kept = []
    for expectation in expect:
        [(check, value)] = expectation.items()
        if check in WINDOW_CHECKS and value[1] > stop_ms:
            continue
        if check == "max_leaderless_ms_after" and value[0] >= stop_ms:
            continue
        kept.append(expectation)
    return kept


def reproducer(shrunk: Shrunk, seed: int) -> dict[str, Any]:
    """The scenario mapping to write: the shrunk scenario, expecting the failure it shows, explained."""
    data = copy.deepcopy(shrunk.scenario)
    failure = shrunk.failure
    bugs = data["cluster"].get("bugs", [])
    data["name"] = f"fuzz-seed-{seed}"
    data["description"] = (
        f"Found by raft-sim fuzz at seed {seed}"
        + (f" with bug(s) {', '.join(bugs)} switched on" if bugs else "")
        + f"; shrunk to {shrunk.kept} of {shrunk.total} faults. {failure}"
    )
    expect = within_run([e for e in data["expect"] if "max_leaderless_ms_after" in e], shrunk.end_ms)
    if failure.property == ACKED_WRITES:
        expect.append({"logs_identical_at_end": True})
    else:
        expect.append({"safety_violation": str(failure.property)})  # the plain name, whatever str type it has
    data["expect"] = expect
    return data


def write_scenario(data: dict[str, Any], path: Path) -> None:
    """Write a scenario mapping as YAML (atomically: a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=110)
    with atomic_write(path) as out:
        out.write(text)


def replay(path: Path) -> Violation | None:
    """Run a reproducer file the way ``raft-sim run`` does, and name the property it breaks."""
    try:
        result = simulate(load_scenario(path), record=RECORDED_TYPES)
    except ScenarioError as error:  # pragma: no cover - the file was just written from a valid scenario
        raise RaftSimError(f"reproducer {path} does not load: {error}") from error
    return first_failure(result)
