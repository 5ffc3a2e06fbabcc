"""The grid of a sweep: ``--set KEY=VALUES`` options, seed ranges, and the runs they expand to.

``--set cluster.size=[3,4,5]`` gives three values; a bare scalar (``--set network.drop_rate=0.1``) is one value;
a list-valued key takes a list of lists (``--set 'cluster.election_timeout_ms=[[150,150],[150,300]]'``). Values
are read as YAML flow text, so numbers, booleans, strings and lists all work. Seeds are ``1-500``, ``1,2,5`` or a
mix (``1-3,10``). The runs are the product of all value lists (in the order the options were given), then seeds:
run numbers follow that order, and each run has a key naming its parameters and seed, used to resume.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from raft.errors import RaftSimError
from raft.scenario.reader import load_yaml_value

#: The most runs a grid may expand to (a guard against typing ``1-100000000``).
MAX_RUNS = 10_000_000


@dataclass(frozen=True, slots=True)
class Axis:
    """One swept key and the values it takes, in order."""

    key: str
    values: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Run:
    """One run of a sweep: its number in the grid order, its parameter values and its seed."""

    index: int
    params: tuple[tuple[str, Any], ...]
    seed: int

    @property
    def key(self) -> str:
        """A stable text naming the run (parameters and seed), independent of its position in the grid."""
        return run_key(self.params, self.seed)


def run_key(params: Sequence[tuple[str, Any]], seed: int) -> str:
    """``cluster.size=3 network.drop_rate=0.05 seed=7``: values as compact JSON."""
    parts = [f"{key}={format_value(value)}" for key, value in params]
    parts.append(f"seed={seed}")
    return " ".join(parts)


def format_value(value: Any) -> str:
    """A parameter value as compact JSON text (``[150,300]``, ``0.05``, ``true``, ``"n1"``)."""
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return str(value)  # keep 1.0 distinct from 1, as YAML read it
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def parse_set(option: str) -> Axis:
    """``KEY=VALUES`` (VALUES a YAML flow list, or one scalar) -> an :class:`Axis`."""
    key, sep, text = option.partition("=")
    key = key.strip()
    if not sep or not key:
        raise RaftSimError(f"--set {option!r}: expected KEY=VALUES, such as cluster.size=[3,5]")
    try:
        value = load_yaml_value(text) if text.strip() else None
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise RaftSimError(f"--set {key}: cannot read {text!r}: {problem}") from None
    if value is None:
        raise RaftSimError(f"--set {key}: no value given")
    values = tuple(value) if isinstance(value, list) else (value,)
    if not values:
        raise RaftSimError(f"--set {key}: the list of values is empty")
    if isinstance(value, dict):
        raise RaftSimError(f"--set {key}: expected a value or a list of values, got a mapping")
    return Axis(key, values)


def parse_int_ranges(text: str, option: str, low: int = 0, high: int | None = None) -> tuple[int, ...]:
    """``1-500``, ``1,2,5`` or ``1-3,10`` -> the integers in the given order, without repeats; each must lie in
    ``low..high``. A :class:`RaftSimError` names ``option`` (``--seeds``, ``--sizes``) and what was wrong."""
    values: dict[int, None] = {}
    for part in text.split(","):
        part = part.strip()
        first_text, dash, last_text = part.partition("-")
        try:
            first = int(first_text)
            last = int(last_text) if dash else first
        except ValueError:
            raise RaftSimError(
                f"{option}: expected A-B or N, or a comma-separated mix such as 1-3,10; got {text!r}"
            ) from None
        if last < first:
            raise RaftSimError(
                f"{option}: expected {low} <= A <= B, but range {part} runs backwards (in {text!r})"
            )
        if last - first + 1 > MAX_RUNS:
            raise RaftSimError(f"{option} {text!r}: range {part} is too large")
        for value in (first, last):
            if value < low or (high is not None and value > high):
                bounds = f"from {low} to {high}" if high is not None else f"{low} or more"
                raise RaftSimError(f"{option}: values run {bounds}, got {value} (in {text!r})")
        values.update(dict.fromkeys(range(first, last + 1)))
    return tuple(values)


def parse_seeds(text: str) -> tuple[int, ...]:
    """``--seeds``: ``1-500``, ``1,2,5`` or ``1-3,10`` -> the seeds in the given order, without repeats."""
    return parse_int_ranges(text, "--seeds")


@dataclass(frozen=True, slots=True)
class Grid:
    """Swept keys (each with its values) times seeds."""

    axes: tuple[Axis, ...]
    seeds: tuple[int, ...]

    def __post_init__(self) -> None:
        keys = [axis.key for axis in self.axes]
        for key in keys:
            if keys.count(key) > 1:
                raise RaftSimError(f"--set {key}: given twice (put all its values in one list)")
        if not self.seeds:
            raise RaftSimError("--seeds: no seeds given")
        if len(self) > MAX_RUNS:
            raise RaftSimError(f"the grid has {len(self)} runs, more than {MAX_RUNS}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(axis.key for axis in self.axes)

    def __len__(self) -> int:
        return math.prod(len(axis.values) for axis in self.axes) * len(self.seeds)

    def runs(self) -> Iterator[Run]:
        """Every run, in grid order (parameters in option order, the last one varying fastest; then seeds)."""
        keys = self.keys
        combos = itertools.product(*(axis.values for axis in self.axes))
        index = 0
        for combo in combos:
            params = tuple(zip(keys, combo, strict=True))
            for seed in self.seeds:
                yield Run(index, params, seed)
                index += 1


def make_grid(sets: Sequence[str], seeds: str | Sequence[int]) -> Grid:
    """The grid of ``--set`` options and a ``--seeds`` text (or a list of seeds)."""
    seed_list = parse_seeds(seeds) if isinstance(seeds, str) else tuple(int(s) for s in seeds)
    return Grid(tuple(parse_set(option) for option in sets), seed_list)
