"""The links between servers (raft/sim/topology.py), as the network uses them and as the plots replay them."""

from __future__ import annotations

from raft.sim.topology import Topology

NODES = [f"n{i}" for i in range(1, 11)]


def test_all_links_work_until_something_is_cut() -> None:
    topology = Topology(NODES)
    assert topology.cut == frozenset()
    assert topology.groups() == [NODES]
    assert topology.connected("n1", "n10")


def test_groups_keep_the_nodes_order() -> None:
    topology = Topology(NODES)
    topology.partition([["n10", "n2"], [n for n in NODES if n not in ("n2", "n10")]])
    assert topology.groups() == [[n for n in NODES if n not in ("n2", "n10")], ["n2", "n10"]]


def test_replaying_trace_events_gives_the_same_links_as_the_operations() -> None:
    events = [
        {"type": "partition", "groups": [["n1", "n2"], NODES[2:]]},
        {"type": "cut", "from": "n3", "to": "n4"},
        {"type": "isolate", "node": "n5"},
        {"type": "role", "node": "n1"},
    ]
    replayed = Topology(NODES)
    assert [replayed.apply(e) for e in events] == [True, True, True, False]
    direct = Topology(NODES)
    direct.partition([["n1", "n2"], NODES[2:]])
    direct.cut_link("n3", "n4")
    direct.isolate("n5")
    assert replayed.cut == direct.cut
    assert ("n3", "n4") in replayed.cut and ("n4", "n3") not in replayed.cut
    assert all((a, "n5") in replayed.cut and ("n5", a) in replayed.cut for a in NODES if a != "n5")
    replayed.apply({"type": "heal"})
    assert replayed.cut == frozenset() and replayed.groups() == [NODES]


def test_links_cut_one_way_are_told_from_partitioned_ones() -> None:
    topology = Topology(NODES)
    topology.cut_link("n2", "n1")
    topology.cut_link("n3", "n1")
    assert topology.cut_one_way == {("n2", "n1"), ("n3", "n1")} == topology.cut
    topology.isolate("n3")  # the isolation takes over the links touching n3
    assert topology.cut_one_way == {("n2", "n1")}
    topology.partition([NODES[:5], NODES[5:]])  # a partition replaces every cut
    assert topology.cut_one_way == frozenset()
    topology.cut_link("n1", "n2")
    topology.heal()
    assert topology.cut_one_way == frozenset()
