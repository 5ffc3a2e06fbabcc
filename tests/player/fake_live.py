"""A stand-in for the live server, speaking the page's WebSocket protocol (see :mod:`raft.player`): it serves
:func:`raft.player.live_page` at ``/`` and, at ``/ws``, sends what a test tells it and records what the page sends.
aiohttp in a thread of its own, on a free port of 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import queue
import socket
import threading
from typing import Any, Self

from aiohttp import WSMsgType, web

from raft.player import live_page


class FakeLiveServer:
    def __init__(self, greeting: list[dict[str, Any]]) -> None:
        self.greeting = greeting  # sent to each page as it connects
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        self.loop = asyncio.new_event_loop()
        self.sockets: list[web.WebSocketResponse] = []
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/"
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    async def _index(self, request: web.Request) -> web.Response:
        return web.Response(text=live_page(), content_type="text/html")

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        for message in self.greeting:
            await ws.send_json(message)
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                self.received.put(json.loads(message.data))
        return ws

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/", self._index)
        app.router.add_get("/ws", self._ws)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.SockSite(self._runner, self._listener).start()

    def __enter__(self) -> Self:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            for ws in self.sockets:
                await ws.close()
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()

    def send(self, message: dict[str, Any]) -> None:
        """Send ``message`` to every connected page."""

        async def push() -> None:
            for ws in self.sockets:
                await ws.send_json(message)

        asyncio.run_coroutine_threadsafe(push(), self.loop).result(10)

    def next_message(self) -> dict[str, Any]:
        """The next message a page sent (waits for it, at most 10 s)."""
        return self.received.get(timeout=10)
