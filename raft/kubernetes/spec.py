"""The typed, frozen model of a Kubernetes scenario: the cluster (control-plane nodes, etcd, workers, zones,
Deployments), its events in Kubernetes words, and the lessons it expects.

A Kubernetes scenario file has ``name``, ``description``, ``seed``, ``duration_s``, ``kubernetes`` (the
cluster), ``events`` and ``expect``. Times are in seconds: Kubernetes counts its intervals in seconds. Node names
are derived, never written: control-plane nodes ``cp-1``…, workers ``worker-1``…, external etcd hosts
``etcd-1``…; they are spread over the zones in turn (``cp-1`` in the first zone, ``cp-2`` in the second, …), so
five control-plane nodes in zones a, b, c sit 2 + 2 + 1.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, Strict, field_validator, model_validator

from raft.scenario.base import NODE_NAME, Frozen, Names
from raft.scenario.suggest import problem, show, unknown

#: The most control-plane nodes (and external etcd members) a scenario may ask for: etcd advises at most 7.
MAX_CONTROL_PLANE = 7
MAX_WORKERS = 20
MAX_REPLICAS = 100
#: The longest Kubernetes scenario, in simulated seconds (an hour of 100 ms heartbeats).
MAX_DURATION_S = 3600.0


class Topology(StrEnum):
    """Where etcd runs: on every control-plane node (stacked), or on hosts of its own (external)."""

    STACKED = "stacked"
    EXTERNAL = "external"


class Deployment(Frozen):
    """A Deployment: its name and how many replicas it asks for at the start."""

    name: str
    replicas: int = Field(ge=0, le=MAX_REPLICAS)

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not NODE_NAME.match(name):
            raise problem(f"bad Deployment name {show(name)} (a letter, then letters, digits, _ or -)")
        return name


class ClusterSpec(Frozen):
    """The Kubernetes cluster: ``control_plane`` nodes, ``etcd`` stacked or external (``etcd_members`` hosts),
    ``workers``, the ``zones`` nodes are spread over, and the ``deployments``."""

    control_plane: int = Field(default=3, ge=1, le=MAX_CONTROL_PLANE)
    etcd: str = Topology.STACKED.value
    etcd_members: int | None = Field(default=None, ge=1, le=MAX_CONTROL_PLANE)
    #: Control-plane machines ready to replace a failed one (stacked only): ``cp-N+1``…, each with an etcd
    #: member that joins only when ``etcd_member_add`` adds it, and an API server that starts once it is a voter.
    spare_control_plane: int = Field(default=0, ge=0, le=MAX_CONTROL_PLANE)
    workers: int = Field(default=3, ge=0, le=MAX_WORKERS)
    zones: Names = ("a",)
    deployments: Annotated[tuple[Deployment, ...], Strict(False)] = ()

    @field_validator("etcd")
    @classmethod
    def _etcd(cls, value: str) -> str:
        choices = [t.value for t in Topology]
        if value not in choices:
            raise problem(unknown("etcd topology", value, choices, name_it=True))
        return value

    @field_validator("zones")
    @classmethod
    def _zones(cls, zones: tuple[str, ...]) -> tuple[str, ...]:
        if not 1 <= len(zones) <= 5:
            raise problem(f"expected 1 to 5 zone names, got {len(zones)}")
        for position, zone in enumerate(zones):
            if not NODE_NAME.match(zone):
                raise problem(
                    f"bad zone name {show(zone)} (a letter, then letters, digits, _ or -)", position
                )
            if zone in zones[:position]:
                raise problem(f"zone {zone} is listed twice", position)
        return zones

    @model_validator(mode="after")
    def _consistent(self) -> ClusterSpec:
        if self.etcd == Topology.STACKED and self.etcd_members is not None:
            raise problem(
                "only with etcd: external (stacked etcd runs one member on each control-plane node)",
                "etcd_members",
            )
        if self.topology is Topology.EXTERNAL and self.spare_control_plane:
            raise problem(
                "only with etcd: stacked (a spare control-plane node brings the etcd member that replaces a"
                " failed one)",
                "spare_control_plane",
            )
        names = [d.name for d in self.deployments]
        for position, name in enumerate(names):
            if name in names[:position]:
                raise problem(f"Deployment {name} is listed twice", "deployments", position, "name")
        return self

    @property
    def topology(self) -> Topology:
        return Topology(self.etcd)

    @property
    def control_plane_nodes(self) -> tuple[str, ...]:
        """Every control-plane machine, the spares last."""
        return tuple(f"cp-{i}" for i in range(1, self.control_plane + self.spare_control_plane + 1))

    @property
    def spare_control_plane_nodes(self) -> tuple[str, ...]:
        """The spare control-plane machines: no etcd member and no API server until the operator adds them."""
        return self.control_plane_nodes[self.control_plane :]

    @property
    def worker_nodes(self) -> tuple[str, ...]:
        return tuple(f"worker-{i}" for i in range(1, self.workers + 1))

    @property
    def etcd_hosts(self) -> tuple[str, ...]:
        """The machines of external etcd (none when stacked)."""
        if self.topology is Topology.STACKED:
            return ()
        return tuple(f"etcd-{i}" for i in range(1, (self.etcd_members or 3) + 1))

    @property
    def members(self) -> tuple[str, ...]:
        """The etcd members at the start (Raft voters), named after the machine each runs on."""
        return self.etcd_hosts or self.control_plane_nodes[: self.control_plane]

    @property
    def etcd_servers(self) -> tuple[str, ...]:
        """Every machine that runs, or may come to run, an etcd member: the members, then the spares."""
        return (*self.members, *self.spare_control_plane_nodes)

    @property
    def machines(self) -> tuple[str, ...]:
        """Every machine: control-plane nodes, external etcd hosts, workers."""
        return (*self.control_plane_nodes, *self.etcd_hosts, *self.worker_nodes)

    def zone_of(self, machine: str) -> str:
        """The zone a machine sits in: each kind of machine is spread over the zones in turn."""
        number = int(machine.rsplit("-", 1)[1])
        return self.zones[(number - 1) % len(self.zones)]

    def in_zone(self, zone: str) -> tuple[str, ...]:
        return tuple(m for m in self.machines if self.zone_of(m) == zone)


class Action(StrEnum):
    """What a Kubernetes scenario event does."""

    CRASH = "crash"  #: a machine fails abruptly (power, kernel panic)
    RESTART = "restart"  #: a crashed or stopped machine comes back
    STOP = "stop"  #: a graceful shutdown (an upgrade): the etcd member first hands leadership on
    ZONE_DOWN = "zone_down"  #: every machine of a zone fails
    ZONE_UP = "zone_up"  #: every machine of a zone comes back
    PARTITION_ZONES = "partition_zones"  #: the zones split into groups that cannot reach each other
    HEAL = "heal"  #: every network cut between zones heals
    SCALE = "scale"  #: kubectl scale deployment NAME --replicas=N
    GET = "get"  #: kubectl get (a quorum read)
    ETCD_MEMBER_REMOVE = (
        "etcd_member_remove"  #: etcdctl member remove: the member leaves etcd's configuration
    )
    ETCD_MEMBER_ADD = "etcd_member_add"  #: etcdctl member add --learner: a spare's member joins as a learner
    ETCD_MEMBER_PROMOTE = "etcd_member_promote"  #: etcdctl member promote: the learner becomes a voter


class Event(Frozen):
    """One scheduled event, in its model form (``action`` and its argument)."""

    at_s: float = Field(ge=0)
    action: Annotated[Action, Strict(False)]
    target: str | None = None
    groups: Annotated[tuple[Names, ...], Strict(False)] = ()
    deployment: str | None = None
    replicas: int | None = Field(default=None, ge=0, le=MAX_REPLICAS)


class Check(StrEnum):
    """What an expectation checks."""

    KUBECTL = "kubectl"  #: the kubectl command at ``at_s`` succeeded (``ok``) or failed (``failed``)
    API = "api"  #: every probe of the API (a quorum read through the load balancer, each second) started in
    #: [from_s, to_s] succeeded (``up``) or failed (``down``)
    RUNNING = "running"  #: pods running per Deployment at ``at_s``
    DESIRED = "desired"  #: replicas asked for per Deployment at ``at_s``
    NOT_READY = "not_ready"  #: the node is marked NotReady at ``at_s``
    READY = "ready"  #: the node is not marked NotReady at ``at_s``


class Expectation(Frozen):
    """A lesson the run must show, in its model form."""

    check: Annotated[Check, Strict(False)]
    value: Any
    at_s: float | None = Field(default=None, ge=0)
    from_s: float | None = Field(default=None, ge=0)
    to_s: float | None = Field(default=None, ge=0)


class KubeScenario(Frozen):
    """A whole, validated Kubernetes scenario: every machine, zone and Deployment it names exists, and every time
    lies inside the run."""

    name: str
    description: str = ""
    seed: int = Field(default=0, ge=0)
    duration_s: float = Field(gt=0, le=MAX_DURATION_S)
    kubernetes: ClusterSpec
    events: Annotated[tuple[Event, ...], Strict(False)] = ()
    expect: Annotated[tuple[Expectation, ...], Strict(False)] = ()
    source: str = ""
