"""Building blocks of hand-written traces for the plot and replay tests."""

from __future__ import annotations

from typing import Any


def ev(t: float, kind: str, **fields: Any) -> dict[str, Any]:
    """A trace event of type ``kind`` at ``t`` ms."""
    return {"t_ms": t, "type": kind, **fields}


def msg(
    kind: str, t: float, src: str, dst: str, name: str, term: int, mid: int, **fields: Any
) -> dict[str, Any]:
    """A message event (``send``, ``deliver``, ``drop``) of a hand-written trace."""
    return {"t_ms": t, "type": kind, "from": src, "to": dst, "msg": name, "term": term, "id": mid, **fields}
