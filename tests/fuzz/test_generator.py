"""raft.fuzz.generator: a seed gives one valid scenario, always the same; the draws cover what they must."""

from __future__ import annotations

import pytest

from raft.api import parse_scenario
from raft.errors import RaftSimError
from raft.fuzz.generator import (
    FAULT_TYPES,
    LEADER_BOUND_MS,
    QUIET_MS,
    FuzzConfig,
    generate,
    is_quiet_event,
    parse_faults,
    parse_sizes,
    quiet_ms,
)

SEEDS = range(1, 201)


def test_same_seed_same_scenario_and_seeds_differ() -> None:
    assert generate(7) == generate(7)
    assert generate(7) != generate(8)


def test_every_generated_scenario_is_valid_and_has_a_quiet_phase() -> None:
    for seed in SEEDS:
        data = generate(seed)
        scenario = parse_scenario(data)
        quiet = quiet_ms(data)
        assert scenario.duration_ms == pytest.approx(quiet + QUIET_MS)
        assert scenario.workload.stop_ms == quiet
        tail = [e for e in data["events"] if e["at_ms"] == quiet and is_quiet_event(e, quiet)]
        assert {"heal": True} in [{k: v for k, v in e.items() if k != "at_ms"} for e in tail]
        assert sorted(e["restart"] for e in tail if "restart" in e) == sorted(scenario.node_ids)
        assert all(e["at_ms"] < quiet for e in data["events"] if not is_quiet_event(e, quiet))
        assert [(x.check, x.value) for x in scenario.expect] == [("max_leaderless_ms_after", (quiet, LEADER_BOUND_MS))]


def test_draws_vary_sizes_noop_batching_reads_and_faults() -> None:
    drawn = [generate(seed, FuzzConfig(sizes=(3, 5))) for seed in SEEDS]
    assert {d["cluster"]["size"] for d in drawn} == {3, 5}
    assert {d["cluster"]["leader_noop"] for d in drawn} == {True, False}
    assert {d["cluster"]["max_entries_per_append"] for d in drawn} == {1, 2, 4, 64}
    assert any(d["workload"]["reads_per_s"] > 0 for d in drawn) and any(d["workload"]["reads_per_s"] == 0 for d in drawn)
    actions = {key for d in drawn for e in d["events"] for key in e if key != "at_ms"}
    assert actions >= {"crash", "restart", "partition", "isolate", "cut", "heal", "timeout"}
    network = {key for d in drawn for key in d["network"]}
    assert network >= {"drop_rate", "duplicate_rate", "reorder_ms"}
    # swarm testing: seeds differ in which fault types they enable
    assert len({d["description"].split(";")[0] for d in drawn}) > 20


def test_restricting_faults_is_obeyed() -> None:
    for seed in SEEDS:
        data = generate(seed, FuzzConfig(faults=("drop",)))
        quiet = quiet_ms(data)
        assert all(is_quiet_event(e, quiet) or "timeout" in e for e in data["events"])
        assert "duplicate_rate" not in data["network"] and "reorder_ms" not in data["network"]


def test_bugs_are_switched_on_in_every_scenario() -> None:
    assert parse_scenario(generate(3, FuzzConfig(bugs=("vote-twice",)))).cluster.bugs == ("vote-twice",)
    assert "bugs" not in generate(3)["cluster"]


def test_parse_options() -> None:
    assert parse_sizes("3,5,3") == (3, 5)
    assert parse_faults("crash, drop") == ("crash", "drop")
    assert set(parse_faults(",".join(FAULT_TYPES))) == set(FAULT_TYPES)
    for bad in ("", "3,x", "0", "99"):
        with pytest.raises(RaftSimError, match="--sizes"):
            parse_sizes(bad)
    with pytest.raises(RaftSimError, match="unknown fault type 'fire'"):
        parse_faults("crash,fire")
