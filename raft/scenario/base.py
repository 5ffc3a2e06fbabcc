"""Shared pieces of the scenario models: the frozen, strict base class, pair and name types, node names.

Everything here is used by more than one of :mod:`raft.scenario.schema`, :mod:`raft.scenario.events` and
:mod:`raft.scenario.expectations`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Strict

from raft.scenario.suggest import did_you_mean, fmt_number, problem, show, show_name

MAX_NODES = 101
#: In events, ``leader`` means "the current leader", so no node may be called that.
RESERVED_NODE = "leader"
NODE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")

# YAML gives lists where the model keeps tuples: containers are lax, their items stay strict.
Pair = Annotated[tuple[float, float], Strict(False)]
Names = Annotated[tuple[str, ...], Strict(False)]


class Frozen(BaseModel):
    """Base of every scenario model: immutable, unknown keys refused, no coercion, no NaN or infinity."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


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


def unknown_node(name: Any, nodes: tuple[str, ...], *, leader_too: bool = False) -> str:
    """The message for a name that is not a node of this cluster, with a did-you-mean among the nodes (and
    ``leader`` where the place accepts it: ``leader_too``)."""
    if name == RESERVED_NODE:
        return f"'{RESERVED_NODE}' is not allowed here (it names a node only in crash, isolate and timeout)"
    choices = (*nodes, RESERVED_NODE) if leader_too else nodes
    hint = did_you_mean(name, choices)
    if hint:
        return f"unknown node {show_name(name)}{hint}"
    return f"unknown node {show_name(name)} (the cluster has {_describe_nodes(nodes)})"
