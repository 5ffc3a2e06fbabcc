"""Writing sets of nodes compactly, for large clusters: ``n1–n18, n20–n101`` instead of 100 names, and nodes that
share a value grouped (``n1–n18, n20–n101 = 150; n19 = 89``).

A cluster is *large* when it has more than :data:`LARGE_CLUSTER` nodes; the text summary, the expectations'
details and the pictures summarise large clusters (the JSON always keeps every node). A range ``a–c`` stands for
the nodes from ``a`` to ``c`` in the cluster's order (the scenario's ``nodes`` list, or ``n1..nN``): only names
that are consecutive in that order make a range, and only runs of three or more (``n1, n2`` stays as it is).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

#: More nodes than this make a large cluster (summarised in text and pictures).
LARGE_CLUSTER = 10

V = TypeVar("V")


def is_large(count: int) -> bool:
    """Whether a cluster of ``count`` nodes is summarised (more than :data:`LARGE_CLUSTER` nodes)."""
    return count > LARGE_CLUSTER


def node_ranges(members: Iterable[str], order: Sequence[str]) -> str:
    """``members`` in cluster order, runs of three or more consecutive nodes written ``first–last``:
    ``n1–n6, n8, n9, n11–n101``. Names not in ``order`` come last, as they are."""
    position = {name: i for i, name in enumerate(order)}
    chosen = set(members)
    known = sorted((n for n in chosen if n in position), key=position.__getitem__)
    parts: list[str] = []
    run: list[str] = []

    def flush() -> None:
        parts.extend([f"{run[0]}–{run[-1]}"] if len(run) >= 3 else run)

    for name in known:
        if run and position[name] != position[run[-1]] + 1:
            flush()
            run = []
        run.append(name)
    if run:
        flush()
    parts += sorted(n for n in chosen if n not in position)
    return ", ".join(parts)


def grouped_values(values: Mapping[str, V], order: Sequence[str], show: Callable[[V], str] = str) -> str:
    """Nodes that share a value written once, largest group first: ``n1–n18, n20–n101 = 150; n19 = 89``."""
    groups: dict[str, list[str]] = {}
    for name, value in values.items():
        groups.setdefault(show(value), []).append(name)
    position = {name: i for i, name in enumerate(order)}
    ranked = sorted(
        groups.items(), key=lambda g: (-len(g[1]), min(position.get(n, len(order)) for n in g[1]))
    )
    return "; ".join(f"{node_ranges(names, order)} = {value}" for value, names in ranked)


def per_node(values: Mapping[str, V], order: Sequence[str], show: Callable[[V], str] = str) -> str:
    """Every node's value: ``n1=3, n2=3, n3=2`` for a small cluster (``order`` has at most
    :data:`LARGE_CLUSTER` nodes), grouped by value (:func:`grouped_values`) for a large one."""
    if is_large(len(order)):
        return grouped_values(values, order, show)
    return ", ".join(f"{name}={show(value)}" for name, value in values.items())


def cluster_names(order: Sequence[str]) -> str:
    """The cluster's nodes for a heading: every name for a small cluster; for a large one ``n1–n101`` when the
    names are a prefix numbered 1, 2, 3 ... in order, else every name (later ranges refer to this order)."""
    if not is_large(len(order)):
        return ", ".join(order)
    numbered = [re.fullmatch(r"(.*?)(\d+)", name) for name in order]
    if (
        all(numbered)
        and len({m.group(1) for m in numbered if m}) == 1
        and [int(m.group(2)) for m in numbered if m] == list(range(1, len(order) + 1))
    ):
        return f"{order[0]}–{order[-1]}"
    return ", ".join(order)
