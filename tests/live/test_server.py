"""The live server (raft/live/server.py) through aiohttp's test client: the page, the WebSocket protocol, the save."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientWebSocketResponse
from aiohttp.test_utils import TestClient, TestServer

from raft.live.server import COMMANDS, LiveServer, live_page
from raft.live.session import LiveSession
from raft.scenario import load_scenario, parse_scenario, read_scenario_data
from tests.live.livekit import FakeClock, replayed_lines

Message = dict[str, Any]


def run(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run an async test in a thread of its own (the thread running the tests may have an event loop already:
    Playwright's, in the browser tests)."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, test()).result()


@asynccontextmanager
async def serving(live: LiveSession, **options: Any) -> AsyncIterator[TestClient[Any, Any]]:
    client: TestClient[Any, Any] = TestClient(TestServer(LiveServer(live, batch_s=0.005, **options).app()))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


class Tab:
    """One page's socket, and every message it has had."""

    def __init__(self, ws: ClientWebSocketResponse, clock: FakeClock | None = None) -> None:
        self.ws = ws
        self.clock = clock
        self.messages: list[Message] = []

    async def until(self, done: Callable[[Message], bool], *, wait_s: float = 0.02) -> Message:
        """Receive messages (letting ``wait_s`` of the fake clock pass before each) until one is ``done``."""
        while True:
            if self.clock is not None:
                self.clock.wait(wait_s)
            message = await self.ws.receive_json(timeout=10)
            self.messages.append(message)
            if done(message):
                return message

    def events(self) -> list[Message]:
        return [e for m in self.messages if m["type"] == "events" for e in m["events"]]

    def event_lines(self) -> list[str]:
        return [json.dumps(e, separators=(",", ":")) for e in self.events()]


def has_event(kind: str, **match: Any) -> Callable[[Message], bool]:
    def done(message: Message) -> bool:
        return message["type"] == "events" and any(
            e["type"] == kind and all(e.get(k) == v for k, v in match.items()) for e in message["events"]
        )

    return done


def is_type(kind: str) -> Callable[[Message], bool]:
    return lambda message: message["type"] == kind


def five_nodes(clock: FakeClock, **options: Any) -> LiveSession:
    data = read_scenario_data("scenarios/cold-start-5.yaml")
    return LiveSession(parse_scenario(data), data=data, clock=clock, speed=1.0, **options)


def test_a_tab_gets_the_meta_line_then_every_event_so_far_then_the_status() -> None:
    async def test() -> None:
        clock = FakeClock()
        live = five_nodes(clock)
        live.run_to(300.0)
        async with serving(live) as client:
            tab = Tab(await client.ws_connect("/ws"))
            meta, events, status = [await tab.ws.receive_json(timeout=10) for _ in range(3)]
            assert meta == {"type": "meta", "meta": json.loads(live.lines[0])}
            assert meta["meta"]["nodes"] == ["n1", "n2", "n3", "n4", "n5"]
            assert events == {
                "type": "events",
                "events": [json.loads(x) for x in live.lines[1:]],
                "now_ms": 300.0,
            }
            assert status == {"type": "status", "now_ms": 300.0, "paused": False, "speed": 1.0}
            await tab.ws.close()

    run(test)


def test_a_crash_sent_from_a_tab_crashes_the_node_and_the_cluster_elects_another(tmp_path: Path) -> None:
    async def test() -> None:
        clock = FakeClock()
        live = five_nodes(clock)
        live.run_to(400.0)
        leader = live.sim.live_leader()
        assert leader is not None
        async with serving(live) as client:
            tab = Tab(await client.ws_connect("/ws"), clock)
            await tab.until(is_type("status"))
            await tab.ws.send_json({"type": "event", "event": {"crash": leader}})
            crash = await tab.until(has_event("crash", node=leader))
            [crashed] = [e for e in crash["events"] if e["type"] == "crash"]
            at = crashed["t_ms"]
            assert at.is_integer() and [e.at_ms for e in live.injected] == [at]
            await tab.until(lambda m: has_event("role", role="leader")(m) and m["now_ms"] > at)
            elected = [e for e in tab.events() if e["type"] == "role" and e["role"] == "leader"]
            assert elected[-1]["node"] != leader and elected[-1]["t_ms"] > at
            tab.clock = None  # from here on the session stands still
            await tab.ws.send_json({"type": "save"})
            saved = await tab.until(is_type("scenario"))
            assert "crash: " + leader in saved["yaml"]
            assert tab.event_lines() == live.lines[1:]  # the tab saw the session's trace, all of it
            assert replayed_lines(saved["yaml"], tmp_path, live.now_ms) == tab.event_lines()
            file = await client.get("/scenario.yaml")
            assert file.status == 200 and await file.text() == saved["yaml"]
            assert "attachment" in file.headers["Content-Disposition"]
            await tab.ws.close()

    run(test)


def test_bad_messages_are_answered_with_one_line_errors() -> None:
    async def test() -> None:
        clock = FakeClock()
        async with serving(five_nodes(clock, paused=True)) as client:
            tab = Tab(await client.ws_connect("/ws"))
            await tab.until(is_type("status"))
            sent: list[Any] = [
                "{not json",
                '["pause"]',
                '{"type": "pasue"}',
                '{"type": "event", "event": {"crash": "n9"}}',
                '{"type": "event", "event": {"crsh": "n1"}}',
                '{"type": "event"}',
                '{"type": "speed", "value": "fast"}',
            ]
            for text in sent:
                await tab.ws.send_str(text)
            errors = [(await tab.until(is_type("error")))["message"] for _ in sent]
            assert errors[0].startswith("not JSON")
            assert errors[1].startswith(
                'expected {"type": ...} with one of: event, pause, resume, speed, save'
            )
            assert errors[2] == "unknown message type 'pasue' (did you mean 'pause'?)"
            assert errors[3] == "event: crash: unknown node n9 (the cluster has n1..n5)"
            assert errors[4] == "event: crsh: unknown action (did you mean 'crash'?)"
            assert errors[5].startswith("event: expected a mapping")
            assert errors[6].startswith("speed: expected a number")
            await tab.ws.close()

    run(test)


def test_pause_resume_and_speed_reach_every_tab() -> None:
    async def test() -> None:
        clock = FakeClock()
        live = five_nodes(clock)
        async with serving(live) as client:
            one = Tab(await client.ws_connect("/ws"), clock)
            two = Tab(await client.ws_connect("/ws"), clock)
            for tab in (one, two):
                await tab.until(is_type("status"))
            await one.ws.send_json({"type": "pause"})
            for tab in (one, two):
                assert (await tab.until(is_type("status")))["paused"] is True
            before = live.now_ms
            clock.wait(1.0)
            await asyncio.sleep(0.05)  # ticks pass; paused, the simulation stands still
            assert live.now_ms == before
            await two.ws.send_json({"type": "speed", "value": 0.5})
            await two.ws.send_json({"type": "resume"})
            for tab in (one, two):
                status = await tab.until(lambda m: m["type"] == "status" and m["paused"] is False)
                assert status["speed"] == 0.5
            await one.until(lambda m: m["type"] == "events" and m["now_ms"] > before)
            for tab in (one, two):
                await tab.ws.close()

    run(test)


def test_a_violation_is_streamed_as_in_a_trace_and_stops_the_session() -> None:
    async def test() -> None:
        clock = FakeClock()
        live = LiveSession(
            load_scenario("scenarios/bugs/forget-vote-on-restart.yaml"), clock=clock, speed=10.0
        )
        async with serving(live) as client:
            tab = Tab(await client.ws_connect("/ws"), clock)
            await tab.until(has_event("end"), wait_s=0.1)
            *_, violation, end = tab.events()
            assert (violation["type"], violation["property"], end["type"]) == (
                "violation",
                "Election Safety",
                "end",
            )
            assert (await tab.until(is_type("status")))["paused"] is True
            await tab.ws.send_json({"type": "resume"})
            assert (await tab.until(is_type("error")))["message"].startswith(
                "the run is over (Election Safety"
            )
            await tab.ws.close()

    run(test)


def test_the_page_is_the_players_and_says_so_when_the_player_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def test() -> None:
        async with serving(five_nodes(FakeClock()), page=lambda: "<p>the player</p>") as client:
            page = await client.get("/")
            assert page.status == 200 and page.content_type == "text/html"
            assert await page.text() == "<p>the player</p>"

    run(test)
    monkeypatch.setitem(sys.modules, "raft.player", None)
    assert "the player page is not installed" in live_page()


def test_the_readme_states_the_protocol_the_server_speaks() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Live mode (`raft-sim serve`)", 1)[1].split("\n## ", 1)[0]
    to_page, to_server = section.split("Page to server:", 1)
    assert re.findall(r'\{"type": "(\w+)"', to_page.split("Server to page:", 1)[1]) == [
        "meta",
        "events",
        "status",
        "scenario",
        "error",
    ]
    assert re.findall(r'\{"type": "(\w+)"', to_server) == list(COMMANDS)
