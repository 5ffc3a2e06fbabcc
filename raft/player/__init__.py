"""The player: a run as one self-contained HTML page that animates it in a browser (``raft-sim run --html``,
``raft-sim html``, ``Result.player()``), and the same page in live mode (:func:`live_page`) for ``raft-sim serve``.

The page is plain JavaScript and CSS shipped beside this module (``model.js``: the state rebuilt from events;
``player.js``: drawing and controls; ``player.css``; ``page.html``), inlined into the file it writes: no network
access, no CDN, no build step. The trace is embedded compactly
(:func:`encode`): each event's keys are written once per shape, each event as a row of values. The page rebuilds
every node's state from the events itself (the same rules as :mod:`raft.analysis.replay`), keeping a keyframe of
the whole state every few hundred events, so the state at any time is a binary search and a short replay away.

Live mode: the page built by :func:`live_page` embeds no trace and opens a WebSocket to ``/ws`` on its own origin.
Server to page: ``{"type":"meta","meta":{...}}`` first, then ``{"type":"events","events":[...],"now_ms":t}``,
``{"type":"status","now_ms":t,"paused":b,"speed":x}`` and ``{"type":"scenario","yaml":s}`` (reply to a save).
Page to server: ``{"type":"event","event":{...}}`` (one scenario event without ``at_ms``: ``{"crash":"n1"}``,
``{"restart":"n1"}``, ``{"timeout":"n1"}``, ``{"partition":[[...],[...]]}``, ``{"heal":true}``,
``{"cut":["n1","n2"]}``, ``{"write":"x=1"}``), ``{"type":"pause"}``, ``{"type":"resume"}``,
``{"type":"speed","value":x}`` (simulated ms per real ms) and ``{"type":"save"}``.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from raft.analysis.replay import meta
from raft.files import atomic_write
from raft.sim.events import Event, EventType

__all__ = ["PlayerView", "encode", "live_page", "player_html", "write_player"]


@cache
def _asset(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def encode(events: Sequence[Event]) -> dict[str, Any]:
    """The trace in the page's compact form: ``meta`` (the meta line), ``shapes`` (each a type and its keys after
    ``t_ms`` and ``type``, in trace order) and ``rows`` (each event as its shape's number, ``t_ms`` and the values
    of its keys). The page decodes each row back into the very object of its trace line."""
    head = meta(events)
    shapes: dict[tuple[str, tuple[str, ...]], int] = {}
    rows: list[list[Any]] = []
    for event in events[1:]:
        keys = tuple(key for key in event if key not in ("t_ms", "type"))
        shape = shapes.setdefault((str(event["type"]), keys), len(shapes))
        values: dict[str, Any] = event  # type: ignore[assignment]  # any event, read key by key
        rows.append([shape, event["t_ms"], *(values[key] for key in keys)])
    return {"meta": head, "shapes": [[kind, list(keys)] for kind, keys in shapes], "rows": rows}


def _script_json(data: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>`` or ``<!--`` can appear in it)."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _page(title: str, data: str, live: bool) -> str:
    return (
        _asset("page.html")
        .replace("{{TITLE}}", html.escape(title))
        .replace("{{MODE}}", "live" if live else "replay")
        .replace("/*{{CSS}}*/", _asset("player.css"))
        .replace("{{DATA}}", data)
        .replace("/*{{JS}}*/", _asset("model.js") + "\n" + _asset("player.js"))
    )


def player_html(events: Sequence[Event]) -> str:
    """The player page of a run (a trace's events, meta line first), as one self-contained HTML document."""
    head = meta(events)
    ended = any(e["type"] == EventType.VIOLATION for e in events)
    title = f"{head.get('scenario', 'run')} (seed {head.get('seed', '?')})" + (
        " - violation" if ended else ""
    )
    return _page(f"raft-sim player: {title}", _script_json(encode(events)), live=False)


def live_page() -> str:
    """The player page in live mode: no trace embedded; it connects to ``/ws`` on the origin that served it."""
    return _page("raft-sim live", "null", live=True)


def write_player(events: Sequence[Event], path: str | os.PathLike[str]) -> None:
    """Write the player page of ``events`` to ``path`` (atomically, like every output file)."""
    with atomic_write(path) as out:
        out.write(player_html(events))


@dataclass(frozen=True)
class PlayerView:
    """The player of a run for a notebook: displays inline (an iframe holding the page), or :meth:`save` it."""

    html: str
    height_px: int = 760

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" style="width:100%;'
            f'height:{self.height_px}px;border:1px solid #ccc" sandbox="allow-scripts allow-downloads">'
            "</iframe>"
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        with atomic_write(path) as out:
            out.write(self.html)
