"""raft.plots.timeline: what the election timeline shows."""

from __future__ import annotations

import pytest
from matplotlib.collections import PathCollection

from raft.analysis import replay
from raft.errors import RaftSimError
from raft.plots.timeline import timeline


def ev(t, kind, **fields):
    return {"t_ms": t, "type": kind, **fields}


def by_gid(ax, prefix):
    return [a for a in ax.get_children() if (a.get_gid() or "").startswith(prefix)]


def role_bars(ax):
    return {a.get_gid(): len(a.get_paths()) for a in by_gid(ax, "role:")}


def test_one_lane_per_node_in_order(trace):
    ax = timeline(trace).axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["n1", "n2", "n3"]
    ticks = dict(zip(labels, ax.get_yticks(), strict=True))
    assert ticks["n1"] > ticks["n2"] > ticks["n3"]  # n1 on top
    assert len(by_gid(ax, "lane:")) == 3


def test_nine_lanes():
    names = [f"n{i}" for i in range(1, 10)]
    events = [ev(0.0, "meta", nodes=names, duration_ms=100.0, scenario="nine", seed=1)]
    events += [ev(0, "role", node=n, role="follower", term=0) for n in names]
    ax = timeline(events).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == names
    assert len(by_gid(ax, "lane:")) == 9


def test_role_spans_become_bars(trace):
    bars = role_bars(timeline(trace).axes[0])
    assert bars["role:leader:n1"] == 1
    assert bars["role:candidate:n1"] == 1
    assert bars["role:follower:n1"] == 3  # before the election, after the restart (term 1), then term 2
    assert bars["role:leader:n2"] == 1
    assert "role:leader:n3" not in bars
    assert sum(bars.values()) == len(replay.role_spans(trace))


def test_bar_extents_match_the_events(trace):
    ax = timeline(trace).axes[0]
    (leader,) = by_gid(ax, "role:leader:n1")
    (path,) = leader.get_paths()
    xs = path.vertices[:, 0]
    assert (xs.min(), xs.max()) == pytest.approx((20.0, 300.0))


def test_terms_written_where_they_change(trace):
    ax = timeline(trace).axes[0]
    terms = [t.get_text() for t in by_gid(ax, "term")]
    assert {"1", "2"} <= set(terms)


def test_partition_band_with_its_groups(trace):
    ax = timeline(trace).axes[0]
    (band,) = [a for a in ax.get_children() if a.get_gid() == "partition"]
    xs = [x for x, _ in band.get_patch_transform().transform(band.get_path().vertices)]
    assert (min(xs), max(xs)) == pytest.approx((300.0, 600.0))
    assert [t.get_text().strip() for t in by_gid(ax, "partition-label")] == ["n1 | n2 n3"]


def test_crash_restart_and_leader_changes_marked(trace):
    ax = timeline(trace).axes[0]
    (crash,) = by_gid(ax, "crash")
    assert list(crash.get_xdata()) == [300.0]
    (restart,) = by_gid(ax, "restart")
    assert list(restart.get_xdata()) == [500.0]
    marks = by_gid(ax, "leader-change")
    assert sorted(x for m in marks for x in m.get_xdata()) == [20.0, 420.0]


def test_commit_and_latency_panels(trace):
    fig = timeline(trace)
    assert len(fig.axes) == 3
    commits = fig.axes[1]
    assert sorted(line.get_gid() for line in commits.get_lines()) == ["commit:n1", "commit:n2", "commit:n3"]
    latency = fig.axes[2]
    (done,) = by_gid(latency, "latency")
    assert isinstance(done, PathCollection)
    assert done.get_offsets()[:, 1].tolist() == [20.0]
    assert len(by_gid(latency, "unacknowledged")[0].get_offsets()) == 1


def test_no_latency_panel_without_a_workload(trace):
    quiet = [e for e in trace if e["type"] not in ("submit", "ack")]
    assert len(timeline(quiet).axes) == 2


def test_title_names_scenario_and_seed(trace):
    title = timeline(trace)._suptitle.get_text()
    assert "tiny" in title and "seed 7" in title


def test_window_clips_and_picks_units(trace):
    ax = timeline(trace, from_ms=450, to_ms=550).axes[0]
    assert ax.get_xlim() == pytest.approx((450.0, 550.0))
    assert "role:leader:n1" not in role_bars(ax)
    long = [dict(e) for e in trace]
    long[-1]["t_ms"] = 180_000.0
    fig = timeline(long)
    assert fig.axes[-1].get_xlabel() == "time (s)"
    assert fig.axes[0].get_xlim()[1] == pytest.approx(180.0)


def test_empty_window_is_an_error(trace):
    with pytest.raises(RaftSimError):
        timeline(trace, from_ms=500, to_ms=500)


def test_simulated_run_draws_every_role_span(simulated):
    events = list(simulated.events)
    bars = role_bars(timeline(events).axes[0])
    assert sum(bars.values()) == len(replay.role_spans(events))
    assert any(k.startswith("role:leader:") for k in bars)


def term_labels(ax):
    """{lane: [(x, text), ...]} of the term labels drawn, lanes named by their y tick."""
    lane_of = {round(y): t.get_text() for y, t in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)}
    found: dict[str, list[tuple[float, str]]] = {}
    for text in by_gid(ax, "term"):
        x, y = text.get_position()
        found.setdefault(lane_of[round(y)], []).append((x, text.get_text()))
    return {lane: sorted(labels) for lane, labels in found.items()}


def test_term_labels_are_per_lane_and_skipped_only_for_lack_of_room():
    """Every lane writes its term at the window's start and at each of its own term changes; a change is left
    out only when its label would run into the next label on the same lane (the later one is kept). What one
    lane shows never depends on another lane."""
    names = ["n1", "n2", "n3"]
    events = [ev(0.0, "meta", nodes=names, duration_ms=1000.0, scenario="labels", seed=1)]
    events += [ev(0, "role", node=n, role="follower", term=0) for n in names]
    events += [
        ev(100.0, "role", node="n1", role="candidate", term=1),
        ev(101.0, "role", node="n1", role="candidate", term=2),  # 1 ms later: no room for term 1's label
        ev(101.0, "role", node="n2", role="follower", term=2),  # the same instant on another lane
        ev(500.0, "role", node="n1", role="follower", term=3),
        ev(500.0, "role", node="n2", role="follower", term=3),
        ev(20.0, "role", node="n3", role="follower", term=1),  # 2 % of the window: room for a one-digit "0"
        ev(1000.0, "end", final_leader=None, commit_index={}),
    ]
    labels = term_labels(timeline(events).axes[0])
    texts = {lane: [t for _, t in found] for lane, found in labels.items()}
    assert texts == {"n1": ["0", "2", "3"], "n2": ["0", "2", "3"], "n3": ["0", "1"]}
    assert [round(x) for x, _ in labels["n1"]] == [round(x) for x, _ in labels["n2"]]
    # n2 alone shows what it showed beside n1: lanes do not hide each other's labels.
    alone = [e for e in events if e.get("node") != "n1"]
    assert term_labels(timeline(alone).axes[0])["n2"] == labels["n2"]
    # A window starting later labels each lane's term at its start.
    late = term_labels(timeline(events, from_ms=300, to_ms=1000).axes[0])
    late_texts = {lane: [t for _, t in found] for lane, found in late.items()}
    assert late_texts == {"n1": ["2", "3"], "n2": ["2", "3"], "n3": ["1"]}



def gid_exactly(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def span_x(band):
    """A band's extent in ms (the windows of these tests are drawn in ms)."""
    xs = band.get_path().transformed(band.get_patch_transform()).vertices[:, 0]
    return min(xs), max(xs)


def test_write_unavailability_is_a_band_in_the_commit_panel(trace):
    # write y=2 waits from 100 ms; the commit index is still from 55 ms until n2 commits index 3 at 700 ms
    fig = timeline(trace)
    commits = fig.axes[1]
    (band,) = gid_exactly(commits, "unavailable")
    assert span_x(band) == pytest.approx((100.0, 700.0))
    assert not gid_exactly(fig.axes[0], "unavailable")  # only in the commit panel
    (legend,) = gid_exactly(commits, "unavailable-legend")
    assert [t.get_text() for t in legend.get_texts()] == ["writes\nunavailable"]


def test_the_band_is_clipped_to_the_window_and_absent_outside_it(trace):
    (band,) = gid_exactly(timeline(trace, from_ms=400, to_ms=900).axes[1], "unavailable")
    assert span_x(band) == pytest.approx((400.0, 700.0))
    outside = timeline(trace, from_ms=750, to_ms=1000).axes[1]
    assert not gid_exactly(outside, "unavailable") and not gid_exactly(outside, "unavailable-legend")


def test_the_bands_are_the_summarys_periods():
    from raft.api import parse_scenario, simulate

    run = simulate(parse_scenario({
        "name": "cut-leader", "seed": 2, "duration_ms": 2500, "cluster": {"size": 3},
        "workload": {"writes_per_s": 20, "stop_ms": 2000},
        "events": [{"at_ms": 0, "timeout": "n1"}, {"at_ms": 300, "cut": ["n2", "n1"]},
                   {"at_ms": 300, "cut": ["n3", "n1"]}, {"at_ms": 1500, "heal": True}],
    }))  # fmt: skip
    bands = gid_exactly(run.timeline().axes[1], "unavailable")
    periods = [(p["from_ms"], p["to_ms"]) for p in run.summary["unavailable"]]
    assert periods and len(bands) == len(periods)
    for band, period in zip(bands, periods, strict=True):
        assert span_x(band) == pytest.approx(period)
