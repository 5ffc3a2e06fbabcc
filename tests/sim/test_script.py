"""The scenario script (raft/sim/script.py): nodes named by role (``leader``, ``follower``, ``crashed``) are
resolved when the event fires, reproducibly for a seed, and skipped (with a ``skip`` event) when nobody fits."""

from __future__ import annotations

from typing import Any

import pytest

from raft.api import simulate
from raft.sim.simulation import Simulation
from tests.sim.simkit import scenario

Events = list[dict[str, Any]]


def run(events: list[dict[str, Any]], seed: int = 1, size: int = 5, duration_ms: float = 1500) -> Events:
    return list(simulate(scenario(size=size, duration_ms=duration_ms, events=events), seed=seed).events or ())


def of(events: Events, kind: str) -> Events:
    return [e for e in events if e["type"] == kind]


def roles_before(events: Events, event: dict[str, Any]) -> dict[str, str]:
    """Each live node's role just before ``event`` (by position in the trace, so same-time events count)."""
    roles: dict[str, str] = {}
    for earlier in events[: events.index(event)]:
        if earlier["type"] == "role":
            roles[earlier["node"]] = earlier["role"]
        elif earlier["type"] == "crash":
            roles.pop(earlier["node"], None)
    return roles


def test_a_follower_is_a_live_follower_at_that_instant() -> None:
    for seed in range(1, 9):
        events = run(
            [
                {"at_ms": 800, "crash": "follower"},
                {"at_ms": 900, "isolate": "follower"},
                {"at_ms": 1000, "timeout": "follower"},
            ],
            seed=seed,
        )
        [crash] = of(events, "crash")
        assert roles_before(events, crash)[crash["node"]] == "follower"
        [isolate] = of(events, "isolate")
        assert roles_before(events, isolate)[isolate["node"]] == "follower"
        [timeout] = [e for e in of(events, "timeout") if e["t_ms"] == 1000]
        assert roles_before(events, timeout)[timeout["node"]] == "follower"


def test_the_follower_chosen_is_the_same_for_a_seed_and_differs_between_seeds() -> None:
    def chosen(seed: int) -> tuple[str, ...]:
        events = run([{"at_ms": 600, "crash": "follower"}, {"at_ms": 700, "crash": "follower"}], seed=seed)
        return tuple(e["node"] for e in of(events, "crash"))

    assert chosen(3) == chosen(3)
    assert run([{"at_ms": 600, "crash": "follower"}], seed=3) == run(
        [{"at_ms": 600, "crash": "follower"}], seed=3
    )
    assert len({chosen(seed) for seed in range(1, 11)}) > 2


def test_follower_draws_do_not_change_the_rest_of_the_run() -> None:
    """The choice has its own random stream: the other streams (network, timers) draw what they drew before."""
    plain = run([{"at_ms": 600, "crash": "n2"}], seed=4)
    leader = next(e["node"] for e in plain if e["type"] == "role" and e["role"] == "leader")
    followers = [n for n in ("n1", "n2", "n3", "n4", "n5") if n != leader]
    by_role = run([{"at_ms": 600, "crash": "follower"}], seed=4)
    [crash] = of(by_role, "crash")
    assert crash["node"] in followers
    by_name = run([{"at_ms": 600, "crash": crash["node"]}], seed=4)
    assert by_role[1:] == by_name[1:]  # all but the meta line, which lists the scenario's events


def test_no_follower_is_skipped_and_traced() -> None:
    events = run(
        [
            {"at_ms": 500, "crash": "follower"},
            {"at_ms": 500, "cut": ["leader", "follower"]},
            {"at_ms": 500, "write": "x=1", "to": "follower"},
        ],
        size=1,
    )
    skips = [(e["action"], e["target"], e["reason"]) for e in of(events, "skip")]
    assert skips == [
        ("crash", "follower", "no live follower"),
        ("cut", "follower", "no live follower"),
        ("write", "follower", "no live follower"),
    ]
    assert not of(events, "crash") and not of(events, "cut") and not of(events, "submit")


def test_a_down_follower_is_not_chosen() -> None:
    """Three of five crashed (the leader survives): ``follower`` picks the one follower still up, every time."""
    for seed in range(1, 6):
        first = run([], seed=seed, duration_ms=500)
        leader = next(e["node"] for e in first if e["type"] == "role" and e["role"] == "leader")
        others = [n for n in ("n1", "n2", "n3", "n4", "n5") if n != leader]
        events = run(
            [{"at_ms": 400, "crash": n} for n in others[:3]] + [{"at_ms": 450, "isolate": "follower"}],
            seed=seed,
        )
        assert [e["node"] for e in of(events, "isolate")] == [others[3]]


def test_crashed_is_the_node_crashed_most_recently_and_still_down() -> None:
    events = run(
        [
            {"at_ms": 300, "crash": "n1"},
            {"at_ms": 400, "crash": "n2"},
            {"at_ms": 500, "crash": "n3"},
            {"at_ms": 600, "restart": "n3"},
            {"at_ms": 700, "restart": "crashed"},
            {"at_ms": 800, "restart": "crashed"},
            {"at_ms": 900, "restart": "crashed"},
        ]
    )
    assert [(e["t_ms"], e["node"]) for e in of(events, "restart")] == [(600, "n3"), (700, "n2"), (800, "n1")]
    assert [(e["t_ms"], e["target"], e["reason"]) for e in of(events, "skip")] == [
        (900, "crashed", "no crashed node")
    ]


def test_crashed_follows_a_crash_by_role() -> None:
    events = run([{"at_ms": 600, "crash": "leader"}, {"at_ms": 700, "restart": "crashed"}], seed=2)
    [crash], [restart] = of(events, "crash"), of(events, "restart")
    assert restart["node"] == crash["node"]


def test_cut_from_the_leader_to_a_follower() -> None:
    for seed in range(1, 6):
        events = run(
            [{"at_ms": 700, "cut": ["leader", "follower"]}, {"at_ms": 800, "cut": ["follower", "leader"]}],
            seed=seed,
        )
        for cut in of(events, "cut"):
            roles = roles_before(events, cut)
            leader_end, follower_end = (
                (cut["from"], cut["to"]) if cut["t_ms"] == 700 else (cut["to"], cut["from"])
            )
            assert (roles[leader_end], roles[follower_end]) == ("leader", "follower")


def test_a_follower_in_a_cut_is_never_the_other_end() -> None:
    """n1 leads, n4 and n5 are down: the followers are n2 and n3, and a cut from n2 can only go to n3."""
    for seed in range(1, 11):
        events = run(
            [
                {"at_ms": 0, "timeout": "n1"},
                {"at_ms": 300, "crash": "n4"},
                {"at_ms": 300, "crash": "n5"},
                {"at_ms": 400, "cut": ["n2", "follower"]},
            ],
            seed=seed,
        )
        assert [(e["from"], e["to"]) for e in of(events, "cut")] == [("n2", "n3")]


def test_a_cut_from_the_leader_to_itself_is_skipped() -> None:
    events = run([{"at_ms": 0, "timeout": "n1"}, {"at_ms": 400, "cut": ["leader", "n1"]}])
    assert not of(events, "cut")
    assert [(e["action"], e["target"], e["reason"]) for e in of(events, "skip")] == [
        ("cut", "leader", "leader is n1, the other end of the cut")
    ]


def test_a_write_to_a_follower_goes_to_a_live_follower(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[str, str | None, dict[str, str]]] = []
    original = Simulation.scripted_write

    def spy(self: Simulation, op: str, to: str | None) -> None:
        roles = {n: s.node.role.value for n, s in self.servers.items() if s.node is not None}
        sent.append((op, to, roles))
        original(self, op, to)

    monkeypatch.setattr(Simulation, "scripted_write", spy)
    run(
        [
            {"at_ms": 600, "write": "x=1", "to": "follower"},
            {"at_ms": 700, "write": "y=2", "to": "leader"},
            {"at_ms": 800, "write": "z=3"},
        ]
    )
    (op1, to1, roles1), (op2, to2, roles2), (op3, to3, _) = sent
    assert (op1, roles1[to1 or ""]) == ("x=1", "follower")
    assert (op2, roles2[to2 or ""]) == ("y=2", "leader")
    assert (op3, to3) == ("z=3", None)


@pytest.mark.parametrize("seed", range(1, 11))
def test_timeout_at_zero_makes_that_node_the_first_leader(seed: int) -> None:
    """The README's recipe for choosing the first leader: ``{at_ms: 0, timeout: n3}``."""
    events = run([{"at_ms": 0, "timeout": "n3"}], seed=seed, duration_ms=500)
    leaders = [(e["node"], e["term"]) for e in of(events, "role") if e["role"] == "leader"]
    assert leaders[0] == ("n3", 1)


def test_partial_heals_restore_exactly_the_named_links_in_the_running_network() -> None:
    events = run(
        [
            {"at_ms": 0, "timeout": "n3"},
            {"at_ms": 300, "partition": [["n1", "n2"], ["n3", "n4", "n5"]]},
            {"at_ms": 400, "heal": ["n2", "n3"]},
            {"at_ms": 500, "heal": "n5"},
        ],
        duration_ms=1000,
    )
    heals = [{k: v for k, v in e.items() if k != "t_ms"} for e in of(events, "heal")]
    assert heals == [{"type": "heal", "link": ["n2", "n3"]}, {"type": "heal", "node": "n5"}]

    def fate(a: str, b: str, start: float, stop: float) -> set[bool]:
        """For the messages between a and b (either way) arriving in (start, stop): delivered or not."""
        return {
            e["type"] == "deliver"
            for e in events
            if e["type"] in ("deliver", "drop")
            and {e["from"], e["to"]} == {a, b}
            and start < e["t_ms"] < stop
        }

    assert fate("n2", "n3", 320, 400) == {False}  # the leader's heartbeats to n2, cut by the partition
    assert fate("n2", "n3", 420, 1000) == {True}  # that link healed
    assert fate("n1", "n3", 320, 1000) == {False}  # ... and no other across the split
    assert fate("n1", "n4", 320, 1000) == {False}
    assert True not in fate("n1", "n5", 320, 500)
    assert fate("n1", "n5", 520, 1000) == {True}  # every link of n5 healed


class _RecordingWorld:
    """A :class:`raft.sim.script.World` that is not a simulation: it records the actions the script asks for."""

    def __init__(self) -> None:
        import simpy

        from raft.sim.events import EventBus

        self.env = simpy.Environment()
        self.bus = EventBus()
        self.calls: list[tuple[Any, ...]] = []

    def live_leader(self) -> str | None:
        return "n2"

    def live_followers(self) -> list[str]:
        return ["n1", "n3"]

    def last_crashed(self) -> str | None:
        return None

    def skip(self, action: str, target: str, reason: str) -> None:
        self.calls.append((self.env.now, "skip", action, target, reason))

    def crash(self, node: str) -> None:
        self.calls.append((self.env.now, "crash", node))

    def restart(self, node: str) -> None:
        self.calls.append((self.env.now, "restart", node))

    def force_timeout(self, node: str) -> None:
        self.calls.append((self.env.now, "timeout", node))

    def partition(self, groups: tuple[tuple[str, ...], ...]) -> None:
        self.calls.append((self.env.now, "partition", groups))

    def heal(self, node: str | None = None, link: tuple[str, str] | None = None) -> None:
        self.calls.append((self.env.now, "heal", node, link))

    def isolate(self, node: str) -> None:
        self.calls.append((self.env.now, "isolate", node))

    def cut(self, src: str, dst: str) -> None:
        self.calls.append((self.env.now, "cut", src, dst))

    def scripted_write(self, op: str, to: str | None) -> None:
        self.calls.append((self.env.now, "write", op, to))


def test_the_script_drives_any_world_through_its_protocol() -> None:
    import random

    from raft.sim.script import Script

    events = scenario(
        size=3,
        duration_ms=100,
        events=[
            {"at_ms": 30, "restart": "crashed"},
            {"at_ms": 10, "crash": "leader"},
            {"at_ms": 20, "partition": [["n1"], ["n2", "n3"]]},
            {"at_ms": 40, "cut": ["leader", "n1"]},
        ],
    ).events
    world = _RecordingWorld()
    Script(world, events, random.Random(1))
    world.env.run(until=100)
    assert world.calls == [
        (10, "crash", "n2"),
        (20, "partition", (("n1",), ("n2", "n3"))),
        (30, "skip", "restart", "crashed", "no crashed node"),
        (40, "cut", "n2", "n1"),
    ]


# ------------------------------------------------------------ leadership transfer (thesis §3.10)

LEADS_N1 = {"at_ms": 0, "timeout": "n1"}


def test_transfer_to_a_named_node_completes_and_is_traced() -> None:
    events = run([LEADS_N1, {"at_ms": 500, "transfer": "n3"}], size=3)
    [start] = of(events, "transfer")
    assert {k: start[k] for k in ("t_ms", "node", "from", "term")} == {
        "t_ms": 500,
        "node": "n3",
        "from": "n1",
        "term": 1,
    }
    [done] = of(events, "transfer_done")
    assert (done["node"], done["from"], done["term"], done["elected_term"]) == ("n3", "n1", 1, 2)
    assert done["took_ms"] == pytest.approx(done["t_ms"] - 500, abs=1e-3) and done["took_ms"] < 50
    assert [(e["node"], e["term"]) for e in of(events, "role") if e["role"] == "leader"] == [
        ("n1", 1),
        ("n3", 2),
    ]
    timeout_now = [e for e in of(events, "send") if e["msg"] == "TimeoutNow"]
    assert timeout_now and all((e["from"], e["to"]) == ("n1", "n3") for e in timeout_now)


def test_transfer_to_follower_picks_a_live_follower() -> None:
    events = run([LEADS_N1, {"at_ms": 500, "transfer": "follower"}], size=5)
    [start] = of(events, "transfer")
    assert start["node"] != "n1"
    assert of(events, "transfer_done")[0]["node"] == start["node"]


def test_transfer_to_a_down_node_times_out_and_the_leader_takes_writes_again() -> None:
    events = run(
        [
            LEADS_N1,
            {"at_ms": 400, "crash": "n3"},
            {"at_ms": 500, "transfer": "n3"},
            {"at_ms": 700, "write": "x=1"},
        ],
        size=3,
    )
    [abort] = of(events, "transfer_abort")
    assert (abort["node"], abort["from"], abort["reason"]) == ("n3", "n1", "timed out")
    assert abort["t_ms"] == pytest.approx(650.0)  # an election timeout: the low end of [150, 300]
    assert of(events, "transfer_done") == []
    [ack] = [e for e in of(events, "ack") if e["command"] == "x=1"]
    assert ack["t_ms"] > abort["t_ms"]
    assert [e["node"] for e in of(events, "role") if e["role"] == "leader"] == ["n1"]


def test_transfer_aborts_when_the_leader_crashes() -> None:
    events = run(
        [
            LEADS_N1,
            {"at_ms": 400, "crash": "n3"},
            {"at_ms": 500, "transfer": "n3"},
            {"at_ms": 520, "crash": "n1"},
        ],
        size=3,
    )
    assert [(e["node"], e["reason"]) for e in of(events, "transfer_abort")] == [("n3", "leader crashed")]


@pytest.mark.parametrize(
    ("events", "reason"),
    [
        (
            [{"at_ms": 0, "crash": "n1"}, {"at_ms": 0, "crash": "n2"}, {"at_ms": 100, "transfer": "n3"}],
            "no live leader",
        ),
        ([LEADS_N1, {"at_ms": 500, "transfer": "n1"}], "n1 is the leader"),
    ],
)
def test_transfer_without_a_leader_or_to_the_leader_is_skipped(events: Events, reason: str) -> None:
    traced = run(events, size=3)
    assert [(e["action"], e["reason"]) for e in of(traced, "skip")] == [("transfer", reason)]
    assert of(traced, "transfer") == []


def test_clients_wait_for_the_transfer_and_follow_it() -> None:
    """A write refused while n1 hands over is retried at n3 and acknowledged by it soon after the transfer."""
    events = list(
        simulate(
            scenario(
                size=3,
                duration_ms=1500,
                events=[LEADS_N1, {"at_ms": 500, "transfer": "n3"}],
                workload={"clients": 1, "writes_per_s": 200},
            ),
            seed=3,
        ).events
        or ()
    )
    [done] = of(events, "transfer_done")
    late = [e for e in of(events, "submit") if 500 <= e["t_ms"] <= done["t_ms"]]
    assert late
    acks = {e["seq"]: e for e in of(events, "ack")}
    for submit in late:
        assert acks[submit["seq"]]["t_ms"] < done["t_ms"] + 100


def test_transfer_with_pre_vote_and_check_quorum_is_a_marked_campaign_the_voters_grant() -> None:
    """Thesis §3.10 with §9.6 and §4.2.3, as etcd: the target skips PreVote, its RequestVotes carry
    ``transfer``, and the followers (which all heard from the leader just now) grant them; no property breaks."""
    sc = scenario(
        size=5,
        duration_ms=1500,
        events=[LEADS_N1, {"at_ms": 500, "transfer": "n3"}],
        cluster={"pre_vote": True, "check_quorum": True},
    )
    result = simulate(sc, seed=1)
    events = list(result.events or ())
    [done] = of(events, "transfer_done")
    assert (done["node"], done["elected_term"]) == ("n3", 2) and done["took_ms"] < 50
    after = [e for e in events if e["t_ms"] >= 500]
    assert not [e for e in of(after, "send") if e["msg"] == "PreVote"]
    requests = [e for e in of(after, "send") if e["msg"] == "RequestVote"]
    assert requests and all(e["from"] == "n3" and e.get("transfer") is True for e in requests)
    votes = [e for e in of(after, "vote") if e["candidate"] == "n3"]
    assert votes and all(e["granted"] for e in votes)
    assert result.summary["safety_violations"] == []
    # without a transfer, paper traces carry no flag at all
    assert all("transfer" not in e for e in of(run([LEADS_N1], size=3), "send"))
