"""How the switchable bugs are built (raft/core/bugs.py): the correct node knows nothing of them, each node bug
replaces only rule methods of Figure 2, and :func:`node_class` composes the bugs switched on."""

from __future__ import annotations

import ast
import functools
import inspect
import random

import pytest

from raft.compiled import source_of
from raft.core.bugs import NODE_BUGS, Bug, node_class
from raft.core.messages import RequestVote, RequestVoteResponse
from raft.core.node import RaftNode
from raft.core.quorum import MajorityConfig
from tests.core.nodekit import make_node, sent, settings, take


def test_the_correct_node_has_no_bug_switches() -> None:
    source = source_of("raft.core.node").read_text()  # the source, also where the node runs compiled
    assert "_bug" not in source and "Bug." not in source


@functools.cache
def rule_docs() -> dict[str, str]:
    """The docstring of every method of the node and its reads, by qualified name, read from the source (a
    compiled node keeps none)."""
    docs: dict[str, str] = {}
    for module in ("raft.core.node", "raft.core.reads"):
        for cls in ast.parse(source_of(module).read_text()).body:
            if isinstance(cls, ast.ClassDef):
                for method in cls.body:
                    if isinstance(method, ast.FunctionDef):
                        docs[f"{cls.name}.{method.name}"] = ast.get_docstring(method) or ""
    return docs


@pytest.mark.parametrize("bug", list(NODE_BUGS))
def test_a_bug_replaces_only_rule_methods(bug: Bug) -> None:
    """Each bug class overrides methods of RaftNode, each one a rule with its "Reference: §..." line."""
    cls = NODE_BUGS[bug]
    overridden = [name for name, value in vars(cls).items() if inspect.isfunction(value)]
    assert overridden
    for name in overridden:
        rule = getattr(RaftNode, name)
        assert "Reference: §" in rule_docs()[rule.__qualname__], name


def test_every_bug_outside_the_node_is_documented_there() -> None:
    assert set(Bug) - set(NODE_BUGS) == {Bug.MAJORITY_OFF_BY_ONE, Bug.FORGET_VOTE_ON_RESTART}


def test_node_class_composes_the_bugs_switched_on() -> None:
    assert node_class() is RaftNode
    both = node_class([Bug.VOTE_TWICE, Bug.VOTE_WITHOUT_LOG_CHECK])
    assert issubclass(both, NODE_BUGS[Bug.VOTE_TWICE]) and issubclass(
        both, NODE_BUGS[Bug.VOTE_WITHOUT_LOG_CHECK]
    )
    assert both is node_class([Bug.VOTE_WITHOUT_LOG_CHECK, Bug.VOTE_TWICE])  # one class per set of bugs
    assert both.bugs == {Bug.VOTE_TWICE, Bug.VOTE_WITHOUT_LOG_CHECK}
    outside = node_class([Bug.MAJORITY_OFF_BY_ONE])
    assert outside.bugs == {Bug.MAJORITY_OFF_BY_ONE}
    assert [c for c in outside.__mro__ if c in NODE_BUGS.values()] == []


def test_two_bugs_together_break_both_rules() -> None:
    """With vote-twice and vote-without-log-check, a server that voted for n3 votes for n2 with a shorter log."""
    for bugs, granted in (((Bug.VOTE_TWICE,), False), ((Bug.VOTE_TWICE, Bug.VOTE_WITHOUT_LOG_CHECK), True)):
        node = make_node(term=2, log=[1, 2], voted_for="n3", bugs=bugs)
        node.step(1.0, "n2", RequestVote(2, "n2", 1, 1))
        assert sent(take(node)) == [("n2", RequestVoteResponse(2, granted))]


def test_a_correct_node_refuses_settings_with_bugs() -> None:
    """Settings that switch on a bug build a node only through node_class, never a silently correct one."""
    voters = MajorityConfig(frozenset({"n1", "n2", "n3"}))
    with pytest.raises(ValueError, match="node_class"):
        RaftNode("n1", voters, settings(bugs=frozenset({Bug.VOTE_TWICE})), random.Random(0))
    with pytest.raises(ValueError, match="node_class"):
        node_class([Bug.VOTE_TWICE])("n1", voters, settings(), random.Random(0))
