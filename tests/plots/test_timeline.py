"""raft.plots.timeline: what the election timeline shows."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import PathCollection

from raft.analysis import replay
from raft.errors import RaftSimError
from raft.plots.timeline import BEFORE_VIOLATION_MS, timeline
from tests.plots.tracekit import ev


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
    assert len(fig.axes) == 4
    commits = fig.axes[1]
    commit_lines = [line.get_gid() for line in commits.get_lines() if line.get_gid().startswith("commit:")]
    assert sorted(commit_lines) == ["commit:n1", "commit:n2", "commit:n3"]
    latency = fig.axes[3]
    (done,) = by_gid(latency, "latency")
    assert isinstance(done, PathCollection)
    assert done.get_offsets()[:, 1].tolist() == [20.0]
    assert len(by_gid(fig.axes[2], "unacknowledged")[0].get_offsets()) == 1


def test_unacknowledged_writes_are_outside_the_latency_data_area(trace):
    """A write never acknowledged has no latency: it sits in a labelled strip of its own, outside (above) the
    latency panel, never at a height of the latency axis."""
    fig = timeline(trace)
    strip, latency = fig.axes[2], fig.axes[3]
    assert by_gid(latency, "unacknowledged") == []
    (lost,) = by_gid(strip, "unacknowledged")
    assert lost.get_offsets()[:, 0].tolist() == [100.0]  # y=2 submitted at 100 ms, never acknowledged
    assert strip.get_ylabel() == "not\nacknowledged"
    fig.canvas.draw()
    strip_box, latency_box = strip.get_window_extent(), latency.get_window_extent()
    assert strip_box.y0 >= latency_box.y1  # the strip lies wholly above the latency panel's data area
    ((x, y),) = lost.get_offset_transform().transform(lost.get_offsets())
    assert strip_box.y0 <= y <= strip_box.y1 and not latency_box.y0 <= y <= latency_box.y1


def test_equal_commit_lines_are_drawn_apart_and_the_panel_says_so(trace):
    """n1 and n2 both commit index 2 (and n3 stays at 0 as n1 does after its crash): lines with equal values
    are moved apart on screen, so none hides another, and a note says they were."""
    events = [dict(e) for e in trace]
    events.insert(-1, ev(70.0, "commit", node="n3", index=2))  # n3 = n2 from 70 ms on
    fig = timeline(events)
    commits = fig.axes[1]
    fig.canvas.draw()
    lines = {line.get_gid(): line for line in commits.get_lines()}
    screen = {gid: line.get_transform().transform(line.get_xydata()) for gid, line in lines.items()}
    # the same data point (the start, index 0 for all) lands at a different height for every node
    heights = [screen[f"commit:{n}"][0][1] for n in ("n1", "n2", "n3")]
    assert heights[0] > heights[1] > heights[2]
    assert min(a - b for a, b in zip(heights, heights[1:], strict=False)) >= 1.0  # pixels apart
    # ... while the data stay exact
    assert [v for _, v in lines["commit:n2"].get_xydata()][-1] == 3.0
    (note,) = by_gid(commits, "commit-offset")
    assert "apart" in note.get_text()


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


def one_way_trace():
    """n1 leads; from 100 ms n2 and n3 cannot send to n1 (n1 still reaches them); from 300 ms n1 | n2 n3."""
    names = ["n1", "n2", "n3"]
    events = [ev(0.0, "meta", nodes=names, duration_ms=500.0, scenario="one-way", seed=1)]
    events += [ev(0, "role", node=n, role="follower", term=0) for n in names]
    events += [
        ev(10.0, "role", node="n1", role="leader", term=1),
        ev(100.0, "cut", **{"from": "n2", "to": "n1"}),
        ev(100.0, "cut", **{"from": "n3", "to": "n1"}),
        ev(300.0, "partition", groups=[["n1"], ["n2", "n3"]]),
        ev(400.0, "heal"),
        ev(500.0, "end", final_leader="n1", commit_index={}),
    ]
    return events


def test_one_way_cuts_are_drawn_and_named_as_one_way_never_as_a_partition():
    ax = timeline(one_way_trace()).axes[0]
    (cut,) = by_gid(ax, "cut")  # one band for the two cuts made at the same instant
    xs = [x for x, _ in cut.get_patch_transform().transform(cut.get_path().vertices)]
    assert (min(xs), max(xs)) == pytest.approx((100.0, 300.0))
    assert cut.get_hatch() and cut.get_facecolor()[3] == 0  # hatched, not a grey partition band
    (partition,) = [a for a in ax.get_children() if a.get_gid() == "partition"]
    xs = [x for x, _ in partition.get_patch_transform().transform(partition.get_path().vertices)]
    assert (min(xs), max(xs)) == pytest.approx((300.0, 400.0))
    labels = [t.get_text().strip() for t in by_gid(ax, "partition-label")]
    assert labels == ["one-way n2→n1, n3→n1", "n1 | n2 n3"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "partition" in legend and any(t.startswith("one-way cut") for t in legend)


def violation_trace():
    """vote-twice in miniature: n1 and n2 both win term 1; n2 takes office at 22 ms, the violating instant, and
    the run stops there."""
    names = ["n1", "n2", "n3"]
    events = [ev(0.0, "meta", nodes=names, duration_ms=1000.0, scenario="two-leaders", seed=1)]
    events += [ev(0, "role", node=n, role="follower", term=0) for n in names]
    events += [
        ev(10.0, "role", node="n1", role="candidate", term=1),
        ev(12.0, "role", node="n2", role="candidate", term=1),
        ev(15.0, "role", node="n3", role="follower", term=1),
        ev(20.0, "role", node="n1", role="leader", term=1),
        ev(22.0, "role", node="n2", role="leader", term=1),
        ev(
            22.0,
            "violation",
            property="Election Safety",
            nodes=["n1", "n2"],
            term=1,
            index=None,
            detail="n1 and n2 were both elected leader in term 1",
        ),
        ev(22.0, "end", final_leader="n1", commit_index={}),
    ]
    return events


def test_a_safety_violation_is_marked_on_every_panel_with_the_state_at_that_instant():
    fig = timeline(violation_trace())
    lanes = fig.axes[0]
    for ax in fig.axes:
        (line,) = [a for a in ax.get_children() if a.get_gid() == "violation"]
        assert list(line.get_xdata()) == [22.0, 22.0]
    (label,) = by_gid(lanes, "violation-label")
    assert "Election Safety" in label.get_text() and "n1, n2" in label.get_text()
    # n2 took office at the violating instant: its leader bar is visible (the state at the stop), as is n1's
    (n2,) = by_gid(lanes, "at-stop:leader:n2")
    ((x, width),) = [(p.vertices[:, 0].min(), np.ptp(p.vertices[:, 0])) for p in n2.get_paths()]
    assert x == pytest.approx(22.0) and width >= 0.03 * np.diff(lanes.get_xlim())[0]
    assert by_gid(lanes, "at-stop:leader:n1") and by_gid(lanes, "at-stop:follower:n3")
    # the default window is around the violation: it lies inside the window, not on its edge
    low, high = lanes.get_xlim()
    assert low <= 22.0 < high and high - 22.0 >= 0.03 * (high - low)


def test_the_default_window_of_a_long_run_that_stopped_on_a_violation_is_around_it():
    events = [dict(e) for e in violation_trace()]
    for e in events[1:]:
        e["t_ms"] += 60_000.0
    low, high = timeline(events).axes[0].get_xlim()  # in seconds
    assert low == pytest.approx(60.022 - BEFORE_VIOLATION_MS / 1000.0) and 60.022 < high < 60.5
    assert timeline(events, from_ms=0).axes[0].get_xlim()[0] == 0.0  # a window asked for is kept


def test_no_violation_marker_without_a_violation(trace):
    fig = timeline(trace)
    assert all(by_gid(ax, "violation") == [] for ax in fig.axes)  # nor its label
    assert by_gid(fig.axes[0], "at-stop:") == []


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

    run = simulate(
        parse_scenario(
            {
                "name": "cut-leader",
                "seed": 2,
                "duration_ms": 2500,
                "cluster": {"size": 3},
                "workload": {"writes_per_s": 20, "stop_ms": 2000},
                "events": [
                    {"at_ms": 0, "timeout": "n1"},
                    {"at_ms": 300, "cut": ["n2", "n1"]},
                    {"at_ms": 300, "cut": ["n3", "n1"]},
                    {"at_ms": 1500, "heal": True},
                ],
            }
        )
    )
    bands = gid_exactly(run.timeline().axes[1], "unavailable")
    periods = [(p["from_ms"], p["to_ms"]) for p in run.summary["unavailable"]]
    assert periods and len(bands) == len(periods)
    for band, period in zip(bands, periods, strict=True):
        assert span_x(band) == pytest.approx(period)


# ------------------------------------------------------------------ large clusters


def test_a_large_cluster_gets_lanes_for_the_nodes_that_did_something(large):
    from raft.analysis.activity import activity

    ax = large.timeline().axes[0]
    did = activity(large.recorded_events(), 0.0, large.outcome.end_ms)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    quiet = 15 - len(did)
    assert 0 < quiet < 15 and len(did) <= 12
    assert labels == [f"{n} ({', '.join(what)})" for n, what in did.items()] + [f"{quiet} others"]
    assert "n3 (stood, led, crashed)" in labels  # the leader that crashed at 800 ms
    assert any(label.startswith("n4 (") and "cut off" in label for label in labels)
    assert {a.get_gid() for a in by_gid(ax, "lane:")} == {f"lane:{n}" for n in did} | {"lane:quiet"}
    (text,) = by_gid(ax, "quiet-label")
    assert text.get_text() == f"{quiet} followers throughout"
    quiet_nodes = set(large.scenario.cluster.node_ids) - set(did)
    assert not any(s.node in quiet_nodes and s.role != "follower" for s in replay.role_spans(large.events))


def test_a_large_clusters_commit_panel_shows_the_spread_and_the_leader(large):
    commits = large.timeline().axes[1]
    assert len(by_gid(commits, "commit-spread")) == 1
    assert by_gid(commits, "commit-leader")
    assert not by_gid(commits, "commit:") and not by_gid(commits, "commit-offset")
    assert [t.get_text() for t in commits.get_legend().get_texts()] == [
        "lowest–highest of\nthe live nodes",
        "the leader's",
    ]
    band = by_gid(commits, "commit-spread")[0].get_paths()[0].vertices
    highest = max(large.summary["commit_index"].values())
    assert band[:, 1].max() == highest


def test_all_nodes_draws_every_lane_and_every_commit_line(large):
    fig = large.timeline(all_nodes=True)
    names = list(large.scenario.cluster.node_ids)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == names
    assert {a.get_gid() for a in by_gid(fig.axes[1], "commit:")} == {f"commit:{n}" for n in names}
    assert fig.get_size_inches()[1] > large.timeline().get_size_inches()[1]


def test_a_small_cluster_keeps_its_lanes_and_commit_lines(simulated):
    fig = simulated.timeline()
    assert not by_gid(fig.axes[0], "lane:quiet") and not by_gid(fig.axes[1], "commit-spread")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["n1", "n2", "n3"]


def test_nodes_that_only_stood_share_a_lane_when_too_many_did_something(monkeypatch):
    import raft.plots.timeline as module

    names = [f"n{i}" for i in range(1, 13)]
    events = [ev(0.0, "meta", nodes=names, duration_ms=100.0, scenario="many", seed=1)]
    events += [ev(0, "role", node=n, role="follower", term=0) for n in names]
    events += [ev(10.0, "role", node=n, role="candidate", term=1) for n in names[:6]]
    events += [ev(20.0, "role", node="n1", role="leader", term=1)]
    events += [ev(20.0, "role", node=n, role="follower", term=1) for n in names[1:6]]
    monkeypatch.setattr(module, "MAX_LANES", 3)
    ax = module.timeline(events).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "n1 (stood, led)",
        "5 others\n(stood, lost)",
        "6 others",
    ]
    (stood,) = by_gid(ax, "role:candidate:stood")
    assert len(stood.get_paths()) == 5


def legend_texts(fig):
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_the_legend_names_only_what_the_window_shows(trace):
    # the whole run: a partition, a crash and a restart, no one-way cut
    assert legend_texts(timeline(trace)) == [
        "follower",
        "candidate",
        "leader",
        "partition",
        "new leader",
        "crash (lane gap = down)",
        "restart",
    ]
    # before any of them: no partition, crash or restart in the legend
    assert legend_texts(timeline(trace, from_ms=0, to_ms=250)) == [
        "follower",
        "candidate",
        "leader",
        "new leader",
    ]
    assert legend_texts(timeline(one_way_trace(), from_ms=150, to_ms=250))[-1].startswith("one-way cut")


def test_the_commit_axis_has_no_negative_ticks_when_nothing_committed():
    names = ["n1", "n2", "n3"]
    events = [ev(0.0, "meta", nodes=names, duration_ms=100.0, scenario="idle", seed=1)]
    events += [ev(0, "role", node=n, role="follower", term=0) for n in names]
    ticks = list(timeline(events).axes[1].get_yticks())
    assert ticks and min(ticks) == 0 and all(t == int(t) for t in ticks)


def test_the_unavailability_legend_fits_in_the_figure(trace):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = timeline(trace)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    (legend,) = gid_exactly(fig.axes[1], "unavailable-legend")
    assert legend.get_window_extent(canvas.get_renderer()).x1 <= fig.bbox.x1


def test_a_term_label_that_would_run_past_the_windows_edge_is_left_out():
    # term 39 begins 0.2 % of the window before its end: "39" would be cut to "3", which reads as term 3
    names = ["n1"]
    events = [ev(0.0, "meta", nodes=names, duration_ms=1000.0, scenario="edge", seed=1)]
    events += [
        ev(0, "role", node="n1", role="candidate", term=38),
        ev(998.0, "role", node="n1", role="candidate", term=39),
    ]
    texts = [t for _, t in term_labels(timeline(events).axes[0])["n1"]]
    assert texts == ["38"]


def test_a_latency_panel_without_acknowledged_writes_has_no_scale(trace):
    # the fixture's first acknowledgement comes after 100 ms; before it, no latency was measured
    latency = timeline(trace, from_ms=0, to_ms=35).axes[3]
    assert list(latency.get_yticks()) == []
    assert any(t.get_text() == "no acknowledged writes in this window" for t in latency.texts)


def test_periods_of_unavailability_that_meet_are_drawn_as_two():
    from raft.api import simulate

    run = simulate("scenarios/figure-8.yaml")
    periods = [(p["from_ms"], p["to_ms"]) for p in run.summary["unavailable"]]
    assert len(periods) == 2 and periods[0][1] == periods[1][0]  # they meet: one ends where the next begins
    commits = run.timeline().axes[1]
    edges = sorted(
        line.get_xdata()[0] for line in commits.get_lines() if line.get_gid() == "unavailable-edge"
    )  # ms
    assert edges == pytest.approx(sorted([x for period in periods for x in period]))


def test_reads_are_drawn_and_named_apart_from_writes_in_the_latency_panel(trace):
    reads = [ev(60.0, "submit", client="c2", seq=1, command="?x"), ev(62.0, "ack", client="c2", seq=1)]
    end = trace.index(next(e for e in trace if e["type"] == "end"))
    latency = timeline(trace[:end] + reads + trace[end:]).axes[3]
    (read,) = gid_exactly(latency, "read-latency")
    assert [tuple(p) for p in read.get_offsets()] == [(60.0, 2.0)]
    assert all(tuple(p) != (60.0, 2.0) for w in gid_exactly(latency, "latency") for p in w.get_offsets())
    assert [t.get_text() for t in latency.get_legend().get_texts()] == ["writes", "reads"]
    assert latency.get_ylabel().startswith("latency")
    assert timeline(trace).axes[3].get_ylabel().startswith("write latency")  # no reads: writes only


def legend_labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def step_down_trace(trace):
    """The shared trace with n2 (leader in term 2 from 420 ms) stepping down by CheckQuorum at 800 ms."""
    return [
        *trace,
        ev(800.0, "step_down", node="n2", term=2, reason="check_quorum"),
        ev(800.0, "role", node="n2", role="follower", term=2),
    ]


def test_a_step_down_is_marked_on_the_leaders_lane_at_its_time_and_named_in_the_legend(trace):
    ax = timeline(sorted(step_down_trace(trace), key=lambda e: e["t_ms"])).axes[0]
    (mark,) = by_gid(ax, "step-down")
    ticks = dict(zip([t.get_text() for t in ax.get_yticklabels()], ax.get_yticks(), strict=True))
    assert list(mark.get_xdata()) == [800.0]
    assert list(mark.get_ydata()) == [ticks["n2"]]
    assert "step-down (CheckQuorum)" in legend_labels(ax)


def test_no_step_down_marker_or_legend_entry_without_one_in_the_window(trace):
    ax = timeline(trace).axes[0]
    assert not by_gid(ax, "step-down")
    assert "step-down (CheckQuorum)" not in legend_labels(ax)
    ax = timeline(sorted(step_down_trace(trace), key=lambda e: e["t_ms"]), to_ms=700.0).axes[0]
    assert not by_gid(ax, "step-down")
    assert "step-down (CheckQuorum)" not in legend_labels(ax)
