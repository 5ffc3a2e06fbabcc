"""A safety violation on every picture: the trace's ``violation`` event (the run stops there), a marker at its
time naming the property and the nodes, and the default window of such a run, around the violation.

Used by every plot: :func:`mark_time` on the pictures with a time axis (timeline, message diagram),
:func:`note_moment` on the pictures of one moment (log view, topology), :func:`window_around` for their
default windows. Artists carry the ``gid`` ``violation`` (the line or note) and ``violation-label``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from matplotlib.transforms import blended_transform_factory

from raft.analysis.replay import Events, role_at
from raft.plots.style import ROLE_COLORS, VIOLATION_COLOR
from raft.sim.events import EventType


@dataclass(frozen=True, slots=True)
class Violation:
    """The run's first safety violation: ``property_name`` broken at ``t_ms`` on ``nodes`` (in ``term``, at
    ``index`` when known)."""

    t_ms: float
    property_name: str
    nodes: tuple[str, ...]
    term: int | None
    index: int | None

    @property
    def text(self) -> str:
        """``Election Safety violated on n1, n2 (term 1)``."""
        where = [f"term {self.term}"] if self.term is not None else []
        where += [f"index {self.index}"] if self.index is not None else []
        return f"{self.property_name} violated on {', '.join(self.nodes)}" + (
            f" ({', '.join(where)})" if where else ""
        )


def violation(events: Events) -> Violation | None:
    """The first ``violation`` event of the trace, or ``None``."""
    for event in events:
        if event["type"] == EventType.VIOLATION:
            return Violation(
                float(event["t_ms"]),
                str(event["property"]),
                tuple(event.get("nodes") or ()),
                event.get("term"),
                event.get("index"),
            )
    return None


def window_around(events: Events, width_ms: float, *, after: float = 0.15) -> tuple[float, float] | None:
    """A window ``width_ms`` wide around the violation: ``1 - after`` of it before, ``after`` after (the run
    stops at the violation, so little happens after it), moved right if it would start before 0 ms; ``None``
    for a run without a violation."""
    found = violation(events)
    if found is None:
        return None
    start = max(0.0, found.t_ms - (1.0 - after) * width_ms)
    return start, start + width_ms


def mark_time(
    ax: Any,
    events: Events,
    *,
    time_on: str = "x",
    scale: float = 1.0,
    label: bool = True,
    life_lines: Mapping[str, float] | None = None,
) -> Any:
    """A red line at the violation's time across ``ax`` (``time_on``: ``"x"`` for a time axis along x, ``"y"``
    for time running down), labelled with the property and the nodes; ``scale`` divides milliseconds (seconds
    axes). With ``life_lines`` (each node's x, time running down): a short faded stub after the violation on each
    live node's life line, coloured by its role at that instant (``at-stop:ROLE:NODE``), so that a node that took
    office at the violating instant is seen as leader. Returns the line, or ``None`` without a violation."""
    found = violation(events)
    if found is None:
        return None
    at = found.t_ms / scale
    if life_lines is not None:
        low, high = sorted(ax.dataLim.intervaly)
        stub = 0.04 * max(high - low, 1.0)
        for node, state in role_at(events, found.t_ms).items():
            if state is not None and node in life_lines:
                ax.vlines(
                    life_lines[node],
                    at,
                    at + stub,
                    lw=5,
                    color=ROLE_COLORS[state[0]],
                    alpha=0.55,
                    zorder=1,
                    gid=f"at-stop:{state[0]}:{node}",
                )
    draw = ax.axvline if time_on == "x" else ax.axhline
    line = draw(at, color=VIOLATION_COLOR, lw=1.8, zorder=8, gid="violation")
    if label:
        text = f"✗ {found.text} at {found.t_ms:.0f} ms"
        style = {
            "fontsize": 8,
            "color": VIOLATION_COLOR,
            "fontweight": "bold",
            "zorder": 9,
            "gid": "violation-label",
            "bbox": {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
        }
        if time_on == "x":
            trans = blended_transform_factory(ax.transData, ax.transAxes)
            ax.text(at, 0.99, text + " ", transform=trans, ha="right", va="top", **style)
        else:
            # below the line: the run stopped there, so nothing else is drawn under it
            trans = blended_transform_factory(ax.transAxes, ax.transData)
            ax.text(0.99, at, text, transform=trans, ha="right", va="top", **style)
    return line


def note_moment(ax: Any, events: Events, at_ms: float, *, x: float = 0.0, ha: str = "left") -> Any:
    """On a picture of the moment ``at_ms``: two red lines of text under the picture (at ``x``, aligned
    ``ha``, in axes fractions) naming the violation and saying whether the picture shows that moment, one
    before or one after; the tick labels of the nodes concerned turn red. Returns the text, or ``None`` without
    a violation."""
    found = violation(events)
    if found is None:
        return None
    when = "this moment" if at_ms == found.t_ms else "later" if at_ms < found.t_ms else "earlier"
    text = ax.text(
        x,
        -0.01,
        f"✗ {found.text} at {found.t_ms:.0f} ms ({when}); the run stopped there",
        transform=ax.transAxes,
        ha=ha,
        va="top",
        fontsize=9,
        color=VIOLATION_COLOR,
        fontweight="bold",
        gid="violation",
        wrap=True,
    )
    for tick in ax.get_yticklabels():
        if tick.get_text().split(" ")[0] in found.nodes:
            tick.set_color(VIOLATION_COLOR)
    return text
