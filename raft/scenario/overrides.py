"""Overrides: set dotted key paths (``cluster.size``, ``events[0].at_ms``) in a raw scenario mapping.

This module owns ``--set KEY=VALUE`` and sweeps: each override makes a new mapping that is then validated as
a whole by :func:`raft.scenario.loader.parse_scenario`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from raft.errors import ScenarioError
from raft.scenario.reader import ScenarioData
from raft.scenario.suggest import KeyPath, format_path, show

_OVERRIDE_KEY = re.compile(r"[^.\[\]]+(?:\.[^.\[\]]+|\[\d+\])*\Z")


def split_key(dotted: str) -> KeyPath:
    """``events[0].at_ms`` as a key path ``("events", 0, "at_ms")``; :class:`ScenarioError` if malformed."""
    if not _OVERRIDE_KEY.match(dotted):
        raise ScenarioError(
            f"override {show(dotted)}: expected a key path such as cluster.size or events[0].at_ms"
        )
    parts: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", dotted):
        parts.append(int(index) if index else name)
    return tuple(parts)


def _set(data: dict[str, Any], path: KeyPath, value: Any, dotted: str) -> None:
    container: Any = data
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        where = format_path(path[:depth]) or "the top level"
        if isinstance(part, int):
            if not isinstance(container, list) or part >= len(container):
                raise ScenarioError(f"override {show(dotted)}: {where} has no item [{part}]")
        elif not isinstance(container, dict):
            raise ScenarioError(f"override {show(dotted)}: {where} is not a mapping")
        if last:
            container[part] = copy.deepcopy(value)
        else:
            if isinstance(part, str) and container.get(part) is None:
                container[part] = {}
            container = container[part]


def apply_overrides(data: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``data`` with each dotted key path (``cluster.size``, ``events[0].at_ms``) set to its value.

    Missing mappings on the way are created; ``data`` is not changed. Overridden keys lose their line numbers
    (errors about them name no line). For a sweep, call it once per value. Validation happens in
    :func:`parse_scenario`; a key path that cannot be set raises :class:`ScenarioError`.
    """
    result: dict[str, Any] = copy.deepcopy(dict(data))
    lines = dict(data.lines) if isinstance(data, ScenarioData) else {}
    for dotted, value in overrides.items():
        path = split_key(dotted)
        _set(result, path, value, dotted)
        lines = {key: line for key, line in lines.items() if key[: len(path)] != path}
        lines[path] = None  # the value is no longer the file's
    if isinstance(data, ScenarioData):
        return ScenarioData(result, lines, data.source)
    return result
