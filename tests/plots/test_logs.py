"""raft.plots.logs: boxes per entry labelled by term, commit markers."""

from __future__ import annotations

from raft.plots.logs import log_view


def boxes(fig):
    return {p.get_gid(): p for p in fig.axes[0].patches if (p.get_gid() or "").startswith("entry:")}


def commit_markers(fig):
    return {line.get_gid(): line for line in fig.axes[0].get_lines() if (line.get_gid() or "").startswith("commit:")}


def test_one_box_per_entry(trace):
    fig = log_view(trace, 350)
    assert sorted(boxes(fig)) == ["entry:n1:1", "entry:n1:2", "entry:n1:3", "entry:n2:1", "entry:n2:2",
                                  "entry:n3:1"]  # fmt: skip


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
