"""raft.analysis.history: a run's client history, checked for linearizability."""

from __future__ import annotations

from pathlib import Path

from raft.analysis.history import check_linearizable, client_history, linearizability_violation
from raft.analysis.linearizability import OpKind, Outcome, Verdict
from raft.api import simulate

ROOT = Path(__file__).resolve().parents[2]


def _events() -> list[dict[str, object]]:
    return [
        {"t_ms": 1.0, "type": "submit", "client": "c1", "seq": 1, "command": "x=1"},
        {"t_ms": 2.0, "type": "submit", "client": "c2", "seq": 1, "command": "?x"},
        {"t_ms": 5.0, "type": "ack", "client": "c1", "seq": 1, "command": "x=1", "index": 3, "value": "1"},
        {"t_ms": 6.0, "type": "submit", "client": "c1", "seq": 2, "command": "-x"},
        {"t_ms": 9.0, "type": "ack", "client": "c2", "seq": 1, "command": "?x", "index": 4, "value": "1"},
        {"t_ms": 10.0, "type": "submit", "client": "c2", "seq": 2, "command": "?x"},
        {"t_ms": 12.0, "type": "ack", "client": "c2", "seq": 2, "command": "?x", "index": 6, "value": None},
    ]


def test_submit_is_invoke_ack_is_ok_and_unacknowledged_is_unknown() -> None:
    ops, acks = client_history(_events())
    assert [(o.client, o.kind, o.key, o.value, o.outcome) for o in ops] == [
        ("c1", OpKind.SET, "x", "1", Outcome.OK),
        ("c2", OpKind.READ, "x", "1", Outcome.OK),
        ("c1", OpKind.DELETE, "x", None, Outcome.UNKNOWN),
        ("c2", OpKind.READ, "x", None, Outcome.OK),
    ]
    assert (ops[0].invoke_ms, ops[0].complete_ms) == (1.0, 5.0)
    assert ops[2].complete_ms is None
    assert set(acks) == {0, 1, 3}


def test_unknown_delete_explains_the_later_empty_read() -> None:
    assert check_linearizable(_events()).verdict is Verdict.LINEARIZABLE


def test_stale_read_is_not_linearizable_and_becomes_a_violation() -> None:
    events = _events()[:3] + [
        {"t_ms": 20.0, "type": "submit", "client": "c2", "seq": 9, "command": "?x"},
        {"t_ms": 21.0, "type": "ack", "client": "c2", "seq": 9, "command": "?x", "index": 7, "value": None},
    ]
    result = check_linearizable(events)
    assert result.verdict is Verdict.NOT_LINEARIZABLE
    violation = linearizability_violation(events, result)
    assert violation is not None
    assert (
        violation["property"] == "Linearizability" and violation["index"] == 7 and violation["t_ms"] == 21.0
    )


def test_a_healthy_run_with_reads_is_linearizable_and_the_local_read_bug_is_caught() -> None:
    path = ROOT / "scenarios" / "bugs" / "local-read.yaml"
    caught = simulate(path, record=False)  # the scenario expects Linearizability, so it is checked
    assert caught.summary["linearizable"] == "not linearizable"
    assert [v["property"] for v in caught.summary["safety_violations"]] == ["Linearizability"]
    healthy = simulate(ROOT / "scenarios" / "leader-crash.yaml", record=False, linearizability=True)
    assert healthy.summary["linearizable"] == "linearizable" and healthy.ok


def test_normal_run_does_not_check_linearizability() -> None:
    result = simulate(ROOT / "scenarios" / "leader-crash.yaml", record=False)
    assert result.summary["linearizable"] is None
