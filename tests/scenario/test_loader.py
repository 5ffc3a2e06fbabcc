"""Tests for raft/scenario/reader.py, loader.py and overrides.py: files in, one clear line out.

The corpus in bad/ holds one malformed scenario per file; line 1 of each is ``# expect: MESSAGE`` and loading
the file must raise a ScenarioError whose text is exactly ``FILE: MESSAGE``.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from raft.errors import RaftSimError, ScenarioError
from raft.scenario import ScenarioData, apply_overrides, load_scenario, parse_scenario, read_scenario_data

HERE = Path(__file__).parent
BAD = sorted((HERE / "bad").glob("*.yaml"))


def expected_message(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name}: line 1 must be '# expect: MESSAGE'"
    return f"{path.name}: {first.removeprefix('# expect: ')}"


def load_error(path: Path) -> str:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.__suppress_context__ or caught.value.__context__ is None  # no chained traceback
    return str(caught.value)


def test_the_corpus_is_large_enough() -> None:
    assert len(BAD) >= 30


@pytest.mark.parametrize("path", BAD, ids=[path.stem for path in BAD])
def test_bad_scenario_gives_its_one_line(path: Path) -> None:
    message = load_error(path)
    assert "\n" not in message
    assert message == expected_message(path)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.yaml"
    path.write_bytes(b"name: t\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert load_error(path) == "image.yaml: binary file, not a YAML scenario"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: t\ndescription: caf\u00e9\n".encode("latin-1"))
    assert load_error(path) == "latin1.yaml: line 2: not UTF-8 text (byte 0xe9)"


def test_utf8_with_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffname: caf\u00e9\nduration_ms: 10\ncluster: {size: 1}\n".encode())
    assert load_scenario(path).name == "caf\u00e9"


def test_directory(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.yaml"
    path.mkdir()
    assert load_error(path) == "scenarios.yaml: is a directory, not a scenario file"


def test_missing_file(tmp_path: Path) -> None:
    assert load_error(tmp_path / "nowhere.yaml") == "nowhere.yaml: no such file"


def test_scenario_error_is_a_raft_sim_error() -> None:
    assert issubclass(ScenarioError, RaftSimError)


def test_alias_that_contains_itself(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("name: t\nduration_ms: 5\ncluster: {size: 3}\nevents: &e [*e]\n")
    assert load_error(path) == "loop.yaml: line 4: events[0]: expected a mapping, got [[[...]]]"


def test_very_deep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("name: " + "[" * 5000 + "]" * 5000 + "\n")
    assert load_error(path) == "deep.yaml: invalid YAML: nested too deeply"


def test_anchors_and_merge_keys_work(tmp_path: Path) -> None:
    path = tmp_path / "anchors.yaml"
    path.write_text(
        "name: t\nduration_ms: 5000\ncluster: {size: 3}\n"
        "events:\n  - &crash {at_ms: 100, crash: n1}\n  - {<<: *crash, at_ms: 200}\n"
    )
    events = load_scenario(path).events
    assert [(e.at_ms, e.target) for e in events] == [(100.0, "n1"), (200.0, "n1")]


def test_duplicate_key_inside_an_event(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(
        "name: t\nduration_ms: 5000\ncluster: {size: 3}\nevents:\n  - {at_ms: 1, crash: n1, at_ms: 2}\n"
    )
    assert load_error(path) == "dup.yaml: line 5: events[0].at_ms: duplicate key (first given on line 5)"


def test_read_scenario_data_is_the_plain_yaml_mapping() -> None:
    path = HERE / "leader-crash.yaml"
    data = read_scenario_data(path)
    assert isinstance(data, ScenarioData)
    assert data == yaml.safe_load(path.read_text())
    assert data.source == "leader-crash.yaml"
    assert data.lines[("cluster", "initial_state", "n1")] == 10
    assert data.lines[("events", 2)] == 21


def test_parse_scenario_names_the_given_source() -> None:
    data = {"name": "t", "duration_ms": 10, "cluster": {"size": 3, "sise": 3}}
    with pytest.raises(
        ScenarioError, match=r"^sweep-3: cluster\.sise: unknown key \(did you mean 'size'\?\)$"
    ):
        parse_scenario(data, "sweep-3")
    with pytest.raises(ScenarioError, match=r"^<scenario>: cluster\.sise: "):
        parse_scenario(data)


def test_parse_scenario_refuses_a_non_mapping() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario([1, 2])  # type: ignore[arg-type]
    assert str(caught.value) == (
        "<scenario>: top level must be a mapping (name: ..., duration_ms: ..., cluster: ...), got a list"
    )


# --- overrides -------------------------------------------------------------------------------------------


def test_overrides_set_dotted_keys_without_touching_the_input() -> None:
    data = read_scenario_data(HERE / "leader-crash.yaml")
    before = copy.deepcopy(dict(data))
    changed = apply_overrides(data, {"cluster.size": 7, "network.drop_rate": 0.25, "events[1].restart": "n6"})
    assert dict(data) == before
    s = parse_scenario(changed)
    assert (s.cluster.size, s.network.drop_rate, s.events[1].target, s.source) == (
        7,
        0.25,
        "n6",
        "leader-crash.yaml",
    )


def test_overrides_create_missing_sections() -> None:
    data = {"name": "t", "duration_ms": 10, "cluster": {"size": 3}}
    changed = apply_overrides(data, {"storage.write_ms": 2})
    assert changed == {"name": "t", "duration_ms": 10, "cluster": {"size": 3}, "storage": {"write_ms": 2}}
    assert "storage" not in data


def test_a_sweep_applies_one_value_at_a_time() -> None:
    data = read_scenario_data(HERE / "minimal.yaml")
    sizes = [parse_scenario(apply_overrides(data, {"cluster.size": size})).cluster.size for size in [3, 5, 7]]
    assert sizes == [3, 5, 7]


def test_an_overridden_value_has_no_line_but_its_file_keeps_the_others() -> None:
    data = read_scenario_data(HERE / "leader-crash.yaml")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(apply_overrides(data, {"cluster.size": 200}))
    assert str(caught.value) == "leader-crash.yaml: cluster.size: must be between 1 and 101, got 200"
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(apply_overrides(data, {"cluster.size": 3}))  # n5 in a partition is now unknown
    assert (
        str(caught.value)
        == "leader-crash.yaml: line 21: events[2].partition[1]: unknown node n4 (the cluster has n1, n2, n3)"
    )


def test_the_override_value_is_copied() -> None:
    value = [100, 200]
    changed = apply_overrides({"cluster": {}}, {"cluster.election_timeout_ms": value})
    value.append(300)
    assert changed["cluster"]["election_timeout_ms"] == [100, 200]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            "cluster..size",
            "override 'cluster..size': expected a key path such as cluster.size or events[0].at_ms",
        ),
        ("", "override '': expected a key path such as cluster.size or events[0].at_ms"),
        ("name.first", "override 'name.first': name is not a mapping"),
        ("events[5].at_ms", "override 'events[5].at_ms': events has no item [5]"),
        ("cluster[0]", "override 'cluster[0]': cluster has no item [0]"),
    ],
)
def test_bad_override_keys(key: str, message: str) -> None:
    data = {"name": "t", "duration_ms": 10, "cluster": {"size": 3}, "events": [{"at_ms": 1, "crash": "n1"}]}
    with pytest.raises(ScenarioError) as caught:
        apply_overrides(data, {key: 1})
    assert str(caught.value) == message


# --- nothing but ScenarioError escapes -------------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["n1", "n2", "leader", "x=1", "", "crash", "size"]),
)
_KEYS = [
    "name",
    "duration_ms",
    "cluster",
    "size",
    "nodes",
    "events",
    "at_ms",
    "crash",
    "partition",
    "when",
    "leader",
    "expect",
    "final_leader_in",
    "initial_state",
    "n1",
    "term",
    "log",
    "network",
    "latency_ms",
]
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=6))
def test_any_mapping_gives_a_scenario_or_a_scenario_error(data: dict[str, Any]) -> None:
    base = {"name": "t", "duration_ms": 1000, "cluster": {"size": 3}}
    try:
        parse_scenario({**base, **data})
    except ScenarioError as error:
        assert "\n" not in str(error)
        assert str(error).startswith("<scenario>: ")


@pytest.mark.parametrize(
    ("text", "value"), [("5e3", 5000.0), ("5.0e3", 5000.0), ("+1e3", 1000.0), ("5E3", 5000.0)]
)
def test_scientific_notation_is_a_number(tmp_path: Path, text: str, value: float) -> None:
    path = tmp_path / "sci.yaml"
    path.write_text(f"name: sci\nduration_ms: {text}\ncluster: {{size: 3}}\nnetwork: {{drop_rate: 1.5e-3}}\n")
    scenario = load_scenario(path)
    assert (scenario.duration_ms, scenario.network.drop_rate) == (value, 0.0015)


def test_scientific_notation_keeps_integers_and_text() -> None:
    from raft.scenario.reader import load_yaml_value

    assert load_yaml_value("[5, 5.0, 1_000, e3, 5e, n1, 1.5e-3]") == [5, 5.0, 1000, "e3", "5e", "n1", 0.0015]
