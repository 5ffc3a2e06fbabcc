"""Overrides of a raw scenario mapping by dotted key path (raft/scenario/overrides.py): ``--set`` and sweeps."""

from __future__ import annotations

import copy

import pytest

from raft.errors import ScenarioError
from raft.scenario.overrides import apply_overrides, split_key
from raft.scenario.reader import ScenarioData

RAW = {"name": "t", "cluster": {"size": 3}, "events": [{"at_ms": 100, "crash": "leader"}]}


@pytest.mark.parametrize(
    ("dotted", "path"),
    [
        ("seed", ("seed",)),
        ("cluster.size", ("cluster", "size")),
        ("events[0].at_ms", ("events", 0, "at_ms")),
        ("events[12]", ("events", 12)),
        ("a[1][2].b", ("a", 1, 2, "b")),
    ],
)
def test_a_key_path_splits_into_names_and_indexes(dotted: str, path: tuple[str | int, ...]) -> None:
    assert split_key(dotted) == path


@pytest.mark.parametrize("dotted", ["", ".size", "cluster.", "cluster..size", "events[x]", "events[0", "[0]"])
def test_a_malformed_key_path_is_refused_with_an_example(dotted: str) -> None:
    with pytest.raises(ScenarioError, match="expected a key path such as cluster.size"):
        split_key(dotted)


def test_overrides_set_nested_values_and_leave_the_input_alone() -> None:
    before = copy.deepcopy(RAW)
    result = apply_overrides(RAW, {"cluster.size": 5, "events[0].at_ms": 250, "seed": 9})
    assert result == {
        "name": "t",
        "seed": 9,
        "cluster": {"size": 5},
        "events": [{"at_ms": 250, "crash": "leader"}],
    }
    assert before == RAW


def test_missing_mappings_on_the_way_are_created() -> None:
    assert apply_overrides(RAW, {"network.loss": 0.1})["network"] == {"loss": 0.1}


def test_a_set_value_is_a_copy_so_one_sweep_point_cannot_change_the_next() -> None:
    value = {"size": 7}
    result = apply_overrides(RAW, {"cluster": value})
    result["cluster"]["size"] = 8
    assert value == {"size": 7}


def test_an_index_past_the_end_is_refused_naming_where() -> None:
    with pytest.raises(ScenarioError, match=r"events has no item \[3\]"):
        apply_overrides(RAW, {"events[3].at_ms": 1})


def test_a_name_below_a_plain_value_is_refused() -> None:
    with pytest.raises(ScenarioError, match="cluster.size is not a mapping"):
        apply_overrides(RAW, {"cluster.size.n": 1})


def test_overridden_keys_lose_their_line_numbers_and_the_rest_keep_theirs() -> None:
    lines = {("cluster",): 2, ("cluster", "size"): 3, ("events", 0, "at_ms"): 5}
    data = ScenarioData(RAW, lines, "s.yaml")
    result = apply_overrides(data, {"cluster.size": 5})
    assert isinstance(result, ScenarioData) and result.source == "s.yaml"
    assert result.lines == {("cluster",): 2, ("cluster", "size"): None, ("events", 0, "at_ms"): 5}
