"""raft.plots.messages: one arrow per message, drops and refusals styled apart."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from raft.analysis.replay import message_arrivals
from raft.errors import RaftSimError
from raft.plots.messages import message_diagram
from raft.plots.style import DROP_COLOR


def ev(t, kind, **fields):
    return {"t_ms": t, "type": kind, **fields}


def msg(kind, t, src, dst, name, term, mid, **fields):
    return {"t_ms": t, "type": kind, "from": src, "to": dst, "msg": name, "term": term, "id": mid, **fields}


def arrows(fig):
    ax = fig.axes[0]
    return {p.get_gid(): p for p in ax.patches if (p.get_gid() or "").startswith(("msg:", "drop:"))}


def test_one_arrow_per_message_sent_in_the_window(trace):
    drawn = arrows(message_diagram(trace, 0, 100))
    assert sorted(drawn) == ["drop:2", "msg:1", "msg:3", "msg:4", "msg:5"]
    assert len(drawn) == len(message_arrivals(trace, 0, 100))


def test_window_excludes_messages_sent_outside_it(trace):
    assert sorted(arrows(message_diagram(trace, 15, 100))) == ["msg:4", "msg:5"]


def test_dropped_and_refused_messages_look_different(trace):
    drawn = arrows(message_diagram(trace, 0, 100))
    dropped, ok, failed = drawn["drop:2"], drawn["msg:1"], drawn["msg:5"]
    assert dropped.get_linestyle() != ok.get_linestyle()
    assert dropped.get_edgecolor() != ok.get_edgecolor()
    assert tuple(round(c, 3) for c in dropped.get_edgecolor()[:3]) == tuple(
        round(int(DROP_COLOR[i : i + 2], 16) / 255, 3) for i in (1, 3, 5)
    )
    assert failed.get_linestyle() not in (ok.get_linestyle(), dropped.get_linestyle())


def test_arrows_go_from_sender_to_receiver_in_time(trace):
    fig = message_diagram(trace, 0, 100)
    names = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert names == ["n1", "n2", "n3"]
    (record,) = [a for a in message_arrivals(trace, 0, 100) if a["id"] == 1]
    assert (record["sent_ms"], record["arrived_ms"], record["dropped"]) == (10.0, 14.0, None)


def test_labels_say_what_happened(trace):
    texts = [t.get_text() for t in message_diagram(trace, 0, 100).axes[0].texts]
    assert "RV t1" in texts and "granted t1" in texts and "fail 0" in texts and "AE t1 +1" in texts
    assert any("loss" in t for t in texts)


def test_life_lines_coloured_by_role(trace):
    ax = message_diagram(trace, 0, 100).axes[0]
    gids = {c.get_gid() for c in ax.collections}
    assert {"life:candidate:n1", "life:leader:n1", "life:follower:n2"} <= gids


def test_default_window_starts_at_the_first_candidacy(trace):
    title = message_diagram(trace).axes[0].get_title()
    assert title.startswith("Messages 5–105 ms")


def test_empty_window_is_an_error(trace):
    with pytest.raises(RaftSimError):
        message_diagram(trace, 50, 40)


def test_simulated_run(simulated):
    events = list(simulated.events)
    sends = [e for e in events if e["type"] == "send" and 400 <= e["t_ms"] <= 600]
    drawn = arrows(message_diagram(events, 400, 600))
    arrivals = {e["id"] for e in events if e["type"] in ("deliver", "drop")}
    assert len(drawn) == len([s for s in sends if s["id"] in arrivals]) > 0


def test_labels_of_dropped_messages_do_not_overlap():
    """A candidate's vote requests all dropped at once (a partition): the arrows fan out from one point, and
    their labels slide along them instead of writing over each other."""
    names = ["n1", "n2", "n3", "n4", "n5"]
    events = [ev(0.0, "meta", nodes=names, duration_ms=100.0, scenario="fan", seed=1)]
    events += [ev(0, "role", node=n, role="follower", term=0) for n in names]
    events.append(ev(10.0, "role", node="n1", role="candidate", term=1))
    for i, to in enumerate(names[1:], start=1):
        events.append(msg("send", 10.0, "n1", to, "RequestVote", 1, i, last_index=0, last_term=0))
    for i, to in enumerate(names[1:], start=1):
        events.append(msg("drop", 14.0 + 0.5 * i, "n1", to, "RequestVote", 1, i, reason="partition"))
    fig = message_diagram(events, 0, 40)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    labels = [t for t in fig.axes[0].texts if "partition" in t.get_text()]
    assert len(labels) == 4
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
