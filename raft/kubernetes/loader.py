"""Validating a Kubernetes scenario: the YAML form in, a :class:`~raft.kubernetes.spec.KubeScenario` or one clear
line out (``FILE: line L: key.path: what is wrong``, with did-you-mean), in the words of the Raft scenarios.

The YAML form of an event is ``{at_s: 60, crash: cp-2}`` (one action key and its argument); of an expectation
``{kubectl: failed, at_s: 120}`` or ``{running: {web: 3}, at_s: 300}``. A file is a Kubernetes scenario when it
has a ``kubernetes`` key (:func:`is_kubernetes_data`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from raft.kubernetes.spec import (
    Action,
    Check,
    ClusterSpec,
    Deployment,
    Expectation,
    KubeScenario,
)
from raft.scenario.reader import ScenarioData, read_scenario_data
from raft.scenario.suggest import KeyPath, KeyProblem, line_of, scenario_error, show, unknown

_TOP_KEYS = tuple(name for name in KubeScenario.model_fields if name != "source")
_ACTIONS = tuple(a.value for a in Action)
_CHECKS = tuple(c.value for c in Check)
_EVENT_KEYS = ("at_s", *_ACTIONS)
_EXPECT_KEYS = ("at_s", "from_s", "to_s", *_CHECKS)
_SECTIONS: dict[KeyPath, type[BaseModel]] = {("kubernetes",): ClusterSpec}


def is_kubernetes_data(data: Mapping[str, Any]) -> bool:
    """Whether a scenario mapping describes a Kubernetes cluster (it has a ``kubernetes`` section)."""
    return "kubernetes" in data


def _event_form(item: Any, position: int) -> dict[str, Any]:
    path: KeyPath = ("events", position)
    if not isinstance(item, Mapping):
        raise KeyProblem(path, f"expected a mapping such as {{at_s: 60, crash: cp-2}}, got {show(item)}")
    for key in item:
        if key not in _EVENT_KEYS:
            raise KeyProblem((*path, key), unknown("key", key, _EVENT_KEYS))
    actions = [key for key in item if key in _ACTIONS]
    if len(actions) != 1:
        found = f"got {', '.join(actions)}" if actions else "got none"
        raise KeyProblem(path, f"expected exactly one action ({', '.join(_ACTIONS)}); {found}")
    action = actions[0]
    value = item[action]
    form: dict[str, Any] = {"at_s": item.get("at_s"), "action": action}
    if "at_s" not in item:
        raise KeyProblem((*path, "at_s"), "missing required key")
    if action == Action.PARTITION_ZONES:
        form["groups"] = value
    elif action == Action.SCALE:
        if not isinstance(value, Mapping) or len(value) != 1:
            raise KeyProblem(
                (*path, action), f"expected {{DEPLOYMENT: REPLICAS}}, e.g. {{web: 5}}, got {show(value)}"
            )
        [(deployment, replicas)] = value.items()
        form["deployment"], form["replicas"] = deployment, replicas
    elif action == Action.HEAL:
        if value != "zones":
            raise KeyProblem(
                (*path, action), f"expected 'zones' (heal every cut between zones), got {show(value)}"
            )
    else:
        form["target"] = value
    return form


def _expectation_form(item: Any, position: int) -> dict[str, Any]:
    path: KeyPath = ("expect", position)
    if not isinstance(item, Mapping):
        raise KeyProblem(path, f"expected a mapping such as {{kubectl: ok, at_s: 60}}, got {show(item)}")
    for key in item:
        if key not in _EXPECT_KEYS:
            raise KeyProblem((*path, key), unknown("key", key, _EXPECT_KEYS))
    checks = [key for key in item if key in _CHECKS]
    if len(checks) != 1:
        raise KeyProblem(path, f"expected exactly one check ({', '.join(_CHECKS)})")
    return {"check": checks[0], "value": item[checks[0]], **{k: v for k, v in item.items() if k != checks[0]}}


def _check_names(scenario: KubeScenario) -> None:
    """Every machine, zone, Deployment and time a scenario names exists."""
    spec = scenario.kubernetes
    machines, zones = spec.machines, spec.zones
    deployments = tuple(d.name for d in spec.deployments)
    end = scenario.duration_s
    kubectl_times = {e.at_s for e in scenario.events if e.action in (Action.SCALE, Action.GET)}
    for position, event in enumerate(scenario.events):
        path: KeyPath = ("events", position)
        if event.at_s > end:
            raise KeyProblem((*path, "at_s"), f"{event.at_s:g} s is after the run's end ({end:g} s)")
        action = event.action
        if action in (Action.CRASH, Action.RESTART, Action.STOP) and event.target not in machines:
            raise KeyProblem((*path, action.value), unknown("machine", event.target, machines, name_it=True))
        if action is Action.ETCD_MEMBER_REMOVE and event.target not in spec.etcd_servers:
            raise KeyProblem(
                (*path, action.value), unknown("etcd member", event.target, spec.etcd_servers, name_it=True)
            )
        if action in (Action.ETCD_MEMBER_ADD, Action.ETCD_MEMBER_PROMOTE):
            spares = spec.spare_control_plane_nodes
            if not spares:
                raise KeyProblem(
                    (*path, action.value),
                    "no spare control-plane node to add: declare one with kubernetes.spare_control_plane: 1",
                )
            if event.target not in spares:
                raise KeyProblem(
                    (*path, action.value),
                    unknown("spare control-plane node", event.target, spares, name_it=True),
                )
        if action in (Action.ZONE_DOWN, Action.ZONE_UP) and event.target not in zones:
            raise KeyProblem((*path, action.value), unknown("zone", event.target, zones, name_it=True))
        if action is Action.GET and event.target not in ("pods", "nodes", "deployments"):
            raise KeyProblem(
                (*path, action.value),
                unknown("resource", event.target, ("pods", "nodes", "deployments"), name_it=True),
            )
        if action is Action.SCALE and event.deployment not in deployments:
            raise KeyProblem(
                (*path, action.value), unknown("Deployment", event.deployment, deployments, name_it=True)
            )
        if action is Action.PARTITION_ZONES:
            listed = [zone for group in event.groups for zone in group]
            for zone in listed:
                if zone not in zones:
                    raise KeyProblem((*path, action.value), unknown("zone", zone, zones, name_it=True))
            if sorted(listed) != sorted(zones) or len(event.groups) < 2:
                raise KeyProblem(
                    (*path, action.value),
                    f"the groups must list every zone ({', '.join(zones)}) exactly once, in at least two groups",
                )
    for position, expectation in enumerate(scenario.expect):
        _check_expectation(expectation, ("expect", position), spec, deployments, end, kubectl_times)


def _check_expectation(
    e: Expectation,
    path: KeyPath,
    spec: ClusterSpec,
    deployments: tuple[str, ...],
    end: float,
    kubectl: set[float],
) -> None:
    check = e.check
    timed = check is not Check.API
    if timed and e.at_s is None:
        raise KeyProblem((*path, "at_s"), f"missing required key (when to check {check.value})")
    if not timed and (e.from_s is None or e.to_s is None or e.from_s >= e.to_s):
        raise KeyProblem(path, "api needs from_s < to_s (the window whose API requests are checked)")
    for key in ("at_s", "from_s", "to_s"):
        value = getattr(e, key)
        if value is not None and value > end:
            raise KeyProblem((*path, key), f"{value:g} s is after the run's end ({end:g} s)")
    value = e.value
    if check is Check.KUBECTL:
        if value not in ("ok", "failed"):
            raise KeyProblem((*path, check.value), unknown("outcome", value, ("ok", "failed"), name_it=True))
        if e.at_s not in kubectl:
            raise KeyProblem((*path, "at_s"), "no kubectl command (scale, get) is scheduled at that time")
    elif check is Check.API:
        if value not in ("up", "down"):
            raise KeyProblem((*path, check.value), unknown("state", value, ("up", "down"), name_it=True))
    elif check in (Check.RUNNING, Check.DESIRED):
        if not isinstance(value, Mapping) or not value:
            raise KeyProblem(
                (*path, check.value), f"expected {{DEPLOYMENT: PODS}}, e.g. {{web: 3}}, got {show(value)}"
            )
        for name, count in value.items():
            if name not in deployments:
                raise KeyProblem(
                    (*path, check.value, name), unknown("Deployment", name, deployments, name_it=True)
                )
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise KeyProblem((*path, check.value, name), f"expected a number of pods, got {show(count)}")
    elif value not in spec.machines:
        raise KeyProblem((*path, check.value), unknown("machine", value, spec.machines, name_it=True))


def _yaml_path(loc: KeyPath, data: Mapping[str, Any]) -> KeyPath:
    """A model-form location in the terms of the YAML form: ``events[0].target`` is ``events[0].crash``."""
    if len(loc) < 3 or not isinstance(loc[1], int):
        return loc
    items = data.get(str(loc[0]))
    item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
    if not isinstance(item, Mapping) or loc[2] in item:
        return loc
    keys = _ACTIONS if loc[0] == "events" else _CHECKS
    found = next((key for key in item if key in keys), None)
    return loc if found is None else (*loc[:2], found, *loc[3:])


def _describe(error: ErrorDetails, data: Mapping[str, Any]) -> tuple[KeyPath, str]:
    loc: KeyPath = _yaml_path(tuple(error["loc"]), data)
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "scenario":
        return (*loc, *ctx.get("path", ())), str(ctx["problem"])
    if kind == "extra_forbidden":
        parent = loc[:-1]
        known = (
            tuple(_SECTIONS[parent].model_fields) if parent in _SECTIONS else _TOP_KEYS if not parent else ()
        )
        if len(parent) == 3 and parent[:2] == ("kubernetes", "deployments"):
            known = tuple(Deployment.model_fields)
        return loc, unknown("key", loc[-1], known)
    if kind == "missing":
        return loc, "missing required key"
    message = error["msg"][:1].lower() + error["msg"][1:]
    return loc, f"{message}, got {show(error.get('input'))}"


def parse_kube_scenario(data: Mapping[str, Any], source: str = "<scenario>") -> KubeScenario:
    """Validate a Kubernetes scenario mapping (the YAML form). Raises :class:`~raft.errors.ScenarioError` only."""
    lines: Mapping[KeyPath, int | None] = {}
    if isinstance(data, ScenarioData):
        lines, source = data.lines, data.source
    try:
        for key in data:
            if key not in _TOP_KEYS:
                raise KeyProblem((key,), unknown("key", key, _TOP_KEYS))
        form = dict(data)
        events, expect = data.get("events") or [], data.get("expect") or []
        if not isinstance(events, list) or not isinstance(expect, list):
            raise KeyProblem(("events" if not isinstance(events, list) else "expect",), "expected a list")
        form["events"] = [_event_form(item, i) for i, item in enumerate(events)]
        form["expect"] = [_expectation_form(item, i) for i, item in enumerate(expect)]
        scenario = KubeScenario.model_validate({**form, "source": source})
        _check_names(scenario)
        return scenario
    except KeyProblem as found:
        raise scenario_error(source, found.message, found.path, line_of(lines, found.path)) from None
    except ValidationError as invalid:
        errors = invalid.errors()
        first = next((error for error in errors if error["type"] == "extra_forbidden"), errors[0])
        path, message = _describe(first, data)
        raise scenario_error(source, message, path, line_of(lines, path)) from None


def load_kube_scenario(path: str | Path) -> KubeScenario:
    """Read and validate a Kubernetes scenario file."""
    return parse_kube_scenario(read_scenario_data(path))
