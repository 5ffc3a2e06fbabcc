"""raft.fuzz.generator: a seed gives one valid scenario, always the same; the draws cover what they must."""

from __future__ import annotations

import random

import pytest

from raft.api import parse_scenario, simulate
from raft.errors import RaftSimError
from raft.fuzz.generator import (
    FAULT_TYPES,
    LEADER_BOUND_MS,
    QUIET_MS,
    SNAPSHOT_EVERY,
    SNAPSHOT_WRITE_MS,
    FuzzConfig,
    _leader_churn,
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
        assert sorted(e["restart"] for e in tail if "restart" in e) == sorted(scenario.cluster.all_ids)
        assert all(e["at_ms"] < quiet for e in data["events"] if not is_quiet_event(e, quiet))
        assert [(x.check, x.value) for x in scenario.expect] == [
            ("max_leaderless_ms_after", (quiet, LEADER_BOUND_MS))
        ]


def test_draws_vary_sizes_noop_batching_reads_and_faults() -> None:
    drawn = [generate(seed, FuzzConfig(sizes=(3, 5))) for seed in SEEDS]
    assert {d["cluster"]["size"] for d in drawn} == {3, 5}
    assert {d["cluster"]["leader_noop"] for d in drawn} == {True, False}
    assert {d["cluster"]["max_entries_per_append"] for d in drawn} == {1, 2, 4, 64}
    assert any(d["workload"]["reads_per_s"] > 0 for d in drawn) and any(
        d["workload"]["reads_per_s"] == 0 for d in drawn
    )
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


def test_leader_churn_draws_valid_rounds_inside_the_fault_phase() -> None:
    config = FuzzConfig(sizes=(3, 5), faults=("leader-churn",))
    for seed in range(1, 41):
        data = generate(seed, config)
        scenario = parse_scenario(data)
        quiet = quiet_ms(data)
        faults = [e for e in data["events"] if not is_quiet_event(e, quiet)]
        assert all(50.0 <= e["at_ms"] < quiet for e in faults)
        writes = [e for e in faults if "write" in e]
        assert writes and all(e["to"] in scenario.cluster.node_ids for e in writes)
        assert len(writes) % 2 == 0  # one write to A, one to B, per round
        actions = {key for e in faults for key in e if key not in ("at_ms", "to")}
        assert actions >= {"timeout", "write", "isolate", "crash", "restart", "heal"}
        assert {e["crash"] for e in faults if "crash" in e} >= {"leader"}
    # no round in a cluster too small for a minority and a rival
    assert not any(
        "write" in e for e in generate(1, FuzzConfig(sizes=(2,), faults=("leader-churn",)))["events"]
    )


@pytest.mark.parametrize("size", [3, 5])
def test_a_leader_churn_round_is_figure_8(size: int) -> None:
    """Alone on a quiet cluster with leader_noop off, a round of leader churn lets the commit-old-term bug
    commit A's old entry, and B, elected later, lacks it; with the rule kept, the same round is safe."""
    nodes = [f"n{i}" for i in range(1, size + 1)]
    rng = random.Random(f"figure-8/{size}")
    events = [
        {"at_ms": round(300.0 + offset, 1), **action} for offset, action in _leader_churn(rng, nodes, 10.0)
    ]
    cluster: dict[str, object] = {"size": size, "leader_noop": False, "bugs": ["commit-old-term"]}
    data = {
        "name": "churn",
        "seed": 1,
        "duration_ms": 3000,
        "cluster": cluster,
        "network": {"latency_ms": [5, 10]},
        "workload": {"writes_per_s": 0, "reads_per_s": 0},
        "events": events,
    }
    violations = simulate(parse_scenario(data)).summary["safety_violations"]
    assert [v["property"] for v in violations] == ["Leader Completeness"]
    del cluster["bugs"]
    assert simulate(parse_scenario(data)).summary["safety_violations"] == []


def test_transfers_are_drawn_from_their_own_stream() -> None:
    """Fault type ``transfer``: about half the seeds get one to four transfers in the fault phase, and every
    other draw of a seed is what it is without the fault type (docs/testing.md §6)."""
    base = FuzzConfig(faults=tuple(f for f in FAULT_TYPES if f != "membership"))
    without = FuzzConfig(faults=tuple(f for f in base.faults if f != "transfer"))
    with_transfers = 0
    for seed in SEEDS:
        data = generate(seed, base)
        transfers = [e for e in data["events"] if "transfer" in e]
        if transfers:
            with_transfers += 1
            assert 1 <= len(transfers) <= 4 and all(e["at_ms"] < quiet_ms(data) for e in transfers)
            assert all(e["transfer"] in (*[f"n{i}" for i in range(1, 8)], "follower") for e in transfers)
            parse_scenario(data)
        data["events"] = [e for e in data["events"] if "transfer" not in e]
        data["description"] = (
            data["description"].replace(", transfer", "").replace("faults transfer", "faults")
        )
        assert data == generate(seed, without), seed
    assert 60 < with_transfers < 140
    only = generate(5, FuzzConfig(faults=("transfer",)))
    assert any("transfer" in e for e in only["events"])


def test_the_extensions_are_drawn_and_a_bug_that_needs_one_switches_it_on() -> None:
    drawn = [generate(seed)["cluster"] for seed in range(1, 41)]
    for key in ("pre_vote", "check_quorum"):
        assert 5 < sum(1 for c in drawn if c.get(key)) < 35
        assert all(c.get(key, True) is True for c in drawn)  # only listed when on
    assert any("pre_vote" not in c and "check_quorum" not in c for c in drawn)
    for seed in range(1, 11):
        assert generate(seed, FuzzConfig(bugs=("prevote-increments-term",)))["cluster"]["pre_vote"] is True
        assert generate(seed, FuzzConfig(bugs=("vote-despite-leader",)))["cluster"]["check_quorum"] is True
        base = {k: v for k, v in generate(seed)["cluster"].items() if k not in ("pre_vote", "check_quorum")}
        with_bug = generate(seed, FuzzConfig(bugs=("vote-despite-leader",)))["cluster"]
        assert {k: v for k, v in with_bug.items() if k not in ("pre_vote", "check_quorum", "bugs")} == base


@pytest.mark.parametrize(
    ("bug", "prop"),
    [("prevote-increments-term", "PreVote Term Stability"), ("vote-despite-leader", "Leader Stickiness")],
)
def test_the_extension_bugs_are_found_within_the_first_seeds(bug: str, prop: str) -> None:
    from raft.fuzz.runner import run_seeds

    found = run_seeds(range(1, 11), FuzzConfig(bugs=(bug,))).first_failure
    assert found is not None and found.failure is not None and found.failure.property == prop


def test_membership_changes_are_drawn_from_their_own_stream() -> None:
    """Fault type ``membership``: about half the seeds get two spares and membership changes; a seed without
    them is exactly what it is without the fault type, and one with them keeps its cluster, network and
    workload draws (its other scripted faults leave room for a pattern's window)."""
    without = FuzzConfig(faults=tuple(f for f in FAULT_TYPES if f != "membership"))
    with_changes = 0
    for seed in SEEDS:
        data, plain = generate(seed), generate(seed, without)
        if "spares" not in data["cluster"]:
            assert data == plain, seed
            continue
        with_changes += 1
        parse_scenario(data)
        keys = ("add", "promote", "remove", "change")
        assert any(key in e for e in data["events"] for key in keys)
        assert {k: v for k, v in data["cluster"].items() if k != "spares"} == plain["cluster"]
        assert (data["network"], data["workload"]) == (plain["network"], plain["workload"])
    assert 60 < with_changes < 140


def test_the_etcd_profile_is_drawn_for_about_a_third_of_the_seeds_at_etcds_ten_ticks() -> None:
    """About 30 % of the seeds run the etcd profile (PreVote, CheckQuorum, tick timers with ElectionTick 10 on
    the fuzzer's time scale, some without the initial election tick advance); the rest keep paper Raft's timing."""
    from raft.fuzz.generator import _profile

    with_profile = without_advance = 0
    for seed in SEEDS:
        data = generate(seed)
        cluster = parse_scenario(data).cluster
        if _profile(seed):
            with_profile += 1
            without_advance += not cluster.initial_election_tick_advance
            assert cluster.profile == "etcd" and cluster.timers == "ticks"
            assert cluster.pre_vote and cluster.check_quorum
            assert (
                cluster.election_timeout_ms == (200.0, 400.0) and cluster.heartbeat_ms == 20.0
            )  # 10 to 19 ticks
        else:
            assert "profile" not in data["cluster"] and cluster.timers == "continuous"
            assert cluster.election_timeout_ms == (150.0, 300.0) and cluster.heartbeat_ms == 50.0
    assert 30 < with_profile < 90 and 0 < without_advance < with_profile / 2


def test_half_the_seeds_compact_their_logs_and_a_bug_that_needs_snapshots_switches_it_on() -> None:
    """Compaction thresholds are drawn from a stream of their own: a seed's scenario differs from its scenario
    without compaction only by the storage keys added (docs/testing.md §6)."""
    drawn = [generate(seed)["storage"] for seed in range(1, 41)]
    compacting = [s for s in drawn if "snapshot_every" in s]
    assert 10 < len(compacting) < 30
    assert {s["snapshot_every"] for s in compacting} <= set(SNAPSHOT_EVERY)
    assert {s["snapshot_write_ms"] for s in compacting} <= set(SNAPSHOT_WRITE_MS)
    assert len({s["snapshot_every"] for s in compacting}) > 2
    bug = FuzzConfig(bugs=("snapshot-over-newer-entries",))
    for seed in range(1, 11):
        with_bug = generate(seed, bug)
        assert with_bug["storage"]["snapshot_every"] in SNAPSHOT_EVERY
        plain = generate(seed)
        assert {k: v for k, v in with_bug["storage"].items() if k == "write_ms"} == {
            "write_ms": plain["storage"]["write_ms"]
        }
        assert with_bug["events"] == plain["events"]


def test_snapshot_over_newer_entries_is_found_within_the_first_seeds() -> None:
    from raft.fuzz.runner import run_seeds

    found = run_seeds(range(1, 4), FuzzConfig(bugs=("snapshot-over-newer-entries",))).first_failure
    assert found is not None and found.failure is not None
    assert (found.seed, found.failure.property) == (1, "State Machine Safety")


def test_every_read_mode_is_drawn_and_lease_brings_check_quorum() -> None:
    drawn = [generate(seed)["cluster"] for seed in range(1, 61)]
    modes = [c.get("read_mode", "log") for c in drawn]
    assert {mode: modes.count(mode) > 10 for mode in ("log", "read_index", "lease")} == {
        "log": True,
        "read_index": True,
        "lease": True,
    }
    assert "log" not in [c.get("read_mode") for c in drawn]  # only listed when not the paper's way
    assert all(c["check_quorum"] is True for c in drawn if c.get("read_mode") == "lease")
    for seed in range(1, 61):
        parse_scenario(generate(seed))


@pytest.mark.parametrize(
    ("bug", "mode"),
    [("lease-without-check-quorum", "lease"), ("read-index-without-confirmation", "read_index")],
)
def test_a_read_bug_sets_its_read_mode_and_has_reads(bug: str, mode: str) -> None:
    for seed in range(1, 31):
        data = generate(seed, FuzzConfig(bugs=(bug,)))
        assert data["cluster"]["read_mode"] == mode and data["workload"]["reads_per_s"] > 0
        if bug == "lease-without-check-quorum":
            assert not data["cluster"].get(
                "check_quorum"
            )  # the bug is lease reads without it (also under the etcd profile)
        parse_scenario(data)


@pytest.mark.parametrize(
    ("bug", "seed"), [("lease-without-check-quorum", 2), ("read-index-without-confirmation", 7)]
)
def test_the_read_bugs_are_found_at_the_documented_seed(bug: str, seed: int) -> None:
    """docs/testing.md §4: the read bugs are found at seeds 2 and 7 (a stale read: Linearizability), with
    membership changes, compaction and the etcd profile drawn."""
    from raft.fuzz.runner import run_seeds

    found = run_seeds(range(1, seed + 1), FuzzConfig(bugs=(bug,))).first_failure
    assert found is not None and found.failure is not None
    assert found.seed == seed and found.failure.property == "Linearizability"
