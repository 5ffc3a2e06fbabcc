"""raft.analysis.expectations: the write-unavailability bounds and their part in ``safety_violation: Liveness``."""

from __future__ import annotations

from typing import Any

from raft.analysis.expectations import LIVENESS_CHECKS, Facts, evaluate
from raft.scenario import Expectation
from raft.sim.simulation import RunOutcome

OUTCOME = RunOutcome(end_ms=6000.0, violation=None, nodes={}, final_leader=None, groups=[], messages={})
#: A leader from 10 ms to the end (never leaderless after that), writes stalled from 1000 to 4200 ms.
FACTS = Facts(
    leaders=[{"term": 1, "node": "n1", "from_ms": 10.0, "to_ms": None}],
    commit_times=[],
    outcome=OUTCOME,
    unavailable=((1000.0, 4200.0), (5000.0, 5400.0)),
)


def check(check: str, value: Any, facts: Facts = FACTS) -> dict[str, Any]:
    [result] = evaluate([Expectation.model_validate({"check": check, "value": value})], facts)
    return result


def test_max_unavailable_ms_bounds_every_period() -> None:
    failed = check("max_unavailable_ms", 1000)
    assert not failed["ok"]
    assert failed["detail"] == (
        "longest write unavailability: 3200.0 ms, from 1000.0 to 4200.0 ms (limit 1000 ms)"
    )
    assert check("max_unavailable_ms", 3200)["ok"]
    assert check("max_unavailable_ms", 1, Facts([], [], OUTCOME))["detail"] == "writes were never unavailable"


def test_max_unavailable_ms_after_counts_only_from_its_start() -> None:
    assert check("max_unavailable_ms_after", [4500, 500])["ok"]  # only 5000..5400 counts
    late = check("max_unavailable_ms_after", [4000, 300])
    assert not late["ok"]
    assert "400.0 ms, from 5000.0 to 5400.0 ms" in late["detail"]
    clipped = check("max_unavailable_ms_after", [3000, 1000])  # 1000..4200 is clipped to 3000..4200
    assert not clipped["ok"] and "1200.0 ms, from 3000.0 to 4200.0 ms" in clipped["detail"]
    assert (
        check("max_unavailable_ms_after", [5400, 1])["detail"]
        == "writes were never unavailable after 5400 ms"
    )


def test_leaderless_bounds_pass_where_unavailability_bounds_catch_the_outage() -> None:
    assert check("max_leaderless_ms_after", [1000, 300])["ok"]
    assert not check("max_unavailable_ms_after", [1000, 300])["ok"]


def test_a_broken_unavailability_bound_is_the_expected_liveness_failure() -> None:
    assert {"max_unavailable_ms", "max_unavailable_ms_after"} <= LIVENESS_CHECKS
    expectations = [
        Expectation.model_validate({"check": "max_unavailable_ms", "value": 1000}),
        Expectation.model_validate({"check": "safety_violation", "value": "Liveness"}),
    ]
    bound, liveness = evaluate(expectations, FACTS)
    assert not bound["ok"]
    assert liveness["ok"] and liveness["detail"].startswith("Liveness violated: max_unavailable_ms: ")


def test_linearizable_compares_the_checkers_verdict_and_false_expects_the_violation() -> None:
    from raft.analysis.expectations import expected_violations

    clean = Facts([], [], OUTCOME, linearizable="linearizable")
    stale = Facts([], [], OUTCOME, violated=("Linearizability",), linearizable="not linearizable")
    assert check("linearizable", True, clean) == {
        "check": "linearizable",
        "ok": True,
        "detail": "the clients' history is linearizable",
    }
    assert not check("linearizable", True, stale)["ok"]
    assert check("linearizable", False, stale)["ok"] and not check("linearizable", False, clean)["ok"]
    unchecked = check("linearizable", True, Facts([], [], OUTCOME))
    assert not unchecked["ok"] and "not checked" in unchecked["detail"]
    expectations = [Expectation.model_validate({"check": "linearizable", "value": False})]
    assert expected_violations(expectations, evaluate(expectations, stale)) == ["Linearizability"]
    assert expected_violations(expectations, evaluate(expectations, clean)) == []
