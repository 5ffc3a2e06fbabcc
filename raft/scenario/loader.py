"""Validating a scenario: the YAML form in, a :class:`~raft.scenario.schema.Scenario` or one clear line out.

This module owns the translation of the YAML form of events (``{at_ms: 1000, crash: leader}``) and
expectations (``{max_leaderless_ms: 900}``) into the model form, and the turning of every validation problem
into a :class:`~raft.errors.ScenarioError` whose text is ``FILE: line L: key.path: what is wrong``, with key
paths in YAML terms. Reading files is :mod:`raft.scenario.reader`; overrides are :mod:`raft.scenario.overrides`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from raft.scenario.delays import Delay
from raft.scenario.events import HEAL_EXPECTED, Action, When
from raft.scenario.reader import ScenarioData, not_a_mapping, read_scenario_data
from raft.scenario.schema import (
    AnalysisConfig,
    ClusterConfig,
    InitialState,
    NetworkConfig,
    Scenario,
    StorageConfig,
    WorkloadConfig,
)
from raft.scenario.suggest import (
    KeyPath,
    KeyProblem,
    did_you_mean,
    format_path,
    line_of,
    scenario_error,
    show,
    show_name,
    unknown,
)
from raft.scenario.timing import TimingConfig

DEFAULT_SOURCE = "<scenario>"
#: YAML action key -> the model field that holds its value (``heal``'s depends on the value: see _heal_form).
_PAYLOAD: dict[str, str | None] = {
    "crash": "target",
    "restart": "target",
    "isolate": "target",
    "timeout": "target",
    "transfer": "target",
    "partition": "groups",
    "cut": "link",
    "write": "command",
    "heal": None,
}
_EVENT_KEYS = ("at_ms", "when", "after_ms", "to")
_ACTIONS = tuple(action.value for action in Action)
_TOP_KEYS = tuple(name for name in Scenario.model_fields if name != "source")
_SECTIONS: dict[str, type[BaseModel]] = {
    "cluster": ClusterConfig,
    "network": NetworkConfig,
    "storage": StorageConfig,
    "workload": WorkloadConfig,
    "timing": TimingConfig,
    "analysis": AnalysisConfig,
}

#: The keys whose value may be a distribution (:class:`~raft.scenario.delays.Delay`).
_DURATIONS = (
    ("network", "latency_ms"),
    ("storage", "write_ms"),
    ("storage", "fsync_stall_ms"),
    ("timing", "timer_jitter_ms"),
)


# --- from the YAML form to the model form -----------------------------------------------------------------


def _event_form(item: Mapping[Any, Any], position: int) -> dict[str, Any]:
    """``{at_ms: 1000, crash: leader}`` becomes ``{index, action: 'crash', at_ms: 1000, target: 'leader'}``.

    An item already in the model form (it has ``action``, as ``Scenario.model_dump()`` gives) is kept.
    """
    if "action" in item:
        return {**item, "index": position}
    path: KeyPath = ("events", position)
    form: dict[str, Any] = {"index": position}
    for key, value in item.items():
        if key in _EVENT_KEYS:
            form[key] = value
        elif key not in _PAYLOAD:
            name = key if isinstance(key, str) else show(key)
            if did_you_mean(name, _ACTIONS):
                message = f"unknown action{did_you_mean(name, _ACTIONS)}"
            elif did_you_mean(name, _EVENT_KEYS):
                message = f"unknown key{did_you_mean(name, _EVENT_KEYS)}"
            else:
                message = (
                    f"unknown action or key (actions: {', '.join(_ACTIONS)}; keys: {', '.join(_EVENT_KEYS)})"
                )
            raise KeyProblem((*path, name), message)
    actions = [key for key in item if key in _PAYLOAD]
    if not actions:
        raise KeyProblem(path, f"no action (give one of: {', '.join(_ACTIONS)})")
    if len(actions) > 1:
        raise KeyProblem(path, f"more than one action ({', '.join(actions)}): give one per event")
    action = actions[0]
    form["action"] = action
    field = _PAYLOAD[action]
    if field is None:
        form.update(_heal_form(item[action], (*path, action)))
    else:
        form[field] = item[action]
    return form


def _heal_form(value: Any, path: KeyPath) -> dict[str, Any]:
    """``heal: true`` heals everything, ``heal: n1`` every cut touching n1, ``heal: [n1, n2]`` that link."""
    if value is True:
        return {}
    if isinstance(value, str):
        return {"target": value}
    if isinstance(value, list | tuple):
        return {"link": value}
    raise KeyProblem(path, f"{HEAL_EXPECTED}, got {show(value)}")


def _expectation_form(item: Any, position: int) -> dict[str, Any]:
    """``{max_leaderless_ms: 900}`` becomes ``{check: 'max_leaderless_ms', value: 900}`` (kept if it is already)."""
    path: KeyPath = ("expect", position)
    example = "such as {max_leaderless_ms: 1000}"
    if not isinstance(item, Mapping):
        raise KeyProblem(path, f"expected a one-key mapping {example}, got {show(item)}")
    if set(item) == {"check", "value"}:
        return dict(item)
    if len(item) != 1:
        keys = ", ".join(show_name(key) for key in item) or "none"
        raise KeyProblem(path, f"expected exactly one check per item {example}, got {len(item)} ({keys})")
    ((check, value),) = item.items()
    if not isinstance(check, str):
        raise KeyProblem(path, f"unknown check {show(check)}")
    return {"check": check, "value": value}


def _model_form(data: Mapping[str, Any]) -> dict[str, Any]:
    form = dict(data)
    if "source" in form:
        raise KeyProblem(("source",), unknown("key", "source", _TOP_KEYS))
    if isinstance(form.get("events"), list):
        events = form["events"]
        form["events"] = [
            _event_form(item, position) if isinstance(item, Mapping) else item
            for position, item in enumerate(events)
        ]
    if isinstance(form.get("expect"), list):
        form["expect"] = [_expectation_form(item, position) for position, item in enumerate(form["expect"])]
    return form


# --- from pydantic's errors to ours -----------------------------------------------------------------------

_PLAIN_MESSAGES = {
    "int_type": "expected an integer",
    "float_type": "expected a number",
    "string_type": "expected a string",
    "bool_type": "expected true or false",
    "finite_number": "must be a finite number",
    "tuple_type": "expected a list",
    "list_type": "expected a list",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "dict_type": "expected a mapping",
    "invalid_key": "keys must be strings",
}
_BOUNDS = {
    "greater_than": "greater than {gt}",
    "greater_than_equal": "at least {ge}",
    "less_than": "less than {lt}",
    "less_than_equal": "at most {le}",
}


def _known_keys(parent: KeyPath) -> tuple[str, ...]:
    """The keys allowed in the mapping at ``parent`` (for did-you-mean)."""
    if not parent:
        return _TOP_KEYS
    if len(parent) == 1 and parent[0] in _SECTIONS:
        return tuple(_SECTIONS[str(parent[0])].model_fields)
    if len(parent) == 2 and parent in _DURATIONS:
        return tuple(Delay.model_fields)
    if len(parent) == 3 and parent[:2] == ("cluster", "initial_state"):
        return tuple(InitialState.model_fields)
    if len(parent) == 3 and parent[0] == "events" and parent[2] == "when":
        return tuple(When.model_fields)
    return ()


def _yaml_path(loc: KeyPath, data: Mapping[str, Any]) -> KeyPath:
    """A model-form location back in the terms of ``data`` (``events[0].target`` is ``events[0].crash``)."""
    if len(loc) < 3 or loc[0] not in ("events", "expect") or not isinstance(loc[1], int):
        return loc
    items = data.get(str(loc[0]))
    item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
    if not isinstance(item, Mapping) or loc[2] in item:
        return loc  # the item was written in the model form
    if loc[0] == "events" and loc[2] in ("target", "groups", "link", "command"):
        action = next((key for key in item if key in _PAYLOAD), loc[2])
        return (*loc[:2], action, *loc[3:])
    if loc[0] == "expect" and loc[2] in ("check", "value") and len(item) == 1:
        return (*loc[:2], next(iter(item)), *loc[3:])
    return loc


def _describe(error: ErrorDetails, data: Mapping[str, Any]) -> tuple[KeyPath, str]:
    """Our key path (in the terms of ``data``) and wording for one of pydantic's errors."""
    loc: KeyPath = tuple(error["loc"])
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "scenario":
        return _yaml_path((*loc, *ctx.get("path", ())), data), str(ctx["problem"])
    path = _yaml_path(loc, data)
    if kind == "extra_forbidden":
        return path, unknown("key", path[-1], _known_keys(path[:-1]))
    if kind == "missing":
        return path, "missing required key"
    if kind in _BOUNDS:
        bound = {name: show(number) for name, number in ctx.items()}
        return path, f"must be {_BOUNDS[kind].format(**bound)}, got {show(value)}"
    message = _PLAIN_MESSAGES.get(kind) or error["msg"][:1].lower() + error["msg"][1:]
    return path, f"{message}, got {show(value)}"


# --- the public functions ---------------------------------------------------------------------------------


def override_key_problem(dotted: str) -> str | None:
    """What is wrong with an override key path (``cluster.sise``) by the scenario schema, or ``None``.

    Only the keys the schema knows are checked: every mapping key of the top level, the sections, event items
    (their actions and keys), expectation items (the checks) and initial states; a list index or a key under a
    free-form value is left to :func:`parse_scenario`. ``"cluster.sise: unknown key (did you mean 'size'?)"``.
    """
    from raft.scenario.expectations import EXPECTATION_CHECKS
    from raft.scenario.overrides import split_key

    path = split_key(dotted)
    for depth, part in enumerate(path):
        parent = path[:depth]
        if isinstance(part, int):
            continue
        if len(parent) == 2 and parent[0] == "events" and isinstance(parent[1], int):
            known: tuple[str, ...] = (*_EVENT_KEYS, *_PAYLOAD, "action")
        elif len(parent) == 2 and parent[0] == "expect" and isinstance(parent[1], int):
            known = (*EXPECTATION_CHECKS, "check", "value")
        else:
            known = _known_keys(parent)
        if known and part not in known:
            return f"{format_path(path[: depth + 1])}: {unknown('key', part, known)}"
        if not known and depth > 0 and not _free_form(parent):
            return (
                f"{format_path(path[: depth + 1])}: unknown key ({format_path(parent)} has no keys below it)"
            )
    return None


def _free_form(path: KeyPath) -> bool:
    """Whether the value at ``path`` is a mapping whose keys the schema does not name (node names, say)."""
    return path == ("cluster", "initial_state") or path[:1] in (("events",), ("expect",))


def parse_scenario(data: Mapping[str, Any], source: str = DEFAULT_SOURCE) -> Scenario:
    """Validate a raw scenario mapping (the YAML form) into a :class:`Scenario`.

    The model form is accepted too, so ``parse_scenario(scenario.model_dump(mode="json"))`` gives the
    scenario back (events with ``action``, expectations as ``{check, value}``).

    ``source`` names the scenario in error messages; when it is left at its default and ``data`` came from
    :func:`read_scenario_data`, the file's name and lines are used. Raises :class:`ScenarioError` only.
    """
    lines: Mapping[KeyPath, int | None] = {}
    if isinstance(data, ScenarioData):
        lines = data.lines
        source = data.source if source == DEFAULT_SOURCE else source
    if not isinstance(data, Mapping):
        raise not_a_mapping(source, data, None)
    try:
        form = _model_form(data)
        return Scenario.model_validate({**form, "source": source})
    except KeyProblem as problem:
        raise scenario_error(source, problem.message, problem.path, line_of(lines, problem.path)) from None
    except RecursionError:  # a YAML alias that contains itself
        raise scenario_error(source, "nested too deeply (does an alias refer to itself?)") from None
    except ValidationError as invalid:
        errors = invalid.errors()
        # An unknown key explains the "missing" key it was meant to be: report it first.
        first = next((error for error in errors if error["type"] == "extra_forbidden"), errors[0])
        path, message = _describe(first, data)
        raise scenario_error(source, message, path, line_of(lines, path)) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; its ``source`` is the file's name."""
    return parse_scenario(read_scenario_data(path))
