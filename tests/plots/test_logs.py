"""raft.plots.logs: boxes per entry labelled by term, commit markers."""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg

from raft.plots.logs import command_text, log_view
from tests.plots.tracekit import ev


def boxes(fig):
    return {p.get_gid(): p for p in fig.axes[0].patches if (p.get_gid() or "").startswith("entry:")}


def commit_markers(fig):
    return {
        line.get_gid(): line
        for line in fig.axes[0].get_lines()
        if (line.get_gid() or "").startswith("commit:")
    }


def test_one_box_per_entry(trace):
    fig = log_view(trace, 350)
    assert sorted(boxes(fig)) == [
        "entry:n1:1",
        "entry:n1:2",
        "entry:n1:3",
        "entry:n2:1",
        "entry:n2:2",
        "entry:n3:1",
    ]


def test_boxes_labelled_and_coloured_by_term(trace):
    fig = log_view(trace, 1000)
    drawn = boxes(fig)
    assert drawn["entry:n2:3"].get_facecolor() != drawn["entry:n2:1"].get_facecolor()
    assert drawn["entry:n2:1"].get_facecolor() == drawn["entry:n1:1"].get_facecolor()
    labels = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "term"]
    assert sorted(labels) == ["1", "1", "1", "1", "1", "1", "2", "2"]


def test_commit_marker_after_the_last_committed_entry(trace):
    fig = log_view(trace, 1000)
    markers = commit_markers(fig)
    assert set(markers) == {"commit:n2"}  # n1 and n3 restarted / never learnt a commit in this trace
    assert list(markers["commit:n2"].get_xdata()) == [3, 3]
    drawn = boxes(fig)
    assert drawn["entry:n2:3"].get_linestyle() == "-"  # committed: solid
    assert drawn["entry:n1:3"].get_linestyle() != "-"  # not committed on n1


def test_row_labels_name_role_and_down_nodes(trace):
    labels = [t.get_text() for t in log_view(trace, 350).axes[0].get_yticklabels()]
    assert labels == ["n1 (down)", "n2 (follower, term 1)", "n3 (follower, term 1)"]


def test_long_logs_show_their_tail(simulated):
    events = list(simulated.events)
    fig = log_view(events, max_entries=10)
    indexes = {int(g.rsplit(":", 1)[1]) for g in boxes(fig)}
    longest = max(indexes)
    assert indexes == set(range(longest - 9, longest + 1))


def markers(fig, kind):
    return {
        line.get_gid(): line for line in fig.axes[0].get_lines() if (line.get_gid() or "").startswith(kind)
    }


def _logs_trace(n2_terms, n1_len=100):
    """n1 and n2 with n1_len entries of term 1 each, except n2's entries given as {index: term}."""
    names = ["n1", "n2"]
    events = [ev(0.0, "meta", nodes=names, duration_ms=10.0, scenario="logs", seed=1)]
    for i in range(1, n1_len + 1):
        events.append(ev(1.0, "append", node="n1", index=i, term=1, command=f"x={i}"))
        events.append(ev(1.0, "append", node="n2", index=i, term=n2_terms.get(i, 1), command=f"x={i}"))
    return events


def shown(fig):
    return sorted({int(g.rsplit(":", 1)[1]) for g in boxes(fig)})


def test_default_view_shows_where_the_logs_diverge():
    fig = log_view(_logs_trace({50: 2, 51: 2}), max_entries=20)
    assert shown(fig) == list(range(47, 67))  # from a few entries before index 50, not the last 20
    assert "logs differ from index 50" in fig.axes[0].get_title()


def test_default_view_shows_the_latest_entries_when_logs_agree():
    fig = log_view(_logs_trace({}), max_entries=20)
    assert shown(fig) == list(range(81, 101))
    assert "logs identical" in fig.axes[0].get_title()


def test_a_divergence_among_the_latest_entries_shows_the_latest():
    assert shown(log_view(_logs_trace({95: 2}), max_entries=20)) == list(range(81, 101))


def test_entries_show_their_command_when_there_is_room(trace):
    commands = [t.get_text() for t in log_view(trace, 350).axes[0].texts if t.get_gid() == "command"]
    assert sorted(commands) == ["x←1", "x←1", "y←2"]  # n1: x=1, y=2; n2: x=1; no-ops carry none


def test_commands_are_shortened_or_left_out_when_boxes_are_narrow():
    assert command_text("k3=c1.14", 1000.0) == "k3←c1.14"
    short = command_text("k3=c1.14", 20.0)
    assert short.endswith("…") and short.startswith("k3") and len(short) < 8
    assert command_text("k3=c1.14", 3.0) == ""
    fig = log_view(_logs_trace({}), max_entries=30)  # 30 narrow columns: every shown command fits its box
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    column_px = ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0]
    widths = [t.get_window_extent(renderer).width for t in ax.texts if t.get_gid() == "command"]
    assert widths and max(widths) < 0.95 * column_px


def test_leader_next_and_match_index_marked_per_follower():
    from tests.plots.test_replay import _progress_trace

    fig = log_view(_progress_trace(), 20.0)
    nexts, matches = markers(fig, "next:"), markers(fig, "match:")
    assert set(nexts) == {"next:n2", "next:n3"} and set(matches) == {"match:n2"}  # n3's matchIndex is 0
    assert list(nexts["next:n2"].get_xdata()) == [4.5]  # index 5 is column 4 (index 1 is column 0)
    assert list(matches["match:n2"].get_xdata()) == [3.5]
    assert list(nexts["next:n3"].get_xdata()) == [3.5]
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[1].endswith("\nn1's next 5 · match 4") and labels[2].endswith("\nn1's next 4 · match 0")
    assert "leader n1 (term 2)" in fig.axes[0].get_title()


def test_commands_are_all_left_out_when_some_would_not_fit():
    """Boxes with text beside boxes without would read as entries without a command: all or none."""
    events = _logs_trace({})
    for e in events:
        if e["type"] == "append" and e["index"] % 2:
            e["command"] = f"a_long_key_{e['index']}=a_long_value"
    fig = log_view(events, max_entries=40)
    assert [t for t in fig.axes[0].texts if t.get_gid() == "command"] == []
    assert "commands left out: boxes too narrow" in fig.axes[0].get_title()
    fig = log_view(events, max_entries=8)  # wide boxes: every command written, shortened to fit
    commands = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "command"]
    assert len(commands) == 16 and any(c.endswith("…") for c in commands)


def test_a_large_cluster_shows_leaders_down_nodes_and_the_logs_that_differ(large):
    from raft.analysis import replay

    events = large.recorded_events()
    at = 2400.0  # n4 and n9 cut off since 1600 ms; the old leader n3 down since 800 ms
    fig = log_view(events, at)
    rows = [t.get_text().split(" ")[0] for t in fig.axes[0].get_yticklabels()]
    logs = {log.node: log for log in replay.logs_at(events, at)}
    leader = next(n for n, log in logs.items() if log.up and log.role == "leader")
    differ = [
        n
        for n, log in logs.items()
        if (log.terms, log.commit_index) != (logs[leader].terms, logs[leader].commit_index)
    ]
    assert set(rows) == {leader, *differ} and {"n3", "n4", "n9"} <= set(rows)
    assert (
        f"{15 - len(rows)} other nodes not shown: same log and commitIndex as {leader}"
        in fig.axes[0].get_title()
    )


def test_nodes_names_the_rows(large):
    fig = log_view(large.recorded_events(), nodes=["n5", "n1"])
    assert [t.get_text().split(" ")[0] for t in fig.axes[0].get_yticklabels()] == ["n5", "n1"]
    assert "13 other nodes not shown" in fig.axes[0].get_title()


def test_the_title_names_the_commit_bar_and_dashed_boxes_only_when_drawn(trace):
    from pathlib import Path

    from raft.api import simulate

    figure_7 = (
        simulate(Path(__file__).parents[2] / "scenarios" / "figure-7.yaml").log_view(0.0).axes[0]
    )  # nothing committed yet at 0 ms
    assert "red bar" not in figure_7.get_title() and "dashed = not committed" in figure_7.get_title()
    assert not [a for a in figure_7.get_children() if str(a.get_gid()).startswith("commit:")]
    drawn = log_view(trace).axes[0]
    assert [a for a in drawn.get_children() if str(a.get_gid()).startswith("commit:")]
    assert "red bar = commitIndex" in drawn.get_title()
