"""raft.plots.topology: cut links, one-way cuts, the leader."""

from __future__ import annotations

from raft.plots.topology import link_states, topology


def artist(fig, gid):
    ax = fig.axes[0]
    found = [a for a in ax.get_children() if a.get_gid() == gid]
    return found[0] if found else None


def test_cut_links_drawn_during_a_partition(trace):
    fig = topology(trace, 350)
    assert len(artist(fig, "links:cut").get_segments()) == 2  # n1-n2 and n1-n3
    assert len(artist(fig, "links:ok").get_segments()) == 1  # n2-n3
    assert artist(fig, "leader") is None  # n1 is down, n2 not yet elected


def test_leader_highlighted_and_links_healed(trace):
    fig = topology(trace, 700)
    assert artist(fig, "links:cut") is None
    assert len(artist(fig, "links:ok").get_segments()) == 3
    ring = artist(fig, "leader")
    assert ring is not None and len(ring.get_offsets()) == 1
    assert "leader: n2 (term 2)" in fig.axes[0].get_title()


def test_one_way_cut_is_an_arrow():
    events = [
        {"t_ms": 0.0, "type": "meta", "nodes": ["a", "b", "c"], "duration_ms": 10.0},
        {"t_ms": 1.0, "type": "cut", "from": "a", "to": "b"},
    ]
    fig = topology(events)
    assert artist(fig, "oneway:a->b") is not None
    assert artist(fig, "oneway-open:b->a") is not None  # the direction that still works is drawn too
    assert len(artist(fig, "links:ok").get_segments()) == 2


def test_one_way_cuts_are_each_named_with_their_direction_and_never_called_a_partition():
    events = [
        {"t_ms": 0.0, "type": "meta", "nodes": ["n1", "n2", "n3"], "duration_ms": 10.0},
        {"t_ms": 1.0, "type": "cut", "from": "n2", "to": "n1"},
        {"t_ms": 1.0, "type": "cut", "from": "n3", "to": "n1"},
    ]
    fig = topology(events)
    assert artist(fig, "cuts").get_text() == "no partition: one-way n2→n1, n3→n1"
    assert artist(fig, "oneway-label:n2->n1").get_text() == "n2→n1 cut"
    assert artist(fig, "oneway-label:n3->n1").get_text() == "n3→n1 cut"
    assert artist(fig, "links:cut") is None


def test_a_partition_is_named_with_its_groups(trace):
    assert artist(topology(trace, 350), "cuts").get_text() == "partition: n1 | n2 n3"
    assert artist(topology(trace, 700), "cuts") is None


def test_a_safety_violation_is_noted_and_its_nodes_ringed():
    events = [
        {"t_ms": 0.0, "type": "meta", "nodes": ["n1", "n2", "n3"], "duration_ms": 100.0},
        {"t_ms": 20.0, "type": "role", "node": "n1", "role": "leader", "term": 1},
        {"t_ms": 22.0, "type": "role", "node": "n2", "role": "leader", "term": 1},
        {
            "t_ms": 22.0,
            "type": "violation",
            "property": "Election Safety",
            "nodes": ["n1", "n2"],
            "term": 1,
            "index": None,
            "detail": "two leaders",
        },
        {"t_ms": 22.0, "type": "end"},
    ]
    fig = topology(events)
    note = artist(fig, "violation").get_text()
    assert "Election Safety violated on n1, n2 (term 1)" in note and "22 ms" in note
    assert len(artist(fig, "violation-nodes").get_offsets()) == 2
    assert len(artist(fig, "leader").get_offsets()) == 2  # both leaders of the violating instant are ringed
    assert "later" in artist(topology(events, 10.0), "violation").get_text()


def test_link_states():
    states = link_states(["a", "b", "c"], frozenset({("a", "b"), ("b", "a"), ("c", "a")}))
    assert states == {("a", "b"): "cut", ("a", "c"): "c->a", ("b", "c"): "ok"}


def legend_texts(fig):
    return [t.get_text() for t in fig.legends[0].get_texts()]


def test_the_legend_names_only_what_the_picture_shows(trace):
    # 700 ms: healed, n2 leads, everyone up: no cut, no down node, no candidate in the legend
    assert legend_texts(topology(trace, 700)) == ["follower", "leader", "leader ring", "link"]
    # 350 ms: n1 down behind a partition, no leader yet
    during = legend_texts(topology(trace, 350))
    assert "down" in during and "cut both ways" in during and "leader ring" not in during
    assert not any("one way" in t for t in during)
    one_way = [
        {"t_ms": 0.0, "type": "meta", "nodes": ["a", "b"], "duration_ms": 10.0},
        {"t_ms": 0.0, "type": "role", "node": "a", "role": "follower", "term": 0},
        {"t_ms": 0.0, "type": "role", "node": "b", "role": "follower", "term": 0},
        {"t_ms": 1.0, "type": "cut", "from": "a", "to": "b"},
    ]
    assert legend_texts(topology(one_way)) == [
        "follower",
        "cut one way: the blocked direction",
        "... and the direction that works",
    ]
