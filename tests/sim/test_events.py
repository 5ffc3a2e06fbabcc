"""The typed event shapes (raft/sim/events.py) agree with EventType and with what the simulator writes."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from raft.api import simulate
from raft.sim.events import Event, EventBus, EventType

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _shapes() -> dict[EventType, type]:
    shapes: dict[EventType, type] = {}
    for shape in typing.get_args(Event):
        (member,) = typing.get_args(typing.get_type_hints(shape)["type"])
        assert member not in shapes, f"{member} has two shapes"
        shapes[member] = shape
    return shapes


def test_every_event_type_has_exactly_one_shape() -> None:
    assert set(_shapes()) == set(EventType)


def _conforms(event: dict[str, object], shape: type) -> list[str]:
    required: frozenset[str] = shape.__required_keys__  # type: ignore[attr-defined]
    allowed: frozenset[str] = required | shape.__optional_keys__  # type: ignore[attr-defined]
    problems = [f"missing {key!r}" for key in sorted(required - event.keys())]
    problems += [f"unknown {key!r}" for key in sorted(event.keys() - allowed)]
    if list(event)[:2] != ["t_ms", "type"]:
        problems.append("t_ms and type are not the first keys")
    return problems


@pytest.mark.parametrize(
    "name",
    [
        "leader-crash",
        "figure-8",
        "split-3-3",
        "one-way-cut-leader",
        "lossy-network",
        "bugs/forget-vote-on-restart",
        "bugs/vote-twice",
    ],
)
def test_shipped_scenarios_emit_events_of_their_shape(name: str) -> None:
    shapes = _shapes()
    result = simulate(SCENARIOS / f"{name}.yaml", duration_ms=3000.0)
    seen: set[str] = set()
    for event in result.recorded_events():
        problems = _conforms(dict(event), shapes[EventType(event["type"])])
        assert not problems, f"{event}: {', '.join(problems)}"
        seen.add(event["type"])
    assert {EventType.META, EventType.ROLE, EventType.SEND, EventType.DELIVER, EventType.END} <= seen


def test_a_misshapen_event_is_caught() -> None:
    shapes = _shapes()
    crash = {"t_ms": 1.0, "type": "crash", "nod": "n1"}
    assert _conforms(crash, shapes[EventType.CRASH]) == ["missing 'node'", "unknown 'nod'"]


def test_the_bus_hands_each_type_to_its_subscribers_only() -> None:
    bus = EventBus()
    got: list[Event] = []
    bus.subscribe(got.append, [EventType.CRASH])
    assert bus.wants(EventType.CRASH) and not bus.wants(EventType.SEND)
    bus.emit({"t_ms": 1.0, "type": EventType.CRASH, "node": "n1"})
    bus.emit({"t_ms": 2.0, "type": EventType.HEAL})
    assert got == [{"t_ms": 1.0, "type": "crash", "node": "n1"}]
