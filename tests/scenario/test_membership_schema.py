"""Scenario keys and events of membership changes: cluster.spares, add, promote, remove, change."""

from __future__ import annotations

from typing import Any

import pytest

from raft.errors import ScenarioError
from raft.scenario import Action, parse_scenario


def scenario(cluster: dict[str, Any], events: list[dict[str, Any]] = ()) -> Any:  # type: ignore[assignment]
    return parse_scenario({"name": "t", "duration_ms": 1000, "cluster": cluster, "events": list(events)})


def error(cluster: dict[str, Any], events: list[dict[str, Any]] = ()) -> str:  # type: ignore[assignment]
    with pytest.raises(ScenarioError) as info:
        scenario(cluster, events)
    return str(info.value)


def test_spares_as_a_count_or_names() -> None:
    assert scenario({"size": 3, "spares": 2}).cluster.spare_ids == ("n4", "n5")
    assert scenario({"nodes": ["a", "b"], "spares": ["c"]}).cluster.all_ids == ("a", "b", "c")


def test_bad_spares() -> None:
    assert (
        error({"size": 3, "spares": ["n2"]})
        == "<scenario>: cluster.spares[0]: spare n2 is already a node of the cluster"
    )
    assert "reserved" in error({"size": 3, "spares": ["leader"]})
    assert error({"size": 3, "spares": -1}).endswith(
        "expected a count from 0 to 101 or a list of names, got -1"
    )


def test_membership_events_name_known_servers_with_did_you_mean() -> None:
    message = error({"size": 3, "spares": ["n6"]}, [{"at_ms": 1, "add": "n7"}])
    assert message == "<scenario>: events[0].add: unknown node n7 (the cluster has n1, n2, n3, n6)"
    message = error({"size": 3, "spares": ["spare"]}, [{"at_ms": 1, "promote": "spaer"}])
    assert message == "<scenario>: events[0].promote: unknown node spaer (did you mean 'spare'?)"
    message = error({"size": 3}, [{"at_ms": 1, "change": {"add": ["n4"]}}])
    assert message.startswith("<scenario>: events[0].change.add[0]: unknown node n4")


def test_change_needs_a_change() -> None:
    assert "empty change" in error({"size": 3}, [{"at_ms": 1, "change": {}}])
    assert "both added and removed" in error(
        {"size": 3}, [{"at_ms": 1, "change": {"add": ["n1"], "remove": ["n1"]}}]
    )


def test_remove_takes_a_role_word_and_add_does_not() -> None:
    events = scenario({"size": 3}, [{"at_ms": 1, "remove": "leader"}]).events
    assert events[0].action is Action.REMOVE and events[0].target == "leader"
    assert "not allowed here" in error({"size": 3, "spares": 1}, [{"at_ms": 1, "add": "leader"}])
