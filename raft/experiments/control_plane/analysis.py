"""From the trials' rows to one line per case, each simulated fraction with its 95 % interval beside the
computed value (:mod:`raft.experiments.control_plane.arithmetic`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from raft.batch.runners import Row
from raft.batch.sweep import Runner
from raft.experiments.control_plane.arithmetic import TOPOLOGIES, api_availability, layout, zone_loss_survived
from raft.experiments.control_plane.trials import node_failure_trials, zone_failure_trials

SIZES = tuple(range(1, 8))
ZONE_COUNTS = (1, 2, 3)
#: Defaults: each machine up 90 % of the time (exaggerated so that a classroom run of a few dozen trials per
#: case shows the differences), three external etcd hosts.
NODE_AVAILABILITY = 0.9
ETCD_MEMBERS = 3
TRIALS = 50


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion (95 % for z = 1.96); sound near 0 and 1, where the
    normal approximation reaches past them."""
    if trials == 0:
        return math.nan, math.nan
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True, slots=True)
class AvailabilityLine:
    """n control-plane nodes with etcd stacked or external: the simulated fraction of trials whose API wrote,
    its 95 % interval, and the binomial value."""

    n: int
    etcd: str
    trials: int
    api_ok: int
    simulated: float
    low: float
    high: float
    computed: float
    #: Trials whose outcome is the one counted from the machines drawn down (quorum of members up and an API
    #: server up): the simulation agrees with the arithmetic trial by trial, not only on average.
    agreeing: int

    @property
    def within(self) -> bool:
        return self.low <= self.computed <= self.high


@dataclass(frozen=True, slots=True)
class ZoneLine:
    """n control-plane nodes in ``zones`` zones: of the zones, how many one can lose with the API still
    writing, simulated and counted."""

    n: int
    etcd: str
    zones: int
    layout: str
    survived: int
    computed: int


@dataclass(frozen=True)
class ControlPlaneResult:
    node_availability: float
    etcd_members: int
    trials: int
    availability: tuple[AvailabilityLine, ...]
    zones: tuple[ZoneLine, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "node_availability": self.node_availability,
            "etcd_members": self.etcd_members,
            "trials": self.trials,
            "availability": [{**asdict(line), "within": line.within} for line in self.availability],
            "zones": [asdict(line) for line in self.zones],
        }


def availability_lines(rows: Sequence[Row], a: float, etcd_members: int) -> list[AvailabilityLine]:
    groups: dict[tuple[int, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row["n"], row["etcd"]), []).append(row)
    lines = []
    for (n, etcd), group in groups.items():
        k = sum(1 for row in group if row["api_ok"])
        agreeing = sum(1 for row in group if bool(row["api_ok"]) == bool(row["counted_ok"]))
        low, high = wilson(k, len(group))
        computed = api_availability(n, etcd, a, etcd_members)
        lines.append(AvailabilityLine(n, etcd, len(group), k, k / len(group), low, high, computed, agreeing))
    return lines


def zone_lines(rows: Sequence[Row], etcd_members: int) -> list[ZoneLine]:
    groups: dict[tuple[int, str, int], list[bool]] = {}
    for row in rows:
        groups.setdefault((row["n"], row["etcd"], row["zones"]), []).append(bool(row["api_ok"]))
    return [
        ZoneLine(
            n,
            etcd,
            zones,
            layout(n, zones),
            sum(oks),
            sum(zone_loss_survived(n, zones, etcd, etcd_members, z) for z in range(zones)),
        )
        for (n, etcd, zones), oks in groups.items()
    ]


def run_control_plane(
    *,
    sizes: Sequence[int] = SIZES,
    trials: int = TRIALS,
    seed: int = 1,
    runner: Runner,
    node_availability: float = NODE_AVAILABILITY,
    etcd_members: int = ETCD_MEMBERS,
    progress: bool = False,
) -> ControlPlaneResult:
    """Both studies: independent machine failures (``trials`` per case) and the loss of each zone."""
    node_rows = node_failure_trials(
        sizes,
        TOPOLOGIES,
        trials=trials,
        seed=seed,
        availability=node_availability,
        etcd_members=etcd_members,
        runner=runner,
        progress=progress,
    )
    zone_rows = zone_failure_trials(
        sizes, TOPOLOGIES, ZONE_COUNTS, seed=seed, etcd_members=etcd_members, runner=runner, progress=progress
    )
    return ControlPlaneResult(
        node_availability,
        etcd_members,
        trials,
        tuple(availability_lines(node_rows, node_availability, etcd_members)),
        tuple(zone_lines(zone_rows, etcd_members)),
    )
