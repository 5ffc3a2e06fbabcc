"""Membership changes in the simulation: spares, the leader asked for changes, refusals traced, config events."""

from __future__ import annotations

from typing import Any

from raft.api import simulate
from raft.scenario import parse_scenario


def run(events: list[dict[str, Any]], **cluster: Any) -> Any:
    data = {
        "name": "t",
        "duration_ms": 2000,
        "cluster": {"size": 3, "spares": ["n4", "n5"], **cluster},
        "network": {"latency_ms": 5},
        "events": [{"at_ms": 10, "timeout": "n1"}, *events],
    }
    return simulate(parse_scenario(data))


def of(result: Any, kind: str) -> list[dict[str, Any]]:
    return [e for e in result.events if e["type"] == kind]


def test_a_spare_is_down_until_added_and_its_restart_is_skipped() -> None:
    result = run([{"at_ms": 300, "restart": "n4"}, {"at_ms": 500, "add": "n4"}])
    assert [e for e in result.events if e.get("node") == "n4" and e["t_ms"] < 500] == []
    [skip] = of(result, "skip")
    assert (skip["action"], skip["target"], skip["reason"]) == ("restart", "n4", "a spare not added yet")
    assert any(e["type"] == "role" and e["node"] == "n4" and e["t_ms"] == 500.0 for e in result.events)
    meta = result.events[0]
    assert meta["spares"] == ["n4", "n5"] and meta["nodes"] == ["n1", "n2", "n3"]


def test_config_events_trace_every_phase_at_every_server() -> None:
    result = run([{"at_ms": 500, "add": "n4"}])
    configs = of(result, "config")
    phases = {(e["node"], e["phase"]) for e in configs}
    for node in ("n1", "n2", "n3", "n4"):
        assert {(node, "appended"), (node, "in_force"), (node, "committed")} <= phases
    assert {tuple(e["learners"]) for e in configs} == {("n4",)}


def test_a_second_change_in_flight_is_refused_and_traced() -> None:
    result = run([{"at_ms": 500, "add": "n4"}, {"at_ms": 500, "add": "n5"}])
    [skip] = of(result, "skip")
    assert skip["action"] == "add" and skip["target"] == "n5"
    assert skip["reason"].startswith("n1 refused: a change is in progress")


def test_a_removed_leader_steps_down_and_does_not_disrupt() -> None:
    result = run([{"at_ms": 500, "remove": "leader"}])
    [down] = of(result, "step_down")
    assert down["node"] == "n1" and down["reason"] == "removed"
    leaders = [e for e in of(result, "role") if e["role"] == "leader"]
    assert [e["node"] for e in leaders][0] == "n1" and leaders[-1]["node"] != "n1"
    # n1 keeps timing out; the others, hearing from their leader, ignore its RequestVotes (thesis §4.2.3)
    assert len(leaders) == 2
    assert result.summary["final_leader"] in ("n2", "n3")


def test_a_transfer_to_a_server_outside_the_configuration_is_skipped() -> None:
    result = run([{"at_ms": 500, "remove": "n3"}, {"at_ms": 700, "transfer": "n3"}])
    [skip] = of(result, "skip")
    assert skip["reason"] == "n3 is not a voter of n1's configuration"


def test_a_joint_change_enters_and_leaves_joint_consensus() -> None:
    result = run([{"at_ms": 500, "change": {"add": ["n4", "n5"], "remove": ["n2", "n3"]}}])
    changes = result.summary["configurations"]
    assert [c.get("outgoing") for c in changes] == [["n1", "n2", "n3"], None]
    assert changes[-1]["voters"] == ["n1", "n4", "n5"] and changes[-1]["committed_ms"] is not None


def test_without_membership_events_the_trace_is_unchanged() -> None:
    data = {"name": "t", "duration_ms": 1000, "cluster": {"size": 3}}
    meta = simulate(parse_scenario(data)).events[0]
    assert "spares" not in meta and "spares" not in meta["config"]["cluster"]
    assert all("change" not in e for e in meta["events"])


def test_a_learner_added_after_compaction_catches_up_by_snapshot_with_its_configuration() -> None:
    """Thesis §5.1 with §4.2.1: the leader has discarded the entries a new server needs, so the learner gets
    the snapshot and uses its configuration (the one in force at its last included index: here from before the
    add), then the entries after it, whose configuration entries it uses in turn: it ends a promoted voter."""
    data = {
        "name": "t",
        "duration_ms": 3000,
        "cluster": {"size": 3, "spares": ["n4"]},
        "network": {"latency_ms": 5},
        "storage": {"snapshot_every": 5},
        "workload": {"writes_per_s": 50, "stop_ms": 2500},
        "events": [
            {"at_ms": 10, "timeout": "n1"},
            {"at_ms": 1000, "add": "n4"},
            {"at_ms": 1500, "promote": "n4"},
        ],
    }
    result = simulate(parse_scenario(data))
    installed = [e for e in of(result, "snapshot") if e["node"] == "n4"]
    assert installed and installed[0]["from"] == "n1" and installed[0]["index"] > 5
    n4_configs = [e for e in of(result, "config") if e["node"] == "n4"]
    first = n4_configs[0]
    assert (first["phase"], first["index"]) == ("in_force", installed[0]["index"])
    assert first["voters"] == ["n1", "n2", "n3"]
    in_force = [(e["voters"], e["learners"]) for e in n4_configs if e["phase"] == "in_force"]
    assert in_force[1:] == [(["n1", "n2", "n3"], ["n4"]), (["n1", "n2", "n3", "n4"], [])]
    assert n4_configs[-1]["voters"] == ["n1", "n2", "n3", "n4"] and n4_configs[-1]["phase"] == "committed"
    assert result.summary["safety_violations"] == [] and result.summary["commit_index"]["n4"] > 50


def test_snapshots_without_membership_changes_trace_no_configuration() -> None:
    """A restart from a snapshot and an install take the snapshot's configuration, which without membership
    changes is the one in use: nothing is traced (the traces of runs with compaction alone are unchanged)."""
    data = {
        "name": "t",
        "duration_ms": 4000,
        "cluster": {"size": 3},
        "network": {"latency_ms": 5},
        "storage": {"snapshot_every": 5},
        "workload": {"writes_per_s": 50, "stop_ms": 3500},
        "events": [
            {"at_ms": 1000, "crash": "n2"},
            {"at_ms": 1500, "restart": "n2"},
            {"at_ms": 2000, "crash": "n3"},
            {"at_ms": 3000, "restart": "n3"},
        ],
    }
    result = simulate(parse_scenario(data))
    restarts = [e for e in of(result, "restart") if "snapshot" in e]
    installs = [e for e in of(result, "snapshot") if "from" in e]
    assert restarts and installs  # both ways of taking a snapshot's configuration happened
    assert of(result, "config") == []
