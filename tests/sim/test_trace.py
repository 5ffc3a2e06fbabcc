"""The JSON Lines trace (raft/sim/trace.py): one JSON object per line, and the fields every event type carries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from raft.api import simulate
from raft.errors import TraceError
from raft.sim.events import TRACE_SCHEMA_VERSION
from raft.sim.simulation import Simulation
from raft.sim.trace import read_trace
from tests.sim.simkit import scenario

ROOT = Path(__file__).resolve().parents[2]

#: The fields each event type must carry (the trace format README.md documents).
REQUIRED: dict[str, set[str]] = {
    "role": {"node", "role", "term"},
    "timeout": {"node", "term"},
    "vote": {"node", "candidate", "term", "granted"},
    "send": {"from", "to", "msg", "term", "id"},
    "deliver": {"from", "to", "msg", "term", "id"},
    "drop": {"from", "to", "msg", "term", "id", "reason"},
    "append": {"node", "index", "term"},
    "truncate": {"node", "index"},
    "commit": {"node", "index"},
    "apply": {"node", "index", "term", "command"},
    "crash": {"node"},
    "restart": {"node"},
    "partition": {"groups"},
    "cut": set(),
    "heal": set(),
    "submit": {"client", "command"},
    "ack": {"client", "command", "index"},
}

FAULTY = scenario(
    size=5,
    duration_ms=4000,
    network={"drop_rate": 0.05},
    workload={"writes_per_s": 30},
    events=[
        {"at_ms": 800, "isolate": "leader"},
        {"at_ms": 1500, "heal": True},
        {"at_ms": 1600, "crash": "n2"},
        {"at_ms": 2000, "restart": "n2"},
        {"at_ms": 2200, "partition": [["n1", "n2"], ["n3", "n4", "n5"]]},
        {"at_ms": 2600, "cut": ["n3", "n1"]},
        {"at_ms": 2800, "heal": True},
        {"at_ms": 3000, "timeout": "n5"},
        {"at_ms": 3200, "cut": ["n5", "n4"]},
    ],
)


@pytest.fixture(scope="module")
def trace(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], list[str]]:
    path = tmp_path_factory.mktemp("trace") / "run.jsonl"
    result = simulate(FAULTY, trace=path)
    assert result.ok, result.summary
    lines = path.read_text(encoding="utf-8").splitlines()
    events = read_trace(path)
    assert len(events) == len(lines) == len(result.events or ())
    return events, lines


def test_first_line_is_meta_with_schema_nodes_config_and_initial_state(trace: Any) -> None:
    events, _ = trace
    meta = events[0]
    assert meta["type"] == "meta" and meta["schema"] == TRACE_SCHEMA_VERSION
    assert meta["nodes"] == ["n1", "n2", "n3", "n4", "n5"]
    assert meta["config"]["cluster"]["size"] == 5 and meta["config"]["network"]["drop_rate"] == 0.05
    assert "initial_state" in meta and meta["seed"] == 1
    assert [e["type"] for e in events].count("meta") == 1


def test_time_never_decreases(trace: Any) -> None:
    events, _ = trace
    times = [e["t_ms"] for e in events]
    assert times == sorted(times)
    assert events[-1]["type"] == "end"


def test_every_line_is_one_compact_json_object(trace: Any) -> None:
    _, lines = trace
    for line in lines[:200]:
        event = json.loads(line)
        assert list(event)[:2] == ["t_ms", "type"]
        assert "\n" not in line and ": " not in line


@pytest.mark.parametrize("event_type", list(REQUIRED))
def test_required_event_type_present_with_its_fields(trace: Any, event_type: str) -> None:
    events, _ = trace
    of_type = [e for e in events if e["type"] == event_type]
    assert of_type, f"no {event_type} event in a run with faults and writes"
    for event in of_type:
        missing = REQUIRED[event_type] - set(event)
        assert not missing, (event, missing)


def test_replies_carry_reply_to_and_drops_a_known_reason(trace: Any) -> None:
    events, _ = trace
    sends = {e["id"]: e for e in events if e["type"] == "send"}
    replies = [e for e in sends.values() if e["msg"].endswith("Response")]
    assert replies and all("reply_to" in e for e in replies)
    for reply in replies[:100]:
        request = sends[reply["reply_to"]]
        assert (request["from"], request["to"]) == (reply["to"], reply["from"])
    assert {e["reason"] for e in events if e["type"] == "drop"} == {"loss", "partition", "cut", "down"}
    # the cut at 2600 ms fell on a link the partition had already cut: its drops stay ``partition``
    assert all(e["t_ms"] > 3200 for e in events if e["type"] == "drop" and e["reason"] == "cut")


def test_append_events_match_each_final_log(trace: Any) -> None:
    """One append per entry actually added, none for an entry already there: replaying appends and truncates
    gives each live node's final log."""
    events, _ = trace
    logs: dict[str, list[int]] = {n: [] for n in events[0]["nodes"]}
    for e in events:
        if e["type"] == "append":
            assert e["index"] == len(logs[e["node"]]) + 1
            logs[e["node"]].append(e["term"])
        elif e["type"] == "truncate":
            del logs[e["node"]][e["index"] - 1 :]
        elif e["type"] == "restart":
            logs[e["node"]] = list(e["log"])
    result = simulate(FAULTY, record=False)
    assert {n: tuple(log) for n, log in logs.items()} == {
        n: s.log_terms for n, s in result.outcome.nodes.items()
    }


def test_apply_is_one_per_index_in_order_from_one_in_each_life(trace: Any) -> None:
    events, _ = trace
    expected: dict[str, int] = {}
    for e in events:
        if e["type"] == "restart":
            expected[e["node"]] = 1
        elif e["type"] == "apply":
            assert e["index"] == expected.get(e["node"], 1)
            expected[e["node"]] = e["index"] + 1


def test_trace_written_in_full_when_the_run_fails(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    result = simulate(ROOT / "scenarios" / "split-brain-4.yaml", bugs=("majority-off-by-one",), trace=path)
    assert not result.ok and result.violations
    events = read_trace(path)
    assert len(events) == len(result.events or ())
    assert [e["type"] for e in events[-2:]] == ["violation", "end"]
    assert events[-2]["property"] == result.violations[0]["property"]
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind


def test_no_trace_file_when_the_run_breaks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that stops on an unexpected error publishes no half trace and leaves no temporary file."""

    def broken(self: Simulation, pacer: object = None) -> None:
        self.bus.emit(self.meta())
        raise RuntimeError("broken")

    monkeypatch.setattr(Simulation, "run", broken)
    path = tmp_path / "never.jsonl"
    with pytest.raises(RuntimeError):
        simulate(FAULTY, trace=path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "not a raft-sim trace"),
        ("{nope\n", "line 1: not JSON"),
        ('{"t_ms": 0, "type": "role"}\n', "the first line must be the meta event"),
        ('{"t_ms": 0, "type": "meta", "schema": 999}\n', "schema 999 is not supported"),
        ("[1, 2]\n", "line 1: not a trace event"),
    ],
)
def test_read_trace_refuses_bad_files_in_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TraceError) as raised:
        read_trace(path)
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert str(raised.value).startswith("t.jsonl: ")


def test_read_trace_missing_file_is_worded_like_a_missing_scenario(tmp_path: Path) -> None:
    with pytest.raises(TraceError) as raised:
        read_trace(tmp_path / "missing.jsonl")
    assert str(raised.value) == "missing.jsonl: no such file"
    with pytest.raises(TraceError) as raised:
        read_trace(tmp_path)
    assert str(raised.value).endswith(": is a directory, not a trace file")


def test_trace_writer_leaves_no_temporary_file_when_it_cannot_publish(tmp_path: Path) -> None:
    from raft.sim.trace import TraceWriter

    target = tmp_path / "t.jsonl"
    writer = TraceWriter(target)
    target.mkdir()  # the target became a directory during the run
    with pytest.raises(TraceError, match="cannot write trace"):
        writer.close()
    assert [p.name for p in tmp_path.iterdir()] == ["t.jsonl"]
    with pytest.raises(TraceError, match="cannot write trace"):
        TraceWriter(tmp_path / "nodir" / "t.jsonl")


def test_a_sliced_run_writes_the_same_bytes(tmp_path: Path) -> None:
    """Running in a pacer's slices (the CLI's progress) changes nothing: same seed, byte-identical trace."""
    setup = scenario(
        5,
        4000,
        workload={"writes_per_s": 50},
        network={"latency_ms": [2, 9], "drop_rate": 0.05},
        events=[{"at_ms": 1500, "crash": "leader"}, {"at_ms": 2500, "restart": "crashed"}],
    )
    whole, sliced = tmp_path / "whole.jsonl", tmp_path / "sliced.jsonl"
    simulate(setup, trace=whole, record=False)
    steps = iter([0.5, 7.3, 100.0, 1.0] * 1000)
    calls: list[float] = []

    def pacer(now_ms: float) -> float:
        calls.append(now_ms)
        return next(steps)

    result = simulate(setup, trace=sliced, record=False, pacer=pacer)
    assert len(calls) > 50 and calls[-1] == 4000.0  # it did run in slices, the last call at the end
    assert not result.interrupted and result.summary["interrupted"] is False
    assert result.summary["interrupted_at_ms"] is None
    assert sliced.read_bytes() == whole.read_bytes()


def test_a_stopped_run_ends_its_trace_there_valid(tmp_path: Path) -> None:
    """A pacer that says stop (Ctrl-C) ends the run at that instant: the trace is complete up to it and its last
    line, the ``end`` event, says it was interrupted; the summary covers the part that ran."""
    path = tmp_path / "t.jsonl"
    result = simulate(
        scenario(3, 10_000, workload={"writes_per_s": 20}),
        trace=path,
        pacer=lambda now: None if now >= 1200 else 100.0,
    )
    assert result.interrupted
    assert result.outcome.end_ms == 1200.0
    assert result.summary["interrupted"] is True and result.summary["interrupted_at_ms"] == 1200.0
    assert result.summary["duration_ms"] == 10_000
    events = read_trace(path)
    assert events[-1] == {**events[-1], "type": "end", "t_ms": 1200.0, "interrupted": True}
    assert all(e["t_ms"] <= 1200.0 for e in events)
    assert result.summary["writes"]["committed"] > 0
    complete = simulate(scenario(3, 1200, workload={"writes_per_s": 20}), trace=tmp_path / "whole.jsonl")
    assert "interrupted" not in read_trace(tmp_path / "whole.jsonl")[-1]  # only an interrupted run says so
    assert complete.summary["interrupted"] is False


def test_a_consumer_that_ends_the_run_ends_a_sliced_run_too() -> None:
    from raft.experiments.observe import stop

    def at_first_leader(event: dict[str, Any]) -> None:
        if event["role"] == "leader":
            stop()

    setup = scenario(3, 5000)
    whole = simulate(setup, consumers=[(at_first_leader, ("role",))])
    sliced = simulate(setup, consumers=[(at_first_leader, ("role",))], pacer=lambda now: 3.0)
    assert 0 < sliced.outcome.end_ms == whole.outcome.end_ms < 5000
    assert not sliced.interrupted
