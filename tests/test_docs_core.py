"""docs/core.md: the hand-written harness it shows runs, elects a leader, commits a command, and prints what the
page says it prints; the pitfall it warns about first (one seed for every node) is real."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pytest

from raft.core import HardState, Role

PAGE = (Path(__file__).resolve().parents[1] / "docs" / "core.md").read_text(encoding="utf-8")
HARNESS = re.search(r"```python\n(.*?)```", PAGE, re.DOTALL)
OUTPUT = re.search(r"It prints.*?```text\n(.*?)```", PAGE, re.DOTALL)


def run(code: str) -> tuple[dict[str, Any], str]:
    namespace: dict[str, Any] = {"__name__": "docs_core"}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "docs/core.md", "exec"), namespace)
    return namespace, printed.getvalue()


def test_the_harness_elects_a_leader_and_commits_a_command_everywhere() -> None:
    assert HARNESS is not None and OUTPUT is not None
    namespace, printed = run(HARNESS.group(1))
    nodes = namespace["nodes"]
    leaders = [node for node in nodes.values() if node.role is Role.LEADER]
    assert len(leaders) == 1 and leaders[0].current_term == 1
    index = namespace["index"]
    for i, node in nodes.items():
        assert node.commit_index >= index and node.store.data == {"x": "1"}
        assert [e.term for e in namespace["disk"][i]] == node.log.terms()  # every entry reached its disk
        assert node.durable_index == node.log.last_index
        assert namespace["hard_state"][i] == node.hard_state == HardState(node.current_term, node.voted_for)
    assert printed == OUTPUT.group(1)


def test_one_seed_for_every_node_splits_the_vote_forever() -> None:
    """The first pitfall: with the same generator state, every node times out at once, every time."""
    assert HARNESS is not None
    code = HARNESS.group(1)
    assert 'random.Random(f"demo/{i}")' in code
    with pytest.raises(AssertionError, match="nothing happened in time"):
        run(code.replace('random.Random(f"demo/{i}")', "random.Random(0)"))
