"""Kubernetes scenarios are validated into one clear line with did-you-mean (raft/kubernetes/loader.py)."""

from __future__ import annotations

from typing import Any

import pytest

from raft.errors import ScenarioError
from raft.kubernetes import parse_kube_scenario
from raft.kubernetes.spec import Topology


def data(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "t",
        "duration_s": 60,
        "kubernetes": {
            "control_plane": 3,
            "workers": 2,
            "zones": ["a", "b"],
            "deployments": [{"name": "web", "replicas": 2}],
        },
    }
    base.update(changes)
    return base


def error(**changes: Any) -> str:
    with pytest.raises(ScenarioError) as raised:
        parse_kube_scenario(data(**changes))
    return str(raised.value)


def test_a_valid_scenario_names_its_machines_and_spreads_them_over_the_zones() -> None:
    sc = parse_kube_scenario(data(events=[{"at_s": 1, "crash": "cp-2"}, {"at_s": 2, "scale": {"web": 3}}]))
    spec = sc.kubernetes
    assert spec.topology is Topology.STACKED
    assert spec.machines == ("cp-1", "cp-2", "cp-3", "worker-1", "worker-2")
    assert spec.in_zone("a") == ("cp-1", "cp-3", "worker-1")
    assert sc.events[1].deployment == "web" and sc.events[1].replicas == 3


def test_spare_control_plane_nodes_come_last_and_are_no_etcd_members_at_the_start() -> None:
    sc = parse_kube_scenario(
        data(
            kubernetes={"control_plane": 3, "spare_control_plane": 1, "zones": ["a", "b", "c"]},
            events=[
                {"at_s": 1, "etcd_member_remove": "cp-2"},
                {"at_s": 2, "etcd_member_add": "cp-4"},
                {"at_s": 3, "etcd_member_promote": "cp-4"},
            ],
        )
    )
    spec = sc.kubernetes
    assert spec.control_plane_nodes == ("cp-1", "cp-2", "cp-3", "cp-4")
    assert spec.spare_control_plane_nodes == ("cp-4",)
    assert spec.members == ("cp-1", "cp-2", "cp-3")
    assert spec.etcd_servers == ("cp-1", "cp-2", "cp-3", "cp-4")
    assert spec.zone_of("cp-4") == "a"
    assert [(e.action.value, e.target) for e in sc.events] == [
        ("etcd_member_remove", "cp-2"),
        ("etcd_member_add", "cp-4"),
        ("etcd_member_promote", "cp-4"),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"kubernetes": {"control_plane": 3, "etcd": "stackd"}},
            "kubernetes.etcd: unknown etcd topology 'stackd' (did you mean 'stacked'?)",
        ),
        (
            {"kubernetes": {"control_plnae": 3}},
            "kubernetes.control_plnae: unknown key (did you mean 'control_plane'?)",
        ),
        ({"kubernetes": {"control_plane": 9}}, "kubernetes.control_plane: "),
        ({"kubernetes": {"zones": ["a", "a"]}}, "kubernetes.zones[1]: zone a is listed twice"),
        ({"kubernetes": {"etcd_members": 3}}, "kubernetes.etcd_members: only with etcd: external"),
        ({"events": [{"at_s": 1, "crash": "cp-4"}]}, "events[0].crash: unknown machine 'cp-4'"),
        ({"events": [{"at_s": 1, "crahs": "cp-1"}]}, "events[0].crahs: unknown key (did you mean 'crash'?)"),
        ({"events": [{"at_s": 1, "zone_down": "d"}]}, "events[0].zone_down: unknown zone 'd'"),
        (
            {"events": [{"at_s": 1, "scale": {"wbe": 2}}]},
            "events[0].scale: unknown Deployment 'wbe' (did you mean 'web'?)",
        ),
        ({"events": [{"at_s": 99, "crash": "cp-1"}]}, "events[0].at_s: 99 s is after the run's end (60 s)"),
        (
            {"events": [{"at_s": 1, "partition_zones": [["a"]]}]},
            "events[0].partition_zones: the groups must list every zone",
        ),
        (
            {"expect": [{"kubectl": "ok", "at_s": 5}]},
            "expect[0].at_s: no kubectl command (scale, get) is scheduled at that time",
        ),
        (
            {"expect": [{"api": "upp", "from_s": 1, "to_s": 5}]},
            "expect[0].api: unknown state 'upp' (did you mean 'up'?)",
        ),
        ({"expect": [{"running": {"web": 2}}]}, "expect[0].at_s: missing required key"),
        (
            {"expect": [{"not_ready": "worker-9", "at_s": 5}]},
            "expect[0].not_ready: unknown machine 'worker-9'",
        ),
        ({"kubernetse": {}}, "kubernetse: unknown key (did you mean 'kubernetes'?)"),
        (
            {"kubernetes": {"spare_control_plane": 1}, "events": [{"at_s": 1, "etcd_member_add": "cp-5"}]},
            "events[0].etcd_member_add: unknown spare control-plane node 'cp-5' (did you mean 'cp-4'?)",
        ),
        (
            {
                "kubernetes": {"spare_control_plane": 1},
                "events": [{"at_s": 1, "etcd_member_promote": "cp-1"}],
            },
            "events[0].etcd_member_promote: unknown spare control-plane node 'cp-1'",
        ),
        (
            {"events": [{"at_s": 1, "etcd_member_add": "cp-4"}]},
            "events[0].etcd_member_add: no spare control-plane node to add: declare one with"
            " kubernetes.spare_control_plane: 1",
        ),
        (
            {"events": [{"at_s": 1, "etcd_member_remove": "cp-9"}]},
            "events[0].etcd_member_remove: unknown etcd member 'cp-9'",
        ),
        (
            {"events": [{"at_s": 1, "etcd_member_remove": "worker-1"}]},
            "events[0].etcd_member_remove: unknown etcd member 'worker-1'",
        ),
        (
            {"events": [{"at_s": 1, "etcd_member_remvoe": "cp-2"}]},
            "events[0].etcd_member_remvoe: unknown key (did you mean 'etcd_member_remove'?)",
        ),
        (
            {"kubernetes": {"etcd": "external", "spare_control_plane": 1}},
            "kubernetes.spare_control_plane: only with etcd: stacked",
        ),
        ({"events": [{"at_s": 1, "crash": 5}]}, "events[0].crash: input should be a valid string, got 5"),
        ({"events": [{"at_s": 1, "scale": {"web": -1}}]}, "events[0].scale: "),
        (
            {"kubernetes": {"deployments": [{"name": "web", "replica": 2}]}},
            "kubernetes.deployments[0].replica: unknown key (did you mean 'replicas'?)",
        ),
    ],
)
def test_bad_input_is_one_line_naming_the_key(changes: dict[str, Any], message: str) -> None:
    text = error(**changes)
    assert message in text
    assert "\n" not in text
