"""Every shipped Kubernetes scenario shows its lesson for seeds 0-9, and the lessons compare as the docs say."""

from __future__ import annotations

import pytest

from raft.kubernetes.summary import kube_summary
from tests.kubernetes.kit import SCENARIOS, run

NAMES = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


def test_the_lessons_are_shipped() -> None:
    assert set(NAMES) == {
        "three-lose-one",
        "three-lose-two",
        "two-lose-one",
        "two-zones-lose-zone",
        "three-zones-lose-zone",
        "stacked-lose-two-nodes",
        "external-lose-two-nodes",
        "rolling-upgrade",
        "careless-upgrade",
        "zone-partition",
        "replace-failed-member",
    }


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("name", NAMES)
def test_scenario_meets_its_expectations(name: str, seed: int) -> None:
    result = run(name, seed)
    failed = [(e.expectation, e.detail) for e in result.expectations if not e.ok]
    assert not failed
    assert not result.raft.violations
    assert result.expectations  # a scenario without expectations teaches nothing


def test_losing_one_of_three_changes_nothing_a_user_sees_but_losing_two_stops_every_change() -> None:
    one, two = kube_summary(run("three-lose-one")), kube_summary(run("three-lose-two"))
    assert all(k["ok"] for k in one["kubectl"])
    assert sum(b - a for a, b, _ in one["api_down"]) < 5.0  # at most etcd's re-election
    [(start, end, reasons)] = [d for d in two["api_down"] if d[1] - d[0] > 5]
    assert 45 <= start <= 47 and 120 <= end <= 123  # cp-3 crashed at 45 s and came back at 120 s
    assert "etcdserver: no leader" in reasons
    assert [k["ok"] for k in two["kubectl"]] == [True, False, True]


def test_an_even_count_is_worse_than_one_node_and_a_third_zone_survives_a_zone() -> None:
    even = kube_summary(run("two-lose-one"))
    assert any(b - a > 60 for a, b, _ in even["api_down"])
    two_zones = kube_summary(run("two-zones-lose-zone"))
    three_zones = kube_summary(run("three-zones-lose-zone"))
    assert any(b - a > 60 for a, b, _ in two_zones["api_down"])
    assert not any(b - a > 5 for a, b, _ in three_zones["api_down"])
    assert three_zones["evicted"] and three_zones["evicted"][0][2] == "worker-2"


def test_external_etcd_survives_what_stacked_does_not() -> None:
    stacked = kube_summary(run("stacked-lose-two-nodes"))
    external = kube_summary(run("external-lose-two-nodes"))
    assert [k["ok"] for k in stacked["kubectl"]] == [True, False]
    assert [k["ok"] for k in external["kubectl"]] == [True, True]
    assert external["cluster"]["members"] == ["etcd-1", "etcd-2", "etcd-3"]


def test_a_rolling_upgrade_moves_etcd_leadership_and_keeps_the_api_a_careless_one_does_not() -> None:
    rolling = run("rolling-upgrade")
    moves = [r for r in rolling.record if r["type"] == "machine" and r["change"] == "move-leader"]
    done = [e for e in rolling.raft.recorded_events() if e["type"] == "transfer_done"]
    assert moves and len(done) == len(moves)
    assert kube_summary(rolling)["api_down"] == []
    careless = kube_summary(run("careless-upgrade"))
    assert any(b - a > 20 for a, b, _ in careless["api_down"])


def test_a_run_is_the_same_in_any_process() -> None:
    import hashlib
    import json
    import os
    import subprocess
    import sys

    code = (
        "import hashlib, json, sys; from raft.kubernetes import simulate_kubernetes; "
        "r = simulate_kubernetes(sys.argv[1]); "
        "print(hashlib.sha256(json.dumps(r.record).encode()).hexdigest())"
    )
    path = str(SCENARIOS / "careless-upgrade.yaml")
    here = hashlib.sha256(json.dumps(run("careless-upgrade").record).encode()).hexdigest()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", code, path], capture_output=True, text=True, env=env, check=True
        )
        assert out.stdout.strip() == here


def test_a_cut_off_zone_loses_its_api_server_and_its_worker_not_the_api() -> None:
    result = run("zone-partition")
    summary = kube_summary(result)
    assert not any(b - a >= 2 for a, b, _ in summary["api_down"])
    assert [n[1:] for n in summary["not_ready"]] == [["worker-1", False], ["worker-1", True]]
    readyz = [
        r for r in result.record if r["type"] == "readyz" and r["node"] == "cp-1" and 30 < r["t_s"] < 120
    ]
    assert readyz and not readyz[-1]["ok"]
    assert summary["deployments"]["web"] == {"desired": 4, "running": 4}  # worker-1's pods ran all along


def test_a_replaced_member_restores_the_tolerance_of_one_failure() -> None:
    summary = kube_summary(run("replace-failed-member"))
    assert not any(b - a >= 2 for a, b, _ in summary["api_down"])  # etcd's re-election at most
    assert [k["ok"] for k in summary["kubectl"]] == [True]  # after the second failure
    assert summary["deployments"]["web"] == {"desired": 5, "running": 5}
