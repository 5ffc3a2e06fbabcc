"""From a seed, a scenario to fuzz: a cluster, a swarm of fault types, a workload, a fault phase, a quiet phase.

Swarm testing: each seed enables a random subset of the requested fault types (with random rates), so that a
fault that masks another (say, drops that stop any election) is often absent. The run has a *fault phase*, whose
faults are explicit scripted events (crash, restart, partition or isolation, one-way cut, heal, forced
election timeouts, and leader churn: leaders that take a write, replicate it to a minority and crash) so that
they can be shrunk and replayed, and network rates (drop, delay, duplicate, reorder) that hold for the whole
run; then a *quiet phase* from ``quiet_ms``: everything healed and every server restarted, clients submitting
nothing new (they still retry what is outstanding). The generated scenario carries the liveness bound as an
expectation (``max_leaderless_ms_after: [quiet_ms, LEADER_BOUND_MS]``), so a replay of it shows a liveness
failure as well as a safety one.

The generator also varies ``cluster.leader_noop``, ``cluster.max_entries_per_append`` and the storage delay:
without them, the Figure 8 hazard can hardly arise; and it switches the thesis's ``cluster.pre_vote`` and
``cluster.check_quorum`` on, each for half the seeds (always, when a bug switched on needs one), and draws
``cluster.read_mode`` (log, read_index or lease, a third of the seeds each; lease switches CheckQuorum on, which
it needs) so that the workload's reads go every way (thesis §6.4). A bug of reads sets its read mode, and
the reads that show it. Half the seeds compact their logs (``storage.snapshot_every`` of 2 to 50 entries,
``storage.snapshot_write_ms`` of 0 to 20 ms; always, when a bug switched on needs snapshots), so that followers
that fall behind catch up by InstallSnapshot. It draws
``cluster.profile: etcd`` (both switched on, etcd's tick timers and initial election tick advance) for 30 % of
the seeds, with etcd's ten-tick election timeout on the fuzzer's time scale (:data:`ETCD_PROFILE`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from raft.batch.grid import parse_int_ranges
from raft.core.bugs import BUG_NEEDS, BUG_NEEDS_SNAPSHOTS, BUG_READ_MODE, Bug
from raft.core.reads import ReadMode
from raft.errors import RaftSimError

#: Fault types, in the order ``--faults`` lists them. The first five are scripted events, then network rates,
#: then leadership transfers (scripted events drawn from a stream of their own: see :func:`_transfer_events`).
FAULT_TYPES: tuple[str, ...] = (
    "crash",
    "restart",
    "partition",
    "one-way",
    "leader-churn",
    "drop",
    "delay",
    "duplicate",
    "reorder",
    "transfer",
    "membership",
)
#: The fault types drawn from their own random streams, so that adding them left every other draw of a seed as
#: it was.
TRANSFER = "transfer"
MEMBERSHIP = "membership"
OWN_STREAMS = frozenset({TRANSFER, MEMBERSHIP})
#: How many spare servers a seed with membership changes declares (``cluster.spares``).
SPARES = 2
EVENT_FAULTS = frozenset({"crash", "restart", "partition", "one-way", "leader-churn"})
#: How long the quiet phase lasts, and the bound on any period without a leader in it (ms).
QUIET_MS = 3000.0
LEADER_BOUND_MS = 2000.0
#: Cluster sizes the fuzzer accepts.
MAX_SIZE = 11


@dataclass(frozen=True, slots=True)
class FuzzConfig:
    """What the fuzzer may draw from: cluster sizes, fault types, and the bugs switched on in every run."""

    sizes: tuple[int, ...] = (3, 5, 7)
    faults: tuple[str, ...] = FAULT_TYPES
    bugs: tuple[str, ...] = ()


def parse_sizes(text: str) -> tuple[int, ...]:
    """``"3,5,7"`` or ``"3-5"`` -> ``(3, 5, 7)``, ``(3, 4, 5)``; :class:`RaftSimError` on anything else."""
    return parse_int_ranges(text, "--sizes", low=1, high=MAX_SIZE)


def parse_faults(text: str) -> tuple[str, ...]:
    """``"crash,drop"`` -> ``("crash", "drop")``; :class:`RaftSimError` naming an unknown fault type."""
    faults = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    for fault in faults:
        if fault not in FAULT_TYPES:
            raise RaftSimError(
                f"--faults: unknown fault type {fault!r} (expected some of: {', '.join(FAULT_TYPES)})"
            )
    if not faults:
        raise RaftSimError("--faults: expected at least one fault type")
    return faults


def _ms(value: float) -> float:
    return round(value, 1)


def _swarm(rng: random.Random, faults: Sequence[str]) -> list[str]:
    chosen = [fault for fault in faults if rng.random() < 0.5]
    return chosen or [rng.choice(list(faults))]


def _transfer_events(rng: random.Random, nodes: list[str], fault_ms: float) -> list[dict[str, Any]]:
    """Leadership transfers in the fault phase (fault type ``transfer``): one to four, each to a named node
    or to ``follower``, at random times; in time order. A transfer to the leader itself, or with no leader, is
    skipped when it fires."""
    if len(nodes) < 2:
        return []
    events: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 4)):
        t = _ms(rng.uniform(50.0, fault_ms - 1.0))
        target = "follower" if rng.random() < 0.3 else rng.choice(nodes)
        events.append({"at_ms": t, "transfer": target})
    events.sort(key=lambda event: event["at_ms"])
    return events


def _membership_events(
    rng: random.Random, nodes: list[str], spares: list[str], fault_ms: float, max_delay_ms: float
) -> tuple[list[dict[str, Any]], tuple[float, float] | None]:
    """Membership changes in the fault phase (fault type ``membership``), in time order, and the window a
    pattern occupies (``None``: no pattern): one to five single
    changes at random times (add a spare as a learner, promote, remove a node or the leader, a joint change), and
    with luck one of two patterns that put two configurations whose majorities need not overlap in use at once:
    :func:`_promotion_race` (two promotions in flight, bug ``concurrent-changes``) and :func:`_stale_base_change`
    (a new leader's change on top of an uncommitted one, bug ``change-before-own-term-commit``). A change the
    leader refuses, or with no leader, is skipped when it fires. The other scripted faults are kept out of a
    pattern's window (see :func:`generate`), which would otherwise rarely play out."""
    timed: list[tuple[float, dict[str, Any]]] = []
    window: tuple[float, float] | None = None

    def at(t: float, **action: Any) -> None:
        t = _ms(min(max(t, 50.0), fault_ms - 1.0))
        timed.append((t, {"at_ms": t, **action}))

    pattern = rng.random()
    if len(nodes) >= 3 and pattern < 0.7:
        start = 50.0  # before any election timer fires: A's forced campaign makes it the first leader
        draw = _promotion_race if pattern < 0.35 else _stale_base_change
        actions = draw(rng, nodes, spares, max_delay_ms)
        for offset, action in actions:
            at(start + offset, **action)
        window = (start, max(t for t, _ in timed) + 1000.0)
    for _ in range(rng.randint(1, 5)):
        t = rng.uniform(50.0, fault_ms - 1.0)
        kind = rng.choice(["add", "add", "promote", "remove", "change"])
        if kind == "add":
            spare = rng.choice(spares)
            at(t, add=spare)
            if rng.random() < 0.7:
                at(t + rng.uniform(2.0, 20.0) * max_delay_ms, promote=spare)
        elif kind == "promote":
            at(t, promote=rng.choice(spares))
        elif kind == "remove":
            at(t, remove="leader" if rng.random() < 0.3 else rng.choice(nodes + spares))
        else:
            added = rng.sample(spares, rng.randint(0, len(spares)))
            removed = rng.sample(nodes, rng.randint(0 if added else 1, max(1, len(nodes) // 2)))
            at(t, change={"add": sorted(added), "remove": sorted(removed)})
    timed.sort(key=lambda pair: pair[0])
    return [event for _, event in timed], window


def _make_leader(node: str, rtt: float) -> list[tuple[float, dict[str, Any]]]:
    """``node`` campaigns (which makes it leader when nobody leads yet) and, a few round trips later, the live
    leader hands it leadership (with membership changes in use, servers that hear from a leader ignore a forced
    campaign: leader stickiness, thesis §4.2.3)."""
    return [(0.0, {"timeout": node}), (3.0 * rtt, {"transfer": node})]


def _promotion_race(
    rng: random.Random, nodes: list[str], spares: list[str], max_delay_ms: float
) -> list[tuple[float, dict[str, Any]]]:
    """Two promotions in flight, as (offset in ms, action) pairs: server A leads and adds both spares as learners;
    the old voters are split so that a majority of them (side B) is cut off from A, the spares and the rest (side
    A, a majority of the configuration with both spares); A promotes one spare and soon the other, then crashes
    and restarts. With the rule of one change at a time the second promotion waits for the first to commit,
    which side B prevents; without it, each side may elect a leader of the same term."""
    rtt = 2.0 * max_delay_ms
    a = rng.choice(nodes)
    others = [node for node in nodes if node != a]
    rng.shuffle(others)
    side_b = sorted(others[: len(nodes) // 2 + 1])
    side_a = sorted([a, *others[len(nodes) // 2 + 1 :], *spares])
    actions = _make_leader(a, rtt)
    t = actions[-1][0] + rng.uniform(2.0, 4.0) * rtt
    for spare in spares:
        actions.append((t, {"add": spare}))
        t += rng.uniform(2.0, 4.0) * rtt
    actions.append((t, {"partition": [side_a, side_b]}))
    t += rng.uniform(0.5, 2.0) * rtt
    actions.append((t, {"promote": spares[0]}))
    t += rng.uniform(0.1, 2.0) * rtt
    actions.append((t, {"promote": spares[1]}))
    t += rng.uniform(0.2, 2.0) * rtt
    actions.append((t, {"crash": a}))
    actions.append((t + 0.1, {"restart": a}))
    return actions


def _stale_base_change(
    rng: random.Random, nodes: list[str], spares: list[str], max_delay_ms: float
) -> list[tuple[float, dict[str, Any]]]:
    """The shape of Ongaro's 2015 counterexample, as (offset in ms, action) pairs. Server A leads, adds and promotes the first spare
    (so the voters C0 are one more than the cluster), and adds the second. A and the second spare are cut off; A
    promotes it (C1, uncommitted, on A and the spare only). B, on the other side, is made to campaign once the
    others have not heard from A for a minimum election timeout; soon after, its side is split so that B keeps a
    majority of C0 without A (C2), and the live leader (B, with luck) is asked to remove A. A new leader that commits an entry of its
    own term first cannot change the configuration here; one that does not commits C2 with B's side only. B's
    side then stops and the rest heals: A's side may elect a leader of C1 that lacks the committed C2."""
    rtt = 2.0 * max_delay_ms
    a, b = rng.sample(nodes, 2)
    first, second = spares
    rest = [node for node in [*nodes, first] if node not in (a, b)]
    rng.shuffle(rest)
    keep = len(nodes) // 2  # B and these commit C2 = C0 without A (n voters)
    side_b = sorted([b, *rest[:keep]])
    stragglers = sorted(rest[keep:])
    actions = _make_leader(a, rtt)
    t = actions[-1][0] + rng.uniform(2.0, 4.0) * rtt
    for action in ({"add": first}, {"promote": first}, {"add": second}):
        actions.append((t, action))
        t += rng.uniform(2.0, 4.0) * rtt
    actions.append((t, {"partition": [sorted([a, second]), sorted([b, *rest])]}))
    t += rng.uniform(0.2, 1.0) * rtt
    actions.append((t, {"promote": second}))
    t += rng.uniform(150.0, 170.0)  # once the others have not heard from A for a minimum election timeout
    actions.append((t, {"timeout": b}))
    t += (
        rng.uniform(1.2, 2.5) * rtt
    )  # B leads by now, with luck (and its no-op, if any, reached the stragglers)
    actions.append((t, {"partition": [sorted([a, second]), side_b, stragglers]}))
    actions.append((t + 0.1, {"remove": a}))
    t += rng.uniform(2.0, 5.0) * rtt
    actions += [(t, {"crash": node}) for node in side_b]
    actions.append((t + 0.1, {"heal": True}))
    return actions


def _fault_events(
    rng: random.Random,
    nodes: list[str],
    enabled: list[str],
    fault_ms: float,
    latency: tuple[float, float],
    max_delay_ms: float,
) -> list[dict[str, Any]]:
    """The fault phase as scripted events, in time order.

    Besides single faults it draws the patterns that expose the subtle bugs: a crash soon followed by a restart
    of the same server (a vote cast before the crash must survive it), the leader cut off (a stale leader goes
    on appending), forced election timeouts, a *vote race*: two servers time out together and a third restarts
    between their requests for its vote, and *leader churn* (fault type ``leader-churn``, up to 3 rounds of
    :func:`_leader_churn`): leaders that crash after replicating a write to a minority, the history of Figure 8.
    """
    kinds = [kind for kind in enabled if kind in EVENT_FAULTS]
    if not kinds:
        return []
    if "partition" in kinds or "one-way" in kinds:
        kinds.append("heal")
    if "crash" in kinds and "restart" in kinds:
        kinds += ["bounce", "vote-race"]
    kinds.append("timeout")
    timed: list[tuple[float, dict[str, Any]]] = []

    def at(t: float, **action: Any) -> None:
        t = _ms(min(max(t, 50.0), fault_ms - 1.0))
        timed.append((t, {"at_ms": t, **action}))

    if "leader-churn" in kinds:
        kinds.remove("leader-churn")
        start = rng.uniform(50.0, fault_ms / 3)
        for _ in range(rng.randint(1, 3) if len(nodes) > 2 else 0):
            actions = _leader_churn(rng, nodes, max_delay_ms)
            if start + actions[-1][0] > fault_ms - 1.0:
                break
            for offset, action in actions:
                at(start + offset, **action)
            start += actions[-1][0] + rng.uniform(100.0, 600.0)

    for _ in range(rng.randint(1, 14)):
        t = rng.uniform(50.0, fault_ms - 1.0)
        kind = rng.choice(kinds)
        if kind == "crash":
            at(t, crash="leader" if rng.random() < 0.5 else rng.choice(nodes))
        elif kind == "restart":
            at(t, restart=rng.choice(nodes))
        elif kind == "bounce":
            node = rng.choice(nodes)
            at(t, crash=node)
            at(t + rng.uniform(1.0, 300.0), restart=node)
        elif kind == "vote-race" and len(nodes) > 2:
            first, second, voter = rng.sample(nodes, 3)
            at(t, timeout=first)
            at(t, timeout=second)
            at(t + rng.uniform(*latency), crash=voter)  # between the two requests' arrivals, with luck
            at(timed[-1][0] + 0.1, restart=voter)
        elif kind == "partition" and len(nodes) > 1:
            if rng.random() < 0.4:
                at(t, isolate="leader")
            else:
                shuffled = rng.sample(nodes, len(nodes))
                cut = rng.randint(1, len(nodes) - 1)
                at(t, partition=[sorted(shuffled[:cut]), sorted(shuffled[cut:])])
        elif kind == "one-way" and len(nodes) > 1:
            src, dst = rng.sample(nodes, 2)
            at(t, cut=[src, dst])
        elif kind == "timeout":
            at(t, timeout=rng.choice(nodes))
        elif kind == "heal":
            at(t, heal=True)
    timed.sort(key=lambda pair: pair[0])
    return [event for _, event in timed]


def _leader_churn(
    rng: random.Random, nodes: list[str], max_delay_ms: float
) -> list[tuple[float, dict[str, Any]]]:
    """Leader churn with partial replication, as (offset in ms, action) pairs: the history of Figure 8.

    (a) Server A is made to campaign and, once leader, takes a write that reaches only a minority (A is
    partitioned with a few followers first, or isolated a moment after the write), then crashes. (b) Server B, on the other side, is made to campaign, is cut off once leader, takes a write that no one
    else receives, and crashes. (c) All heals; A restarts and is made to campaign twice (the first attempt
    only catches up with B's term), wins, and sends its old entry to the others; a few round trips later the
    leader crashes. (d) B restarts and is made to campaign twice: its last entry is of a later term than A's old
    one, so a majority votes for it, and it overwrites that entry. Each delay is drawn in round trips, so
    whether a step lands in time varies: with ``leader_noop`` off and few client writes, the old entry is on a
    majority with no entry of A's new term when A crashes, the moment where only the rule of §5.4.2 keeps it
    uncommitted.
    """
    rtt = 2.0 * max_delay_ms
    a, b = rng.sample(nodes, 2)
    others = [node for node in nodes if node not in (a, b)]
    actions: list[tuple[float, dict[str, Any]]] = []
    t = 0.0

    def step(low: float, high: float) -> float:
        nonlocal t
        t += rng.uniform(low, high) * rtt
        return t

    # (a) A leads and takes a write that reaches a minority only
    actions.append((t, {"timeout": a}))
    step(1.5, 3.0)
    if rng.random() < 0.6:
        minority = rng.sample(others, rng.randint(0, (len(nodes) - 1) // 2 - 1))
        rest = [node for node in nodes if node != a and node not in minority]
        actions.append((t, {"partition": [sorted([a, *minority]), sorted(rest)]}))
        actions.append((t, {"write": f"churn{rng.randint(1, 9)}=a", "to": a}))
    else:
        actions.append((t, {"write": f"churn{rng.randint(1, 9)}=a", "to": a}))
        actions.append((t + rng.uniform(0.4, 0.9) * rtt, {"isolate": a}))
    step(1.0, 2.0)
    actions.append((t, {"crash": a}))
    # (b) B leads the rest, is cut off, takes a write no one else gets, and crashes
    actions.append((t, {"timeout": b}))
    step(1.5, 3.0)
    actions.append((t, {"isolate": b}))
    actions.append((t, {"write": f"churn{rng.randint(1, 9)}=b", "to": b}))
    step(1.0, 2.0)
    actions.append((t, {"crash": b}))
    # (c) A comes back, wins a later term and replicates its old entry; then the leader crashes
    actions.append((t, {"heal": True}))
    actions.append((t, {"restart": a}))
    actions.append((t, {"timeout": a}))
    step(0.8, 1.5)
    actions.append((t, {"timeout": a}))
    step(2.5, 5.0)
    actions.append((t, {"crash": "leader"}))
    # (d) B comes back and wins over the servers that hold A's old entry
    actions.append((t, {"restart": b}))
    actions.append((t, {"timeout": b}))
    step(0.8, 1.5)
    actions.append((t, {"timeout": b}))
    return actions


def _extensions(seed: int, bugs: Sequence[str]) -> dict[str, bool]:
    """The thesis's switches a seed turns on (each half the time), and those a bug switched on needs: keys only
    for switches on, drawn from a generator of their own so that the rest of the scenario is what it was."""
    rng = random.Random(f"raft-sim/fuzz/{seed}/extensions")
    on = {key: True for key in ("pre_vote", "check_quorum") if rng.random() < 0.5}
    for name in bugs:
        if Bug(name) in BUG_NEEDS:
            on[BUG_NEEDS[Bug(name)]] = True
    return on


#: The etcd profile as the fuzzer draws it: etcd's tick structure (HeartbeatTick 1, ElectionTick 10, timeouts
#: of 10 to 19 ticks) on the fuzzer's time scale (ticks of 20 ms rather than 100 ms), so that the fault phase
#: sees elections and the quiet phase's liveness bound holds as for paper Raft.
ETCD_PROFILE: dict[str, Any] = {"profile": "etcd", "heartbeat_ms": 20, "election_timeout_ms": [200, 400]}


def _profile(seed: int) -> dict[str, Any]:
    """The cluster keys of the profile a seed draws: the etcd profile for 30 % of the seeds (a quarter of those
    without the initial election tick advance), else none (paper Raft); from a generator of its own, so that the
    rest of the scenario is what it was."""
    rng = random.Random(f"raft-sim/fuzz/{seed}/profile")
    if rng.random() >= 0.3:
        return {}
    keys = dict(ETCD_PROFILE)
    if rng.random() < 0.25:
        keys["initial_election_tick_advance"] = False
    return keys


#: The compaction thresholds (``storage.snapshot_every``) and snapshot write times the fuzzer draws from.
SNAPSHOT_EVERY: tuple[int, ...] = (2, 3, 5, 8, 16, 50)
SNAPSHOT_WRITE_MS: tuple[float, ...] = (0.0, 1.0, 5.0, 20.0)


def _compaction(seed: int, bugs: Sequence[str]) -> dict[str, float]:
    """Log compaction for half the seeds (always when a bug switched on needs snapshots): the storage keys to
    add, drawn from a generator of their own so that the rest of the scenario is what it was."""
    rng = random.Random(f"raft-sim/fuzz/{seed}/compaction")
    on = rng.random() < 0.5
    every, write_ms = rng.choice(SNAPSHOT_EVERY), rng.choice(SNAPSHOT_WRITE_MS)
    if not (on or any(Bug(name) in BUG_NEEDS_SNAPSHOTS for name in bugs)):
        return {}
    return {"snapshot_every": every, "snapshot_write_ms": write_ms}


def _read_mode(seed: int, bugs: Sequence[str]) -> ReadMode:
    """How a seed's reads are answered: each mode for a third of the seeds, or the mode a bug switched on
    needs; drawn from a generator of its own, so that the rest of the scenario is what it was."""
    for name in bugs:
        needed = BUG_READ_MODE.get(Bug(name))
        if needed is not None:
            return needed
    return random.Random(f"raft-sim/fuzz/{seed}/reads").choice(tuple(ReadMode))


#: The read rate of a seed whose bug needs reads but drew none.
BUG_READS_PER_S = 20.0


def generate(seed: int, config: FuzzConfig = FuzzConfig()) -> dict[str, Any]:
    """The scenario of fuzz seed ``seed``, as a scenario mapping (the YAML form ``parse_scenario`` reads).

    The same seed and configuration always give the same mapping, in any process.
    """
    rng = random.Random(f"raft-sim/fuzz/{seed}")
    size = rng.choice(config.sizes)
    nodes = [f"n{i}" for i in range(1, size + 1)]
    # Transfers are drawn from a stream of their own (``raft-sim/fuzz/SEED/transfer``): the draws of the other
    # fault types, and so a seed's scenario without transfers, are what they were before transfers existed.
    others = [fault for fault in config.faults if fault not in OWN_STREAMS]
    enabled = _swarm(rng, others) if others else []
    transfer_rng = random.Random(f"raft-sim/fuzz/{seed}/transfer")
    if TRANSFER in config.faults and (not others or transfer_rng.random() < 0.5):
        enabled.append(TRANSFER)
    fault_ms = _ms(rng.uniform(1500.0, 4000.0))
    network: dict[str, Any] = {"latency_ms": [5, 10]}
    if "delay" in enabled:
        network["latency_ms"] = [1, _ms(rng.uniform(15.0, 40.0))]
    if "drop" in enabled:
        network["drop_rate"] = round(rng.uniform(0.01, 0.15), 3)
    if "duplicate" in enabled:
        network["duplicate_rate"] = round(rng.uniform(0.05, 0.3), 3)
    if "reorder" in enabled:
        network["reorder_ms"] = _ms(rng.uniform(10.0, 100.0))
    cluster: dict[str, Any] = {
        "size": size,
        "election_timeout_ms": [150, 300],
        "heartbeat_ms": 50,
        "leader_noop": rng.random() < 0.5,
        "max_entries_per_append": rng.choice([1, 2, 4, 64]),
    }
    cluster.update(_extensions(seed, config.bugs))
    read_mode = _read_mode(seed, config.bugs)
    if read_mode is not ReadMode.LOG:  # a seed that reads through the log keeps the scenario it always had
        cluster["read_mode"] = read_mode.value
        if Bug.LEASE_WITHOUT_CHECK_QUORUM.value in config.bugs:
            cluster.pop("check_quorum", None)  # the bug is lease reads without it
        elif read_mode is ReadMode.LEASE:
            cluster["check_quorum"] = True
    cluster.update(_profile(seed))
    if Bug.LEASE_WITHOUT_CHECK_QUORUM.value in config.bugs and "profile" in cluster:
        cluster["check_quorum"] = (
            False  # the bug is lease reads without it, which the etcd profile switches on
        )
    if config.bugs:
        cluster["bugs"] = list(config.bugs)
    workload: dict[str, Any] = {
        "clients": rng.randint(1, 3),
        "writes_per_s": round(math.exp(rng.uniform(0.0, math.log(40.0))), 1),
        "reads_per_s": round(rng.uniform(5.0, 30.0), 1) if rng.random() < 0.7 else 0,
        "stop_ms": fault_ms,
        "timeout_ms": 300,
        "max_backoff_ms": 1000,
    }
    if any(Bug(name) in BUG_READ_MODE for name in config.bugs) and not workload["reads_per_s"]:
        workload["reads_per_s"] = BUG_READS_PER_S
    low, high = network["latency_ms"]
    max_delay = float(high) + network.get("reorder_ms", 0.0) / 2  # a typical late message, for timing
    events = _fault_events(rng, nodes, enabled, fault_ms, (float(low), float(high)), max_delay)
    if TRANSFER in enabled:
        events += _transfer_events(transfer_rng, nodes, fault_ms)
        events.sort(key=lambda event: event["at_ms"])  # stable: events at one time keep their order
    # Membership changes, from a stream of their own too (``raft-sim/fuzz/SEED/membership``).
    membership_rng = random.Random(f"raft-sim/fuzz/{seed}/membership")
    spares: list[str] = []
    if MEMBERSHIP in config.faults and (len(config.faults) == 1 or membership_rng.random() < 0.5):
        enabled.append(MEMBERSHIP)
        spares = [f"n{i}" for i in range(size + 1, size + 1 + SPARES)]
        cluster["spares"] = SPARES
        changes, window = _membership_events(membership_rng, nodes, spares, fault_ms, max_delay)
        if window is not None:  # the pattern plays out undisturbed by the other scripted faults
            events = [event for event in events if not window[0] <= event["at_ms"] <= window[1]]
        events += changes
        events.sort(key=lambda event: event["at_ms"])
    events.append({"at_ms": fault_ms, "heal": True})
    events += [{"at_ms": fault_ms, "restart": node} for node in nodes + spares]
    return {
        "name": f"fuzz-{seed}",
        "description": f"raft-sim fuzz seed {seed}: faults {', '.join(enabled)}; quiet from {fault_ms:g} ms",
        "seed": seed,
        "duration_ms": _ms(fault_ms + QUIET_MS),
        "cluster": cluster,
        "network": network,
        "storage": {"write_ms": rng.choice([0, 0, 1, 3]), **_compaction(seed, config.bugs)},
        "workload": workload,
        "events": events,
        "expect": [{"max_leaderless_ms_after": [fault_ms, LEADER_BOUND_MS]}],
    }


def quiet_ms(scenario: dict[str, Any]) -> float:
    """When the quiet phase of a generated scenario starts."""
    return float(scenario["expect"][0]["max_leaderless_ms_after"][0])


def is_quiet_event(event: dict[str, Any], quiet_at: float) -> bool:
    """Whether ``event`` belongs to the quiet phase (heal and restarts at its start): never shrunk away."""
    return event["at_ms"] == quiet_at and ("heal" in event or "restart" in event)
