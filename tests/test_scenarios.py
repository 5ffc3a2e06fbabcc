"""Every shipped scenario meets its expectations, safely, and reproduces byte for byte in any process.

Besides the scenario's own ``expect`` list, the scenarios that teach one specific lesson are told as golden
transcripts in tests/golden/ (who voted for whom, what was appended, truncated and committed, when); the facts a
small window of a transcript cannot show (nothing over a whole partition, final states) are checked here.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from raft.api import Result, simulate

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
REQUIRED = {
    "cold-start-3",
    "cold-start-5",
    "leader-crash",
    "follower-crash-rejoin",
    "old-leader-minority",
    "split-brain-4",
    "split-5",
    "figure-7",
    "figure-8",
    "lossy-network",
    "all-restart",
}

_results: dict[str, Result] = {}


def run(name: str) -> Result:
    """The recorded run of a shipped scenario (computed once per test session)."""
    if name not in _results:
        _results[name] = simulate(ROOT / "scenarios" / f"{name}.yaml")
    return _results[name]


def of(result: Result, event_type: str, **match: Any) -> list[dict[str, Any]]:
    assert result.events is not None
    return [
        e for e in result.events if e["type"] == event_type and all(e.get(k) == v for k, v in match.items())
    ]


def test_every_required_scenario_is_shipped() -> None:
    assert {p.stem for p in SHIPPED} >= REQUIRED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_meets_its_expectations(path: Path) -> None:
    result = run(path.stem)
    assert result.scenario.description, "every shipped scenario says what it shows"
    assert result.expectations, "every shipped scenario states what it expects"
    failed = [e for e in result.expectations if not e["ok"]]
    assert result.violations == [] and failed == [], (result.violations, failed)
    assert result.ok


# ------------------------------------------------------------ the lessons


def test_old_leader_in_minority_commits_nothing_new_and_its_writes_survive() -> None:
    """The story (n1 keeps its title and appends while cut off, n4 leads term 2, n1 steps down and is
    overwritten on healing) is told in tests/golden/old-leader-minority.txt; here, what a window cannot show."""
    result = run("old-leader-minority")
    [partition] = of(result, "partition")
    [heal] = of(result, "heal")
    cut_off = next(g for g in partition["groups"] if "n1" in g)
    assert len(cut_off) * 2 < len(result.summary["nodes"])  # n1, the leader, is in the minority
    committed_before = max(
        e["index"] for e in of(result, "commit", node="n1") if e["t_ms"] < partition["t_ms"]
    )
    minority_commits = [
        e
        for e in of(result, "commit")
        if e["node"] in cut_off and partition["t_ms"] <= e["t_ms"] < heal["t_ms"]
    ]
    assert all(e["index"] <= committed_before for e in minority_commits)  # only what it committed before
    # the writes it took were not lost: the clients retried them through the new leader, once each
    store = result.outcome.nodes["n1"].store
    assert store.get("old") == "2"
    assert len({e["index"] for e in of(result, "apply", node="n1", command="old=1")}) == 1


def test_split_brain_4_no_side_elects() -> None:
    result = run("split-brain-4")
    elections = result.summary["elections"]
    heal_ms = of(result, "heal")[0]["t_ms"]
    assert [e for e in elections if e["started_ms"] < heal_ms], "both halves keep trying"
    assert all(e["leader"] is None for e in elections if e["started_ms"] < heal_ms)
    # the writes submitted during the split are not abandoned: the clients retry them after the heal
    writes = result.summary["writes"]
    during = [e for e in of(result, "submit") if e["t_ms"] < heal_ms]
    assert len(during) > 20 and writes["outstanding"] == 0
    assert writes["committed"] == writes["acknowledged"] == writes["submitted"]


def test_split_5_majority_side_goes_on() -> None:
    result = run("split-5")
    [partition] = of(result, "partition")
    heal_ms = of(result, "heal")[0]["t_ms"]
    majority = next(g for g in partition["groups"] if len(g) == 3)
    commits = [e for e in of(result, "commit") if partition["t_ms"] <= e["t_ms"] < heal_ms]
    assert {e["node"] for e in commits} == set(majority)
    acked = [e for e in of(result, "ack") if partition["t_ms"] + 1000 <= e["t_ms"] < heal_ms]
    assert len(acked) > 20


def test_figure_7_every_log_ends_as_the_leaders() -> None:
    """The election and the repairs are told in tests/golden/figure-7.txt (and Figure 8 in figure-8.txt)."""
    final = run("figure-7").outcome.nodes
    assert final["ldr"].log_terms[:11] == (1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 8)
    assert len({s.log_terms for s in final.values()}) == 1


def test_all_restart_keeps_committed_writes() -> None:
    result = run("all-restart")
    crash_ms = of(result, "crash")[0]["t_ms"]
    acked = {(e["index"], e["command"]) for e in of(result, "ack") if e["t_ms"] < crash_ms}
    assert acked
    restarts = of(result, "restart")
    assert len(restarts) == 3 and all(e["log"] for e in restarts)
    applied_after = {(e["index"], e["command"]) for e in of(result, "apply") if e["t_ms"] > crash_ms}
    assert acked <= applied_after  # every acknowledged write is re-applied from the persisted logs


def test_follower_rejoins_and_catches_up() -> None:
    result = run("follower-crash-rejoin")
    [restart] = of(result, "restart")
    node = restart["node"]
    behind = len(restart["log"])
    caught_up = [e for e in of(result, "append", node=node) if e["t_ms"] > restart["t_ms"]]
    assert len(caught_up) > 10 and caught_up[0]["index"] == behind + 1
    assert [e["index"] for e in of(result, "apply", node=node) if e["t_ms"] > restart["t_ms"]][:3] == [
        1,
        2,
        3,
    ]


# ------------------------------------------------------------ determinism

_RUN_ALL = """
import sys
from raft.cli import main
out = sys.argv[1]
for path in sys.argv[2:]:
    name = path.rsplit('/', 1)[-1][:-5]
    main(['run', path, '--json', '--trace', f'{out}/{name}.jsonl'])
"""


def _digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.glob("*.jsonl"))}


def test_traces_are_byte_identical_across_processes(tmp_path: Path) -> None:
    """Same scenario and seed, byte-identical trace, whatever PYTHONHASHSEED is."""
    procs = []
    for hash_seed in ("0", "12345"):
        out = tmp_path / hash_seed
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        args = [sys.executable, "-c", _RUN_ALL, str(out), *map(str, SHIPPED)]
        procs.append(
            subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        )
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    first, second = _digests(tmp_path / "0"), _digests(tmp_path / "12345")
    assert len(first) == len(SHIPPED)
    assert first == second


def test_different_seeds_give_different_traces(tmp_path: Path) -> None:
    path = ROOT / "scenarios" / "cold-start-5.yaml"
    simulate(path, seed=1, record=False, trace=tmp_path / "a.jsonl", duration_ms=1000)
    simulate(path, seed=2, record=False, trace=tmp_path / "b.jsonl", duration_ms=1000)
    simulate(path, seed=1, record=False, trace=tmp_path / "c.jsonl", duration_ms=1000)
    a, b, c = (hashlib.sha256((tmp_path / f"{n}.jsonl").read_bytes()).hexdigest() for n in "abc")
    assert a != b and a == c


# ------------------------------------------------------------ outages as clients feel them


def _with_expectations(name: str, expect: list[dict[str, Any]]) -> Result:
    from raft.api import load_scenario, parse_scenario

    data = load_scenario(ROOT / "scenarios" / f"{name}.yaml").model_dump(mode="json", exclude={"source"})
    return simulate(parse_scenario({**data, "expect": expect}), record=False)


@pytest.mark.parametrize("name", ["split-3-3", "one-way-cut-leader"])
def test_an_outage_with_a_leader_passes_the_leaderless_bound_and_fails_the_unavailability_bound(
    name: str,
) -> None:
    result = _with_expectations(
        name, [{"max_leaderless_ms_after": [1000, 1000]}, {"max_unavailable_ms": 1000}]
    )
    leaderless, unavailable = result.expectations
    assert leaderless["ok"], leaderless
    assert not unavailable["ok"], unavailable
    # the one period covers the whole cut (1000..4000 ms) and ends soon after the heal
    [period] = [p for p in result.summary["unavailable"] if p["to_ms"] - p["from_ms"] > 1000]
    assert period["from_ms"] < 1100 and 4000 < period["to_ms"] < 4600
    assert not [e for e in result.summary["leaderless_ms"] if e[1] - e[0] > 1000]


def test_split_3_3_the_old_leader_keeps_its_title_without_a_majority() -> None:
    result = run("split-3-3")
    [partition] = of(result, "partition")
    [leader] = result.summary["leader_without_majority"]
    old = [e for e in of(result, "role", role="leader") if e["t_ms"] <= partition["t_ms"]][-1]
    assert (leader["node"], leader["term"]) == (old["node"], old["term"])
    assert leader["from_ms"] <= partition["t_ms"] and leader["to_ms"] >= of(result, "heal")[0]["t_ms"]


def test_one_way_cut_the_leader_sends_but_hears_nothing() -> None:
    result = run("one-way-cut-leader")
    cuts = of(result, "cut")
    assert {(e["from"], e["to"]) for e in cuts} == {("n2", "n1"), ("n3", "n1")}
    assert [(s["node"], s["term"]) for s in result.summary["leaders"]] == [("n1", 1)]  # never deposed
    [leader] = result.summary["leader_without_majority"]
    assert leader["node"] == "n1" and leader["from_ms"] <= 1000 < 4000 <= leader["to_ms"]
    heard = [e for e in of(result, "deliver", to="n1") if 1000 < e["t_ms"] < 4000]
    assert heard == []


OUTAGES = [
    "split-3-3",
    "one-way-cut-leader",
    "split-brain-4",
    "old-leader-minority",
    "split-5",
    "leader-crash",
    "all-restart",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", OUTAGES)
def test_outage_scenarios_meet_their_expectations_at_other_seeds(name: str) -> None:
    """Their unavailability bounds are not tuned to one seed (checked for seeds 0-39 when they were set)."""
    for seed in range(10):
        result = simulate(ROOT / "scenarios" / f"{name}.yaml", seed=seed, record=False)
        assert result.ok, (seed, [e for e in result.expectations if not e["ok"]], result.violations)


def test_a_planned_transfer_keeps_writes_available_where_a_crash_does_not() -> None:
    """maintenance-transfer versus maintenance-crash (thesis §3.10), at seeds 0-39: handing leadership over
    before stopping the leader keeps every write wait under 100 ms; stopping the leader costs each seed more
    than an election timeout (150 ms), at least three times the transfer's worst wait."""
    longest: dict[str, list[float]] = {"maintenance-transfer": [], "maintenance-crash": []}
    for name, values in longest.items():
        for seed in range(40):
            result = simulate(ROOT / "scenarios" / f"{name}.yaml", seed=seed, record=False)
            assert result.ok, (name, seed, result.expectations)
            values.append(
                max((p["to_ms"] - p["from_ms"] for p in result.summary["unavailable"]), default=0.0)
            )
    transfer, crash = longest["maintenance-transfer"], longest["maintenance-crash"]
    assert max(transfer) < 100.0 and min(crash) > 150.0
    assert min(crash) > 3 * max(transfer)


def test_transfer_events_of_the_maintenance_lesson() -> None:
    result = run("maintenance-transfer")
    [done] = of(result, "transfer_done", node="n2", **{"from": "n1"})
    assert done["t_ms"] < 1600 and of(result, "transfer_abort") == []
    assert of(result, "role", node="n2", role="leader")[0]["t_ms"] == done["t_ms"]


ETCD_VARIANTS = [
    "isolated-rejoin-etcd",
    "minority-leader-etcd",
    "one-way-leader-etcd",
    "maintenance-crash-etcd",
    "maintenance-transfer-etcd",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", ETCD_VARIANTS)
def test_the_etcd_profile_lessons_meet_their_expectations_at_seeds_0_to_19(name: str) -> None:
    for seed in range(20):
        result = simulate(ROOT / "scenarios" / "etcd" / f"{name}.yaml", seed=seed, record=False)
        assert result.ok, (seed, [e for e in result.expectations if not e["ok"]], result.violations)


def test_in_etcd_a_long_isolated_member_comes_back_without_an_election() -> None:
    """PreVote: ten seconds alone, and n3 never left its term; the heal changes no term anywhere."""
    result = run("etcd/isolated-rejoin-etcd")
    assert {e["term"] for e in of(result, "role")} == {0, 1}
    assert len(of(result, "timeout", node="n3")) >= 5  # its timer fired again and again, pre-votes only


def test_in_etcd_a_minority_leader_steps_down_and_its_return_deposes_nobody() -> None:
    result = run("etcd/minority-leader-etcd")
    [down] = of(result, "step_down", node="n1")
    assert 2000 < down["t_ms"] <= 3500 and down["reason"] == "check_quorum"
    new = [span for span in result.summary["leaders"] if span["node"] != "n1"]
    assert len(new) == 1 and new[0]["to_ms"] is None  # one new leader, to the end
    # n1's pre-votes raised no term: it never stood as a candidate, and came back into the new leader's term
    assert not [e for e in of(result, "role", node="n1", role="candidate") if e["t_ms"] > 2000]
    assert max(e["term"] for e in of(result, "role", node="n1")) == new[0]["term"]


def test_in_etcd_a_deaf_leader_is_replaced_and_rejoins_quietly() -> None:
    result = run("etcd/one-way-leader-etcd")
    assert of(result, "step_down", node="n1")
    commits = [e["t_ms"] for e in of(result, "commit") if 2000 < e["t_ms"] < 8000]
    assert commits  # writes flow before the links heal (paper Raft: none)
    assert max(e["term"] for e in of(result, "role")) == 2


def test_in_etcd_a_transfer_saves_more_than_a_second_of_a_planned_leader_change() -> None:
    """etcd's election timeout (1000 ms, in ticks) is what a blunt stop costs; a transfer costs a round trip."""
    waits = {}
    for name in ("maintenance-crash-etcd", "maintenance-transfer-etcd"):
        result = run(f"etcd/{name}")
        waits[name] = max((p["to_ms"] - p["from_ms"] for p in result.summary["unavailable"]), default=0.0)
    assert waits["maintenance-transfer-etcd"] < 100.0 < 900.0 < waits["maintenance-crash-etcd"]
