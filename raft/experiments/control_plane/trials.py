"""The trials of the control-plane experiment, each one simulated Kubernetes cluster on the batch engine, one
row per run: machines failed from the start (drawn independently, or one whole zone), and a ``kubectl scale``
once etcd has had time to elect a leader: did the API write?
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from raft.analysis.quorum_math import majority
from raft.batch.grid import Run
from raft.batch.runners import Row
from raft.batch.sink import Column
from raft.batch.sweep import Runner, columns_for, execute
from raft.experiments.control_plane.arithmetic import EXTERNAL
from raft.kubernetes import parse_kube_scenario, simulate_kubernetes

#: When the trial's kubectl command is sent, and how long a trial runs. etcd elects 1-2 s after a start, but
#: with its whole-tick timeouts two members time out on the same tick about one round in ten and split the vote,
#: each split costing another 1-2 s; a member missing its peers skips the tick advance. 10 s leaves room for
#: several such rounds (over 300 seeds, 3 members with 1 down and 5 with 2 down elected within 4 s, but a trial
#: at 4 s missed one election that took 4.5 s).
KUBECTL_S = 10.0
DURATION_S = 11.0


def trial_scenario(
    n: int, etcd: str, zones: int, etcd_members: int, down: Sequence[str] = (), zone: str | None = None
) -> Any:
    """A cluster of ``n`` control-plane nodes with these machines (or this zone) down from the start."""
    events: list[dict[str, Any]] = [{"at_s": 0, "crash": m} for m in down]
    if zone is not None:
        events.append({"at_s": 0, "zone_down": zone})
    events.append({"at_s": KUBECTL_S, "scale": {"app": 2}})
    cluster: dict[str, Any] = {
        "control_plane": n,
        "etcd": etcd,
        "workers": 0,
        "zones": ["a", "b", "c"][:zones],
        "deployments": [{"name": "app", "replicas": 1}],
    }
    if etcd == EXTERNAL:
        cluster["etcd_members"] = etcd_members
    return parse_kube_scenario(
        {"name": "control-plane trial", "duration_s": DURATION_S, "kubernetes": cluster, "events": events}
    )


def api_wrote(scenario: Any, seed: int) -> bool:
    """Whether the trial's ``kubectl scale`` succeeded."""
    result = simulate_kubernetes(scenario, seed=seed, record=False)
    return any(r["type"] == "kubectl" and r["ok"] for r in result.record)


@dataclass(frozen=True)
class NodeFailureTask:
    """Every machine (control-plane node, external etcd host) down from the start with probability
    1 - ``availability``, drawn from the run's seed."""

    availability: float
    etcd_members: int

    def __call__(self, run: Run) -> dict[str, Any]:
        p = dict(run.params)
        spec = trial_scenario(p["n"], p["etcd"], 1, self.etcd_members).kubernetes
        rng = random.Random(f"raft-sim/control-plane/{run.seed}/{p['n']}/{p['etcd']}")
        down = [m for m in spec.machines if rng.random() >= self.availability]
        members_down = sum(1 for m in down if m in spec.members)
        api_servers_up = sum(1 for m in spec.control_plane_nodes if m not in down)
        counted = len(spec.members) - members_down >= majority(len(spec.members)) and api_servers_up > 0
        scenario = trial_scenario(p["n"], p["etcd"], 1, self.etcd_members, down)
        return {
            "down": len(down),
            "members_down": members_down,
            "counted_ok": counted,
            "api_ok": api_wrote(scenario, run.seed),
        }


@dataclass(frozen=True)
class ZoneFailureTask:
    """Zone ``zone`` (0-based) down from the start."""

    etcd_members: int

    def __call__(self, run: Run) -> dict[str, Any]:
        p = dict(run.params)
        zone = "abc"[p["zone"]]
        scenario = trial_scenario(p["n"], p["etcd"], p["zones"], self.etcd_members, zone=zone)
        return {"api_ok": api_wrote(scenario, run.seed)}


NODE_COLUMNS = columns_for(
    (Column("n", "int"), Column("etcd", "str")),
    (
        Column("down", "int"),
        Column("members_down", "int"),
        Column("counted_ok", "bool"),
        Column("api_ok", "bool"),
    ),
)
ZONE_COLUMNS = columns_for(
    (Column("n", "int"), Column("etcd", "str"), Column("zones", "int"), Column("zone", "int")),
    (Column("api_ok", "bool"),),
)


def node_failure_trials(
    sizes: Sequence[int],
    topologies: Sequence[str],
    *,
    trials: int,
    seed: int,
    availability: float,
    etcd_members: int,
    runner: Runner,
    progress: bool = False,
) -> list[Row]:
    runs = [
        Run(0, (("n", n), ("etcd", etcd)), seed + t)
        for n in sizes
        for etcd in topologies
        for t in range(trials)
    ]
    runs = [Run(i, r.params, r.seed) for i, r in enumerate(runs)]
    task = NodeFailureTask(availability, etcd_members)
    report = execute(
        task, runs, columns=NODE_COLUMNS, runner=runner, progress=progress, description="node failures"
    )
    return report.rows or []


def zone_failure_trials(
    sizes: Sequence[int],
    topologies: Sequence[str],
    zone_counts: Sequence[int],
    *,
    seed: int,
    etcd_members: int,
    runner: Runner,
    progress: bool = False,
) -> list[Row]:
    runs: list[Run] = []
    for n in sizes:
        for etcd in topologies:
            for zones in zone_counts:
                for zone in range(zones):
                    runs.append(
                        Run(len(runs), (("n", n), ("etcd", etcd), ("zones", zones), ("zone", zone)), seed)
                    )
    task = ZoneFailureTask(etcd_members)
    report = execute(
        task, runs, columns=ZONE_COLUMNS, runner=runner, progress=progress, description="zone failures"
    )
    return report.rows or []
