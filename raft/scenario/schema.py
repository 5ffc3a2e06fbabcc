"""The typed, frozen model of a validated scenario, and every rule a scenario must obey.

This module owns the cluster, network, storage and workload settings (each field, its default and its limits)
and :class:`Scenario`, which ties them to the events (:mod:`raft.scenario.events`) and expectations
(:mod:`raft.scenario.expectations`) and checks what needs all of them: known nodes, times inside the run.
It validates the *model form*; the loader (:mod:`raft.scenario.loader`) translates the shorter YAML form
(``{at_ms: 1000, crash: leader}``, ``{max_leaderless_ms: 900}``) into it. A :class:`Scenario` that exists is
valid: every node it names exists, every time lies inside the run, and partition groups cover all nodes.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import Field, Strict, ValidationInfo, field_validator, model_validator

from raft.core.bugs import BUG_READ_MODE, Bug
from raft.core.reads import ReadMode
from raft.scenario.base import (
    MAX_NODES,
    NODE_NAME,
    ROLE_WORDS,
    Frozen,
    Names,
    Pair,
    as_pair,
    check_range,
    fill_in,
    known_profile,
    unknown_node,
)
from raft.scenario.delays import Delay, Duration
from raft.scenario.events import Action, Event, roles_for
from raft.scenario.expectations import WINDOW_CHECKS, Expectation
from raft.scenario.suggest import fmt_number, problem, show, unknown
from raft.scenario.timing import TimingConfig, apply_profile

#: Switchable bugs a scenario may turn on in ``cluster.bugs``: the names of :class:`raft.core.bugs.Bug`.
KNOWN_BUGS: tuple[str, ...] = tuple(bug.value for bug in Bug)
#: How reads may be answered (``cluster.read_mode``): the values of :class:`raft.core.reads.ReadMode`.
READ_MODES: tuple[str, ...] = tuple(mode.value for mode in ReadMode)

#: ``cluster.profile``: the settings each profile gives the keys a scenario leaves out (a key given explicitly
#: wins). ``paper`` is the paper's Raft (every key at its default); ``etcd`` is what etcd ships with, the Raft
#: under every Kubernetes control plane (where each value comes from: docs/etcd-profile.md).
PROFILES: dict[str, dict[str, Any]] = {
    "paper": {},
    "etcd": {
        "pre_vote": True,  # --pre-vote, on by default since etcd 3.5
        "check_quorum": True,  # etcdserver's raft.Config{CheckQuorum: true}
        "heartbeat_ms": 100.0,  # --heartbeat-interval
        "election_timeout_ms": (1000.0, 2000.0),  # --election-timeout, randomized up to twice that
        "timers": "ticks",  # one Tick() per heartbeat interval
        "initial_election_tick_advance": True,  # --initial-election-tick-advance
        "read_mode": "read_index",  # etcd's default linearizable reads (raft.ReadOnlySafe)
    },
}
#: ``cluster.timers``: the paper's (a deadline on a continuous clock) or etcd's (whole ticks of heartbeat_ms).
TIMERS: tuple[str, ...] = ("continuous", "ticks")


class InitialState(Frozen):
    """A node's persistent state at the start of the run (term, vote, and the term of each log entry)."""

    term: int = Field(default=0, ge=0)
    voted_for: str | None = None
    log: Annotated[tuple[int, ...], Strict(False)] = ()

    @model_validator(mode="after")
    def _log_terms(self) -> InitialState:
        previous = 1
        for position, term in enumerate(self.log):
            index = position + 1  # Raft logs start at index 1
            if term < 1:
                raise problem(f"term {term} at index {index}: entry terms start at 1", "log", position)
            if term < previous:
                raise problem(
                    f"term {term} at index {index} is lower than term {previous} before it "
                    "(terms never decrease along a log)",
                    "log",
                    position,
                )
            if term > self.term:
                raise problem(
                    f"term {term} at index {index} is above the node's term {self.term}", "log", position
                )
            previous = term
        return self


class ClusterConfig(Frozen):
    """The servers and their Raft settings. Exactly one of ``size`` (nodes n1..nN) or ``nodes`` (names)."""

    size: int | None = None
    nodes: Names | None = None
    election_timeout_ms: Pair = (150.0, 300.0)
    heartbeat_ms: float = Field(default=50.0, gt=0)
    leader_noop: bool = True
    #: Which Raft the keys left out default to (:data:`PROFILES`): ``paper`` or ``etcd``.
    profile: str = "paper"
    #: PreVote (thesis §9.6) and CheckQuorum with leader stickiness (thesis §6.2, §4.2.3); off in paper Raft.
    pre_vote: bool = False
    check_quorum: bool = False
    #: ``continuous`` (the paper's timers) or ``ticks`` (etcd's: time passes in ticks of ``heartbeat_ms``, and
    #: every election timeout is a whole number of them; :mod:`raft.core.ticks`).
    timers: str = "continuous"
    #: With ``timers: ticks``: a member that starts fast-forwards its election ticks as etcd's
    #: ``--initial-election-tick-advance`` does (:mod:`raft.sim.ticker`).
    initial_election_tick_advance: bool = True
    #: How reads are answered (thesis §6.4): ``log`` (through the log, the paper's way), ``read_index`` or
    #: ``lease`` (needs ``check_quorum``); and the bound on clock drift a lease allows for, in parts per million.
    read_mode: str = "log"
    lease_drift_bound_ppm: float = Field(default=10_000.0, ge=0, lt=1_000_000)
    max_entries_per_append: int = Field(default=64, ge=1)
    initial_state: dict[str, InitialState] = Field(default_factory=dict)
    bugs: Names = ()
    #: Servers that are not members at the start (thesis chapter 4): a count ``k`` (names n(N+1)..n(N+k)) or a
    #: list of names. Each is started, empty, by the event that adds it; until then it is down.
    spares: int | Names = ()

    @property
    def spare_ids(self) -> tuple[str, ...]:
        """The spare servers' names: as listed, or from a count ``n(N+1)...`` after the N nodes."""
        if isinstance(self.spares, int):
            first = len(self.node_ids) + 1
            return tuple(f"n{i}" for i in range(first, first + self.spares))
        return self.spares

    @property
    def all_ids(self) -> tuple[str, ...]:
        """The nodes and the spares: every server a scenario may name."""
        return self.node_ids + self.spare_ids

    @property
    def node_ids(self) -> tuple[str, ...]:
        """The node names: ``n1..nN`` from ``size``, or ``nodes`` as given."""
        if self.nodes is not None:
            return self.nodes
        return tuple(f"n{i}" for i in range(1, (self.size or 0) + 1))

    @model_validator(mode="before")
    @classmethod
    def _apply_profile(cls, data: Any) -> Any:
        """The profile's settings fill in the keys not given (an unknown profile is reported by ``_profile``)."""
        profile = data.get("profile", "paper") if isinstance(data, dict) else None
        return fill_in(PROFILES.get(profile) if isinstance(profile, str) else None, data)

    @field_validator("profile")
    @classmethod
    def _profile(cls, profile: str) -> str:
        return known_profile(profile, PROFILES)

    @field_validator("timers")
    @classmethod
    def _timers(cls, timers: str) -> str:
        if timers not in TIMERS:
            raise problem(unknown("timers", timers, TIMERS, name_it=True))
        return timers

    @field_validator("size")
    @classmethod
    def _size(cls, size: int | None) -> int | None:
        if size is not None and not 1 <= size <= MAX_NODES:
            raise problem(f"must be between 1 and {MAX_NODES}, got {size}")
        return size

    @field_validator("nodes")
    @classmethod
    def _nodes(cls, nodes: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if nodes is None:
            return None
        if not 1 <= len(nodes) <= MAX_NODES:
            raise problem(f"expected 1 to {MAX_NODES} node names, got {len(nodes)}")
        for position, name in enumerate(nodes):
            if name in ROLE_WORDS:
                raise problem(f"'{name}' is reserved (in events it names a node by its role)", position)
            if not NODE_NAME.match(name):
                raise problem(
                    f"bad node name {show(name)} (a letter, then letters, digits, _ or -)", position
                )
            if name in nodes[:position]:
                raise problem(f"node {name} is listed twice", position)
        return nodes

    @field_validator("spares")
    @classmethod
    def _spares(cls, spares: int | tuple[str, ...]) -> int | tuple[str, ...]:
        if isinstance(spares, int):
            if not 0 <= spares <= MAX_NODES:
                raise problem(f"expected a count from 0 to {MAX_NODES} or a list of names, got {spares}")
            return spares
        for position, name in enumerate(spares):
            if name in ROLE_WORDS:
                raise problem(f"'{name}' is reserved (in events it names a node by its role)", position)
            if not NODE_NAME.match(name):
                raise problem(
                    f"bad node name {show(name)} (a letter, then letters, digits, _ or -)", position
                )
            if name in spares[:position]:
                raise problem(f"spare {name} is listed twice", position)
        return spares

    @field_validator("election_timeout_ms", mode="before")
    @classmethod
    def _timeout_shape(cls, value: Any) -> Any:
        return as_pair(value)

    @field_validator("election_timeout_ms")
    @classmethod
    def _timeout_range(cls, value: tuple[float, float]) -> tuple[float, float]:
        return check_range(value, positive=True)

    @field_validator("read_mode")
    @classmethod
    def _read_mode(cls, mode: str) -> str:
        if mode not in READ_MODES:
            raise problem(unknown("read mode", mode, READ_MODES, name_it=True))
        return mode

    @field_validator("bugs")
    @classmethod
    def _bugs(cls, bugs: tuple[str, ...]) -> tuple[str, ...]:
        for position, bug in enumerate(bugs):
            if bug not in KNOWN_BUGS:
                if not KNOWN_BUGS:
                    raise problem(f"unknown bug {show(bug)} (no switchable bugs are defined yet)", position)
                raise problem(unknown("bug", bug, KNOWN_BUGS, name_it=True), position)
            if bug in bugs[:position]:
                raise problem(f"bug {show(bug)} is listed twice", position)
        return bugs

    @model_validator(mode="after")
    def _consistent(self) -> ClusterConfig:
        if (self.size is None) == (self.nodes is None):
            given = "both" if self.size is not None else "neither"
            raise problem(f"give exactly one of 'size' or 'nodes' (got {given})")
        low = self.election_timeout_ms[0]
        if low <= self.heartbeat_ms:
            raise problem(
                f"low {fmt_number(low)} must be greater than heartbeat_ms {fmt_number(self.heartbeat_ms)} "
                "(followers would time out between heartbeats)",
                "election_timeout_ms",
            )
        if self.timers == "ticks":
            for end, value in zip(("low", "high"), self.election_timeout_ms, strict=True):
                ticks = value / self.heartbeat_ms
                if abs(ticks - round(ticks)) > 1e-6:
                    raise problem(
                        f"{end} {fmt_number(value)} is not a whole number of ticks: with timers: ticks, time "
                        f"passes in ticks of heartbeat_ms {fmt_number(self.heartbeat_ms)}",
                        "election_timeout_ms",
                    )
        self._reads_consistent()
        nodes = self.node_ids
        for position, name in enumerate(self.spare_ids):
            if name in nodes:
                where = ("spares",) if isinstance(self.spares, int) else ("spares", position)
                raise problem(f"spare {name} is already a node of the cluster", *where)
        if len(self.all_ids) > MAX_NODES:
            raise problem(f"at most {MAX_NODES} nodes and spares together, got {len(self.all_ids)}", "spares")
        for name, state in self.initial_state.items():
            if name not in nodes:
                raise problem(unknown_node(name, nodes), "initial_state", name)
            if state.voted_for is not None and state.voted_for not in nodes:
                raise problem(unknown_node(state.voted_for, nodes), "initial_state", name, "voted_for")
        return self

    def _reads_consistent(self) -> None:
        """Lease reads need CheckQuorum (its leader stickiness is what a lease rests on), unless the bug that
        serves them without it is switched on; a bug of reads needs its read mode."""
        bug = Bug.LEASE_WITHOUT_CHECK_QUORUM.value
        if self.read_mode == ReadMode.LEASE.value and not self.check_quorum and bug not in self.bugs:
            raise problem(
                "lease reads need check_quorum: true (leader stickiness is what makes a lease hold; "
                f"the bug {bug} serves them without it)",
                "read_mode",
            )
        modes = {bug.value: mode for bug, mode in BUG_READ_MODE.items()}
        for name in self.bugs:
            needed = modes.get(name)
            if needed is not None and self.read_mode != needed.value:
                raise problem(f"bug {name} needs read_mode: {needed.value}, got {self.read_mode}", "bugs")


class NetworkConfig(Frozen):
    """One-way message delivery: latency (a constant, a uniform [low, high], or a distribution), a base latency
    per link, loss, duplication, reordering.

    ``link_latency_ms`` adds a fixed one-way latency to the links it names, in both directions (``{a: {b: 30}}``:
    30 ms more from a to b and from b to a), for servers in different zones or data centres.
    """

    latency_ms: Annotated[Pair | Delay, Field(union_mode="left_to_right")] = (5.0, 10.0)
    link_latency_ms: dict[str, dict[str, float]] = Field(default_factory=dict)
    drop_rate: float = Field(default=0.0, ge=0, le=1)
    duplicate_rate: float = Field(default=0.0, ge=0, le=1)
    reorder_ms: float = Field(default=0.0, ge=0)

    @field_validator("latency_ms", mode="before")
    @classmethod
    def _latency_shape(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value) or value < 0:
                raise problem(f"must be a finite number >= 0, got {show(value)}")
            return (value, value)  # a constant latency
        if isinstance(value, dict):
            return Delay.model_validate(value)
        return as_pair(value)

    @field_validator("latency_ms")
    @classmethod
    def _latency_range(cls, value: tuple[float, float] | Delay) -> tuple[float, float] | Delay:
        return value if isinstance(value, Delay) else check_range(value, positive=False)

    @field_validator("link_latency_ms")
    @classmethod
    def _links(cls, links: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for a, row in links.items():
            for b, ms in row.items():
                if a == b:
                    raise problem("a link joins two different nodes", a, b)
                if ms < 0 or not math.isfinite(ms):
                    raise problem(f"must be a finite number >= 0, got {show(ms)}", a, b)
                back = links.get(b, {}).get(a)
                if back is not None and back != ms:
                    raise problem(
                        f"{fmt_number(ms)} here but {fmt_number(back)} for {b} -> {a} (a link's base latency "
                        "applies both ways: give it once)",
                        a,
                        b,
                    )
        return links


class StorageConfig(Frozen):
    """Stable storage: how long persisting state takes before a reply or vote may leave (a constant, or a
    distribution of durations), occasional slow writes: with probability ``fsync_stall_rate`` a write takes
    ``fsync_stall_ms`` more (an fsync that waits behind the device's flush), and log compaction.

    ``snapshot_every``: a server snapshots its state machine once its log holds more than this many applied
    entries since its last snapshot, and discards them (thesis §5.1; 0, the default: never). ``snapshot_write_ms``:
    how much longer than a write of ``write_ms`` a write that stores a snapshot takes.
    """

    write_ms: Duration = 0.0
    fsync_stall_rate: float = Field(default=0.0, ge=0, le=1)
    fsync_stall_ms: Duration = 0.0
    snapshot_every: int = Field(default=0, ge=0)
    snapshot_write_ms: float = Field(default=5.0, ge=0)


class WorkloadConfig(Frozen):
    """The clients: how many, how fast they write and read, when they stop, and how they retry."""

    clients: int = Field(default=1, ge=0, le=1000)
    writes_per_s: float = Field(default=0.0, ge=0)
    reads_per_s: float = Field(default=0.0, ge=0)
    stop_ms: float | None = Field(default=None, ge=0)
    timeout_ms: float = Field(default=500.0, gt=0)
    max_backoff_ms: float = Field(default=4000.0, gt=0)

    def effective_stop_ms(self, duration_ms: float) -> float:
        """When clients stop submitting: ``stop_ms``, or 80 % of the run so that it ends settled."""
        return self.stop_ms if self.stop_ms is not None else 0.8 * duration_ms

    @model_validator(mode="after")
    def _backoff(self) -> WorkloadConfig:
        if self.clients == 0:
            for rate in ("writes_per_s", "reads_per_s"):
                if getattr(self, rate) > 0:
                    raise problem(
                        f"0 clients cannot send {rate.split('_')[0]} at {rate} {fmt_number(getattr(self, rate))} "
                        f"(give clients at least 1, or {rate}: 0)",
                        "clients",
                    )
        if self.max_backoff_ms < self.timeout_ms:
            raise problem(
                f"must be at least timeout_ms {fmt_number(self.timeout_ms)}, got {fmt_number(self.max_backoff_ms)}",
                "max_backoff_ms",
            )
        return self


class AnalysisConfig(Frozen):
    """How the run is measured (nothing here changes what is simulated): ``stall_ms``, the threshold of write
    unavailability (:mod:`raft.analysis.availability`); ``None`` means the high end of the election timeout
    range."""

    stall_ms: float | None = Field(default=None, gt=0)


#: The longest run a scenario may ask for: one simulated year, in ms. Longer is surely a typo (``1e12``, thirty
#: years, would run for weeks); a year of heartbeats is already far beyond what a laptop simulates in a day.
MAX_DURATION_MS = 365 * 24 * 3600 * 1000.0


def duration_problem(duration_ms: float) -> str | None:
    """Why ``duration_ms`` is too long a run, or ``None``."""
    if duration_ms > MAX_DURATION_MS:
        return (
            f"{fmt_number(duration_ms)} ms is longer than one simulated year ({fmt_number(MAX_DURATION_MS)} "
            "ms), the longest run raft-sim accepts"
        )
    return None


class Scenario(Frozen):
    """A whole, validated scenario. Built once by the loader (or ``Scenario.model_validate`` on the model
    form), then only read: the simulator, the summary and the trace take their settings from it.

    Invariants: every node named anywhere exists, every event time and expectation window lies in
    ``0..duration_ms``, and the groups of each partition event cover every node exactly once.
    """

    name: str
    description: str = ""
    seed: int = Field(default=0, ge=0)
    duration_ms: float = Field(gt=0)
    cluster: ClusterConfig
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    workload: WorkloadConfig = Field(default_factory=WorkloadConfig)
    timing: TimingConfig = Field(default_factory=TimingConfig)
    analysis: AnalysisConfig = Field(default_factory=AnalysisConfig)
    events: Annotated[tuple[Event, ...], Strict(False)] = ()
    expect: Annotated[tuple[Expectation, ...], Strict(False)] = ()
    #: Where the scenario came from (a file name, or "<scenario>"); set by the loader, not by the file.
    source: str = Field(default="<scenario>", exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _timing_profile(cls, data: Any) -> Any:
        return apply_profile(data)

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not name.strip():
            raise problem("must not be empty")
        return name

    @field_validator("duration_ms")
    @classmethod
    def _at_most_a_year(cls, duration_ms: float) -> float:
        why = duration_problem(duration_ms)
        if why is not None:
            raise problem(why)
        return duration_ms

    @field_validator("workload")
    @classmethod
    def _stop_inside_run(cls, workload: WorkloadConfig, info: ValidationInfo) -> WorkloadConfig:
        duration = info.data.get("duration_ms")
        if duration is not None and workload.stop_ms is not None and workload.stop_ms > duration:
            raise problem(
                f"{fmt_number(workload.stop_ms)} is after the end of the run (duration_ms {fmt_number(duration)})",
                "stop_ms",
            )
        return workload

    @field_validator("timing")
    @classmethod
    def _timing_names_nodes(cls, timing: TimingConfig, info: ValidationInfo) -> TimingConfig:
        cluster: ClusterConfig | None = info.data.get("cluster")
        if cluster is not None and isinstance(timing.drift_ppm, dict):
            for name in timing.drift_ppm:
                if name not in cluster.all_ids:
                    raise problem(unknown_node(name, cluster.all_ids), "drift_ppm", name)
        return timing

    @field_validator("network")
    @classmethod
    def _links_name_nodes(cls, network: NetworkConfig, info: ValidationInfo) -> NetworkConfig:
        cluster: ClusterConfig | None = info.data.get("cluster")
        if cluster is not None:
            nodes = cluster.all_ids
            for a, row in network.link_latency_ms.items():
                for b in (a, *row):
                    if b not in nodes:
                        path = ("link_latency_ms", a) if b == a else ("link_latency_ms", a, b)
                        raise problem(unknown_node(b, nodes), *path)
        return network

    @field_validator("events")
    @classmethod
    def _events_refer_to_cluster(cls, events: tuple[Event, ...], info: ValidationInfo) -> tuple[Event, ...]:
        cluster: ClusterConfig | None = info.data.get("cluster")
        duration: float | None = info.data.get("duration_ms")
        if cluster is None or duration is None:
            return events  # their own errors are reported
        nodes = cluster.all_ids
        completed = []
        for position, event in enumerate(events):
            if event.at_ms is not None and not 0 <= event.at_ms <= duration:
                raise problem(
                    f"time {fmt_number(event.at_ms)} is outside the run (0..{fmt_number(duration)} ms)",
                    position,
                    "at_ms",
                )
            for path, name in event.nodes_named():
                if name not in nodes:
                    roles = roles_for(event.action, str(path[0]))
                    raise problem(unknown_node(name, nodes, roles=roles), position, *path)
            if event.action is Action.PARTITION:
                listed = {name for group in event.groups for name in group}
                rest = tuple(name for name in nodes if name not in listed)
                if rest:  # unlisted nodes form one more group
                    event = event.model_copy(update={"groups": (*event.groups, rest)})
            completed.append(event)
        return tuple(completed)

    @field_validator("expect")
    @classmethod
    def _expect_refers_to_run(
        cls, expect: tuple[Expectation, ...], info: ValidationInfo
    ) -> tuple[Expectation, ...]:
        cluster: ClusterConfig | None = info.data.get("cluster")
        duration: float | None = info.data.get("duration_ms")
        for position, expectation in enumerate(expect):
            check, value = expectation.check, expectation.value
            if check in WINDOW_CHECKS and duration is not None:
                start, end = value
                if start < 0 or end > duration:
                    raise problem(
                        f"window [{fmt_number(start)}, {fmt_number(end)}] is not inside the run "
                        f"(0..{fmt_number(duration)} ms)",
                        position,
                        check,
                    )
            if check in ("final_leader_in", "caught_up_by_snapshot") and cluster is not None:
                for name in value:
                    if name not in cluster.all_ids:
                        raise problem(unknown_node(name, cluster.all_ids), position, check)
        return expect


__all__ = [
    "KNOWN_BUGS",
    "AnalysisConfig",
    "ClusterConfig",
    "InitialState",
    "NetworkConfig",
    "Scenario",
    "StorageConfig",
    "WorkloadConfig",
]
