"""The Python API's options that change what a run measures, not what it does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def test_a_consumer_subscribed_in_setup_gets_every_delivery() -> None:
    """The network asks what is wanted when it is built, and again after every later subscription: a setup that
    subscribes to ``deliver`` gets every kind of message, not only the kinds the run's own measures read."""
    from raft.sim.events import EventType

    kinds: set[str] = set()
    appends: list[int] = []

    def setup(sim: Any) -> None:
        sim.bus.subscribe(lambda event: kinds.add(event["msg"]), [EventType.DELIVER])
        sim.bus.subscribe(lambda event: appends.append(event["index"]), [EventType.APPEND])

    simulate(SCENARIOS / "cold-start-3.yaml", record=False, duration_ms=1000, setup=setup)
    assert {"RequestVote", "RequestVoteResponse", "AppendEntries", "AppendEntriesResponse"} <= kinds
    assert appends
