"""raft.analysis.frames: DataFrames of elections, leaders, writes and messages, checked against the events."""

from __future__ import annotations

import math

import pytest

from raft.analysis.frames import elections_frame, leaders_frame, messages_frame, writes_frame
from raft.api import parse_scenario, simulate


@pytest.fixture(scope="module")
def run():
    scenario = parse_scenario(
        {
            "name": "frames",
            "seed": 5,
            "duration_ms": 1500,
            "cluster": {"size": 3},
            "network": {"latency_ms": [5, 10], "drop_rate": 0.05},
            "workload": {"writes_per_s": 20},
            "events": [{"at_ms": 600, "crash": "leader"}],
        }
    )
    return simulate(scenario)


def test_elections_match_the_summary(run):
    frame = elections_frame(list(run.events))
    assert frame["term"].tolist() == [e["term"] for e in run.summary["elections"]]
    assert frame["leader"].tolist() == [e["leader"] for e in run.summary["elections"]]
    won = frame.dropna(subset=["elected_ms"])
    assert (won["duration_ms"] == won["elected_ms"] - won["started_ms"]).all()
    assert (won["votes_granted"] >= 1).all() and (frame["candidates"] >= 1).all()


def test_leaders_frame_closes_the_last_leadership_at_the_end(run):
    frame = leaders_frame(list(run.events))
    assert frame["node"].tolist() == [s["node"] for s in run.summary["leaders"]]
    assert frame["to_ms"].iloc[-1] == run.outcome.end_ms
    assert frame["to_ms"].iloc[0] == 600.0  # the first leader crashed
    assert (frame["duration_ms"] > 0).all()


def test_writes_frame(run):
    frame = writes_frame(list(run.events))
    submits = [e for e in run.events if e["type"] == "submit"]
    assert len(frame) == len(submits)
    assert int(frame["acknowledged"].sum()) == run.summary["writes"]["acknowledged"]
    acked = frame[frame["acknowledged"]]
    assert (acked["latency_ms"] == acked["ack_ms"] - acked["submit_ms"]).all()
    lost = frame[~frame["acknowledged"]]
    assert all(math.isnan(v) for v in lost["latency_ms"])


def test_messages_frame_counts_match_the_network(run):
    frame = messages_frame(list(run.events))
    assert int(frame["delivered"].sum()) == run.summary["messages"]["delivered"]
    assert int((~frame["delivered"]).sum()) == run.summary["messages"]["dropped"]
    assert set(frame.loc[~frame["delivered"], "reason"]) <= {"loss", "partition", "cut", "down"}
    assert (frame["arrived_ms"] >= frame["sent_ms"]).all()
    assert set(frame["msg"]) == {
        "RequestVote",
        "RequestVoteResponse",
        "AppendEntries",
        "AppendEntriesResponse",
    }


def test_result_methods_need_recorded_events(run):
    assert len(run.writes_frame()) == len(writes_frame(list(run.events)))
    unrecorded = simulate(run.scenario, record=False, duration_ms=100)
    from raft.errors import RaftSimError

    with pytest.raises(RaftSimError, match="not recorded"):
        unrecorded.elections_frame()
    with pytest.raises(RaftSimError, match="not recorded"):
        unrecorded.timeline()


@pytest.fixture(scope="module")
def cut_off():
    """A 3-node run whose first leader n1 can send but hears nothing from 300 to 1500 ms."""
    scenario = parse_scenario(
        {
            "name": "frames-cut",
            "seed": 2,
            "duration_ms": 2500,
            "cluster": {"size": 3},
            "workload": {"writes_per_s": 20, "stop_ms": 2000},
            "events": [
                {"at_ms": 0, "timeout": "n1"},
                {"at_ms": 300, "cut": ["n2", "n1"]},
                {"at_ms": 300, "cut": ["n3", "n1"]},
                {"at_ms": 1500, "heal": True},
            ],
        }
    )
    return simulate(scenario)


def test_unavailable_frame_matches_the_summary(cut_off):
    frame = cut_off.unavailable_frame()
    assert list(frame.columns) == ["from_ms", "to_ms", "duration_ms"]
    assert frame[["from_ms", "to_ms"]].to_dict("records") == cut_off.summary["unavailable"]
    assert len(frame) == 1 and frame["duration_ms"].iloc[0] > 1000
    assert frame["duration_ms"].sum() == pytest.approx(cut_off.summary["unavailable_ms"])


def test_leader_without_majority_frame_matches_the_summary(cut_off):
    frame = cut_off.leader_without_majority_frame()
    assert list(frame.columns) == ["node", "term", "from_ms", "to_ms", "duration_ms"]
    assert (
        frame[["node", "term", "from_ms", "to_ms"]].to_dict("records")
        == cut_off.summary["leader_without_majority"]
    )
    assert (
        frame["node"].tolist() == ["n1"] and frame["from_ms"].iloc[0] <= 300 < 1500 <= frame["to_ms"].iloc[0]
    )


def test_availability_frames_are_empty_tables_for_a_healthy_run(run):
    from raft.analysis.frames import leader_without_majority_frame, unavailable_frame

    assert unavailable_frame(list(run.events)).empty == (run.summary["unavailable"] == [])
    assert leader_without_majority_frame(list(run.events)).empty


def test_configurations_frame_has_a_row_per_configuration_entry() -> None:
    from raft.api import simulate
    from raft.scenario import parse_scenario

    data = {
        "name": "t",
        "duration_ms": 1500,
        "cluster": {"size": 3, "spares": 1},
        "events": [{"at_ms": 500, "add": "n4"}, {"at_ms": 900, "change": {"add": ["n4"], "remove": ["n1"]}}],
    }
    frame = simulate(parse_scenario(data)).configurations_frame()
    assert list(frame["learners"]) == ["n4", "", ""]
    assert list(frame["quorum"]) == ["2", "2+2", "2"]
    assert list(frame["outgoing"]) == ["", "n1,n2,n3", ""]
    assert frame["committed_ms"].notna().all() and (frame["committed_ms"] >= frame["appended_ms"]).all()
