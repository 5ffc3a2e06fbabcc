"""The Python API's options that change what a run measures, not what it does."""

from __future__ import annotations

from pathlib import Path

import yaml

from raft.api import load_scenario, needs_availability, parse_scenario, simulate

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
AVAILABILITY_KEYS = {"unavailable", "unavailable_ms", "leader_without_majority"}


def test_a_run_without_the_availability_measures_differs_only_in_them() -> None:
    data = yaml.safe_load((SCENARIOS / "leader-crash.yaml").read_text())
    data["expect"] = [e for e in data["expect"] if "max_unavailable_ms" not in e]
    scenario = parse_scenario(data)
    assert not needs_availability(scenario)
    full = simulate(scenario, record=False).summary
    lean = simulate(scenario, record=False, availability=False).summary
    assert full["unavailable"] and full["unavailable_ms"] > 0  # so that leaving them out shows
    assert (lean["unavailable"], lean["unavailable_ms"], lean["leader_without_majority"]) == ([], 0, [])
    assert list(lean) == list(full)
    assert {k: v for k, v in lean.items() if k not in AVAILABILITY_KEYS} == {
        k: v for k, v in full.items() if k not in AVAILABILITY_KEYS
    }


def test_a_scenario_judging_availability_is_measured_anyway() -> None:
    scenario = load_scenario(SCENARIOS / "maintenance-crash.yaml")
    assert needs_availability(scenario)  # it states max_unavailable_ms
    full = simulate(scenario, record=False).summary
    assert simulate(scenario, record=False, availability=False).summary == full
    assert full["unavailable"]
