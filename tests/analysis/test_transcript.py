"""raft.analysis.transcript: one line per event, and the options that choose which."""

from __future__ import annotations

from typing import Any

import pytest

from raft.analysis.transcript import TranscriptOptions, parse_options, transcript
from raft.api import simulate
from raft.cli.paths import find_scenario
from raft.errors import RaftSimError


def msg(
    kind: str, t: float, src: str, dst: str, msg_kind: str, term: int, msg_id: int, **fields: Any
) -> dict[str, Any]:
    return {
        "t_ms": t,
        "type": kind,
        "from": src,
        "to": dst,
        "msg": msg_kind,
        "term": term,
        "id": msg_id,
        **fields,
    }


ELECTION = [
    {"t_ms": 0.0, "type": "meta", "nodes": ["n1", "n2", "n3"]},
    {"t_ms": 0.0, "type": "role", "node": "n1", "role": "follower", "term": 1},
    {"t_ms": 0.0, "type": "role", "node": "n2", "role": "follower", "term": 1},
    {"t_ms": 12.25, "type": "timeout", "node": "n1", "term": 1},
    {"t_ms": 12.25, "type": "role", "node": "n1", "role": "candidate", "term": 2},
    msg("send", 12.25, "n1", "n2", "RequestVote", 2, 1, last_index=5, last_term=1),
    msg("deliver", 14.0, "n1", "n2", "RequestVote", 2, 1, last_index=5, last_term=1),
    {"t_ms": 14.0, "type": "role", "node": "n2", "role": "follower", "term": 2},
    {"t_ms": 14.0, "type": "vote", "node": "n2", "candidate": "n1", "term": 2, "granted": True},
    msg("send", 14.0, "n2", "n1", "RequestVoteResponse", 2, 2, reply_to=1, granted=True),
    {
        "t_ms": 14.0,
        "type": "vote",
        "node": "n3",
        "candidate": "n1",
        "term": 2,
        "granted": False,
        "reason": "already voted",
    },
    msg("drop", 15.0, "n1", "n3", "RequestVote", 2, 3, last_index=5, last_term=1, reason="partition"),
    {"t_ms": 20.1, "type": "role", "node": "n1", "role": "leader", "term": 2},
    {"t_ms": 3000.0, "type": "end", "final_leader": "n1", "commit_index": {}},
]


def test_an_election_reads_line_by_line() -> None:
    assert transcript(ELECTION, TranscriptOptions(delivers=True)).splitlines() == [
        "      0.0 ms  n1 starts as follower (term 1)",
        "      0.0 ms  n2 starts as follower (term 1)",
        "     12.2 ms  n1 election timeout (term 1)",
        "     12.2 ms  n1 becomes candidate (term 2)",
        "     12.2 ms  n1 -> n2  RequestVote term 2 last 5/1",
        "     14.0 ms  n2 <- n1  RequestVote term 2 last 5/1",
        "     14.0 ms  n2 votes for n1 (term 2)",
        "     14.0 ms  n2 -> n1  RequestVoteResponse term 2 granted",
        "     14.0 ms  n3 refuses n1 (term 2): already voted",
        "     15.0 ms  n1 -x n3  RequestVote term 2 last 5/1  dropped (partition)",
        "     20.1 ms  n1 becomes leader (term 2)",
    ]


def test_the_options_may_be_given_as_text() -> None:
    assert transcript(ELECTION, "delivers to_ms=15") == transcript(
        ELECTION, TranscriptOptions(delivers=True, to_ms=15)
    )


def test_message_switches_window_and_nodes() -> None:
    lines = transcript(
        ELECTION, parse_options("no-sends no-drops follower_terms from_ms=13 to_ms=20")
    ).splitlines()
    assert lines == [
        "     14.0 ms  n2 stays follower, now in term 2",
        "     14.0 ms  n2 votes for n1 (term 2)",
        "     14.0 ms  n3 refuses n1 (term 2): already voted",
    ]
    only_n3 = transcript(ELECTION, TranscriptOptions(nodes=("n3",))).splitlines()
    assert [line[14:] for line in only_n3] == [
        "n3 refuses n1 (term 2): already voted",
        "n1 -x n3  RequestVote term 2 last 5/1  dropped (partition)",
    ]


REPLICATION = [
    msg("send", 1.0, "n1", "n2", "AppendEntries", 2, 10, prev_index=5, prev_term=1, entries=0, commit=5),
    msg("send", 2.0, "n2", "n1", "AppendEntriesResponse", 2, 11, reply_to=10, success=True, match_index=5),
    msg("send", 3.0, "n1", "n2", "AppendEntries", 2, 12, prev_index=5, prev_term=1, entries=2, commit=5),
    msg(
        "send",
        4.0,
        "n2",
        "n1",
        "AppendEntriesResponse",
        2,
        13,
        reply_to=12,
        success=False,
        match_index=0,
        refused="log mismatch at prevLogIndex",
    ),
    {"t_ms": 5.0, "type": "truncate", "node": "n2", "index": 6},
    {"t_ms": 5.0, "type": "append", "node": "n2", "index": 6, "term": 2, "command": "x=1"},
    {"t_ms": 5.0, "type": "append", "node": "n2", "index": 7, "term": 2, "command": None},
    {"t_ms": 5.0, "type": "append", "node": "n3", "index": 7, "term": 2, "command": None},
    {"t_ms": 6.0, "type": "commit", "node": "n2", "index": 7},
    {"t_ms": 6.0, "type": "apply", "node": "n2", "index": 6, "term": 2, "command": "x=1"},
    {"t_ms": 7.0, "type": "submit", "client": "c1", "seq": 4, "command": "y=2"},
    {"t_ms": 8.0, "type": "ack", "client": "c1", "seq": 4, "command": "y=2", "index": 8, "value": "2"},
    {"t_ms": 9.0, "type": "submit", "client": "c1", "seq": 5, "command": "?y"},
    {"t_ms": 9.5, "type": "ack", "client": "c1", "seq": 5, "command": "?y", "index": 8, "value": "2"},
]


def test_replication_heartbeats_and_refusal_reasons() -> None:
    assert transcript(REPLICATION).splitlines() == [
        "      3.0 ms  n1 -> n2  AppendEntries term 2 prev 5/1 entries 6-7 commit 5",
        "      4.0 ms  n2 -> n1  AppendEntriesResponse term 2 refused: log mismatch at prevLogIndex",
        "      5.0 ms  n2 truncates its log from index 6",
        "      5.0 ms  n2 appends 6/2 x=1, 7/2",
        "      5.0 ms  n3 appends 7/2",
        "      6.0 ms  n2 commits up to index 7",
        "      7.0 ms  c1 submits y=2 (seq 4)",
        "      8.0 ms  c1 acknowledged y=2 (seq 4) at index 8",
        "      9.0 ms  c1 reads y (seq 5)",
        "      9.5 ms  c1 read y = 2 (seq 5)",
    ]
    shown = transcript(REPLICATION, parse_options("heartbeats,applies,no-clients")).splitlines()
    assert shown[:2] == [
        "      1.0 ms  n1 -> n2  AppendEntries term 2 prev 5/1 no entries commit 5",
        "      2.0 ms  n2 -> n1  AppendEntriesResponse term 2 ok match 5",
    ]
    assert shown[-1] == "      6.0 ms  n2 applies 6/2 x=1" and len(shown) == 9


def test_a_long_run_of_appends_is_shortened() -> None:
    events = [
        {"t_ms": 1.0, "type": "append", "node": "n1", "index": i, "term": 3, "command": f"k={i}"}
        for i in range(1, 13)
    ]
    assert transcript(events) == "      1.0 ms  n1 appends 1/3 k=1, 2/3 k=2, ..., 12/3 k=12 (12 entries)\n"


def test_faults_and_unknown_events() -> None:
    events = [
        {"t_ms": 1.0, "type": "partition", "groups": [["n1", "n2"], ["n3"]]},
        {"t_ms": 2.0, "type": "cut", "from": "n2", "to": "n1"},
        {"t_ms": 3.0, "type": "heal", "link": ["n1", "n2"]},
        {"t_ms": 4.0, "type": "crash", "node": "n3"},
        {"t_ms": 5.0, "type": "restart", "node": "n3", "term": 4, "voted_for": None, "log": [1, 4]},
        {"t_ms": 5.0, "type": "role", "node": "n3", "role": "follower", "term": 4},
        {"t_ms": 6.0, "type": "skip", "action": "crash", "target": "leader", "reason": "no live leader"},
        {
            "t_ms": 7.0,
            "type": "violation",
            "property": "Election Safety",
            "nodes": ["n1", "n2"],
            "term": 2,
            "index": None,
            "detail": "n1 and n2 were both elected leader in term 2",
        },
        {"t_ms": 8.0, "type": "novel", "x": 1},
    ]
    assert [line[14:] for line in transcript(events).splitlines()] == [
        "partition n1,n2 | n3",
        "cut n2 -> n1",
        "heal n1 <-> n2",
        "n3 crashes",
        "n3 restarts (term 4, voted for nobody, log of 2, last 2/4)",
        "n3 starts as follower (term 4)",
        "skip crash leader: no live leader",
        "VIOLATION Election Safety on n1, n2: n1 and n2 were both elected leader in term 2",
        "novel x=1",
    ]


def test_parse_options() -> None:
    assert parse_options("") == TranscriptOptions()
    assert parse_options("heartbeats, no-clients from_ms=1.5,nodes=n1+n2") == TranscriptOptions(
        heartbeats=True, clients=False, from_ms=1.5, nodes=("n1", "n2")
    )
    with pytest.raises(RaftSimError, match="unknown transcript option 'heartbeat'"):
        parse_options("heartbeat")
    with pytest.raises(RaftSimError, match="to_ms: expected a number"):
        parse_options("to_ms=soon")
    with pytest.raises(RaftSimError, match="unknown transcript option 'at_ms'"):
        parse_options("at_ms=3")


def test_result_transcript_takes_options_as_text_or_keywords() -> None:
    result = simulate(find_scenario("bugs/vote-twice"))
    assert result.transcript() == transcript(result.recorded_events())
    assert result.transcript("to_ms=15 no-sends") == result.transcript(to_ms=15, sends=False)
    assert result.transcript(TranscriptOptions(to_ms=15), sends=False).splitlines()[-1] == (
        "     15.0 ms  n3 votes for n1 (term 1)"
    )
    with pytest.raises(RaftSimError, match="not recorded"):
        simulate(find_scenario("bugs/vote-twice"), record=False).transcript()


def test_a_transfer_campaign_and_a_timeout_now_are_named() -> None:
    events = [
        {"t_ms": 0.0, "type": "meta", "nodes": ["n1", "n2", "n3"]},
        msg("send", 5.0, "n1", "n3", "TimeoutNow", 1, 1, last_index=4, last_term=1),
        msg("send", 7.0, "n3", "n2", "RequestVote", 2, 2, last_index=4, last_term=1, transfer=True),
        msg("send", 9.0, "n2", "n1", "RequestVote", 3, 3, last_index=4, last_term=1),
    ]
    assert transcript(events).splitlines() == [
        "      5.0 ms  n1 -> n3  TimeoutNow term 1 last 4/1",
        "      7.0 ms  n3 -> n2  RequestVote term 2 last 4/1 (transfer campaign)",
        "      9.0 ms  n2 -> n1  RequestVote term 3 last 4/1",
    ]
