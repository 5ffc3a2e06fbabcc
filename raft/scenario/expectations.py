"""Scenario expectations: what a run is expected to show, so that a scenario is also a test.

This module owns the list of checks and the shape of each check's value. It does not evaluate them against a
run (that is the simulator's summary); :class:`raft.scenario.schema.Scenario` checks the parts that need the
cluster and the duration (windows inside the run, known nodes).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import model_validator

from raft.properties import Property
from raft.scenario.base import Frozen
from raft.scenario.suggest import fmt_number, problem, show, unknown

#: The properties a run can be expected to violate (``safety_violation``): every :class:`Property`.
SAFETY_PROPERTIES: tuple[str, ...] = tuple(Property)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {show(value)}")
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {show(value)}")
    return float(value)


def _positive_ms(value: Any) -> float:
    number = _number(value)
    if number <= 0:
        raise ValueError(f"must be greater than 0, got {show(value)}")
    return number


def _window(value: Any) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(f"expected a [start, end] window in ms, got {show(value)}")
    start, end = _number(value[0]), _number(value[1])
    if start > end:
        raise ValueError(f"start {fmt_number(start)} is after end {fmt_number(end)}")
    return start, end


def _start_and_limit(value: Any) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(f"expected [from_ms, limit_ms], got {show(value)}")
    start, limit = _number(value[0]), _positive_ms(value[1])
    if start < 0:
        raise ValueError(f"from_ms must be at least 0, got {fmt_number(start)}")
    return start, limit


def _nodes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not value:
        raise ValueError(f"expected a non-empty list of nodes, got {show(value)}")
    for item in value:
        if not isinstance(item, str):
            raise ValueError(f"expected node names, got {show(item)}")
    return tuple(value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {show(value)}")
    if value < 0:
        raise ValueError(f"must be at least 0, got {value}")
    return value


def _true(value: Any) -> bool:
    if value is not True:
        raise ValueError(f"expected true, got {show(value)}")
    return True


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {show(value)}")
    return value


def _safety_property(value: Any) -> str:
    if value not in SAFETY_PROPERTIES:
        raise ValueError(unknown("property", value, SAFETY_PROPERTIES, name_it=True))
    return str(value)


#: Each known check and the function that validates (and normalizes) its value.
_CHECKS: dict[str, Callable[[Any], Any]] = {
    "leader_elected_within_ms": _positive_ms,  # the first leader is elected within this time of the start
    "max_leaderless_ms": _positive_ms,  # every period without a leader is at most this long
    "max_leaderless_ms_after": _start_and_limit,  # [from_ms, limit_ms]: the same, for periods after from_ms
    "max_unavailable_ms": _positive_ms,  # every period of write unavailability is at most this long
    "max_unavailable_ms_after": _start_and_limit,  # [from_ms, limit_ms]: the same, for periods after from_ms
    "no_leader_between_ms": _window,
    "no_commit_between_ms": _window,
    # every period a leader keeps its title without hearing from a majority is at most this long
    "max_leader_without_majority_ms": _positive_ms,
    "leader_without_majority_between_ms": _window,  # some leader holds its title without a majority throughout
    "final_leader_in": _nodes,
    "committed_on_live_nodes_at_least": _count,
    "logs_identical_at_end": _true,
    # each node, after its last restart, installed a leader's snapshot beyond its log's end (thesis §5.1)
    "caught_up_by_snapshot": _nodes,
    "safety_violation": _safety_property,  # the run is expected to violate this property
    "linearizable": _bool,  # the clients' history is (true) or is not (false) linearizable
}
EXPECTATION_CHECKS: tuple[str, ...] = tuple(_CHECKS)
#: Checks whose value is a [start, end] window that must lie inside the run.
WINDOW_CHECKS = frozenset(
    {"no_leader_between_ms", "no_commit_between_ms", "leader_without_majority_between_ms"}
)


class Expectation(Frozen):
    """One expectation (``{max_leaderless_ms: 900}`` in YAML): the check's name and its normalized value.

    Values are normalized on validation: times are floats, windows ``(start, end)`` tuples of floats, node
    lists tuples of names.
    """

    check: str
    value: Any

    @model_validator(mode="before")
    @classmethod
    def _validate_value(cls, data: Any) -> Any:
        if not isinstance(data, Mapping) or not isinstance(data.get("check"), str) or "value" not in data:
            return data  # the field validation reports the missing or mistyped parts
        check = data["check"]
        validate = _CHECKS.get(check)
        if validate is None:
            raise problem(unknown("check", check, _CHECKS), check)
        try:
            value = validate(data["value"])
        except ValueError as error:
            raise problem(str(error), check) from None
        return {**data, "value": value}
