"""raft.plots.messages: one arrow per message, drops and refusals styled apart."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from raft.analysis.replay import leader_changes, message_arrivals
from raft.errors import RaftSimError
from raft.plots.messages import default_window, interesting_moment, message_diagram
from raft.plots.style import DROP_COLOR
from tests.plots.tracekit import ev, msg


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
    assert names == ["n1", "n2", "n3", "clients"]
    (record,) = [a for a in message_arrivals(trace, 0, 100) if a["id"] == 1]
    assert (record["sent_ms"], record["arrived_ms"], record["dropped"]) == (10.0, 14.0, None)


def test_labels_say_what_happened(trace):
    texts = [t.get_text() for t in message_diagram(trace, 0, 100).axes[0].texts]
    assert (
        "RV t1" in texts
        and "granted t1" in texts
        and "fail: log mismatch at 0" in texts
        and "AE t1 +1" in texts
    )
    assert any("loss" in t for t in texts)


def test_life_lines_coloured_by_role(trace):
    ax = message_diagram(trace, 0, 100).axes[0]
    gids = {c.get_gid() for c in ax.collections}
    assert {"life:candidate:n1", "life:leader:n1", "life:follower:n2"} <= gids


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


def _style(patch):
    return patch.get_linestyle(), tuple(round(c, 3) for c in patch.get_edgecolor())


def test_stale_term_and_log_mismatch_refusals_look_and_read_differently():
    """n1 (old leader, term 1) sends AppendEntries; n2 has moved on to term 2 and refuses for the stale term;
    n3, in term 1, refuses because it has no entry at prevLogIndex 5."""
    names = ["n1", "n2", "n3"]
    events = [ev(0.0, "meta", nodes=names, duration_ms=100.0, scenario="refusals", seed=1)]
    events += [ev(0, "role", node=n, role="follower", term=1) for n in names]
    events.append(ev(1.0, "role", node="n1", role="leader", term=1))
    events.append(ev(2.0, "role", node="n2", role="follower", term=2))
    for mid, to in ((1, "n2"), (2, "n3")):
        events.append(
            msg("send", 10.0, "n1", to, "AppendEntries", 1, mid, prev_index=5, prev_term=1, entries=0)
        )
        events.append(
            msg("deliver", 15.0, "n1", to, "AppendEntries", 1, mid, prev_index=5, prev_term=1, entries=0)
        )
    for mid, src, term in ((3, "n2", 2), (4, "n3", 1)):
        fields = {"reply_to": mid - 2, "success": False, "match_index": 0}
        events.append(msg("send", 15.0, src, "n1", "AppendEntriesResponse", term, mid, **fields))
        events.append(msg("deliver", 20.0, src, "n1", "AppendEntriesResponse", term, mid, **fields))
    fig = message_diagram(events, 0, 30)
    drawn = arrows(fig)
    stale, mismatch, request = drawn["msg:3"], drawn["msg:4"], drawn["msg:1"]
    assert _style(stale) != _style(mismatch)
    assert stale.get_linestyle() not in (mismatch.get_linestyle(), request.get_linestyle())
    labels = {
        t.get_gid(): t.get_text() for t in fig.axes[0].texts if (t.get_gid() or "").startswith("refusal:")
    }
    assert labels == {
        "refusal:stale term:3": "fail t2: stale term",
        "refusal:log mismatch:4": "fail: log mismatch at 5",
    }
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("stale term" in t for t in legend) and any("log mismatch" in t for t in legend)


def test_refused_votes_are_labelled_with_their_reason():
    from tests.plots.test_replay import _refusal_trace

    events = _refusal_trace()
    for mid in (11, 12, 13):  # deliver the vote replies
        send = next(e for e in events if e.get("id") == mid)
        events.append({**send, "type": "deliver", "t_ms": 14.0})
    texts = {t.get_gid(): t.get_text() for t in message_diagram(events, 0, 15).axes[0].texts if t.get_gid()}
    assert texts["refusal:log not up-to-date:11"] == "refused: log not up-to-date"
    assert texts["refusal:already voted:12"] == "refused: already voted"
    assert texts["refusal:stale term:13"] == "refused t3: stale term"


def client_marks(fig):
    return {
        line.get_gid(): line
        for line in fig.axes[0].get_lines()
        if (line.get_gid() or "").startswith("client:")
    }


def test_client_lane_shows_submit_commit_and_ack(trace):
    fig = message_diagram(trace, 0, 120)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][-1] == "clients"
    marks = client_marks(fig)
    assert {g: list(m.get_ydata()) for g, m in marks.items()} == {
        "client:submit:c1:1": [40.0],
        "client:commit:c1:1": [55.0],
        "client:ack:c1:1": [60.0],
        "client:submit:c1:2": [100.0],  # never committed nor acknowledged
    }


def test_default_window_shows_the_first_scripted_event_and_its_outcome(trace):
    """The trace's first scripted event is n1's crash at 300 ms; n2 is elected at 420 ms."""
    title = message_diagram(trace).axes[0].get_title()
    start, stop = (float(x) for x in title.split()[1].rstrip(":").replace("ms", "").split("–"))
    assert start < 300 and stop > 420
    assert len(arrows(message_diagram(trace))) >= 4  # the messages before the crash, not an empty strip


def test_default_window_centres_on_a_violation(trace):
    violation = ev(650.0, "violation", property="ElectionSafety", nodes=["n1", "n2"], term=2)
    events = [*trace[:-1], violation, trace[-1]]
    assert interesting_moment(events) == (650.0, 650.0)  # not the crash at 300 ms
    start, stop = default_window(events)
    assert start < 650 < stop


def test_default_window_without_scripted_events_is_the_first_election():
    names = ["n1", "n2", "n3"]
    events = [ev(0.0, "meta", nodes=names, duration_ms=1000.0, scenario="cold", seed=1)]
    events += [ev(0, "role", node=n, role="follower", term=0) for n in names]
    events.append(ev(150.0, "role", node="n2", role="candidate", term=1))
    events.append(ev(160.0, "role", node="n2", role="leader", term=1))
    for i in range(20):  # heartbeats every 50 ms after the election
        events.append(
            msg(
                "send",
                160.0 + 50 * i,
                "n2",
                "n1",
                "AppendEntries",
                1,
                i + 1,
                prev_index=0,
                prev_term=0,
                entries=0,
            )
        )
    start, stop = default_window(events)
    assert start <= 150.0 and stop > 160.0
    assert 160.0 + 50 * 7 <= stop < 160.0 + 50 * 9  # the new leader's first heartbeats, then no more


def test_simulated_default_window_is_around_the_leader_crash(simulated):
    """The simulated run crashes its leader at 500 ms: the default window shows the crash and the election
    that follows, with messages on both sides of the gap."""
    events = list(simulated.events)
    start, stop = default_window(events)
    next_leader = next(c.t_ms for c in leader_changes(events) if c.t_ms > 500)
    assert start < 500 < next_leader < stop
    sent = [a["sent_ms"] for a in message_arrivals(events, start, stop)]
    assert min(sent) < 500 and max(sent) > next_leader


def test_scripted_network_changes_are_drawn_across(trace):
    ax = message_diagram(trace, 250, 700).axes[0]
    assert sorted(
        line.get_gid() for line in ax.get_lines() if (line.get_gid() or "").startswith("script:")
    ) == ["script:heal", "script:partition"]
    assert "partition n1 | n2 n3" in [t.get_text() for t in ax.texts]


# ------------------------------------------------------------------ large clusters


def test_a_large_cluster_shows_the_relevant_nodes_and_merges_the_others(large):
    from raft.plots.messages import MAX_LIFE_LINES, relevant_nodes

    start, stop = default_window(large.recorded_events())
    fig = large.message_diagram()
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    chosen = relevant_nodes(large.recorded_events(), start, stop)
    assert 1 <= len(chosen) <= MAX_LIFE_LINES
    assert ticks == [*chosen, f"{15 - len(chosen)} others", "clients"]
    every = message_arrivals(large.recorded_events(), start, stop)
    between_shown = [m for m in every if m["from"] in chosen and m["to"] in chosen]
    drawn = arrows(fig)
    # alike messages to and from the others are merged: fewer arrows than messages, more than those between
    # the nodes shown
    assert len(between_shown) < len(drawn) < len(every)
    assert len(drawn) <= 40  # few enough to be labelled, so the merged arrows' ×N labels are drawn
    assert any("×" in t.get_text() for t in ax.texts)


def test_nodes_names_the_life_lines(large):
    fig = large.message_diagram(nodes=["n8", "n2"])
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["n8", "n2", "13 others", "clients"]
    with pytest.raises(RaftSimError, match="unknown node n99"):
        large.message_diagram(nodes=["n99"])


def test_alike_broadcasts_to_the_others_become_one_arrow(trace):
    fig = message_diagram(trace, 0, 60, nodes=["n1"])
    labels = [t.get_text() for t in fig.axes[0].texts]
    # n1's RequestVotes to n2 and n3 at 10 ms: one delivered, one dropped, so two arrows to "2 others"
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][:2] == ["n1", "2 others"]
    assert "RV t1" in labels and any(label.startswith("RV t1 ✗") for label in labels)


def legend_texts(fig):
    return [t.get_text() for t in fig.legends[0].get_texts()]


def test_the_legend_names_only_what_the_diagram_shows(trace):
    # 0-19 ms: a vote request, its grant, a lost request; nothing refused, no AppendEntries, no leader, no client
    assert legend_texts(message_diagram(trace, 0, 19)) == [
        "RequestVote / vote granted",
        "dropped (reason)",
        "follower",
        "candidate",
    ]
    # 0-100 ms adds AppendEntries, a refusal at its own term (a log mismatch) and the client's write
    texts = legend_texts(message_diagram(trace, 0, 100))
    assert "refused at its term: log mismatch" in texts and not any("stale term" in t for t in texts)
    assert "write submitted" in texts


def test_scripted_changes_at_one_instant_share_one_label():
    names = ["n1", "n2", "n3"]
    events = [ev(0.0, "meta", nodes=names, duration_ms=100.0, scenario="cuts", seed=1)]
    events += [ev(0, "role", node=n, role="follower", term=1) for n in names]
    events += [ev(10.0, "cut", **{"from": "n2", "to": "n1"}), ev(10.0, "cut", **{"from": "n3", "to": "n1"})]
    ax = message_diagram(events, 0, 30).axes[0]
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "script-label"]
    assert labels == ["cut n2→n1, cut n3→n1"]


def test_a_scripted_change_at_the_windows_start_is_named_inside_the_diagram():
    names = ["n1", "n2"]
    events = [ev(0.0, "meta", nodes=names, duration_ms=100.0, scenario="heal", seed=1)]
    events += [ev(0, "role", node=n, role="follower", term=1) for n in names]
    events += [ev(10.0, "partition", groups=[["n1"], ["n2"]]), ev(40.0, "heal")]
    for start in (40, 20):  # the heal at the top edge, then inside the window
        fig = message_diagram(events, start, 80)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        ax = fig.axes[0]
        (label,) = [t for t in ax.texts if t.get_gid() == "script-label"]
        box, frame = label.get_window_extent(canvas.get_renderer()), ax.get_window_extent()
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1 + 0.5, (start, box, frame)


def test_reads_in_the_client_lane_are_not_called_writes(trace):
    end = trace.index(next(e for e in trace if e["type"] == "end"))
    reads = [ev(60.0, "submit", client="c2", seq=1, command="?x"), ev(62.0, "ack", client="c2", seq=1)]
    texts = legend_texts(message_diagram(trace[:end] + reads + trace[end:], 55, 70))
    assert "write or read submitted" in texts and "write or read acknowledged" in texts
    assert "write submitted" in legend_texts(message_diagram(trace, 35, 70))  # writes only


def test_the_default_window_does_not_stretch_across_a_silence():
    """Every node crashes at 100 ms and the next message is sent at 1500 ms: the window shows the crash and the
    messages before it, not 1.4 s of nothing."""
    names = ["n1", "n2"]
    events = [ev(0.0, "meta", nodes=names, duration_ms=2000.0, scenario="silence", seed=1)]
    events += [ev(0, "role", node=n, role="follower", term=1) for n in names]
    events += [
        ev(5.0, "role", node="n1", role="candidate", term=2),
        ev(9.0, "role", node="n1", role="leader", term=2),
    ]
    for mid, t in enumerate((20.0, 50.0, 80.0, 1500.0, 1530.0), start=1):
        events.append(
            msg("send", t, "n1", "n2", "AppendEntries", 2, mid, prev_index=0, prev_term=0, entries=0)
        )
        events.append(
            msg("deliver", t + 5, "n1", "n2", "AppendEntries", 2, mid, prev_index=0, prev_term=0, entries=0)
        )
    events += [ev(100.0, "crash", node="n1"), ev(100.0, "crash", node="n2")]
    events.sort(key=lambda e: e["t_ms"])  # a trace is in time order
    start, stop = default_window(events)
    assert start <= 20.0 and 100.0 <= stop < 200.0
