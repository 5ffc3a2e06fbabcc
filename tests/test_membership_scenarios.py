"""The membership lessons of scenarios/membership and the membership bugs' stories (thesis chapter 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from raft.api import simulate
from raft.scenario import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "scenarios" / "membership").glob("*.yaml"))


def test_the_membership_lessons_are_shipped() -> None:
    assert {p.stem for p in LESSONS} == {
        "grow-3-to-5",
        "replace-remove-then-add",
        "replace-add-then-remove",
        "add-voter-without-learner",
    }


@pytest.mark.parametrize("seed", [0, 7, 13])
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_membership_lesson_meets_its_expectations(path: Path, seed: int) -> None:
    result = simulate(path, seed=seed, record=False)
    assert result.violations == []
    assert all(e["ok"] for e in result.expectations), result.expectations


def test_growing_one_server_at_a_time_goes_through_four_voters_and_never_stalls() -> None:
    result = simulate(ROOT / "scenarios" / "membership" / "grow-3-to-5.yaml")
    changes = result.summary["configurations"]
    assert [len(c["voters"]) for c in changes] == [3, 4, 4, 5]
    assert [c["learners"] for c in changes] == [["n4"], [], ["n5"], []]
    assert all(c["committed_ms"] is not None for c in changes)
    assert result.summary["unavailable"] == []
    assert result.events is not None
    # the spares start only when added
    first_n5 = min(e["t_ms"] for e in result.events if e.get("node") == "n5")
    assert first_n5 == 2500.0


def test_adding_an_empty_voter_stalls_writes_while_it_catches_up() -> None:
    """Without a learner phase, the new voter is needed for the quorum before it holds the log."""
    result = simulate(ROOT / "scenarios" / "membership" / "add-voter-without-learner.yaml")
    stalls = [p for p in result.summary["unavailable"] if p["from_ms"] < 2100 < p["to_ms"]]
    assert stalls and stalls[0]["to_ms"] - stalls[0]["from_ms"] > 400
    with_learner = simulate(ROOT / "scenarios" / "membership" / "replace-add-then-remove.yaml")
    assert [p for p in with_learner.summary["unavailable"] if p["from_ms"] >= 1500] == []


def test_two_voters_tolerate_no_failure() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "membership" / "replace-remove-then-add.yaml")
    result = simulate(scenario)
    assert result.summary["configurations"][0]["voters"] == ["n1", "n2"]
    data = scenario.model_dump(mode="json", exclude={"source"})
    data["events"] = [
        e for e in data["events"] if e["action"] not in ("crash", "restart") or e["at_ms"] == 1000
    ]
    data["expect"] = [{"max_unavailable_ms": 1}]
    calm = simulate(parse_scenario(data))  # without n2's crash the replacement never stalls
    assert calm.ok, calm.expectations
