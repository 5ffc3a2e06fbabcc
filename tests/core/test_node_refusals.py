"""Every refusal names the rule of Figure 2 that refused (raft/core/messages.py ``Refusal``), in the reply and in
the ``Voted`` note; a granted vote or a successful append names none."""

from __future__ import annotations

import pytest

from raft.core.bugs import Bug
from raft.core.messages import AppendEntries, AppendEntriesResponse, Refusal, RequestVote, RequestVoteResponse
from raft.core.notes import Voted
from tests.core.nodekit import append, elect, make_node, notes, sent, take


def vote(node_kwargs: dict[str, object], request: RequestVote) -> tuple[RequestVoteResponse, Voted]:
    node = make_node(**node_kwargs)  # type: ignore[arg-type]
    node.step(1.0, request.candidate_id, request)
    ready = take(node)
    [(_, response)] = sent(ready)
    assert isinstance(response, RequestVoteResponse)
    [note] = notes(ready, Voted)
    return response, note


@pytest.mark.parametrize(
    ("state", "rpc", "refused"),
    [
        ({"term": 3}, RequestVote(2, "n2", 0, 0), Refusal.STALE_TERM),  # term < currentTerm
        ({"term": 2, "voted_for": "n3"}, RequestVote(2, "n2", 0, 0), Refusal.ALREADY_VOTED),
        ({"term": 2, "log": [1, 2]}, RequestVote(2, "n2", 1, 1), Refusal.LOG_NOT_UP_TO_DATE),
        ({"term": 2, "log": [2], "voted_for": "n3"}, RequestVote(2, "n2", 1, 1), Refusal.LOG_NOT_UP_TO_DATE),
        (
            {"term": 2, "voted_for": "n2"},
            RequestVote(2, "n2", 0, 0),
            None,
        ),  # votedFor is candidateId: granted
        ({"term": 2}, RequestVote(3, "n2", 0, 0), None),
    ],
)
def test_a_refused_vote_names_its_rule(
    state: dict[str, object], rpc: RequestVote, refused: Refusal | None
) -> None:
    """Reference: Figure 2, RequestVote receiver; §5.2, §5.4.1. A log that is not up to date is named before a
    vote already cast."""
    response, note = vote(state, rpc)
    assert response.vote_granted is (refused is None) and note.granted is (refused is None)
    assert response.refused is refused and note.refused is refused


def test_a_leader_names_its_own_vote() -> None:
    """A leader voted for itself in its term: the vote is already cast."""
    node = make_node()
    elect(node)
    node.step(5.0, "n2", RequestVote(1, "n2", 5, 1))
    [(_, response)] = sent(take(node))
    assert isinstance(response, RequestVoteResponse) and response.refused is Refusal.ALREADY_VOTED


def test_a_leader_that_kept_leading_refuses_as_the_leader() -> None:
    """Only with a bug can a leader have no vote in its term (``no-step-down`` forgets it): it refuses as leader."""
    node = make_node(bugs=(Bug.NO_STEP_DOWN,))
    elect(node)
    node.step(5.0, "n2", RequestVote(4, "n2", 5, 1))
    [(_, response)] = sent(take(node))
    assert isinstance(response, RequestVoteResponse) and response.refused is Refusal.LEADER


@pytest.mark.parametrize(
    ("log", "rpc", "refused"),
    [
        ([1, 2], append(2, "n2", 2, 2, [2]), Refusal.STALE_TERM),  # rule 1
        ([1, 1], append(3, "n2", 5, 2, [2]), Refusal.LOG_MISMATCH),  # rule 2: no entry at prevLogIndex
        ([1, 2, 2], append(3, "n2", 3, 3, [3]), Refusal.LOG_MISMATCH),  # rule 2: its term differs
        ([1, 2, 2], append(3, "n2", 2, 2, [3]), None),
    ],
)
def test_a_refused_append_names_its_rule(log: list[int], rpc: AppendEntries, refused: Refusal | None) -> None:
    """Reference: Figure 2, AppendEntries receiver rules 1 and 2; §5.3."""
    node = make_node(term=3, log=log)
    node.step(1.0, "n2", rpc)
    [(_, response)] = sent(take(node))
    assert isinstance(response, AppendEntriesResponse)
    assert response.success is (refused is None) and response.refused is refused


def test_the_reason_is_not_part_of_a_reply_s_value() -> None:
    """No server reads ``refused``: two replies that differ only in it are equal."""
    assert AppendEntriesResponse(2, False, refused=Refusal.STALE_TERM) == AppendEntriesResponse(2, False)
    assert RequestVoteResponse(2, False, Refusal.ALREADY_VOTED) == RequestVoteResponse(2, False)
