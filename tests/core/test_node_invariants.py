"""The invariants RaftNode documents hold after every input, in clusters driven at random by hand (messages lost,
duplicated and reordered, servers crashing and restarting from what they persisted)."""

from __future__ import annotations

import random

import pytest

from raft.core.log import RaftLog
from raft.core.messages import Entry, Message
from raft.core.node import HardState, NodeSettings, RaftNode
from raft.core.quorum import MajorityConfig
from raft.core.statemachine import Command
from raft.core.types import Role


def check(node: RaftNode, term_before: int) -> None:
    assert 0 <= node.last_applied <= node.commit_index <= node.log.last_index
    assert node.durable_index <= node.log.last_index
    assert node.current_term >= term_before
    if node.role is Role.LEADER:
        for progress in node.progress.values():
            assert progress.match_index < progress.next_index <= node.log.last_index + 1


@pytest.mark.parametrize("seed", range(8))
def test_invariants_hold_after_every_input(seed: int) -> None:
    rng = random.Random(seed)
    ids = ("n1", "n2", "n3", "n4", "n5")
    voters = MajorityConfig(frozenset(ids))
    settings = NodeSettings(max_entries_per_append=3)
    hard = {i: HardState() for i in ids}
    disk: dict[str, list[Entry]] = {i: [] for i in ids}
    nodes = {i: RaftNode(i, voters, settings, random.Random(f"{seed}/{i}")) for i in ids}
    wire: list[tuple[str, str, Message]] = []
    now, seq = 0.0, 0

    def carry_out(i: str) -> None:
        node = nodes[i]
        while (ready := node.take_ready()) is not None:
            if ready.hard_state is not None:
                hard[i] = ready.hard_state
            if ready.log_from is not None:
                del disk[i][ready.log_from - 1 :]
                disk[i].extend(ready.entries)
            wire.extend((i, to, m) for to, m in ready.messages)
            if ready.log_from is not None:
                node.on_persisted(len(disk[i]), disk[i][-1].term if disk[i] else 0)

    for _ in range(3000):
        now += rng.uniform(0.0, 5.0)
        i = rng.choice(ids)
        before = nodes[i].current_term
        roll = rng.random()
        if roll < 0.01:  # crash and restart from what was persisted
            nodes[i] = RaftNode(
                i,
                voters,
                settings,
                random.Random(f"{seed}/{i}/{now}"),
                term=hard[i].term,
                voted_for=hard[i].voted_for,
                log=RaftLog(disk[i]),
                now=now,
            )
        elif roll < 0.1 and nodes[i].role is Role.LEADER:
            seq += 1
            nodes[i].propose(Command("c", seq, f"x={seq}"))
        elif wire and roll < 0.8:
            sender, receiver, message = wire.pop(rng.randrange(min(len(wire), 4)))  # some reordering
            if rng.random() < 0.1:
                continue  # lost
            if rng.random() < 0.05:
                wire.append((sender, receiver, message))  # duplicated
            i, before = receiver, nodes[receiver].current_term
            nodes[i].step(now, sender, message)
        else:
            nodes[i].tick(now)
        carry_out(i)
        check(nodes[i], before)
    assert any(node.commit_index > 0 for node in nodes.values())  # the run got somewhere
