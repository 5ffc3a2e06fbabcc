"""Refusals reach the trace (raft/sim/server.py, raft/sim/network.py): a refused ``vote`` event has a ``reason``,
and every event (send, deliver, drop) of a refusing reply a ``refused`` field, both naming the rule of Figure 2;
nothing else gains a field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from raft.api import simulate
from raft.core.messages import Refusal

RULES = {refusal.value for refusal in Refusal}
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def events() -> list[dict[str, Any]]:
    """A 3-3 split of six servers and its heal: stale leaders, split votes, logs that disagree."""
    result = simulate(SCENARIOS / "split-3-3.yaml", seed=0)
    assert result.events is not None
    return result.events


def test_a_refused_vote_names_its_rule_and_a_granted_one_nothing(events: list[dict[str, Any]]) -> None:
    votes = [e for e in events if e["type"] == "vote"]
    refused = [e for e in votes if not e["granted"]]
    assert refused and all(e["reason"] in RULES for e in refused)
    assert all("reason" not in e for e in votes if e["granted"])


def test_every_event_of_a_refusing_reply_names_its_rule(events: list[dict[str, Any]]) -> None:
    seen: set[tuple[str, str]] = set()
    for event in events:
        if event["type"] not in ("send", "deliver", "drop"):
            continue
        refusing = event.get("granted", event.get("success")) is False and event["msg"].endswith("Response")
        assert ("refused" in event) is refusing, event
        if refusing:
            assert event["refused"] in RULES
            seen.add((event["msg"], event["refused"]))
    assert {
        ("AppendEntriesResponse", "log mismatch"),
        ("AppendEntriesResponse", "stale term"),
        ("RequestVoteResponse", "already voted"),
        ("RequestVoteResponse", "log not up-to-date"),
    } <= seen


def test_a_dropped_refusal_keeps_both_the_rule_and_the_drop_reason() -> None:
    result = simulate(SCENARIOS / "lossy-network.yaml", seed=0, record=("drop",))
    assert result.events is not None
    drops = [e for e in result.events if "refused" in e]
    assert drops and all(e["refused"] == "log mismatch" and e["reason"] == "loss" for e in drops)


def test_the_vote_event_and_the_reply_name_the_same_rule(events: list[dict[str, Any]]) -> None:
    votes = [(e["t_ms"], e["node"], e["candidate"], e.get("reason")) for e in events if e["type"] == "vote"]
    replies = [
        (e["t_ms"], e["from"], e["to"], e.get("refused"))
        for e in events
        if e["type"] == "send" and e["msg"] == "RequestVoteResponse"
    ]
    assert votes == replies
