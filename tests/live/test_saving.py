"""Save as scenario (raft/live/saving.py): the YAML form of events, and what the saved file keeps and changes."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from raft.live.saving import live_scenario, retry_tail_ms, scenario_yaml, yaml_item
from raft.scenario import parse_scenario

BASE: dict[str, Any] = {"name": "base", "seed": 2, "duration_ms": 5000, "cluster": {"size": 3}}


@pytest.mark.parametrize(
    "item",
    [
        {"at_ms": 12.0, "crash": "leader"},
        {"at_ms": 12.0, "restart": "crashed"},
        {"at_ms": 12.0, "timeout": "n2"},
        {"at_ms": 12.0, "isolate": "follower"},
        {"at_ms": 12.0, "transfer": "n3"},
        {"at_ms": 12.0, "partition": [["n1"], ["n2", "n3"]]},
        {"at_ms": 12.0, "cut": ["leader", "n2"]},
        {"at_ms": 12.0, "heal": True},
        {"at_ms": 12.0, "heal": "n1"},
        {"at_ms": 12.0, "heal": ["n1", "n2"]},
        {"at_ms": 12.0, "write": "x=1"},
        {"at_ms": 12.0, "write": "-x", "to": "leader"},
    ],
)
def test_the_yaml_form_of_an_event_is_the_one_it_was_read_from(item: dict[str, Any]) -> None:
    [event] = parse_scenario({**BASE, "events": [item]}).events
    assert yaml_item(event) == item


def test_a_saved_scenario_keeps_what_happened_and_runs_to_the_time_reached() -> None:
    data = {
        **BASE,
        "events": [
            {"at_ms": 100, "crash": "n1"},
            {"when": {"leader": "n2"}, "crash": "n2"},
            {"at_ms": 900, "heal": True},
        ],
        "expect": [{"max_leaderless_ms": 600}],
    }
    scenario = parse_scenario(data)
    sent = parse_scenario({**BASE, "events": [{"at_ms": 301, "restart": "n1"}]}).events
    saved = live_scenario(
        data, scenario, sent, reached_ms=750.5, clients_stop_ms=4000.0, clients_active=False
    )
    assert saved["duration_ms"] == 750.5
    assert saved["events"] == [
        {"at_ms": 100, "crash": "n1"},
        {"when": {"leader": "n2"}, "crash": "n2"},  # not timed: it may have fired, and will again in a replay
        {"at_ms": 301.0, "restart": "n1"},
    ]
    assert "expect" not in saved and "workload" not in saved
    assert saved["name"] == "base (live)"
    assert data["duration_ms"] == 5000 and len(data["events"]) == 3  # the scenario as written is left alone


def test_with_clients_the_run_goes_on_past_the_time_reached_and_they_stop_submitting_there() -> None:
    data = {**BASE, "workload": {"writes_per_s": 10, "max_backoff_ms": 2000}}
    scenario = parse_scenario(data)
    assert retry_tail_ms(scenario) == 8000.0  # the longest backoff is capped at a quarter of the time left
    saved = live_scenario(data, scenario, (), reached_ms=600.0, clients_stop_ms=4000.0, clients_active=True)
    assert saved["duration_ms"] == 8600.0
    assert saved["workload"] == {"writes_per_s": 10, "max_backoff_ms": 2000, "stop_ms": 600.0}
    early = live_scenario(data, scenario, (), reached_ms=600.0, clients_stop_ms=250.0, clients_active=True)
    assert early["workload"]["stop_ms"] == 250.0


def test_the_yaml_has_one_event_a_line_and_loads_back() -> None:
    sent = parse_scenario({**BASE, "events": [{"at_ms": 7, "partition": [["n1"], ["n2", "n3"]]}]}).events
    saved = live_scenario(
        BASE, parse_scenario(BASE), sent, reached_ms=10.0, clients_stop_ms=0.0, clients_active=False
    )
    text = scenario_yaml(saved)
    assert "- {at_ms: 7.0, partition: [[n1], [n2, n3]]}\n" in text
    assert parse_scenario(yaml.safe_load(text)).events[0].groups == (("n1",), ("n2", "n3"))
