"""raft.plots.violation: a run that stopped on a safety violation shows it on every plot, at its time, naming
the property and the nodes, and the plots' default windows are around it."""

from __future__ import annotations

from pathlib import Path

import pytest

from raft.api import simulate
from raft.plots import violation
from raft.plots.logs import log_view
from raft.plots.messages import default_window, message_diagram
from raft.plots.style import VIOLATION_COLOR
from raft.plots.timeline import timeline
from raft.plots.topology import topology

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def stale_append():
    """accept-stale-append: State Machine Safety broken on n2 at 2110 ms, the run stops there."""
    return list(simulate(ROOT / "scenarios" / "bugs" / "accept-stale-append.yaml").events)


def gid(ax, name):
    return [a for a in ax.get_children() if a.get_gid() == name]


def test_the_violation_is_read_from_the_trace(stale_append):
    found = violation.violation(stale_append)
    assert found is not None
    assert (found.t_ms, found.property_name, found.nodes, found.term, found.index) == (
        2110.0,
        "State Machine Safety",
        ("n2",),
        2,
        3,
    )
    assert found.text == "State Machine Safety violated on n2 (term 2, index 3)"
    assert violation.window_around(stale_append, 100.0) == pytest.approx((2025.0, 2125.0))
    assert (
        violation.violation(stale_append[:5]) is None
        and violation.window_around(stale_append[:5], 100) is None
    )


def test_every_plot_marks_it(stale_append):
    lanes = timeline(stale_append).axes[0]
    assert [list(line.get_xdata()) for line in gid(lanes, "violation")] == [[2110.0, 2110.0]]
    (label,) = gid(lanes, "violation-label")
    assert "State Machine Safety" in label.get_text() and "n2" in label.get_text()

    messages = message_diagram(stale_append).axes[0]
    assert [list(line.get_ydata()) for line in gid(messages, "violation")] == [[2110.0, 2110.0]]
    assert "State Machine Safety violated on n2" in gid(messages, "violation-label")[0].get_text()

    for fig in (log_view(stale_append), topology(stale_append)):
        (note,) = gid(fig.axes[0], "violation")
        assert (
            "State Machine Safety violated on n2 (term 2, index 3) at 2110 ms (this moment)"
            in note.get_text()
        )
    red = [
        t.get_text()
        for t in log_view(stale_append).axes[0].get_yticklabels()
        if t.get_color() == VIOLATION_COLOR
    ]
    assert [t.split(" ")[0] for t in red] == ["n2"]


def test_default_windows_are_around_it(stale_append):
    """The message diagram's default window holds the violation (not the first election, 2 s earlier); the
    timeline's has it inside, not on its edge; the log view and topology show the moment it happened."""
    start, stop = default_window(stale_append)
    assert start < 2110.0 < stop and stop - start == 100.0
    title = message_diagram(stale_append).axes[0].get_title()
    assert title.startswith("Messages 2025–2125 ms")
    low, high = timeline(stale_append).axes[0].get_xlim()
    assert low < 2110.0 < high
    assert log_view(stale_append).axes[0].get_title().startswith("Logs at 2110 ms")
    assert topology(stale_append).axes[0].get_title().startswith("Cluster at 2110 ms")


def test_no_mark_without_a_violation(trace):
    assert gid(message_diagram(trace).axes[0], "violation") == []
    assert gid(log_view(trace).axes[0], "violation") == []
    assert gid(topology(trace).axes[0], "violation") == []


def test_a_leader_that_took_office_at_the_violating_instant_is_seen_as_leader():
    """vote-twice: n2 becomes the second leader of term 1 at 22 ms, the instant the run stops. The timeline and
    the message diagram both show it in the leader's colour after the violation line."""
    events = list(simulate(ROOT / "scenarios" / "bugs" / "vote-twice.yaml").events)
    found = violation.violation(events)
    assert found is not None and found.nodes == ("n1", "n2")
    for ax in (timeline(events).axes[0], message_diagram(events).axes[0]):
        stubs = {a.get_gid() for a in ax.get_children() if (a.get_gid() or "").startswith("at-stop:")}
        assert {"at-stop:leader:n1", "at-stop:leader:n2", "at-stop:follower:n3"} == stubs
