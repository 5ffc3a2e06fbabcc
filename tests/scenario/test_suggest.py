"""The wording of one-line scenario errors (raft/scenario/suggest.py): did-you-mean, values, key paths, lines."""

from __future__ import annotations

import math
from typing import Any

import pytest

from raft.scenario.suggest import did_you_mean, format_path, line_of, scenario_error, show, unknown


def test_a_close_choice_is_suggested_and_a_far_one_is_not() -> None:
    assert did_you_mean("sise", ["size", "nodes"]) == " (did you mean 'size'?)"
    assert did_you_mean("zzz", ["size", "nodes"]) == ""
    assert did_you_mean(3, ["size"]) == ""


def test_an_unknown_word_without_a_close_choice_lists_every_choice() -> None:
    assert unknown("key", "sise", ["size", "nodes"]) == "unknown key (did you mean 'size'?)"
    assert unknown("role", "boss", ["leader", "follower"], name_it=True) == (
        "unknown role 'boss' (expected one of: leader, follower)"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        (150.0, "150"),
        (0.25, "0.25"),
        (math.nan, ".nan"),
        (-math.inf, "-.inf"),
        ("n1", "'n1'"),
        ({"a": 1}, "a mapping"),
        (list(range(8)), "[0, 1, 2, 3, 4, 5, ...]"),
    ],
)
def test_a_value_is_shown_the_way_yaml_would_write_it(value: Any, text: str) -> None:
    assert show(value) == text


def test_a_long_value_is_cut_to_the_limit() -> None:
    assert show("x" * 100, limit=10) == "'xxxxxx..."


def test_a_key_path_is_written_with_dots_and_indexes_and_odd_names_quoted() -> None:
    assert format_path(("events", 0, "crash")) == "events[0].crash"
    assert format_path(("cluster", "initial_state", "n 2")) == "cluster.initial_state.'n 2'"


def test_a_missing_key_takes_its_parents_line_and_an_overridden_one_has_none() -> None:
    lines: dict[tuple[str | int, ...], int | None] = {(): 1, ("cluster",): 4, ("cluster", "size"): None}
    assert line_of(lines, ("cluster", "nodes")) == 4
    assert line_of(lines, ("cluster", "size", "x")) is None
    assert line_of(lines, ()) == 1
    assert line_of(lines, ("seed",)) is None


def test_the_error_is_one_line_naming_file_line_and_key_path() -> None:
    error = scenario_error("s.yaml", "must be\npositive", ("cluster", "size"), 3)
    assert str(error) == "s.yaml: line 3: cluster.size: must be positive"
    assert str(scenario_error("s.yaml", "no such file")) == "s.yaml: no such file"
