"""Shared pieces of the scenario models: the frozen, strict base class, pair and name types, node names.

Everything here is used by more than one of :mod:`raft.scenario.schema`, :mod:`raft.scenario.events` and
:mod:`raft.scenario.expectations`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Strict

from raft.scenario.suggest import did_you_mean, fmt_number, problem, show, show_name, unknown

MAX_NODES = 101
#: Words that name a node by its role at the moment an event fires, so no node may be called that: ``leader``
#: (the live leader of the highest term), ``follower`` (a live follower, chosen by the seed) and ``crashed``
#: (the node that crashed most recently and is still down).
LEADER, FOLLOWER, CRASHED = "leader", "follower", "crashed"
ROLE_WORDS = (LEADER, FOLLOWER, CRASHED)
#: Where each role word may stand for a node (the rest of the message of :func:`misplaced_role`).
_ROLE_PLACES = {
    LEADER: "it names the current leader only in crash, isolate, timeout, remove, cut and a write's to",
    FOLLOWER: "it names a live follower only in crash, isolate, timeout, remove, transfer, cut and a write's to",
    CRASHED: "it names the node crashed most recently only in restart",
}
NODE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")

# YAML gives lists where the model keeps tuples: containers are lax, their items stay strict.
Pair = Annotated[tuple[float, float], Strict(False)]
Names = Annotated[tuple[str, ...], Strict(False)]


class Frozen(BaseModel):
    """Base of every scenario model: immutable, unknown keys refused, no coercion, no NaN or infinity."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def known_profile(profile: str, profiles: Mapping[str, object]) -> str:
    """``profile`` if it names one of ``profiles``; else the one-line error, with a did-you-mean."""
    if profile not in profiles:
        raise problem(unknown("profile", profile, profiles, name_it=True))
    return profile


def fill_in(defaults: Mapping[str, Any] | None, given: Any) -> Any:
    """A section's data with a profile's ``defaults`` filled in where it gives no value (explicit keys win);
    data that is not a mapping is left as it is, for its own error."""
    if not defaults or not isinstance(given, dict):
        return given
    return {**defaults, **given}


def as_pair(value: Any) -> Any:
    """Before validation: a list that is not of length two is refused with a clear message."""
    if isinstance(value, list | tuple) and len(value) != 2:
        raise problem(f"expected a [low, high] pair, got {show(value)}")
    return value


def check_range(pair: tuple[float, float], *, positive: bool) -> tuple[float, float]:
    """A [low, high] range: low >= 0 (> 0 when ``positive``) and low <= high."""
    low, high = pair
    if low < 0 or (positive and low == 0):
        raise problem(f"low {fmt_number(low)} must be {'greater than 0' if positive else 'at least 0'}")
    if low > high:
        raise problem(f"low {fmt_number(low)} is greater than high {fmt_number(high)}")
    return pair


def _describe_nodes(nodes: tuple[str, ...]) -> str:
    if len(nodes) > 3 and nodes == tuple(f"n{i}" for i in range(1, len(nodes) + 1)):
        return f"n1..n{len(nodes)}"
    return ", ".join(nodes[:8]) + (", ..." if len(nodes) > 8 else "")


def misplaced_role(word: str) -> str:
    """The message for a role word (``leader``, ``follower``, ``crashed``) where it may not stand for a node."""
    return f"'{word}' is not allowed here ({_ROLE_PLACES[word]})"


def unknown_node(name: Any, nodes: tuple[str, ...], *, roles: tuple[str, ...] = ()) -> str:
    """The message for a name that is not a node of this cluster, with a did-you-mean among the nodes (and
    the role words the place accepts: ``roles``)."""
    if name in ROLE_WORDS:
        return misplaced_role(name)
    choices = (*nodes, *roles)
    hint = did_you_mean(name, choices)
    if hint:
        return f"unknown node {show_name(name)}{hint}"
    return f"unknown node {show_name(name)} (the cluster has {_describe_nodes(nodes)})"
