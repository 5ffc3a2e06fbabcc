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
    events = [{"t_ms": 0.0, "type": "meta", "nodes": ["a", "b", "c"], "duration_ms": 10.0},
              {"t_ms": 1.0, "type": "cut", "from": "a", "to": "b"}]  # fmt: skip
    fig = topology(events)
    assert artist(fig, "oneway:a->b") is not None
    assert len(artist(fig, "links:ok").get_segments()) == 2


def test_link_states():
    states = link_states(["a", "b", "c"], frozenset({("a", "b"), ("b", "a"), ("c", "a")}))
    assert states == {("a", "b"): "cut", ("a", "c"): "c->a", ("b", "c"): "ok"}
