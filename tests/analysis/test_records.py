"""The typed shapes of the JSON summary (raft/analysis/records.py) match what a run's summary holds."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest

from raft.analysis import records
from raft.api import simulate

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _check(value: Any, shape: Any, where: str) -> None:
    """``value`` has exactly the keys of ``shape`` (a TypedDict), recursively through lists and parts."""
    origin = typing.get_origin(shape)
    if typing.is_typeddict(shape):
        hints = typing.get_type_hints(shape)
        assert set(value) >= shape.__required_keys__, (
            f"{where}: missing {shape.__required_keys__ - set(value)}"
        )
        assert set(value) <= set(hints), f"{where}: unknown {set(value) - set(hints)}"
        for key, item in value.items():
            _check(item, hints[key], f"{where}.{key}")
    elif origin is list and value is not None:
        (inner,) = typing.get_args(shape)
        for i, item in enumerate(value):
            _check(item, inner, f"{where}[{i}]")


@pytest.mark.parametrize("name", ["leader-crash", "lossy-network", "bugs/vote-twice", "bugs/local-read"])
def test_a_runs_summary_has_the_summary_shape(name: str) -> None:
    summary = simulate(SCENARIOS / f"{name}.yaml", record=False).summary
    _check(summary, records.Summary, "summary")
    assert list(summary) == list(typing.get_type_hints(records.Summary))  # the documented key order


def test_a_misspelt_summary_key_is_caught() -> None:
    with pytest.raises(AssertionError, match="unknown"):
        _check(
            {"term": 1, "node": "n1", "from_ms": 0.0, "to_ms": None, "form_ms": 1.0},
            records.LeaderSpan,
            "span",
        )
