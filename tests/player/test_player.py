"""The replay player in headless Chromium: what it shows at scrubbed times is what the trace says
(:mod:`raft.analysis.replay`), its controls move time, a click shows a server's state, a violation is marked,
and the file asks for nothing over the network."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from raft.analysis.replay import cut_links_at, logs_at, replication_at, role_at, writes
from raft.api import simulate
from raft.cli.paths import SCENARIO_DIR
from raft.player import write_player
from raft.sim.events import Event

CASES: dict[str, list[Event]] = {}


def events_of(name: str, **options: Any) -> list[Event]:
    key = name + repr(sorted(options.items()))
    if key not in CASES:
        CASES[key] = simulate(SCENARIO_DIR / f"{name}.yaml", **options).recorded_events()
    return CASES[key]


def open_player(page: Any, events: list[Event], tmp_path: Path) -> str:
    path = tmp_path / "run.html"
    write_player(events, path)
    url = path.as_uri()
    page.goto(url)
    page.wait_for_function("window.raftPlayer && window.raftPlayer.view")
    return url


def scrub(page: Any, fraction: float) -> float:
    """Move the time slider as a user would (its value, then an input event); the time it shows."""
    page.locator("#slider").evaluate(
        "(s, v) => { s.value = String(v); s.dispatchEvent(new Event('input')); }", fraction * 1000
    )
    return float(page.evaluate("raftPlayer.view.t"))


def shown_nodes(page: Any) -> dict[str, dict[str, str]]:
    return dict(
        page.evaluate(
            """() => Object.fromEntries(Array.from(document.querySelectorAll('#nodes [data-node]')).map(
                 g => [g.dataset.node, {role: g.dataset.role, term: g.dataset.term, commit: g.dataset.commit,
                                        text: g.textContent}]))"""
        )
    )


def expected_roles(events: list[Event], t: float) -> dict[str, tuple[str, int]]:
    logs = {log.node: log for log in logs_at(events, t)}
    out = {}
    for node, role in role_at(events, t).items():
        out[node] = ("down", logs[node].term) if role is None else role
    return out


def test_scrubbed_times_show_the_traced_roles_terms_and_commit_indexes(page: Any, tmp_path: Path) -> None:
    events = events_of("leader-crash")
    open_player(page, events, tmp_path)
    assert page.locator("#nodes [data-node]").count() == 5
    rng = random.Random(7)
    fractions = [0.0, 0.036, 0.2999, 0.3001, 0.35, 0.42, 1.0] + [rng.random() for _ in range(6)]
    seen_roles = set()
    for fraction in fractions:
        t = scrub(page, fraction)
        shown = shown_nodes(page)
        logs = {log.node: log for log in logs_at(events, t)}
        for node, (role, term) in expected_roles(events, t).items():
            assert (shown[node]["role"], int(shown[node]["term"])) == (role, term), (t, node)
            assert int(shown[node]["commit"]) == logs[node].commit_index, (t, node)
            if role != "down":
                assert f"T{term}" in shown[node]["text"]
            seen_roles.add(role)
        lengths = page.evaluate(
            "Object.fromEntries(Array.from(document.querySelectorAll('[data-log]')).map("
            "r => [r.dataset.log, Number(r.dataset.length)]))"
        )
        assert lengths == {node: len(log.terms) for node, log in logs.items()}, t
    assert {"leader", "follower", "down"} <= seen_roles  # the times cover the crash


def test_leader_progress_and_partition_at_scrubbed_times(page: Any, tmp_path: Path) -> None:
    events = events_of("old-leader-minority")
    open_player(page, events, tmp_path)
    rng = random.Random(3)
    for fraction in [0.05, 0.104, 0.2, 0.5, 0.9] + [rng.random() for _ in range(25)]:
        t = scrub(page, fraction)
        progress = {p.follower: (p.next_index, p.match_index) for p in replication_at(events, t)}
        shown = page.evaluate(
            """() => { const v = raftPlayer.view, s = v.state, i = v.leaderOf(s);
                 if (i === null) return {};
                 const f = s.progress[raftPlayer.model.names[i]].f;
                 return Object.fromEntries(Object.entries(f).map(([k, p]) => [k, [p[0], p[1]]])); }"""
        )
        assert {k: tuple(v) for k, v in shown.items()} == progress, t
        cut = cut_links_at(events, t)
        drawn = set(
            page.evaluate("Array.from(document.querySelectorAll('[data-cut]')).map(l => l.dataset.cut)")
        )
        expected = {f"{min(a, b)}<>{max(a, b)}" for a, b in cut if (b, a) in cut}
        expected |= {f"{a}>{b}" for a, b in cut if (b, a) not in cut}
        assert drawn == expected, t
        status = page.locator("#status").inner_text()
        assert ("partition n1 n2 | n3 n4 n5" in status) == bool(cut), t


def test_a_one_way_cut_is_drawn_with_its_direction(page: Any, tmp_path: Path) -> None:
    events = events_of("one-way-cut-leader")
    open_player(page, events, tmp_path)
    page.evaluate("raftPlayer.view.seek(1200)")
    drawn = set(page.evaluate("Array.from(document.querySelectorAll('[data-cut]')).map(l => l.dataset.cut)"))
    assert drawn == {f"{a}>{b}" for a, b in cut_links_at(events, 1200)} == {"n2>n1", "n3>n1"}


def test_messages_in_flight_and_drops_where_they_happen(page: Any, tmp_path: Path) -> None:
    events = events_of("old-leader-minority")
    open_player(page, events, tmp_path)
    drop = next(e for e in events if e["type"] == "drop")
    sent = next(e for e in events if e["type"] == "send" and e["id"] == drop["id"])
    page.evaluate(f"raftPlayer.view.seek({(sent['t_ms'] + drop['t_ms']) / 2})")
    flying = page.evaluate(
        "Array.from(document.querySelectorAll('#messages [data-id]')).filter("
        "g => g.getAttribute('display') !== 'none').map(g => Number(g.dataset.id))"
    )
    assert drop["id"] in flying
    t = (sent["t_ms"] + drop["t_ms"]) / 2
    in_flight = {
        e["id"]
        for e in events
        if e["type"] == "send"
        and e["t_ms"] <= t
        and not any(
            a["type"] in ("deliver", "drop") and a["id"] == e["id"] and a["t_ms"] <= t for a in events
        )
    }
    assert set(flying) == in_flight
    page.evaluate(f"raftPlayer.view.seek({drop['t_ms']})")
    assert page.locator(f"#drops [data-reason={drop['reason']}]").count() >= 1
    assert drop["reason"] in page.locator("#drops").text_content()


@pytest.fixture
def leader_crash(page: Any, tmp_path: Path) -> Any:
    open_player(page, events_of("leader-crash"), tmp_path)
    return page


def test_play_advances_and_pause_holds(leader_crash: Any) -> None:
    page = leader_crash
    before = page.locator("#clock").inner_text()
    page.locator("#play").click()
    page.wait_for_function("raftPlayer.view.t > 20")
    page.keyboard.press(" ")  # space: pause
    held = page.evaluate("raftPlayer.view.t")
    assert page.evaluate("raftPlayer.view.playing") is False
    # two animation frames later, paused time has not moved
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert page.evaluate("raftPlayer.view.t") == held
    assert page.locator("#clock").inner_text() != before


def test_step_and_jump_controls(leader_crash: Any) -> None:
    page = leader_crash
    events = events_of("leader-crash")
    times = sorted({e["t_ms"] for e in events[1:]})
    page.keyboard.press("ArrowRight")
    assert page.evaluate("raftPlayer.view.t") == times[1]  # the first events are at 0
    page.locator("#next-event").click()
    assert page.evaluate("raftPlayer.view.t") == times[2]
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("raftPlayer.view.t") == times[1]
    first_candidate = next(e["t_ms"] for e in events if e["type"] == "role" and e["role"] == "candidate")
    page.keyboard.press("e")
    assert page.evaluate("raftPlayer.view.t") == first_candidate
    assert page.locator("[data-role=candidate]").count() == 1
    page.keyboard.press("f")
    crash = next(e for e in events if e["type"] == "crash")
    assert page.evaluate("raftPlayer.view.t") == crash["t_ms"]
    assert page.locator(f"[data-node={crash['node']}]").get_attribute("data-role") == "down"
    page.keyboard.press("Shift+E")
    assert page.evaluate("raftPlayer.view.t") == first_candidate
    page.keyboard.press("End")
    assert page.evaluate("raftPlayer.view.t") == page.evaluate("raftPlayer.model.duration")
    page.keyboard.press("l")
    assert "large" in (page.locator("body").get_attribute("class") or "")


def test_a_click_shows_a_servers_full_state(leader_crash: Any) -> None:
    page = leader_crash
    events = events_of("leader-crash")
    t = scrub(page, 0.25)
    page.locator("[data-node=n3]").click()
    log = next(log for log in logs_at(events, t) if log.node == "n3")
    details = page.locator("[data-details=n3]")
    assert details.locator("[data-field=role]").inner_text() == log.role
    assert details.locator("[data-field=currentTerm]").inner_text() == str(log.term)
    assert details.locator("[data-field=commitIndex]").inner_text() == str(log.commit_index)
    assert details.locator("[data-field='log length']").inner_text() == str(len(log.terms))
    assert "selected" in (page.locator("[data-node=n3]").get_attribute("class") or "")
    page.keyboard.press("Escape")
    assert page.locator("[data-details]").count() == 0


def test_a_violation_is_marked_loudly(page: Any, tmp_path: Path) -> None:
    events = simulate(SCENARIO_DIR / "bugs" / "vote-twice.yaml").recorded_events()
    violation = next(e for e in events if e["type"] == "violation")
    open_player(page, events, tmp_path)
    banner = page.locator("#violation-banner")
    assert "press v" in banner.inner_text()  # announced before it happens
    assert page.locator("#marks i.violation").count() == 1
    assert page.locator(".node.violating").count() == 0
    page.keyboard.press("Home")
    page.keyboard.press("v")
    assert page.evaluate("raftPlayer.view.t") == violation["t_ms"]
    assert "SAFETY VIOLATION" in banner.inner_text()
    assert violation["property"] in banner.inner_text()
    violating = page.evaluate(
        "Array.from(document.querySelectorAll('.node.violating')).map(g => g.dataset.node)"
    )
    assert sorted(violating) == sorted(violation["nodes"])


def test_the_file_asks_for_nothing_over_the_network(page: Any, tmp_path: Path) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.context.route(
        "**/*",
        lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_(),
    )
    url = open_player(page, events_of("leader-crash"), tmp_path)
    page.locator("#play").click()
    page.wait_for_function("raftPlayer.view.t > 5")
    page.locator("[data-node=n1]").click()
    assert requests == [url]


def test_a_large_cluster_is_drawn_scaled_and_scrubs_correctly(page: Any, tmp_path: Path) -> None:
    events = events_of("large-101", duration_ms=2500)
    open_player(page, events, tmp_path)
    assert page.locator("#nodes [data-node]").count() == 101
    for fraction in (0.3, 0.55, 0.95, 0.1):
        t = scrub(page, fraction)
        shown = shown_nodes(page)
        for node, (role, term) in expected_roles(events, t).items():
            assert (shown[node]["role"], int(shown[node]["term"])) == (role, term), (t, node)
    assert page.locator("[data-log]").count() < 101  # the log panel shows the servers that matter


def test_the_page_decodes_the_trace_exactly(page: Any, tmp_path: Path) -> None:
    events = events_of("leader-crash")
    open_player(page, events, tmp_path)
    decoded = json.loads(page.evaluate("JSON.stringify(raftPlayer.model.events)"))
    assert decoded == json.loads(json.dumps(events[1:]))


def test_result_player_plays_inline_in_a_notebook_iframe(page: Any) -> None:
    view = simulate(SCENARIO_DIR / "leader-crash.yaml", duration_ms=400).player()
    page.set_content(view._repr_html_())
    frame = page.frame_locator("iframe")
    assert frame.locator("#nodes [data-node]").count() == 5
    frame.locator("#jump-election").click()
    assert frame.locator("[data-role=candidate]").count() == 1


def test_the_election_timer_arc_runs_down_to_the_timeout(leader_crash: Any) -> None:
    page = leader_crash
    events = events_of("leader-crash")
    fired = next(e for e in events if e["type"] == "timeout")  # every timer was reset at 0 (role events)
    lengths = []
    for t in (fired["t_ms"] * 0.2, fired["t_ms"] * 0.6, fired["t_ms"] * 0.95):
        page.evaluate(f"raftPlayer.view.seek({t})")
        timer = page.locator(f"[data-node={fired['node']}] .timer")
        assert timer.get_attribute("class") == "timer"  # the trace says when it fires
        lengths.append(timer.evaluate("p => p.getTotalLength()"))
    assert lengths[0] > lengths[1] > lengths[2] > 0
    ratio = lengths[1] / lengths[0]
    assert abs(ratio - 0.4 / 0.8) < 0.02  # the arc is the share of the timeout still to run


def test_client_writes_from_submit_to_acknowledgement(leader_crash: Any) -> None:
    page = leader_crash
    events = events_of("leader-crash")
    write = next(w for w in writes(events) if w.ack_ms is not None)
    page.evaluate(f"raftPlayer.view.seek({(write.submit_ms + write.ack_ms) / 2})")
    waiting = page.locator("#writes .pending").all_inner_texts()
    assert any(write.command in line for line in waiting)
    page.evaluate(f"raftPlayer.view.seek({write.ack_ms})")
    acked = page.locator("#writes .acked").all_inner_texts()
    assert any(write.command in line and f"#{write.index}" in line for line in acked)


@pytest.mark.parametrize(
    ("scenario", "kind", "label"),
    [("etcd/isolated-rejoin-prevote", "PreVote", "PV"), ("maintenance-transfer", "TimeoutNow", "TimeoutNow")],
)
def test_prevote_and_timeoutnow_messages_fly_too(
    page: Any, tmp_path: Path, scenario: str, kind: str, label: str
) -> None:
    events = events_of(scenario)
    sent = next(e for e in events if e["type"] == "send" and e["msg"] == kind)
    arrived = next(e for e in events if e["type"] in ("deliver", "drop") and e["id"] == sent["id"])
    open_player(page, events, tmp_path)
    page.evaluate(f"raftPlayer.view.seek({(sent['t_ms'] + arrived['t_ms']) / 2})")
    flying = page.locator(f"#messages [data-id='{sent['id']}']")
    assert flying.get_attribute("data-msg") == kind
    assert flying.get_attribute("display") != "none"
    assert flying.text_content().startswith(label)


def test_event_by_event_speed_steps_one_event_at_a_time(leader_crash: Any) -> None:
    page = leader_crash
    times = sorted({e["t_ms"] for e in events_of("leader-crash")[1:]})
    page.locator("#speed").select_option("0")
    page.evaluate(f"raftPlayer.view.seek({times[5]})")
    page.keyboard.press(" ")
    page.wait_for_function(f"raftPlayer.view.t > {times[5]}")
    page.keyboard.press(" ")
    assert page.evaluate("raftPlayer.view.t") == times[6]


@pytest.mark.parametrize(
    "scenario",
    # split-5: followers moved to a higher term by a RequestVote they refuse keep their timer running
    [
        "leader-crash",
        "old-leader-minority",
        "etcd/isolated-rejoin-prevote",
        "follower-crash-rejoin",
        "split-5",
    ],
)
def test_every_timeout_fires_within_the_range_after_the_reset_the_page_shows(
    page: Any, tmp_path: Path, scenario: str
) -> None:
    """The page restarts a server's election timer where the simulation does: then every timeout in the trace
    fired between the shortest and the longest election timeout after the last restart the page saw."""
    events = events_of(scenario)
    open_player(page, events, tmp_path)
    low, high = events[0]["config"]["cluster"]["election_timeout_ms"]
    waited = page.evaluate(
        """() => { const m = raftPlayer.model, out = [];
             m.events.forEach((e, n) => { if (e.type !== "timeout") return;
               const i = m.index.get(e.node), state = m.stateAfter(n);
               out.push([e.node, e.t_ms, e.t_ms - m.timer(i, state, e.t_ms).start, m.timer(i, state, e.t_ms).known]); });
             return out; }"""
    )
    assert len(waited) == sum(e["type"] == "timeout" for e in events) > 0
    forced = {(e.get("target"), e.get("at_ms")) for e in events[0]["events"] if e["action"] == "timeout"}
    for node, at, after, known in waited:
        if (node, at) in forced:  # a scripted timeout, not the timer's
            continue
        assert low - 1e-6 <= after <= high + 1e-6, (node, at, after)
        assert known, (node, at)


@pytest.mark.parametrize("scenario", ["leader-crash", "follower-crash-rejoin", "split-5", "figure-8"])
def test_at_the_end_the_page_shows_the_simulations_final_state(
    page: Any, tmp_path: Path, scenario: str
) -> None:
    """Checked against the servers themselves (not the trace): role, term, vote, commitIndex and log."""
    result = simulate(SCENARIO_DIR / f"{scenario}.yaml")
    open_player(page, result.recorded_events(), tmp_path)
    page.keyboard.press("End")
    shown = page.evaluate(
        """() => Object.fromEntries(raftPlayer.view.state.nodes.map((n, i) => [raftPlayer.model.names[i],
             {up: n.up, role: n.role, term: n.term, vote: n.vote, commit: n.commit, log: n.log}]))"""
    )
    for name, node in result.outcome.nodes.items():
        expected = {
            "up": node.up,
            "term": node.term,
            "vote": node.voted_for,
            "log": list(node.log_terms),
        }
        if node.up:
            expected |= {"role": node.role, "commit": node.commit_index}
        assert {k: shown[name][k] for k in expected} == expected, name


def snapshot_view(page: Any) -> dict[str, dict[str, int]]:
    """What the page holds and draws of each server's log: its snapshot, first and last stored index, commitIndex."""
    return dict(
        page.evaluate(
            """() => Object.fromEntries(raftPlayer.view.state.nodes.map((n, i) => {
                 const name = raftPlayer.model.names[i];
                 const row = document.querySelector(`#logs [data-log="${name}"]`);
                 return [name, {snapshot: n.snap, start: n.snap + 1, end: n.log.length, commit: n.commit,
                                drawnSnapshot: row ? Number(row.dataset.snapshot) : -1,
                                drawnEnd: row ? Number(row.dataset.length) : -1,
                                marks: row ? row.querySelectorAll('.snapmark').length : -1,
                                hatched: row ? row.querySelectorAll('.cell.compacted').length : -1,
                                cells: row ? row.querySelectorAll('.cell').length : -1}];
               }))"""
        )
    )


def assert_snapshots_as_replay(page: Any, events: list[Event], t: float) -> None:
    shown = snapshot_view(page)
    for log in logs_at(events, t):
        got = shown[log.node]
        expected = {
            "snapshot": log.snapshot_index,
            "start": log.snapshot_index + 1,
            "end": len(log.terms),
            "commit": log.commit_index,
        }
        assert {k: got[k] for k in expected} == expected, (t, log.node)
        assert (got["drawnSnapshot"], got["drawnEnd"]) == (log.snapshot_index, len(log.terms)), (t, log.node)


def test_snapshots_compaction_and_install_at_scrubbed_times(page: Any, tmp_path: Path) -> None:
    """away-for-long: n1 and n2 compact while n3 is down; n3 restarts, far behind, and installs n1's snapshot."""
    events = events_of("snapshots/away-for-long")
    open_player(page, events, tmp_path)
    install = next(e for e in events if e["type"] == "snapshot" and "from" in e)
    sent = next(e for e in events if e["type"] == "send" and e["msg"] == "InstallSnapshot")
    end = events[-1]["t_ms"]
    times = [0.1, 1700.0, 3650.0, 6999.0, 7000.0, sent["t_ms"], install["t_ms"] - 0.01, install["t_ms"]]
    times += [install["t_ms"] + 20, 7560.0, 7580.0, end] + [
        random.Random(5).uniform(0, end) for _ in range(8)
    ]
    for t in times:
        page.evaluate(f"raftPlayer.view.seek({t})")
        assert_snapshots_as_replay(page, events, t)
        progress = {p.follower: (p.next_index, p.match_index) for p in replication_at(events, t)}
        shown = page.evaluate(
            """() => { const v = raftPlayer.view, s = v.state, i = v.leaderOf(s);
                 if (i === null) return {};
                 const f = s.progress[raftPlayer.model.names[i]].f;
                 return Object.fromEntries(Object.entries(f).map(([k, p]) => [k, [p[0], p[1]]])); }"""
        )
        assert {k: tuple(v) for k, v in shown.items()} == progress, t
    # just after the install: n3 holds n1's snapshot, has committed up to it, and stores nothing after it yet
    page.evaluate(f"raftPlayer.view.seek({install['t_ms']})")
    n3 = snapshot_view(page)["n3"]
    assert (n3["snapshot"], n3["commit"], n3["end"]) == (install["index"], install["index"], install["index"])
    assert n3["marks"] == 1  # the boundary is drawn


def test_the_snapshot_boundary_is_drawn_with_compacted_entries_hatched(page: Any, tmp_path: Path) -> None:
    events = events_of("snapshots/away-for-long")
    open_player(page, events, tmp_path)
    page.evaluate(
        "raftPlayer.view.seek(1690)"
    )  # n1 has just compacted up to 101; its log ends a little after
    row = page.locator('#logs [data-log="n1"]')
    log = next(log for log in logs_at(events, 1690) if log.node == "n1")
    assert log.snapshot_index == 101
    hatched = row.locator(".cell.compacted")
    titles = hatched.evaluate_all("cells => cells.map(c => c.title)")
    assert titles and all("in the snapshot" in title for title in titles)
    assert (
        int(titles[-1].split()[0][1:]) == 101
    )  # the last hatched cell is the snapshot's last included index
    assert row.locator(".snapmark").count() == 1
    # the boundary sits right after entry 101: the next cell is entry 102, not hatched
    after = row.locator(".snapmark + .cell")
    assert (after.get_attribute("title") or "").startswith("#102 ")
    assert "compacted" not in (after.get_attribute("class") or "")
    assert "snapshot ≤101" in row.inner_text()
    assert row.locator(".cell:not(.compacted)").count() == len(log.terms) - 101


def test_install_snapshot_flies_with_a_short_label_and_its_response(page: Any, tmp_path: Path) -> None:
    events = events_of("snapshots/away-for-long")
    open_player(page, events, tmp_path)
    sent = next(e for e in events if e["type"] == "send" and e["msg"] == "InstallSnapshot")
    reply = next(e for e in events if e["type"] == "send" and e["msg"] == "InstallSnapshotResponse")
    for e, label in ((sent, f"Snap ≤{sent['last_index']}"), (reply, f"snap ≤{reply['match_index']}")):
        page.evaluate(f"raftPlayer.view.seek({e['t_ms'] + 1})")
        dot = page.locator(f"#messages [data-id='{e['id']}']")
        assert dot.count() == 1
        assert dot.get_attribute("data-msg") == e["msg"]
        assert dot.locator("text").text_content() == label
        fill = dot.locator("circle").get_attribute("fill")
        assert fill == "var(--snap)"
    # and the events list tells it in words
    assert "InstallSnapshot" in page.evaluate(
        f"RaftTrace.describe({json.dumps({'type': 'send', **{k: v for k, v in sent.items() if k != 'type'}})})"
    )


def test_a_click_shows_a_servers_snapshot(page: Any, tmp_path: Path) -> None:
    events = events_of("snapshots/away-for-long")
    open_player(page, events, tmp_path)
    install = next(e for e in events if e["type"] == "snapshot" and "from" in e)
    t = install["t_ms"] + 100
    page.evaluate(f"raftPlayer.view.seek({t})")
    page.locator("[data-node=n3]").click()
    log = next(log for log in logs_at(events, t) if log.node == "n3")
    details = page.locator("[data-details=n3]")
    assert details.locator("[data-field=snapshot]").inner_text() == f"up to #{log.snapshot_index} (term 1)"
    stored = details.locator("[data-field='entries stored']").inner_text()
    assert stored == f"#{log.snapshot_index + 1}–#{len(log.terms)}"
    assert details.locator("[data-field=commitIndex]").inner_text() == str(log.commit_index)


RESTART_FROM_SNAPSHOT = """
name: restart-from-snapshot
seed: 4
duration_ms: 5000
cluster: {size: 3}
storage: {snapshot_every: 40}
workload: {writes_per_s: 50, stop_ms: 4500}
events:
  - {at_ms: 2600, crash: n2}
  - {at_ms: 3000, restart: n2}
  - {at_ms: 3800, crash: n1}
  - {at_ms: 4200, restart: n1}
"""


def test_a_restart_from_a_snapshot_as_replay_and_the_simulation_say(page: Any, tmp_path: Path) -> None:
    path = tmp_path / "restart-from-snapshot.yaml"
    path.write_text(RESTART_FROM_SNAPSHOT)
    result = simulate(path)
    events = result.recorded_events()
    restarts = [e for e in events if e["type"] == "restart"]
    assert restarts and all(e.get("snapshot") for e in restarts)  # the scenario does what it is for
    open_player(page, events, tmp_path)
    for e in restarts:
        for t in (e["t_ms"] - 0.01, e["t_ms"], e["t_ms"] + 30):
            page.evaluate(f"raftPlayer.view.seek({t})")
            assert_snapshots_as_replay(page, events, t)
    page.keyboard.press("End")
    shown = snapshot_view(page)
    logs = page.evaluate(
        "() => Object.fromEntries(raftPlayer.view.state.nodes.map((n, i) => [raftPlayer.model.names[i], n.log]))"
    )
    for name, node in result.outcome.nodes.items():
        assert shown[name]["snapshot"] == node.snapshot_index, name
        assert logs[name][node.snapshot_index :] == list(node.log_terms), name
        assert shown[name]["commit"] == node.commit_index, name


def test_at_the_end_of_away_for_long_the_page_shows_the_simulations_final_state(
    page: Any, tmp_path: Path
) -> None:
    result = simulate(SCENARIO_DIR / "snapshots/away-for-long.yaml")
    open_player(page, result.recorded_events(), tmp_path)
    page.keyboard.press("End")
    shown = page.evaluate(
        """() => Object.fromEntries(raftPlayer.view.state.nodes.map((n, i) => [raftPlayer.model.names[i],
             {up: n.up, role: n.role, term: n.term, commit: n.commit, snap: n.snap, stored: n.log.slice(n.snap)}]))"""
    )
    for name, node in result.outcome.nodes.items():
        expected = {
            "up": node.up,
            "role": node.role,
            "term": node.term,
            "commit": node.commit_index,
            "snap": node.snapshot_index,
            "stored": list(node.log_terms),
        }
        assert {k: shown[name][k] for k in expected} == expected, name
