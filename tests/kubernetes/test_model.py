"""The control plane's behaviour (raft/kubernetes/model.py): API servers over etcd, leases, kubelets, faults."""

from __future__ import annotations

from typing import Any

from raft.kubernetes import parse_kube_scenario, simulate_kubernetes
from raft.kubernetes.intervals import Intervals
from raft.kubernetes.run import etcd_scenario
from raft.sim.events import EventType
from tests.kubernetes.kit import run


def scenario(**changes: Any) -> Any:
    data: dict[str, Any] = {
        "name": "t",
        "duration_s": 60,
        "kubernetes": {
            "control_plane": 3,
            "workers": 2,
            "zones": ["a", "b", "c"],
            "deployments": [{"name": "web", "replicas": 2}],
        },
    }
    data.update(changes)
    return parse_kube_scenario(data)


def test_the_etcd_members_run_the_etcd_profile_one_per_control_plane_node_when_stacked() -> None:
    etcd = etcd_scenario(scenario())
    assert etcd.cluster.node_ids == ("cp-1", "cp-2", "cp-3")
    assert etcd.cluster.profile == "etcd"
    assert etcd.cluster.heartbeat_ms == 100.0
    assert etcd.cluster.election_timeout_ms == (1000.0, 2000.0)
    assert etcd.cluster.pre_vote and etcd.cluster.check_quorum
    assert etcd.cluster.timers == "ticks" and etcd.cluster.initial_election_tick_advance
    assert etcd.cluster.read_mode == "read_index"
    external = etcd_scenario(scenario(kubernetes={"control_plane": 2, "etcd": "external", "etcd_members": 5}))
    assert external.cluster.node_ids == ("etcd-1", "etcd-2", "etcd-3", "etcd-4", "etcd-5")


def test_quorum_reads_are_answered_by_read_index_without_writing_the_log() -> None:
    result = simulate_kubernetes(scenario(duration_s=15), record=(EventType.READ, EventType.APPEND))
    events = result.raft.events or ()
    reads = [e for e in events if e["type"] == "read"]
    assert {e["command"] for e in reads} >= {"?readyz", "?healthz"}
    assert {e["mode"] for e in reads} == {"read_index"}
    written = {e["command"] for e in events if e["type"] == "append" and e["command"]}
    assert written and not [op for op in written if op.startswith("?")]
    probes = [r for r in result.record if r["type"] == "probe" and r["t_s"] >= 5]
    assert probes and all(r["ok"] for r in probes)  # each ReadIndex answer reached the API request


def test_stacked_api_servers_ask_their_local_member_and_fail_in_etcds_words_without_quorum() -> None:
    result = run("three-lose-two")
    during = [r for r in result.record if r["type"] == "api" and 50 <= r["sent_s"] <= 115]
    assert during and all(not r["ok"] for r in during)
    assert {r["via"] for r in during} == {"cp-1"}  # the only API server left
    assert {r["reason"] for r in during} <= {"etcdserver: no leader", "etcdserver: request timed out"}


def test_running_pods_are_the_pods_on_live_workers_whatever_the_control_plane_does() -> None:
    result = run("three-lose-two")
    pods = [r for r in result.record if r["type"] == "pods"]
    at_crash = next(r for r in pods if r["t_s"] == 70.0)
    assert (at_crash["desired"], at_crash["running"]) == (4, 2)  # worker-1 took two pods with it
    assert not [r for r in result.record if r["type"] == "pod" and 45 < r["t_s"] < 120]  # nothing scheduled


def test_controllers_give_up_their_lease_after_the_renew_deadline_and_take_it_back_with_quorum() -> None:
    result = run("three-lose-two")
    leases = [
        r for r in result.record if r["type"] == "lease" and r["component"] == "kube-controller-manager"
    ]
    lost = next(r for r in leases if r["change"] == "lost")
    # cp-3 crashed at 45 s: the last renewal was before it, the deadline is 10 s, the retry period 2 s
    assert 55.0 <= lost["t_s"] <= 59.0 and "10 s" in lost["reason"]
    again = next(r for r in leases if r["change"] == "acquired" and r["t_s"] > lost["t_s"])
    assert 120.0 < again["t_s"] < 125.0


def test_a_worker_is_marked_not_ready_a_grace_period_after_the_controller_could_see_it() -> None:
    result = run("three-lose-two")
    [mark] = [r for r in result.record if r["type"] == "node"]
    acquired = next(
        r["t_s"]
        for r in result.record
        if r["type"] == "lease" and r["change"] == "acquired" and r["t_s"] > 100
    )
    assert mark["node"] == "worker-1" and not mark["ready"]
    assert acquired + 40 <= mark["t_s"] <= acquired + 40 + 6  # grace period, checked every 5 s


def test_a_zone_partition_leaves_the_api_to_the_side_with_the_quorum() -> None:
    sc = scenario(
        duration_s=40,
        events=[{"at_s": 10, "partition_zones": [["a"], ["b", "c"]]}, {"at_s": 25, "scale": {"web": 3}}],
        expect=[{"kubectl": "ok", "at_s": 25}],
    )
    result = simulate_kubernetes(sc, seed=3)
    assert result.ok
    after = [r for r in result.record if r["type"] == "readyz" and r["t_s"] > 12]
    cp1 = [r for r in after if r["node"] == "cp-1"]
    assert cp1 and not cp1[-1]["ok"]  # cut off with one member of three


def test_shorter_intervals_change_when_things_happen_not_what() -> None:
    fast = Intervals(node_monitor_grace_s=25.0, eviction_toleration_s=20.0)
    sc = scenario(duration_s=80, events=[{"at_s": 5, "crash": "worker-1"}])
    result = simulate_kubernetes(sc, intervals=fast)
    [mark] = [r for r in result.record if r["type"] == "node"]
    evicted = [r for r in result.record if r["type"] == "pod" and r["change"] == "evicted"]
    assert (
        mark["node"] == "worker-1" and mark["t_s"] < 45 and evicted and evicted[0]["t_s"] - mark["t_s"] >= 20
    )
    pods = [r for r in result.record if r["type"] == "pods"]
    assert (pods[-1]["desired"], pods[-1]["running"]) == (2, 2)


def test_same_seed_same_record_other_seed_other_timing() -> None:
    sc = scenario(duration_s=40, events=[{"at_s": 10, "crash": "cp-1"}, {"at_s": 20, "scale": {"web": 3}}])
    first, again = simulate_kubernetes(sc, seed=4), simulate_kubernetes(sc, seed=4)
    other = simulate_kubernetes(sc, seed=5)
    assert first.record == again.record
    assert first.record != other.record


def test_a_replacement_member_joins_as_a_learner_then_becomes_a_voter_and_only_then_serves_the_api() -> None:
    result = run("replace-failed-member")
    committed = [
        e
        for e in result.raft.recorded_events()
        if e["type"] == "config" and e["phase"] == "committed" and e["node"] == "cp-1"
    ]
    assert [(e["voters"], e["learners"]) for e in committed] == [
        (["cp-1", "cp-3"], []),  # etcdctl member remove cp-2
        (["cp-1", "cp-3"], ["cp-4"]),  # etcdctl member add --learner cp-4
        (["cp-1", "cp-3", "cp-4"], []),  # etcdctl member promote cp-4
    ]
    voter_s = committed[-1]["t_ms"] / 1000.0
    assert 70 <= voter_s < 71
    [started] = [r for r in result.record if r["type"] == "machine" and r["change"] == "api-server-start"]
    assert started["node"] == "cp-4" and voter_s <= started["t_s"] < voter_s + 0.2
    via_cp4 = [r["t_s"] for r in result.record if r.get("via") == "cp-4" or r.get("node") == "cp-4"]
    assert via_cp4 and min(via_cp4) >= started["t_s"]  # no request, no readyz before it is a voter
    commands = [r["command"] for r in result.record if r["type"] == "etcd"]
    assert commands == [
        "etcdctl member remove cp-2",
        "etcdctl member add --learner cp-4",
        "etcdctl member promote cp-4",
    ]


def test_a_promotion_etcd_refuses_starts_no_api_server() -> None:
    result = simulate_kubernetes(
        scenario(
            duration_s=30,
            kubernetes={"control_plane": 3, "spare_control_plane": 1, "workers": 1},
            events=[{"at_s": 10, "etcd_member_promote": "cp-4"}],  # never added: not a learner
        )
    )
    skips = [e for e in result.raft.recorded_events() if e["type"] == "skip"]
    assert [(e["action"], e["target"]) for e in skips] == [("promote", "cp-4")]
    assert not [r for r in result.record if r.get("via") == "cp-4" or r.get("node") == "cp-4"]
