"""Reads without the log in the simulation (thesis §6.4): the server hands reads to the node's read door,
``read`` events and acknowledgements carry the read index and value, heartbeats carry their round, the summary
counts the reads by mode; and with the default ``read_mode: log`` the trace is what it always was."""

from __future__ import annotations

import json
from typing import Any

import pytest

from raft.api import load_scenario, parse_scenario, simulate
from raft.cli import main
from raft.cli.paths import find_scenario
from raft.sim.events import EventType
from tests.sim.simkit import scenario

READS = {"clients": 2, "writes_per_s": 20, "reads_per_s": 50}


def run(**cluster: Any) -> Any:
    return simulate(scenario(3, 3000, cluster=cluster, workload=READS))


def test_with_the_default_read_mode_no_round_and_no_read_setting_reach_the_trace() -> None:
    result = run()
    events = result.recorded_events()
    meta = events[0]
    assert (
        "read_mode" not in meta["config"]["cluster"]
        and "lease_drift_bound_ppm" not in meta["config"]["cluster"]
    )
    assert not any("round" in e for e in events if e["type"] == EventType.SEND)
    assert not any(e["type"] == EventType.READ for e in events)
    assert "answered" not in result.summary["reads"]
    assert result.summary["reads"]["committed"] == result.summary["reads"]["submitted"]  # through the log


@pytest.mark.parametrize("mode", ["read_index", "lease"])
def test_reads_are_answered_without_the_log_and_acknowledged_with_their_read_index(mode: str) -> None:
    result = run(read_mode=mode, check_quorum=True)
    events = result.recorded_events()
    assert events[0]["config"]["cluster"]["read_mode"] == mode
    reads = [e for e in events if e["type"] == EventType.READ]
    acks = {(e["client"], e["seq"]): e for e in events if e["type"] == EventType.ACK}
    assert reads and {e["mode"] for e in reads} <= {"read_index", "lease"}
    for read in reads:
        ack = acks.get((read["client"], read["seq"]))
        if ack is not None:
            assert (ack["index"], ack["value"]) == (read["index"], read["value"])
    applied_reads = [
        e for e in events if e["type"] == EventType.APPLY and str(e.get("command", "")).startswith("?")
    ]
    assert applied_reads == []  # no read reached a log
    rounds = [e["round"] for e in events if e["type"] == EventType.SEND and e["msg"] == "AppendEntries"]
    assert rounds and rounds == [r for r in rounds if r >= 1]
    counted = result.summary["reads"]["answered"]
    assert sum(counted.values()) == len(reads)
    assert result.summary["linearizable"] == "linearizable"
    if mode == "lease":
        assert counted.get("lease", 0) > counted.get("read_index", 0)  # a lease spares most rounds
    else:
        assert set(counted) == {"read_index"}


def test_a_lease_saves_the_messages_of_the_rounds() -> None:
    by_index = run(read_mode="read_index", check_quorum=True).summary["messages"]["sent"]
    by_lease = run(read_mode="lease", check_quorum=True).summary["messages"]["sent"]
    assert by_lease < by_index / 2


def test_run_checks_linearizability_whenever_the_workload_reads(capsys: pytest.CaptureFixture[str]) -> None:
    """`raft-sim run --json`: `linearizable` is a verdict with reads, null without."""
    assert run().summary["linearizable"] == "linearizable"
    writes_only = simulate(scenario(3, 2000, workload={"writes_per_s": 20}))
    assert writes_only.summary["linearizable"] is None
    assert main(["run", "etcd/reads-read-index", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["linearizable"] == "linearizable"
    assert main(["run", "etcd/reads-lease"]) == 0
    out = capsys.readouterr().out
    assert "  answered without the log (thesis §6.4): " in out and "under the leader's lease" in out


@pytest.mark.parametrize(
    ("drift_ppm", "bound_ppm", "verdict"),
    [
        (-100_000, 10_000, "not linearizable"),  # the shipped lesson: 10 % slow, beyond a 1 % bound
        (-5_000, 10_000, "linearizable"),  # 0.5 % slow: within the bound, the lease lapses in time
        (-100_000, 100_000, "linearizable"),  # a bound as wide as the drift shortens the lease enough
    ],
)
def test_a_lease_holds_only_while_the_leaders_clock_drifts_within_the_bound(
    drift_ppm: float, bound_ppm: float, verdict: str
) -> None:
    """Reference: thesis §6.4.1: the lease is safe only if clocks drift apart by no more than the bound; the
    core sees only its own clock (``timing.drift_ppm``), so a slow leader clock stretches its lease in real
    time."""
    data = load_scenario(find_scenario("etcd/reads-clock-drift")).model_dump(mode="json", exclude={"source"})
    data["timing"]["drift_ppm"] = {"n1": drift_ppm}
    data["cluster"]["lease_drift_bound_ppm"] = bound_ppm
    data["expect"] = []
    result = simulate(parse_scenario(data))
    assert result.summary["linearizable"] == verdict
    broken = [v["property"] for v in result.summary["safety_violations"]]
    assert broken == ([] if verdict == "linearizable" else ["Linearizability"])  # nothing else breaks
