"""The web side of live mode (aiohttp): the page, a WebSocket per browser tab, and the saved scenario.

Routes: ``GET /`` the player page in live mode (:func:`raft.player.live_page`); ``GET /ws`` the session's
WebSocket; ``GET /scenario.yaml`` the session saved as a scenario file.

The WebSocket speaks JSON, one object per message. Server to page: ``{"type": "meta", "meta": {...}}`` first (the
trace's meta line), then ``{"type": "events", "events": [...], "now_ms": t}`` batches (trace events exactly as
the trace's lines; every event so far in the first batch, then new ones every :data:`BATCH_S` seconds),
``{"type": "status", "now_ms": t, "paused": bool, "speed": v}`` (on connecting and whenever it changes),
``{"type": "scenario", "yaml": text}`` (the answer to ``save``) and ``{"type": "error", "message": line}``.
Page to server: ``{"type": "event", "event": {"crash": "n1"}}`` (a scenario event without its time),
``{"type": "pause"}``, ``{"type": "resume"}``, ``{"type": "speed", "value": v}`` (simulated ms per real ms),
``{"type": "save"}``. Any number of tabs may watch one session; each gets the whole trace so far on connecting.

The server listens on 127.0.0.1 only. The simulation runs in the server's event loop, a slice at a time
(:meth:`raft.live.session.LiveSession.advance`), so that no request ever meets it mid-step.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import socket
from collections.abc import Callable
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from raft.errors import RaftSimError
from raft.live.session import LiveError, LiveSession, Subscription
from raft.scenario.suggest import did_you_mean, show

#: Where the server listens: this machine only.
HOST = "127.0.0.1"
#: Real seconds between two batches of events (the simulation runs on between them).
BATCH_S = 0.05
#: The commands a page may send, by ``type``.
COMMANDS = ("event", "pause", "resume", "speed", "save")


def live_page() -> str:
    """The player page in live mode, or a plain page saying the player is not installed."""
    try:
        player = importlib.import_module("raft.player")
    except ModuleNotFoundError as error:
        if error.name != "raft.player":
            raise
        return _NO_PLAYER
    page: str = player.live_page()
    return page


_NO_PLAYER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>raft-sim live</title></head>
<body>
<h1>raft-sim live</h1>
<p>The session is running, but the player page is not installed in this copy of raft-sim.</p>
<p>The session streams its trace on the WebSocket at <code>/ws</code>;
<a href="/scenario.yaml">scenario.yaml</a> saves it as a scenario.</p>
</body></html>
"""


class _Viewer:
    """One browser tab: its socket, its place in the trace, and the messages waiting to be sent to it (one
    writer sends them in order)."""

    def __init__(self, ws: web.WebSocketResponse, subscription: Subscription) -> None:
        self.ws = ws
        self.subscription = subscription
        self.outbox: asyncio.Queue[str] = asyncio.Queue()
        self.now_ms = -1.0

    def send(self, message: dict[str, Any]) -> None:
        self.outbox.put_nowait(json.dumps(message, separators=(",", ":"), allow_nan=False))

    def send_events(self, lines: list[str], now_ms: float) -> None:
        """An ``events`` batch, built from the trace lines as they are (no re-encoding)."""
        self.outbox.put_nowait(
            '{"type":"events","events":[' + ",".join(lines) + '],"now_ms":' + json.dumps(now_ms) + "}"
        )
        self.now_ms = now_ms


class LiveServer:
    """Serves one :class:`LiveSession` to any number of tabs. Life: :meth:`app` builds the aiohttp application;
    while it runs, a ticker advances the session and sends each tab what is new every ``batch_s`` seconds."""

    def __init__(
        self, session: LiveSession, *, batch_s: float = BATCH_S, page: Callable[[], str] = live_page
    ) -> None:
        self.session = session
        self.batch_s = batch_s
        self.page = page
        self.viewers: set[_Viewer] = set()
        self._ticker: asyncio.Task[None] | None = None
        self._shown_status = session.status()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._index)
        app.router.add_get("/ws", self._socket)
        app.router.add_get("/scenario.yaml", self._scenario_file)
        app.on_startup.append(self._start)
        app.on_shutdown.append(self._close_sockets)
        app.on_cleanup.append(self._stop)
        return app

    # ------------------------------------------------------------------ pacing

    def tick(self) -> None:
        """Run the session on, and send every tab its new events (and the status, if it changed)."""
        self.session.advance()
        for viewer in self.viewers:
            self._send_new(viewer)
        self._announce_status()

    def _send_new(self, viewer: _Viewer) -> None:
        lines = viewer.subscription.take()
        now = self.session.now_ms
        if lines or now != viewer.now_ms:
            viewer.send_events(lines, now)

    def _announce_status(self, force: bool = False) -> None:
        status = self.session.status()
        shown = self._shown_status
        if force or (status["paused"], status["speed"]) != (shown["paused"], shown["speed"]):
            self._shown_status = status
            for viewer in self.viewers:
                viewer.send({"type": "status", **status})

    async def _tick_forever(self) -> None:
        while True:
            self.tick()
            await asyncio.sleep(self.batch_s)

    async def _start(self, app: web.Application) -> None:
        self._ticker = asyncio.create_task(self._tick_forever())

    async def _stop(self, app: web.Application) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker

    async def _close_sockets(self, app: web.Application) -> None:
        for viewer in list(self.viewers):
            await viewer.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    # ------------------------------------------------------------------ routes

    async def _index(self, request: web.Request) -> web.Response:
        return web.Response(text=self.page(), content_type="text/html")

    async def _scenario_file(self, request: web.Request) -> web.Response:
        name = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.session.scenario.name)
        return web.Response(
            text=self.session.save(),
            content_type="application/yaml",
            headers={"Content-Disposition": f'attachment; filename="{name}-live.yaml"'},
        )

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        viewer = _Viewer(ws, self.session.subscribe())
        meta, *events = viewer.subscription.take()
        viewer.outbox.put_nowait('{"type":"meta","meta":' + meta + "}")
        viewer.send_events(events, self.session.now_ms)
        viewer.send({"type": "status", **self.session.status()})
        self.viewers.add(viewer)
        writer = asyncio.create_task(self._write(viewer))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._command(viewer, message.data)
                elif message.type == WSMsgType.BINARY:
                    viewer.send(_error("expected JSON text, got a binary message"))
        finally:
            self.viewers.discard(viewer)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        return ws

    async def _write(self, viewer: _Viewer) -> None:
        with contextlib.suppress(ConnectionError):
            while True:
                text = await viewer.outbox.get()
                await viewer.ws.send_str(text)

    def _command(self, viewer: _Viewer, text: str) -> None:
        """Carry out one message from a page; a bad one is answered with an ``error`` message."""
        try:
            message = json.loads(text)
        except ValueError:
            viewer.send(_error(f"not JSON: {show(text)}"))
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            viewer.send(_error(f'expected {{"type": ...}} with one of: {", ".join(COMMANDS)}'))
            return
        kind = message["type"]
        session = self.session
        try:
            if kind == "event":
                session.inject(message.get("event"))
            elif kind == "pause":
                session.pause()
            elif kind == "resume":
                session.resume()
            elif kind == "speed":
                session.set_speed(message.get("value"))
            elif kind == "save":
                viewer.send({"type": "scenario", "yaml": session.save()})
            else:
                hint = did_you_mean(kind, COMMANDS) or f" (expected one of: {', '.join(COMMANDS)})"
                viewer.send(_error(f"unknown message type {show(kind)}{hint}"))
        except LiveError as error:
            viewer.send(_error(str(error)))
        if kind in ("pause", "resume", "speed"):
            self._announce_status(force=True)


def _error(message: str) -> dict[str, Any]:
    return {"type": "error", "message": message}


def listening_socket(port: int) -> socket.socket:
    """A socket listening on :data:`HOST` at ``port`` (0: a free one); :class:`RaftSimError` when it cannot."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise RaftSimError(f"--port {port}: cannot listen on {HOST}: {error.strerror or error}") from None
    return sock


def serve(session: LiveSession, *, port: int = 0, ready: Callable[[str], None] = print) -> None:
    """Serve ``session`` on 127.0.0.1 at ``port`` (0: a free one) until Ctrl-C, which raises
    ``KeyboardInterrupt`` once the server has shut down; ``ready`` gets the URL once it listens."""
    asyncio.run(_serve(LiveServer(session), listening_socket(port), ready))


async def _serve(server: LiveServer, sock: socket.socket, ready: Callable[[str], None]) -> None:
    runner = web.AppRunner(server.app(), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        await web.SockSite(runner, sock).start()
        host, port = sock.getsockname()[:2]
        ready(f"http://{host}:{port}/")
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        sock.close()


__all__ = ["BATCH_S", "HOST", "LiveServer", "listening_socket", "live_page", "serve"]
