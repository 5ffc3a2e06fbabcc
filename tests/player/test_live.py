"""The page in live mode, against a stand-in server speaking the protocol (tests/player/fake_live.py): it shows
the events it is sent, and each control sends the message the protocol names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from raft.analysis.replay import role_at
from raft.api import simulate
from raft.cli.paths import SCENARIO_DIR
from raft.sim.events import Event
from tests.player.fake_live import FakeLiveServer

START_MS = 400.0


@pytest.fixture(scope="module")
def run() -> list[Event]:
    return simulate(SCENARIO_DIR / "leader-crash.yaml", duration_ms=600).recorded_events()


@pytest.fixture
def live(page: Any, run: list[Event]) -> Iterator[tuple[Any, FakeLiveServer]]:
    """The live page, connected, having been sent the meta line and the events up to START_MS (paused)."""
    first = [e for e in run[1:] if e["t_ms"] <= START_MS]
    greeting = [
        {"type": "meta", "meta": run[0]},
        {"type": "events", "events": first, "now_ms": START_MS},
        {"type": "status", "now_ms": START_MS, "paused": True, "speed": 0.05},
    ]
    with FakeLiveServer(greeting) as server:
        page.goto(server.url)
        page.wait_for_function(f"window.raftPlayer && raftPlayer.view && raftPlayer.view.now === {START_MS}")
        yield page, server


def roles_shown(page: Any) -> dict[str, tuple[str, int]]:
    return {
        k: (v[0], int(v[1]))
        for k, v in page.evaluate(
            "Object.fromEntries(Array.from(document.querySelectorAll('#nodes [data-node]')).map("
            "g => [g.dataset.node, [g.dataset.role, g.dataset.term]]))"
        ).items()
    }


def test_the_page_has_no_trace_and_connects_to_ws(run: list[Event]) -> None:
    from raft.player import live_page

    html = live_page()
    assert 'data-mode="live"' in html
    assert '<script id="trace" type="application/json">null</script>' in html
    assert "://" not in html.replace("http://www.w3.org/2000/svg", "").replace('"wss://" : "ws://"', "")


def test_it_shows_the_events_it_is_sent(live: tuple[Any, FakeLiveServer], run: list[Event]) -> None:
    page, server = live
    assert page.evaluate("raftPlayer.received.slice(0, 3)") == ["meta", "events", "status"]
    expected = {node: role for node, role in role_at(run, START_MS).items() if role is not None}
    assert roles_shown(page) == expected
    assert page.locator("#speed").input_value() == "0.05"
    # more events arrive: the page follows the simulation's time
    more = [e for e in run[1:] if START_MS < e["t_ms"] <= 550]
    server.send({"type": "events", "events": more, "now_ms": 550.0})
    page.wait_for_function("raftPlayer.view.now === 550")
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert roles_shown(page) == {n: r for n, r in role_at(run, 550).items() if r is not None}
    assert page.evaluate("raftPlayer.view.t") == 550


def test_a_click_on_a_server_crashes_it_and_the_page_shows_the_crash(
    live: tuple[Any, FakeLiveServer],
) -> None:
    page, server = live
    leader = next(n for n, (role, _) in roles_shown(page).items() if role == "leader")
    page.locator(f"[data-node={leader}]").click()
    page.locator("#details [data-act=crash]").click()
    assert server.next_message() == {"type": "event", "event": {"crash": leader}}
    # the simulation reacts: the server reports the crash
    server.send(
        {"type": "events", "events": [{"t_ms": 401.0, "type": "crash", "node": leader}], "now_ms": 401.0}
    )
    page.wait_for_function(f"document.querySelector('[data-node={leader}]').dataset.role === 'down'")
    page.locator("#details [data-act=restart]").click()
    assert server.next_message() == {"type": "event", "event": {"restart": leader}}
    page.keyboard.press("t")  # the selected server's timeout, from the keyboard
    assert server.next_message() == {"type": "event", "event": {"timeout": leader}}


def test_controls_send_the_protocols_messages(live: tuple[Any, FakeLiveServer]) -> None:
    page, server = live
    page.locator("#live-resume").click()
    assert server.next_message() == {"type": "resume"}
    page.locator("#live-pause").click()
    assert server.next_message() == {"type": "pause"}
    page.locator("#speed").select_option("0.2")
    assert server.next_message() == {"type": "speed", "value": 0.2}
    page.locator("#write-text").fill("k=v")
    page.locator("#write").click()
    assert server.next_message() == {"type": "event", "event": {"write": "k=v"}}
    for node in ("n4", "n5"):
        page.locator(f"[data-group={node}]").click()  # into group B
    page.locator("#partition").click()
    assert server.next_message() == {
        "type": "event",
        "event": {"partition": [["n1", "n2", "n3"], ["n4", "n5"]]},
    }
    page.locator("#heal").click()
    assert server.next_message() == {"type": "event", "event": {"heal": True}}
    page.locator(".linkhit[data-from=n1][data-to=n2]").click()
    assert server.next_message() == {"type": "event", "event": {"cut": ["n1", "n2"]}}


def test_a_cut_sent_back_is_drawn(live: tuple[Any, FakeLiveServer]) -> None:
    page, server = live
    server.send(
        {
            "type": "events",
            "events": [{"t_ms": 402.0, "type": "cut", "from": "n1", "to": "n2"}],
            "now_ms": 402.0,
        }
    )
    page.wait_for_function("document.querySelector('[data-cut=\"n1>n2\"]') !== null")


def test_save_as_scenario_downloads_the_servers_yaml(live: tuple[Any, FakeLiveServer]) -> None:
    page, server = live
    yaml = "name: live\nevents:\n  - {at_ms: 401.0, crash: n1}\n"
    page.locator("#save").click()
    assert server.next_message() == {"type": "save"}
    with page.expect_download() as info:
        server.send({"type": "scenario", "yaml": yaml})
    download = info.value
    assert download.suggested_filename.endswith(".yaml")
    with open(download.path(), encoding="utf-8") as saved:
        assert saved.read() == yaml


def test_a_speed_the_server_chose_is_shown(live: tuple[Any, FakeLiveServer]) -> None:
    page, server = live
    server.send({"type": "status", "now_ms": START_MS, "paused": False, "speed": 0.25})
    page.wait_for_function("raftPlayer.view.speed === 0.25")
    assert page.locator("#speed").input_value() == "0.25"
    assert page.evaluate("raftPlayer.view.playing") is True


def test_looking_back_stops_following_and_end_follows_again(
    live: tuple[Any, FakeLiveServer], run: list[Event]
) -> None:
    page, server = live
    page.locator("#slider").evaluate("s => { s.value = '500'; s.dispatchEvent(new Event('input')); }")
    assert page.evaluate("raftPlayer.view.t") == START_MS / 2
    more = [e for e in run[1:] if START_MS < e["t_ms"] <= 550]
    server.send({"type": "events", "events": more, "now_ms": 550.0})
    page.wait_for_function("raftPlayer.view.now === 550")
    assert page.evaluate("raftPlayer.view.t") == START_MS / 2  # still where the user looked
    assert roles_shown(page) == {n: r for n, r in role_at(run, START_MS / 2).items() if r is not None}
    page.keyboard.press("End")
    page.wait_for_function("raftPlayer.view.following && raftPlayer.view.t === 550")
    assert server.received.empty()  # moving in time is the page's own business: nothing sent


def test_a_server_error_is_shown(live: tuple[Any, FakeLiveServer]) -> None:
    page, server = live
    server.send({"type": "error", "message": "crash: unknown node n9"})
    page.wait_for_function("document.getElementById('conn').textContent.includes('unknown node n9')")
    assert "bad" in (page.locator("#conn").get_attribute("class") or "")


def test_the_node_menu_stays_put_while_events_arrive(
    live: tuple[Any, FakeLiveServer], run: list[Event]
) -> None:
    page, server = live
    page.locator("[data-node=n2]").click()
    page.locator("#details [data-act=crash]").evaluate("b => { b.dataset.mark = 'kept'; }")
    more = [e for e in run[1:] if START_MS < e["t_ms"] <= 500]
    server.send({"type": "events", "events": more, "now_ms": 500.0})
    page.wait_for_function("raftPlayer.view.now === 500 && raftPlayer.view.t === 500")
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert page.locator("#details [data-act=crash]").get_attribute("data-mark") == "kept"  # the same button
    page.locator("#details [data-act=crash]").click()
    assert server.next_message() == {"type": "event", "event": {"crash": "n2"}}
