"""raft.analysis.nodesets: node ranges in cluster order, values shared by nodes written once."""

from __future__ import annotations

from raft.analysis.nodesets import (
    LARGE_CLUSTER,
    cluster_names,
    grouped_values,
    is_large,
    node_ranges,
    per_node,
)

N101 = [f"n{i}" for i in range(1, 102)]


def test_ranges_follow_cluster_order_and_need_three_consecutive_nodes() -> None:
    assert node_ranges([n for n in N101 if n != "n19"], N101) == "n1–n18, n20–n101"
    assert node_ranges(["n9", "n8", "n1", "n2", "n3", "n5"], N101) == "n1–n3, n5, n8, n9"
    assert node_ranges(["n2"], N101) == "n2"
    assert node_ranges([], N101) == ""


def test_custom_names_make_ranges_only_when_consecutive_in_cluster_order() -> None:
    order = ["delta", "alpha", "charlie", "bravo"]
    assert node_ranges(["alpha", "charlie", "delta"], order) == "delta–charlie"
    assert node_ranges(["alpha", "bravo", "delta"], order) == "delta, alpha, bravo"


def test_nodes_sharing_a_value_are_written_once_largest_group_first() -> None:
    values = dict.fromkeys(N101, 150)
    values["n19"] = 89
    assert grouped_values(values, N101) == "n1–n18, n20–n101 = 150; n19 = 89"


def test_per_node_groups_only_large_clusters() -> None:
    small = {f"n{i}": 3 for i in range(1, LARGE_CLUSTER + 1)}
    assert per_node(small, list(small)) == ", ".join(f"{n}=3" for n in small)
    large = {f"n{i}": 3 for i in range(1, LARGE_CLUSTER + 2)}
    assert per_node(large, list(large)) == f"n1–n{LARGE_CLUSTER + 1} = 3"
    assert not is_large(LARGE_CLUSTER) and is_large(LARGE_CLUSTER + 1)


def test_cluster_names_is_a_range_only_for_numbered_names() -> None:
    assert cluster_names(N101) == "n1–n101"
    assert cluster_names(["n1", "n2", "n3"]) == "n1, n2, n3"
    letters = [chr(ord("a") + i) for i in range(12)]
    assert cluster_names(letters) == ", ".join(letters)
    assert cluster_names([f"n{i}" for i in range(2, 14)]) == ", ".join(f"n{i}" for i in range(2, 14))
