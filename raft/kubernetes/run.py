"""Running a Kubernetes scenario: the etcd members as a Raft scenario of the simulator, the control plane
(:mod:`raft.kubernetes.model`) beside them, and the result: the Raft run and the Kubernetes record.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from raft.api import Result, simulate
from raft.kubernetes.expect import KubeExpectationResult, evaluate
from raft.kubernetes.intervals import DEFAULT_INTERVALS, ETCD_PROFILE, LATENCY_MS, Intervals
from raft.kubernetes.loader import load_kube_scenario
from raft.kubernetes.model import ControlPlane
from raft.kubernetes.spec import KubeScenario
from raft.scenario import Scenario, parse_scenario
from raft.sim.events import EventType
from raft.sim.simulation import Pacer, Simulation

#: The Raft events a Kubernetes run keeps for its pictures (elections, crashes, partitions), not per message.
RAFT_EVENTS = (
    EventType.META,
    EventType.ROLE,
    EventType.TIMEOUT,
    EventType.CRASH,
    EventType.RESTART,
    EventType.PARTITION,
    EventType.HEAL,
    EventType.TRANSFER,
    EventType.TRANSFER_DONE,
    EventType.TRANSFER_ABORT,
    EventType.STEP_DOWN,
    EventType.CONFIG,
    EventType.SKIP,
    EventType.END,
)


def etcd_scenario(scenario: KubeScenario, duration_s: float | None = None) -> Scenario:
    """The Raft scenario of ``scenario``'s etcd members: one voter per member, the spare control-plane nodes as
    spares (servers the operator may add), etcd's settings, no clients and no scripted events (the control plane
    drives the faults and the membership changes)."""
    duration = scenario.duration_s if duration_s is None else duration_s
    spec = scenario.kubernetes
    cluster: dict[str, Any] = {"nodes": list(spec.members), "profile": ETCD_PROFILE}
    if spec.spare_control_plane_nodes:
        cluster["spares"] = list(spec.spare_control_plane_nodes)
    return parse_scenario(
        {
            "name": f"{scenario.name} (etcd)",
            "description": scenario.description,
            "seed": scenario.seed,
            "duration_ms": duration * 1000.0,
            "cluster": cluster,
            "network": {"latency_ms": list(LATENCY_MS)},
            "workload": {"clients": 0},
        },
        scenario.source or "<scenario>",
    )


@dataclass(frozen=True)
class KubeResult:
    """A finished Kubernetes run: the scenario, the etcd run underneath, the control plane's record, and each
    expectation's verdict."""

    scenario: KubeScenario
    raft: Result
    record: tuple[dict[str, Any], ...]
    expectations: tuple[KubeExpectationResult, ...]

    @property
    def ok(self) -> bool:
        """Every expectation held, and etcd stayed safe."""
        return all(e.ok for e in self.expectations) and not self.raft.violations

    @property
    def duration_s(self) -> float:
        return self.raft.duration_ms / 1000.0


def simulate_kubernetes(
    scenario: KubeScenario | str | Path,
    *,
    seed: int | None = None,
    duration_s: float | None = None,
    intervals: Intervals = DEFAULT_INTERVALS,
    record: bool | Collection[EventType] = RAFT_EVENTS,
    pacer: Pacer | None = None,
    trace: str | os.PathLike[str] | None = None,
) -> KubeResult:
    """Run a Kubernetes scenario (or the file it is in) once; ``seed`` and ``duration_s`` override its own;
    ``trace`` writes the etcd members' Raft trace (the Kubernetes record is :attr:`KubeResult.record`)."""
    if not isinstance(scenario, KubeScenario):
        scenario = load_kube_scenario(scenario)
    kube_record: list[dict[str, Any]] = []

    def setup(sim: Simulation) -> None:
        ControlPlane(scenario, sim, intervals, kube_record).start()

    raft = simulate(
        etcd_scenario(scenario, duration_s), seed=seed, record=record, pacer=pacer, setup=setup, trace=trace
    )
    records = tuple(kube_record)
    return KubeResult(scenario, raft, records, tuple(evaluate(scenario, records)))
