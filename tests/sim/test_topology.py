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


def test_healing_one_link_restores_exactly_that_link_both_ways() -> None:
    topology = Topology(NODES)
    topology.partition([NODES[:2], NODES[2:]])
    topology.cut_link("n3", "n4")
    before = topology.cut
    topology.heal_link("n2", "n3")
    assert before - topology.cut == {("n2", "n3"), ("n3", "n2")}
    assert topology.cut <= before
    topology.heal_link("n4", "n3")  # a one-way cut: healing the link restores its one cut direction
    assert before - topology.cut == {("n2", "n3"), ("n3", "n2"), ("n3", "n4")}


def test_healing_a_node_restores_every_link_touching_it_and_nothing_else() -> None:
    topology = Topology(NODES)
    topology.isolate("n1")
    topology.cut_link("n2", "n3")
    topology.cut_link("n4", "n5")
    topology.heal_node("n2")
    assert topology.cut == {pair for n in NODES[2:] for pair in (("n1", n), (n, "n1"))} | {("n4", "n5")}
    topology.heal_node("n1")
    assert topology.cut == {("n4", "n5")}


def test_healing_what_is_not_cut_changes_nothing() -> None:
    topology = Topology(NODES)
    topology.heal_link("n1", "n2")
    topology.heal_node("n3")
    assert topology.cut == frozenset() and topology.groups() == [NODES]
    topology.cut_link("n1", "n2")
    topology.heal_link("n3", "n4")
    topology.heal_node("n5")
    assert topology.cut == {("n1", "n2")}


def test_replaying_partial_heals() -> None:
    replayed = Topology(NODES)
    events = [
        {"type": "partition", "groups": [NODES[:2], NODES[2:]]},
        {"type": "heal", "link": ["n1", "n3"]},
        {"type": "heal", "node": "n2"},
    ]
    assert all(replayed.apply(e) for e in events)
    direct = Topology(NODES)
    direct.partition([NODES[:2], NODES[2:]])
    direct.heal_link("n1", "n3")
    direct.heal_node("n2")
    assert replayed.cut == direct.cut
    assert replayed.cut == {pair for n in NODES[3:] for pair in (("n1", n), (n, "n1"))}
    replayed.apply({"type": "heal"})  # no link, no node: a trace written before partial heals
    assert replayed.cut == frozenset()


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
