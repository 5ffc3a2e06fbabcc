"""Snapshots in the run's records: the summary (raft/analysis/summary.py), the readable report, the DataFrames
(raft/analysis/frames.py), the transcript and the ``caught_up_by_snapshot`` expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from raft.analysis.frames import messages_frame, snapshots_frame
from raft.analysis.transcript import transcript
from raft.api import Result, load_scenario, simulate
from raft.cli.report import render_summary

AWAY = Path(__file__).resolve().parents[2] / "scenarios" / "snapshots" / "away-for-long.yaml"


@pytest.fixture(scope="module")
def result() -> Result:
    return simulate(load_scenario(AWAY), seed=1)


def test_summary_counts_snapshots_taken_and_installed(result: Result) -> None:
    events = result.events or ()
    counts = {c["node"]: c for c in result.summary["snapshots"]}
    for node in ("n1", "n2", "n3"):
        mine = [e for e in events if e["type"] == "snapshot" and e["node"] == node]
        assert counts[node]["taken"] == sum(1 for e in mine if "from" not in e)
        assert counts[node]["installed"] == sum(1 for e in mine if "from" in e)
        assert counts[node]["last_index"] == mine[-1]["index"]
    assert counts["n3"]["installed"] == 1


def test_the_readable_summary_mentions_snapshots(result: Result) -> None:
    text = render_summary(result.summary)
    assert "Snapshots (taken / installed from a leader, last included index):" in text
    n3 = result.summary["snapshots"][2]
    assert f"  n3     {n3['taken']} taken, 1 installed, up to {n3['last_index']}" in text


def test_no_snapshots_no_snapshot_lines() -> None:
    quiet = simulate(Path(__file__).resolve().parents[2] / "scenarios" / "leader-crash.yaml")
    assert quiet.summary["snapshots"] == []
    assert "Snapshots" not in render_summary(quiet.summary)


def test_frames_carry_snapshots_and_install_snapshot_messages(result: Result) -> None:
    events = result.events or ()
    frame = snapshots_frame(events)
    assert list(frame.columns) == ["t_ms", "node", "index", "term", "from", "kept"]
    assert len(frame) == sum(1 for e in events if e["type"] == "snapshot")
    installed = frame[frame["from"].notna()]
    assert list(installed["node"]) == ["n3"]
    messages = messages_frame(events)
    sent = messages[messages["msg"] == "InstallSnapshot"]
    assert len(sent) >= 1 and int(sent["last_index"].iloc[0]) == int(installed["index"].iloc[0])
    assert (messages["msg"] == "InstallSnapshotResponse").any()
    assert result.snapshots_frame().equals(frame)


def test_transcript_tells_snapshots_and_install_snapshot(result: Result) -> None:
    events = result.events or ()
    done = next(e for e in events if e["type"] == "snapshot" and "from" in e)
    text = transcript(events, f"from_ms={done['t_ms'] - 60} to_ms={done['t_ms'] + 30} nodes=n3")
    assert f"n3 installs n1's snapshot up to {done['index']}/1, discards its log" in text
    assert f"n1 -> n3  InstallSnapshot term 1 snapshot up to {done['index']}/1" in text
    restart = {"t_ms": 1.0, "type": "restart", "node": "n3", "term": 2, "voted_for": None, "log": [2]}
    text = transcript([events[0], {**restart, "snapshot": [5, 1]}])  # type: ignore[list-item]
    assert "n3 restarts (term 2, voted for nobody, snapshot up to 5/1, log of 1, last 6/2)" in text


def test_caught_up_by_snapshot_fails_for_a_node_that_installed_none(result: Result) -> None:
    scenario = load_scenario(AWAY)
    data = scenario.model_dump(mode="json", exclude={"source"})
    data["expect"] = [{"check": "caught_up_by_snapshot", "value": ["n2", "n3"]}]
    from raft.api import parse_scenario

    checked = simulate(parse_scenario(data), seed=1, record=False)
    [expectation] = checked.expectations
    assert not expectation["ok"]
    assert (
        "n2 installed no snapshot" in expectation["detail"] and "n3 (log ending at" in expectation["detail"]
    )
