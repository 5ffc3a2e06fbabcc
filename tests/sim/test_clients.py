"""Clients (raft/sim/clients.py): capped backoff retries, leader hints, at-most-once application."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest
import simpy

from raft.api import simulate
from raft.core.node import NotLeader
from raft.core.statemachine import ApplyResult, Command
from raft.sim.clients import END_FRACTION, Client
from raft.sim.events import EventBus
from raft.sim.server import SimServer
from tests.sim.simkit import scenario


class FakeServer:
    """Records each proposal; refuses with a hint, swallows it, or applies it at once."""

    def __init__(self, env: simpy.Environment, mode: str, hint: str | None = None) -> None:
        self.env = env
        self.mode = mode
        self.hint = hint
        self.up = True
        self.calls: list[float] = []

    def propose(self, command: Command, on_applied: Callable[[str, Command, ApplyResult], None]) -> int:
        self.calls.append(self.env.now)
        if self.mode == "refuse":
            raise NotLeader(self.hint)
        if self.mode == "apply":
            on_applied("n3", command, ApplyResult(7, None, False))
        return 7


def make_client(
    servers: dict[str, FakeServer], env: simpy.Environment
) -> tuple[Client, list[dict[str, Any]]]:
    bus = EventBus()
    events: list[dict[str, Any]] = []
    bus.subscribe(events.append)
    client = Client(
        env,
        "c1",
        cast(dict[str, SimServer], servers),
        bus,
        lambda: 1.0,
        timeout_ms=100.0,
        max_backoff_ms=300.0,
    )
    return client, events


def test_retries_with_doubling_capped_backoff() -> None:
    env = simpy.Environment()
    silent = FakeServer(env, "swallow")
    client, _ = make_client({"n1": silent}, env)
    client.submit("x=1")
    env.run(until=1500)
    # attempts at 0, 100, 100+200, 300+300 (capped), ... each arriving 1 ms later
    assert silent.calls[:6] == [1.0, 101.0, 301.0, 601.0, 901.0, 1201.0]


def test_follows_the_leader_hint_and_records_submit_and_ack() -> None:
    env = simpy.Environment()
    servers = {
        "n1": FakeServer(env, "refuse", hint="n3"),
        "n2": FakeServer(env, "swallow"),
        "n3": FakeServer(env, "apply"),
    }
    client, events = make_client(servers, env)
    client.submit("x=1")
    env.run(until=1000)
    assert servers["n1"].calls == [1.0]
    assert servers["n2"].calls == []
    assert servers["n3"].calls == [3.0]  # refusal back at 2, retry arrives at 3
    assert [(e["type"], e["t_ms"]) for e in events] == [("submit", 0), ("ack", 4.0)]
    assert events[1] == {
        "t_ms": 4.0,
        "type": "ack",
        "client": "c1",
        "seq": 1,
        "command": "x=1",
        "index": 7,
        "value": None,
    }
    assert client.known_leader == "n3" and not client.outstanding


def test_tries_servers_in_turn_without_a_hint() -> None:
    env = simpy.Environment()
    servers = {n: FakeServer(env, "swallow") for n in ("n1", "n2", "n3")}
    client, _ = make_client(servers, env)
    client.submit("x=1")
    env.run(until=700)
    assert [len(servers[n].calls) for n in ("n1", "n2", "n3")] == [2, 1, 1]


def test_commands_are_numbered_per_client() -> None:
    env = simpy.Environment()
    client, events = make_client({"n1": FakeServer(env, "apply")}, env)
    assert [client.submit(op).seq for op in ("a=1", "b=2", "-a")] == [1, 2, 3]
    env.run(until=50)
    assert sorted(e["seq"] for e in events if e["type"] == "ack") == [1, 2, 3]


def test_retried_command_in_the_log_twice_is_applied_once() -> None:
    """Thesis §6.3: the leader crashes after replicating a command but before answering; the client retries
    through the new leader, the command lands in the log twice, and the second copy changes nothing."""
    sc = scenario(
        duration_ms=5000,
        cluster={"election_timeout_ms": [300, 600]},
        network={"latency_ms": 5},
        events=[
            {"at_ms": 0, "timeout": "n1"},
            {"at_ms": 1000, "write": "x=1", "to": "n1"},
            {"at_ms": 1012, "crash": "n1"},  # followers hold x=1 (since 1010); n1 never hears back
            {"at_ms": 1100, "write": "x=2"},  # a later write, which the retry must not undo
        ],
    )
    result = simulate(sc)
    events = result.events or ()
    applied = [e for e in events if e["type"] == "apply" and e["node"] == "n2" and e["command"] == "x=1"]
    assert len(applied) == 2, "the retry put a second copy in the log"
    assert [e.get("duplicate", False) for e in applied] == [False, True]
    acks = [e for e in events if e["type"] == "ack" and e["command"] == "x=1"]
    assert len(acks) == 1 and acks[0]["index"] == applied[0]["index"]  # answered with the first effect
    assert result.outcome.nodes["n2"].store["x"] == "2"
    assert result.ok


def test_backoff_is_capped_at_a_quarter_of_the_time_left_but_not_below_the_first_timeout() -> None:
    env = simpy.Environment()
    silent = FakeServer(env, "swallow")
    client = Client(
        env,
        "c1",
        cast(dict[str, SimServer], {"n1": silent}),
        EventBus(),
        lambda: 1.0,
        timeout_ms=100.0,
        max_backoff_ms=10_000.0,
        end_ms=2000.0,
    )
    assert END_FRACTION == 0.25
    assert client.backoff(0) == 100.0 and client.backoff(3) == 500.0  # 2000 ms left: a quarter is 500
    assert client.backoff(10) == 500.0
    client.submit("x=1")
    env.run(until=2000)
    sent = [t - 1.0 for t in silent.calls]  # each attempt arrives 1 ms after it is sent
    waits = [b - a for a, b in zip(sent[:-1], sent[1:], strict=True)]
    assert waits[:3] == [100.0, 200.0, 400.0]  # doubling while the time left allows it
    assert waits[3] == 325.0  # sent at 700 ms: 800 ms doubled, but a quarter of the 1300 ms left is 325
    for start, wait in zip(sent[3:-1], waits[3:], strict=True):
        assert wait == pytest.approx(max(100.0, min(800.0, (2000.0 - start) / 4)))
    assert waits[-1] == 100.0 and sent[-1] > 1900.0  # never below the first timeout; retried until the end


def test_outstanding_commands_are_retried_after_the_clients_stop_submitting() -> None:
    """Workload stop_ms stops new submissions only: a write submitted during a 2-2 split, whose backoff grew
    for seconds, is still retried after the heal and committed, though clients stopped submitting before it."""
    sc = scenario(
        size=4,
        duration_ms=5000,
        workload={"writes_per_s": 10, "stop_ms": 2000, "timeout_ms": 300, "max_backoff_ms": 4000},
        events=[{"at_ms": 0, "partition": [["n1", "n2"], ["n3", "n4"]]}, {"at_ms": 3000, "heal": True}],
    )
    result = simulate(sc)
    events = result.events or ()
    submits = [e for e in events if e["type"] == "submit"]
    acks = {(e["client"], e["seq"]): e for e in events if e["type"] == "ack"}
    assert submits and all(e["t_ms"] < 2000 for e in submits)  # nothing new after stop_ms
    assert {(e["client"], e["seq"]) for e in submits} == set(
        acks
    )  # ... but everything outstanding is answered
    assert all(e["t_ms"] > 3000 for e in acks.values())  # after the heal, long after the clients stopped
    writes = result.summary["writes"]
    assert writes["outstanding"] == 0 and writes["committed"] == writes["acknowledged"] == len(submits)


def test_the_summary_counts_writes_still_outstanding_at_the_end() -> None:
    """A run that ends while the cluster is still split leaves its writes outstanding (not lost)."""
    sc = scenario(
        size=4,
        duration_ms=2000,
        workload={"writes_per_s": 10},
        events=[{"at_ms": 0, "partition": [["n1", "n2"], ["n3", "n4"]]}],
    )
    result = simulate(sc)
    events = result.events or ()
    writes = result.summary["writes"]
    submitted = [e for e in events if e["type"] == "submit"]
    assert writes["submitted"] == len(submitted) > 0
    assert writes["committed"] == writes["acknowledged"] == 0
    assert writes["outstanding"] == len(submitted)
    assert result.summary["reads"]["outstanding"] == 0


def test_each_command_carries_the_lowest_seq_still_waiting_for_an_answer() -> None:
    env = simpy.Environment()
    client, _ = make_client({"n1": FakeServer(env, "swallow")}, env)
    first, second = client.submit("x=1"), client.submit("x=2")
    assert (first.lowest_unanswered, second.lowest_unanswered) == (1, 1)  # 1 is unanswered when 2 is sent
    client.outstanding.pop(1)  # as if answered
    assert client.submit("x=3").lowest_unanswered == 2
    client.outstanding.clear()
    assert client.submit("x=4").lowest_unanswered == 4  # nothing in flight: only itself
