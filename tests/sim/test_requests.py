"""Requests to a given member (raft/sim/requests.py): answered once applied, forwarded to the leader, refused
when the member is down or knows no leader, timed out without a quorum."""

from __future__ import annotations

from typing import Any

from raft.core.types import Role
from raft.sim.requests import Refusal, RequestFailed
from tests.sim.simkit import Driven, scenario


def outcome(driven: Driven, member: str, op: str, at: float, timeout_ms: float = 500.0) -> dict[str, Any]:
    """Send ``op`` to ``member`` at ``at`` ms; the dict fills in with the answer (``value``/``error``, ``t``)."""
    seen: dict[str, Any] = {}

    def send() -> None:
        event = driven.sim.request(member, op, session="tester", timeout_ms=timeout_ms)

        def done(e: Any) -> None:
            seen["t"] = driven.env.now
            if e.ok:
                seen["value"] = e.value
            else:
                e.defused = True
                seen["error"] = e.value

        event.callbacks.append(done)

    driven.at(at, send)
    return seen


def leader_and_follower(driven: Driven) -> tuple[str, str]:
    servers = driven.sim.servers
    leader = next(n for n, s in servers.items() if s.node is not None and s.node.role is Role.LEADER)
    follower = next(n for n in servers if n != leader)
    return leader, follower


def test_a_write_to_a_follower_is_forwarded_and_answered_once_applied() -> None:
    driven = Driven(scenario(3, 3000))
    driven.run(1000)
    leader, follower = leader_and_follower(driven)
    wrote = outcome(driven, follower, "x=1", 1000)
    read = outcome(driven, leader, "?x", 1200)
    driven.run(1500)
    assert "value" in wrote and wrote["t"] > 1000
    assert read["value"].value == "1"  # the read went through the log after the write
    assert wrote["value"].index < read["value"].index


def test_a_member_that_is_down_refuses_at_once() -> None:
    driven = Driven(scenario(3, 3000))
    driven.run(1000)
    _, follower = leader_and_follower(driven)
    driven.sim.crash(follower)
    seen = outcome(driven, follower, "x=1", 1100)
    driven.run(1200)
    assert isinstance(seen["error"], RequestFailed)
    assert seen["error"].refusal is Refusal.DOWN and seen["t"] == 1100


def test_without_a_quorum_a_request_times_out_then_the_member_knows_no_leader() -> None:
    sc = scenario(3, 20000, cluster={"pre_vote": True, "check_quorum": True})
    driven = Driven(sc)
    driven.run(1000)
    leader, follower = leader_and_follower(driven)
    other = next(n for n in driven.sim.servers if n not in (leader, follower))
    driven.sim.crash(follower)
    driven.sim.crash(other)
    first = outcome(driven, leader, "x=1", 1100, timeout_ms=400)
    later = outcome(driven, leader, "x=2", 6000, timeout_ms=400)
    driven.run(7000)
    assert first["error"].refusal is Refusal.TIMED_OUT and first["t"] == 1500
    # CheckQuorum made the lone leader step down; PreVote keeps it a follower that knows no leader
    assert later["error"].refusal is Refusal.NO_LEADER and later["t"] == 6000


def test_a_forward_across_a_cut_link_is_lost_and_times_out() -> None:
    driven = Driven(scenario(3, 3000))
    driven.run(1000)
    leader, follower = leader_and_follower(driven)
    driven.sim.cut(follower, leader)
    driven.sim.cut(leader, follower)
    seen = outcome(driven, follower, "x=1", 1000, timeout_ms=300)
    driven.run(1500)
    assert seen["error"].refusal is Refusal.TIMED_OUT and seen["t"] == 1300


def test_with_read_index_a_read_is_answered_without_a_log_entry_and_acknowledged() -> None:
    driven = Driven(scenario(3, 3000, cluster={"read_mode": "read_index"}))
    driven.run(1000)
    leader, follower = leader_and_follower(driven)
    wrote = outcome(driven, follower, "x=1", 1000)
    read = outcome(driven, follower, "?x", 1200)  # forwarded to the leader, as a write is
    driven.run(1500)
    assert read["value"].value == "1" and read["t"] > 1200
    answered = [e for e in driven.events if e["type"] == "read" and e["client"] == "tester"]
    assert [(e["node"], e["mode"], e["command"]) for e in answered] == [(leader, "read_index", "?x")]
    # the read index is the write's entry: the read itself wrote nothing to the log
    assert read["value"].index == answered[0]["index"] == wrote["value"].index
    assert not [e for e in driven.events if e["type"] == "append" and e.get("command") == "?x"]
