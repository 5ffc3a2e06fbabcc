"""PreVote and CheckQuorum in the simulation: their trace events, the meta line, and the summary."""

from __future__ import annotations

from pathlib import Path

from raft.api import load_scenario, simulate
from raft.cli.report import render_summary

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_a_paper_run_lists_no_switch_in_its_meta_line() -> None:
    events = simulate(SCENARIOS / "leader-crash.yaml", record=True, duration_ms=100).events or []
    assert (
        "pre_vote" not in events[0]["config"]["cluster"]
        and "check_quorum" not in events[0]["config"]["cluster"]
    )


def test_pre_vote_messages_and_answers_are_traced_and_change_no_term() -> None:
    result = simulate(SCENARIOS / "etcd" / "isolated-rejoin-prevote.yaml", record=True)
    events = result.events or []
    assert events[0]["config"]["cluster"]["pre_vote"] is True
    sent = [e for e in events if e["type"] == "send" and e["msg"] == "PreVote"]
    assert sent and all({"last_index", "last_term"} <= e.keys() for e in sent)
    answers = [e for e in events if e["type"] == "pre_vote"]
    assert answers and all({"node", "candidate", "term", "granted"} <= e.keys() for e in answers)
    n3_terms = {e["term"] for e in events if e["type"] == "role" and e["node"] == "n3"}
    assert n3_terms == {0, 1}  # cut off for 2 s, n3 never raised its term


def test_a_check_quorum_step_down_is_traced_and_summarised() -> None:
    result = simulate(SCENARIOS / "etcd" / "minority-leader-checkquorum.yaml", record=True)
    events = result.events or []
    [down] = [e for e in events if e["type"] == "step_down"]
    assert down["node"] == "n1" and down["reason"] == "check_quorum" and 1000 < down["t_ms"] < 1400
    after = next(e for e in events if e["type"] == "role" and e["node"] == "n1" and e["t_ms"] >= down["t_ms"])
    assert after["role"] == "follower" and after["term"] == down["term"]
    [span] = [s for s in result.summary["leaders"] if s["node"] == "n1"]
    assert span["stepped_down"] == "check_quorum"
    assert "(stepped down: check_quorum)" in render_summary(result.summary)
    assert load_scenario(SCENARIOS / "etcd" / "minority-leader-checkquorum.yaml").cluster.check_quorum


def test_a_paper_run_lists_no_profile_or_timers_in_its_meta_line() -> None:
    events = simulate(SCENARIOS / "leader-crash.yaml", record=True, duration_ms=100).events or []
    cluster = events[0]["config"]["cluster"]
    assert not {"profile", "timers", "initial_election_tick_advance"} & cluster.keys()


def test_the_etcd_profile_shows_its_settings_in_the_meta_line() -> None:
    from raft.scenario import parse_scenario

    data = {"name": "t", "duration_ms": 100, "cluster": {"size": 3, "profile": "etcd", "pre_vote": False}}
    cluster = (simulate(parse_scenario(data), record=True).events or [])[0]["config"]["cluster"]
    assert cluster["profile"] == "etcd" and cluster["timers"] == "ticks"
    assert cluster["initial_election_tick_advance"] is True and cluster["check_quorum"] is True
    assert "pre_vote" not in cluster  # switched off explicitly
    assert (cluster["heartbeat_ms"], cluster["election_timeout_ms"]) == (100.0, [1000.0, 2000.0])
