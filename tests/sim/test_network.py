"""The simulated network (raft/sim/network.py): latency, loss, partitions decided at arrival, counters."""

from __future__ import annotations

import random
from typing import Any

import pytest
import simpy

from raft.core.messages import Message, RequestVote, RequestVoteResponse
from raft.sim.events import EventBus, EventType
from raft.sim.network import Network

NODES = ("n1", "n2", "n3")
PING = RequestVote(1, "n1", 0, 0)


class _Endpoint:
    """A server as the harness has it: up as the harness says, recording what it receives."""

    def __init__(self, harness: Harness, name: str) -> None:
        self.harness, self.name = harness, name

    @property
    def up(self) -> bool:
        return self.harness.up[self.name]

    def receive(self, src: str, message: Message, msg_id: int) -> None:
        self.harness.received.append((self.harness.env.now, src, self.name, msg_id))


class Harness:
    """A network of three nodes with a constant 5 ms latency, recording every event and delivery."""

    def __init__(self, **options: Any) -> None:
        self.env = simpy.Environment()
        self.bus = EventBus()
        self.events: list[dict[str, Any]] = []
        self.bus.subscribe(self.events.append)
        options.setdefault("latency_ms", (5.0, 5.0))
        self.net = Network(self.env, NODES, random.Random(0), self.bus, **options)
        self.up = dict.fromkeys(NODES, True)
        self.received: list[tuple[float, str, str, int]] = []
        self.net.endpoints = {node: _Endpoint(self, node) for node in NODES}

    def at(self, t: float, action: Any) -> None:
        self.env.timeout(t).callbacks.append(lambda _: action())

    def send(self, src: str, dst: str, message: Message = PING, reply_to: int | None = None) -> None:
        self.net.send(src, dst, message, reply_to)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == kind]


def test_message_arrives_after_latency_with_events_and_counters() -> None:
    h = Harness()
    h.send("n1", "n2")
    h.env.run()
    assert h.received == [(5.0, "n1", "n2", 1)]
    [send] = h.of("send")
    assert {k: send[k] for k in ("t_ms", "from", "to", "msg", "term", "id")} == {
        "t_ms": 0,
        "from": "n1",
        "to": "n2",
        "msg": "RequestVote",
        "term": 1,
        "id": 1,
    }
    [deliver] = h.of("deliver")
    assert deliver["t_ms"] == 5.0 and deliver["id"] == 1
    assert (h.net.sent, h.net.delivered, h.net.dropped) == (1, 1, 0)


def test_reply_carries_reply_to() -> None:
    h = Harness()
    h.send("n2", "n1", RequestVoteResponse(1, True), reply_to=7)
    h.env.run()
    assert h.of("send")[0]["reply_to"] == 7 and h.of("deliver")[0]["reply_to"] == 7
    assert "reply_to" not in Harness().net._describe("send", "n1", "n2", PING, 1, None)


def test_latency_range_is_uniform_within_bounds() -> None:
    h = Harness(latency_ms=(5.0, 10.0))
    for _ in range(50):
        h.send("n1", "n2")
    h.env.run()
    times = [t for t, *_ in h.received]
    assert all(5.0 <= t <= 10.0 for t in times) and len(set(times)) == 50


def test_loss_is_a_drop_with_reason_loss() -> None:
    h = Harness(drop_rate=1.0)
    h.send("n1", "n2")
    h.env.run()
    assert h.received == []
    [drop] = h.of("drop")
    assert drop["reason"] == "loss" and drop["t_ms"] == 5.0
    assert (h.net.sent, h.net.delivered, h.net.dropped) == (1, 0, 1)


def test_partition_decided_at_arrival_not_at_send() -> None:
    h = Harness()
    h.send("n1", "n3")  # sent while connected, cut before it arrives: dropped
    h.at(2.0, lambda: h.net.topology.partition([["n1", "n2"], ["n3"]]))
    h.at(6.0, lambda: h.send("n1", "n3"))  # sent while cut, healed before it arrives: delivered
    h.at(8.0, h.net.topology.heal)
    h.env.run()
    assert [(d["id"], d["reason"], d["t_ms"]) for d in h.of("drop")] == [(1, "partition", 5.0)]
    assert h.received == [(11.0, "n1", "n3", 2)]


def test_partition_keeps_traffic_inside_groups() -> None:
    h = Harness()
    h.net.topology.partition([["n1", "n2"], ["n3"]])
    for src in NODES:
        for dst in NODES:
            if src != dst:
                h.send(src, dst)
    h.env.run()
    assert sorted((s, d) for _, s, d, _ in h.received) == [("n1", "n2"), ("n2", "n1")]
    assert h.net.topology.groups() == [["n1", "n2"], ["n3"]]
    assert not h.net.topology.connected("n1", "n3") and h.net.topology.connected("n1", "n2")


def test_partition_replaces_earlier_cuts_and_heal_removes_all() -> None:
    h = Harness()
    h.net.topology.cut_link("n2", "n3")
    h.net.topology.partition([["n1", "n3"], ["n2"]])
    assert h.net.topology.cut == {("n1", "n2"), ("n2", "n1"), ("n3", "n2"), ("n2", "n3")}
    h.net.topology.heal()
    assert h.net.topology.cut == frozenset() and h.net.topology.groups() == [["n1", "n2", "n3"]]


def test_isolate_cuts_both_ways_and_keeps_other_cuts() -> None:
    h = Harness()
    h.net.topology.cut_link("n1", "n2")
    h.net.topology.isolate("n3")
    assert h.net.topology.cut == {("n1", "n2"), ("n1", "n3"), ("n3", "n1"), ("n2", "n3"), ("n3", "n2")}


def test_cut_is_one_way() -> None:
    h = Harness()
    h.net.topology.cut_link("n1", "n2")
    h.send("n1", "n2")
    h.send("n2", "n1")
    h.env.run()
    assert [(s, d) for _, s, d, _ in h.received] == [("n2", "n1")]
    assert h.of("drop")[0]["reason"] == "cut"  # a one-way cut is not a partition
    assert not h.net.topology.connected("n1", "n2")
    assert h.net.topology.groups() == [["n1", "n2", "n3"]]  # still connected both ways through n3


def test_drop_reason_tells_a_cut_link_from_a_partitioned_one() -> None:
    """``cut`` for a link a ``cut`` event took down, ``partition`` for one cut by a partition or an isolation,
    whichever came last; healing forgets both."""
    h = Harness()
    h.net.topology.cut_link("n1", "n2")
    h.net.topology.isolate("n3")
    h.send("n1", "n2")
    h.send("n1", "n3")
    h.at(10.0, lambda: h.net.topology.partition([["n1"], ["n2", "n3"]]))
    h.at(10.0, lambda: h.send("n1", "n2"))  # the partition replaced the one-way cut
    h.at(20.0, lambda: h.net.topology.cut_link("n2", "n1"))  # already cut by the partition: stays a partition
    h.at(20.0, lambda: h.send("n2", "n1"))
    h.at(30.0, h.net.topology.heal)
    h.at(30.0, lambda: h.net.topology.cut_link("n2", "n1"))
    h.at(30.0, lambda: h.send("n2", "n1"))
    h.env.run()
    assert [(d["from"], d["to"], d["reason"]) for d in h.of("drop")] == [
        ("n1", "n2", "cut"),
        ("n1", "n3", "partition"),
        ("n1", "n2", "partition"),
        ("n2", "n1", "partition"),
        ("n2", "n1", "cut"),
    ]


def test_receiver_down_at_arrival_is_a_drop_with_reason_down() -> None:
    h = Harness()
    h.send("n1", "n2")
    h.at(1.0, lambda: h.up.__setitem__("n2", False))
    h.send("n1", "n3")
    h.at(1.0, lambda: h.up.__setitem__("n3", False))
    h.at(4.0, lambda: h.up.__setitem__("n3", True))  # back up before arrival: delivered
    h.env.run()
    assert [(d["to"], d["reason"]) for d in h.of("drop")] == [("n2", "down")]
    assert [d for _, _, d, _ in h.received] == ["n3"]


def test_sender_down_after_sending_does_not_stop_the_message() -> None:
    h = Harness()
    h.send("n1", "n2")
    h.at(1.0, lambda: h.up.__setitem__("n1", False))
    h.env.run()
    assert h.received == [(5.0, "n1", "n2", 1)]


def test_loss_takes_precedence_over_partition_and_down() -> None:
    h = Harness(drop_rate=1.0)
    h.net.topology.isolate("n2")
    h.up["n2"] = False
    h.send("n1", "n2")
    h.env.run()
    assert h.of("drop")[0]["reason"] == "loss"


def test_untraced_network_emits_nothing_but_counts() -> None:
    env = simpy.Environment()
    bus = EventBus()
    seen: list[dict[str, Any]] = []
    bus.subscribe(seen.append, ["role"])
    net = Network(env, NODES, random.Random(0), bus, latency_ms=(1.0, 1.0), drop_rate=0.5)
    h = Harness()
    net.endpoints = {node: _Endpoint(h, node) for node in NODES}
    for _ in range(100):
        net.send("n1", "n2", PING, None)
    env.run()
    assert seen == [] and net.sent == 100 and net.delivered + net.dropped == 100 and 30 < net.dropped < 70


def test_same_seed_same_draws() -> None:
    def times(seed: int) -> list[float]:
        h = Harness(latency_ms=(1.0, 9.0), drop_rate=0.3)
        h.net.rng = random.Random(seed)
        for _ in range(20):
            h.send("n1", "n2")
        h.env.run()
        return [t for t, *_ in h.received]

    assert times(1) == times(1) != times(2)


def test_a_lognormal_latency_has_its_median_and_floor_and_a_long_tail() -> None:
    from raft.scenario.delays import Delay
    from raft.sim.delays import sampler

    rng = random.Random(0)
    spec = Delay.model_validate({"dist": "lognormal", "min_ms": 0.05, "median_ms": 0.2, "sigma": 0.8})
    h = Harness(latency_ms=sampler(spec, rng))
    h.net.rng = rng
    for _ in range(4000):
        h.send("n1", "n2")
    h.env.run()
    times = sorted(t for t, *_ in h.received)
    assert len(times) == 4000 and times[0] >= 0.05
    assert times[2000] == pytest.approx(0.2, rel=0.05)
    assert times[3960] > 4 * times[2000]  # p99 far beyond the median


def test_a_links_base_latency_is_added_both_ways_and_only_there() -> None:
    h = Harness(link_latency_ms={"n1": {"n3": 30.0}})
    h.send("n1", "n3")
    h.send("n3", "n1")
    h.send("n1", "n2")
    h.send("n2", "n3")
    h.env.run()
    assert sorted((t, src, dst) for t, src, dst, _ in h.received) == [
        (5.0, "n1", "n2"),
        (5.0, "n2", "n3"),
        (35.0, "n1", "n3"),
        (35.0, "n3", "n1"),
    ]


def test_a_subscriber_may_want_the_deliveries_of_some_kinds_only() -> None:
    env = simpy.Environment()
    bus = EventBus()
    answers: list[dict[str, Any]] = []
    bus.subscribe(answers.append, ["deliver"], messages={"RequestVoteResponse"})
    assert bus.message_kinds(EventType.DELIVER) == {"RequestVoteResponse"}
    assert bus.message_kinds(EventType.SEND) == frozenset()
    net = Network(env, NODES, random.Random(0), bus, latency_ms=(1.0, 1.0))
    net.endpoints = {node: _Endpoint(Harness(), node) for node in NODES}
    # the network builds the events of these message classes only: none for the RequestVote
    assert (net._trace_send, net._trace_deliver) == (frozenset(), frozenset({RequestVoteResponse}))
    net.send("n1", "n2", PING, None)
    net.send("n2", "n1", RequestVoteResponse(1, True), 1)
    env.run()
    assert [e["msg"] for e in answers] == ["RequestVoteResponse"]


def test_every_kind_once_anybody_wants_every_kind() -> None:
    bus = EventBus()
    some: list[dict[str, Any]] = []
    every: list[dict[str, Any]] = []
    bus.subscribe(some.append, ["deliver"], messages={"RequestVoteResponse"})
    bus.subscribe(every.append, ["deliver"])
    assert bus.message_kinds(EventType.DELIVER) is None
    env = simpy.Environment()
    net = Network(env, NODES, random.Random(0), bus, latency_ms=(1.0, 1.0))
    net.endpoints = {node: _Endpoint(Harness(), node) for node in NODES}
    net.send("n1", "n2", PING, None)
    net.send("n2", "n1", RequestVoteResponse(1, True), 1)
    env.run()
    assert [e["msg"] for e in some] == ["RequestVoteResponse"]
    assert [e["msg"] for e in every] == ["RequestVote", "RequestVoteResponse"]
