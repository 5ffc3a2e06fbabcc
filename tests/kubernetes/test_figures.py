"""The Kubernetes pictures (raft/kubernetes/figures.py) draw what the run did."""

from __future__ import annotations

from typing import Any

import matplotlib.colors as mcolors

from raft.kubernetes import parse_kube_scenario, simulate_kubernetes
from raft.kubernetes.figures import FAIL_COLOR, OK_COLOR, diagram, story, timeline
from tests.kubernetes.kit import run


def gids(fig: Any) -> list[str]:
    return [a.get_gid() for a in fig.findobj() if a.get_gid()]


def colors(fig: Any, gid: str) -> set[str]:
    return {mcolors.to_hex(a.get_facecolor()[0]) for a in fig.findobj() if a.get_gid() == gid}


def test_the_timeline_shows_the_api_down_while_pods_run_and_the_controllers_pause() -> None:
    result = run("three-lose-two")
    fig = timeline(result)
    drawn = gids(fig)
    assert {OK_COLOR, FAIL_COLOR} <= colors(fig, "api")
    assert "running:web" in drawn and "desired:web" in drawn
    assert drawn.count("kubectl-failed") == 1 and drawn.count("kubectl-ok") == 2
    assert "not-ready" in drawn and "machine-down:worker-1" in drawn
    assert "lease:kube-controller-manager" in drawn and "role:leader:cp-1" in drawn
    assert "etcdserver: no leader" in story(result) and "API down 4" in fig.get_suptitle()


def test_the_timeline_of_a_quiet_run_says_the_api_answered() -> None:
    result = run("external-lose-two-nodes")
    assert colors(timeline(result), "api") == {OK_COLOR}
    assert story(result) == "the API answered throughout"


def test_the_diagram_shows_roles_pods_and_quorum_at_a_moment() -> None:
    result = run("three-lose-two")
    fig = diagram(result, 100)
    drawn = gids(fig)
    assert {"zone:a", "zone:b", "zone:c", "node:cp-1", "node:worker-1"} <= set(drawn)
    assert {"pod:web-1", "pod:web-2", "pod:web-3", "pod:web-4"} <= set(drawn)
    assert "NO quorum" in fig.get_suptitle() and "1 of 3" in fig.get_suptitle()
    assert "cut" not in drawn
    later = diagram(result, 550)
    assert "2 of 3" in later.get_suptitle() and "(quorum" in later.get_suptitle()


def test_a_zone_cut_is_drawn_and_named_on_the_timeline() -> None:
    result = run("zone-partition")
    fig = timeline(result)
    assert "zone-cut" in gids(fig)
    texts = [t.get_text() for t in fig.findobj() if hasattr(t, "get_text")]
    assert " zones cut: a | b c" in texts
    assert story(result).startswith("the API answered throughout")


def test_the_diagram_draws_a_cut_between_partitioned_zones() -> None:
    sc = parse_kube_scenario(
        {
            "name": "cut",
            "duration_s": 20,
            "kubernetes": {"control_plane": 3, "zones": ["a", "b", "c"]},
            "events": [{"at_s": 5, "partition_zones": [["a"], ["b", "c"]]}],
        }
    )
    fig = diagram(simulate_kubernetes(sc), 15)
    assert gids(fig).count("cut") == 1
