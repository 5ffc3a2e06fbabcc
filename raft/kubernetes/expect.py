"""Judging a Kubernetes scenario's expectations against the control plane's record."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from raft.kubernetes.spec import Check, Expectation, KubeScenario


@dataclass(frozen=True, slots=True)
class KubeExpectationResult:
    """One expectation, whether it held, and what the run showed instead."""

    expectation: str
    ok: bool
    detail: str


def describe(e: Expectation) -> str:
    when = f"at {e.at_s:g} s" if e.at_s is not None else f"from {e.from_s:g} s to {e.to_s:g} s"
    value = e.value
    if isinstance(value, dict):
        value = ", ".join(f"{k}={v}" for k, v in value.items())
    return f"{e.check.value} {value} {when}"


def last_before(
    record: Sequence[dict[str, Any]], at_s: float, kind: str, **match: Any
) -> dict[str, Any] | None:
    """The last event of ``kind`` matching ``match`` at or before ``at_s``."""
    found = None
    for event in record:
        if event["t_s"] > at_s:
            break
        if event["type"] == kind and all(event.get(k) == v for k, v in match.items()):
            found = event
    return found


def pods_at(record: Sequence[dict[str, Any]], at_s: float, deployment: str) -> tuple[int, int]:
    """(desired, running) pods of ``deployment`` at ``at_s``."""
    event = last_before(record, at_s, "pods", deployment=deployment)
    return (0, 0) if event is None else (event["desired"], event["running"])


def _judge(e: Expectation, record: Sequence[dict[str, Any]]) -> tuple[bool, str]:
    check = e.check
    if check is Check.KUBECTL:
        runs = [r for r in record if r["type"] == "kubectl" and r["sent_s"] == e.at_s]
        if not runs:
            return False, "no kubectl command finished"
        outcome = "ok" if runs[0]["ok"] else "failed"
        return outcome == e.value, f"{runs[0]['command']}: {outcome}" + (
            f" ({runs[0]['reason']})" if runs[0]["reason"] else ""
        )
    if check is Check.API:
        assert e.from_s is not None and e.to_s is not None
        calls = [r for r in record if r["type"] == "probe" and e.from_s <= r["sent_s"] <= e.to_s]
        failed = [r for r in calls if not r["ok"]]
        ok = [r for r in calls if r["ok"]]
        if e.value == "up":
            if failed:
                first = failed[0]
                return (
                    False,
                    f"{len(failed)} of {len(calls)} probes failed, first at {first['sent_s']:g} s: {first['reason']}",
                )
            return bool(calls), f"{len(calls)} probes, all ok"
        if ok:
            return (
                False,
                f"{len(ok)} of {len(calls)} probes succeeded, first at {ok[0]['sent_s']:g} s: the API answered",
            )
        return bool(calls), f"{len(calls)} probes, all failed"
    assert e.at_s is not None
    if check in (Check.RUNNING, Check.DESIRED):
        seen = {name: pods_at(record, e.at_s, name)[0 if check is Check.DESIRED else 1] for name in e.value}
        shown = ", ".join(f"{k}={v}" for k, v in seen.items())
        return seen == dict(e.value), f"{check.value} {shown}"
    event = last_before(record, e.at_s, "node", node=e.value)
    not_ready = event is not None and not event["ready"]
    state = "NotReady" if not_ready else "Ready"
    return not_ready == (check is Check.NOT_READY), f"{e.value} {state}"


def evaluate(scenario: KubeScenario, record: Sequence[dict[str, Any]]) -> Iterable[KubeExpectationResult]:
    for e in scenario.expect:
        ok, detail = _judge(e, record)
        yield KubeExpectationResult(describe(e), ok, detail)
