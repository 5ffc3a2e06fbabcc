"""The Kubernetes control plane as simpy processes beside the etcd members of a running simulation.

This module owns the objects the API stores (Deployments' replicas, pods and their nodes, node and leader
Leases, NotReady marks) and the processes that change them: the API servers (each talks to etcd: stacked, its
local member; external, a reachable member), the controller-manager's and the scheduler's leader election, the
node lifecycle and Deployment controllers, the scheduler, the kubelets, ``kubectl``, and the machine and zone
faults. The API's objects change only when the etcd write that carries the change has been applied: without
quorum nothing changes, while the pods on live workers keep running.

Everything the model does is written to its record, a list of Kubernetes-level events
(:mod:`raft.kubernetes.record`), beside the Raft trace.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from raft.core.membership import ChangeKind, ConfChange
from raft.kubernetes.intervals import CONNECTION_REFUSED, ETCD_ERROR, Intervals
from raft.kubernetes.spec import Action, KubeScenario, Topology
from raft.sim.events import EventType
from raft.sim.requests import Refusal, RequestFailed

if TYPE_CHECKING:
    import simpy

    from raft.kubernetes.spec import Event as KubeEvent
    from raft.sim.simulation import Simulation

#: The two control-plane components that elect a leader through a Lease.
COMPONENTS = ("kube-controller-manager", "kube-scheduler")
#: A process step: simpy events out, their values in.
Steps = Generator[Any, Any, Any]


@dataclass(slots=True)
class Pod:
    """A pod object in the API: its Deployment, and the node it is bound to (``None``: not scheduled yet)."""

    name: str
    deployment: str
    node: str | None = None


class ControlPlane:
    """One cluster's control plane, living inside ``sim``'s environment from :meth:`start` to the run's end."""

    def __init__(
        self, scenario: KubeScenario, sim: Simulation, intervals: Intervals, record: list[dict[str, Any]]
    ):
        self.scenario = scenario
        self.spec = spec = scenario.kubernetes
        self.sim = sim
        self.env: simpy.Environment = sim.env
        self.iv = intervals
        self.record = record
        self.members = set(spec.members)
        #: Control-plane nodes whose API server runs: a spare's starts once its etcd member is a voter.
        self.serving: set[str] = set(spec.control_plane_nodes) - set(spec.spare_control_plane_nodes)
        #: The voters of the latest configuration entry etcd has committed (from the trace's ``config`` events).
        self.committed_voters: frozenset[str] = frozenset(spec.members)
        self._committed_index = -1
        self.up: dict[str, bool] = dict.fromkeys(spec.machines, True)
        #: Zones that can reach each other (one group: no partition).
        self.zone_groups: list[frozenset[str]] = [frozenset(spec.zones)]
        # --- the API's objects (changed only by applied etcd writes)
        self.desired: dict[str, int] = {d.name: d.replicas for d in spec.deployments}
        self.pods: dict[str, Pod] = {}
        self._pod_number: dict[str, int] = dict.fromkeys(self.desired, 0)
        self.node_lease: dict[str, float] = dict.fromkeys(spec.worker_nodes, 0.0)
        self.not_ready_since: dict[str, float] = {}
        self.leases: dict[str, tuple[str | None, float]] = dict.fromkeys(COMPONENTS, (None, -math.inf))
        # --- the processes' own state
        self.leader: dict[str, str | None] = dict.fromkeys(COMPONENTS)
        self.leading_since: dict[str, float] = dict.fromkeys(COMPONENTS, 0.0)
        self.last_renewed: dict[str, float] = dict.fromkeys(COMPONENTS, 0.0)
        self.readyz: dict[str, str | None] = {}
        #: API servers shutting down gracefully: the load balancer sends them nothing new.
        self.draining: set[str] = set()
        self.in_flight: dict[str, int] = dict.fromkeys(spec.control_plane_nodes, 0)
        self._shown: dict[str, tuple[int, int]] = {}
        self._turn = 0
        workers = spec.worker_nodes
        for (
            d
        ) in spec.deployments:  # the cluster was set up before the run: its pods run, spread over the workers
            for _ in range(d.replicas):
                pod = self._new_pod(d.name)
                if workers:
                    pod.node = workers[len(self.pods) % len(workers)]
                self.pods[pod.name] = pod

    # ------------------------------------------------------------------ bookkeeping

    @property
    def now_s(self) -> float:
        return round(self.env.now / 1000.0, 6)

    def note(self, kind: str, **fields: Any) -> None:
        self.record.append({"t_s": self.now_s, "type": kind, **fields})

    def _new_pod(self, deployment: str) -> Pod:
        self._pod_number[deployment] += 1
        return Pod(f"{deployment}-{self._pod_number[deployment]}", deployment)

    def running(self, deployment: str) -> int:
        """Pods of ``deployment`` running now: bound to a worker that is up (kubelets need no API to run them)."""
        return sum(1 for p in self.pods.values() if p.deployment == deployment and p.node and self.up[p.node])

    def show_pods(self) -> None:
        """Record each Deployment's desired and running pods when they changed."""
        for name, desired in self.desired.items():
            now = (desired, self.running(name))
            if self._shown.get(name) != now:
                self._shown[name] = now
                self.note("pods", deployment=name, desired=now[0], running=now[1])

    def reachable(self, a: str, b: str) -> bool:
        """Machines ``a`` and ``b`` are both up and their zones can reach each other."""
        if not (self.up[a] and self.up[b]):
            return False
        za, zb = self.spec.zone_of(a), self.spec.zone_of(b)
        return any(za in group and zb in group for group in self.zone_groups)

    def timeout_ms(self) -> float:
        return self.iv.request_timeout_s * 1000.0

    # ------------------------------------------------------------------ the API

    def _member_for(self, api_server: str) -> str | None:
        """The etcd member an API server sends to: its own (stacked), else the first reachable one from its own
        place in the list (external; etcd's client fails over between its endpoints)."""
        if self.spec.topology is Topology.STACKED:
            return api_server
        hosts = self.spec.etcd_hosts
        start = int(api_server.rsplit("-", 1)[1]) - 1
        for i in range(len(hosts)):
            host = hosts[(start + i) % len(hosts)]
            if self.reachable(api_server, host):
                return host
        return None

    def call(self, api_server: str | None, op: str, caller: str, what: str, *, log: bool = True) -> Steps:
        """One API request (a write ``k=v`` or a quorum read ``?k``) through ``api_server``: yields until etcd
        answers; returns ``None`` when it succeeded, else the error the caller sees."""
        sent = self.now_s
        reason: str | None
        if api_server is None or not self.up[api_server]:
            reason = CONNECTION_REFUSED
        else:
            self.in_flight[api_server] += 1
            member = self._member_for(api_server)
            if member is None:
                yield self.env.timeout(self.timeout_ms())
                reason = ETCD_ERROR[Refusal.TIMED_OUT]
            else:
                try:
                    yield self.sim.request(member, op, session=caller, timeout_ms=self.timeout_ms())
                    reason = None
                except RequestFailed as failed:
                    reason = ETCD_ERROR[failed.refusal]
                if not self.up[api_server]:  # the API server died while it waited
                    reason = CONNECTION_REFUSED
            self.in_flight[api_server] -= 1
        if log:
            self.note(
                "api", sent_s=sent, via=api_server, caller=caller, what=what, ok=reason is None, reason=reason
            )
        return reason

    def balanced(self, source: str | None) -> str | None:
        """The API server a load balancer in front of the control plane picks for a client on ``source`` (``None``:
        outside the cluster, reaching every zone): the next live, reachable one in turn whose ``/readyz`` passes
        (the load balancer's health check), or, when none passes, the next live, reachable one."""
        servers = self.spec.control_plane_nodes
        reachable = [
            i
            for i, server in enumerate(servers)
            if self.up[server]
            and server in self.serving
            and server not in self.draining
            and (source is None or self.reachable(source, server))
        ]
        if not reachable:
            return None
        ready = [i for i in reachable if self.readyz.get(servers[i]) is None] or reachable
        chosen = min(ready, key=lambda i: (i - self._turn) % len(servers))
        self._turn = chosen + 1
        return servers[chosen]

    # ------------------------------------------------------------------ start

    def start(self) -> None:
        env = self.env
        for pod in self.pods.values():
            self.note("pod", pod=pod.name, deployment=pod.deployment, change="scheduled", node=pod.node)
        self.show_pods()
        self.sim.bus.subscribe(self._config_noted, [EventType.CONFIG])
        for component in COMPONENTS:
            env.process(self._loop(component))
        for cp in self.spec.control_plane_nodes:
            if cp in self.serving:
                self._start_api_server(cp)
        env.process(self._probe_api())
        for number, worker in enumerate(self.spec.worker_nodes):
            env.process(self._kubelet(worker, stagger_s=1.0 * number))
        for event in self.scenario.events:
            env.process(self._at(event))

    def _start_api_server(self, cp: str) -> None:
        """Start the API server of ``cp`` with its controller-manager and scheduler (which elect through it)."""
        number = self.spec.control_plane_nodes.index(cp)
        self.serving.add(cp)
        for component in COMPONENTS:
            self.env.process(self._elector(component, cp, stagger_s=0.1 * number))
        self.env.process(self._readyz(cp))

    # ------------------------------------------------------------------ leader election

    def _elector(self, component: str, cp: str, stagger_s: float) -> Steps:
        """client-go's leader election: every retry period, the leader renews its Lease and gives up leading when
        it could not renew within the renew deadline; the others take the Lease once it has expired."""
        iv, env = self.iv, self.env
        yield env.timeout(stagger_s * 1000.0)
        while True:
            yield env.timeout(iv.retry_period_s * 1000.0)
            leading = self.leader[component] == cp
            if not self.up[cp] or cp in self.draining:
                if leading:
                    self._stop_leading(component, cp, "node down")
                continue
            holder, renewed = self.leases[component]
            if leading:
                reason = yield from self.call(
                    cp, f"lease/{component}={cp}", f"{component}/{cp}", "renew lease"
                )
                if reason is None and self.leader[component] == cp:
                    self.leases[component] = (cp, env.now)
                    self.last_renewed[component] = env.now
                elif (
                    reason is not None and env.now - self.last_renewed[component] > iv.renew_deadline_s * 1000
                ):
                    self._stop_leading(
                        component, cp, f"could not renew its lease for {iv.renew_deadline_s:g} s"
                    )
            elif self.leader[component] is None and env.now - renewed >= iv.lease_duration_s * 1000.0:
                reason = yield from self.call(
                    cp, f"lease/{component}={cp}", f"{component}/{cp}", "acquire lease"
                )
                if reason is None and self.leases[component] == (holder, renewed) and self.up[cp]:
                    self.leases[component] = (cp, env.now)
                    self.leader[component] = cp
                    self.leading_since[component] = self.last_renewed[component] = env.now
                    self.note("lease", component=component, node=cp, change="acquired")

    def _stop_leading(self, component: str, cp: str, reason: str) -> None:
        self.leader[component] = None
        self.note("lease", component=component, node=cp, change="lost", reason=reason)

    # ------------------------------------------------------------------ controllers and scheduler

    def _loop(self, component: str) -> Steps:
        """The work of a component's leader, every reconcile period; nothing while no instance leads."""
        iv, env = self.iv, self.env
        last_monitor = -math.inf
        while True:
            yield env.timeout(iv.reconcile_period_s * 1000.0)
            cp = self.leader[component]
            if cp is None or not self.up[cp]:
                continue
            if component == "kube-scheduler":
                yield from self._schedule(cp)
                continue
            if env.now - last_monitor >= iv.node_monitor_period_s * 1000.0:
                last_monitor = env.now
                yield from self._monitor_nodes(cp)
            yield from self._reconcile_deployments(cp)

    def _monitor_nodes(self, cp: str) -> Steps:
        """The node lifecycle controller: a worker whose Lease it has not seen renewed for the grace period is
        marked NotReady; its pods are evicted once they have tolerated that for the toleration time. It counts
        from when it started leading, not from the Lease's own time (as the real one counts from its own
        observation), so a controller that returns after an outage does not condemn every node at once."""
        iv, env = self.iv, self.env
        since = self.leading_since["kube-controller-manager"]
        caller = f"kube-controller-manager/{cp}"
        for worker in self.spec.worker_nodes:
            seen = max(since, self.node_lease[worker])
            marked = self.not_ready_since.get(worker)
            if marked is None and env.now - seen > iv.node_monitor_grace_s * 1000.0:
                if (
                    yield from self.call(cp, f"node/{worker}=NotReady", caller, f"mark {worker} NotReady")
                ) is None:
                    self.not_ready_since[worker] = env.now
                    self.note("node", node=worker, ready=False)
            elif marked is not None and self.node_lease[worker] > marked:
                if (yield from self.call(cp, f"node/{worker}=Ready", caller, f"mark {worker} Ready")) is None:
                    del self.not_ready_since[worker]
                    self.note("node", node=worker, ready=True)
            elif marked is not None and env.now - marked >= iv.eviction_toleration_s * 1000.0:
                for pod in [p for p in self.pods.values() if p.node == worker]:
                    if (yield from self.call(cp, f"-pod/{pod.name}", caller, f"evict {pod.name}")) is None:
                        self.pods.pop(pod.name, None)
                        self.note(
                            "pod", pod=pod.name, deployment=pod.deployment, change="evicted", node=worker
                        )
                        self.show_pods()

    def _reconcile_deployments(self, cp: str) -> Steps:
        """The Deployment (ReplicaSet) controller: as many pod objects as each Deployment asks for."""
        caller = f"kube-controller-manager/{cp}"
        for name, desired in list(self.desired.items()):
            mine = [p for p in self.pods.values() if p.deployment == name]
            if len(mine) < desired:
                pod = self._new_pod(name)
                if (
                    yield from self.call(cp, f"pod/{pod.name}=Pending", caller, f"create {pod.name}")
                ) is None:
                    self.pods[pod.name] = pod
                    self.note("pod", pod=pod.name, deployment=name, change="created", node=None)
            elif len(mine) > desired:
                pod = min(mine, key=lambda p: (p.node is not None, -int(p.name.rsplit("-", 1)[1])))
                if (yield from self.call(cp, f"-pod/{pod.name}", caller, f"delete {pod.name}")) is None:
                    self.pods.pop(pod.name, None)
                    self.note("pod", pod=pod.name, deployment=name, change="deleted", node=pod.node)
                    self.show_pods()

    def _schedule(self, cp: str) -> Steps:
        """The scheduler: binds each pending pod to the Ready worker with the fewest pods."""
        for pod in [p for p in self.pods.values() if p.node is None]:
            ready = [w for w in self.spec.worker_nodes if w not in self.not_ready_since]
            if not ready:
                return
            load = {w: sum(1 for p in self.pods.values() if p.node == w) for w in ready}
            worker = min(ready, key=lambda w: (load[w], w))
            caller = f"kube-scheduler/{cp}"
            reason = yield from self.call(cp, f"pod/{pod.name}={worker}", caller, f"bind {pod.name}")
            if reason is None and pod.name in self.pods:
                pod.node = worker
                self.note("pod", pod=pod.name, deployment=pod.deployment, change="scheduled", node=worker)
                self.show_pods()

    # ------------------------------------------------------------------ kubelets and readiness

    def _kubelet(self, worker: str, stagger_s: float) -> Steps:
        """A kubelet renews its node Lease through the API every renew interval (after a failure, sooner)."""
        iv, env = self.iv, self.env
        yield env.timeout(stagger_s * 1000.0)
        while True:
            if not self.up[worker]:
                yield env.timeout(iv.node_lease_renew_s * 1000.0)
                continue
            server = self.balanced(worker)
            reason = yield from self.call(
                server, f"lease/{worker}={self.now_s}", f"kubelet/{worker}", "renew node lease"
            )
            if reason is None and self.up[worker]:
                self.node_lease[worker] = env.now
                yield env.timeout(iv.node_lease_renew_s * 1000.0)
            else:
                yield env.timeout(iv.retry_period_s * 1000.0)

    def _readyz(self, cp: str) -> Steps:
        """An API server's ``/readyz``: a quorum read through its etcd every period; changes are recorded."""
        iv, env = self.iv, self.env
        while True:
            if self.up[cp]:
                reason = yield from self._probe(cp)
            else:
                reason = "down"
            if self.readyz.get(cp, "") != reason:
                self.readyz[cp] = reason
                self.note("readyz", node=cp, ok=reason is None, reason=reason)
            yield env.timeout(iv.readyz_period_s * 1000.0)

    def _probe_api(self) -> Steps:
        """The API as its users see it: every second, a quorum read through the load balancer (``kubectl get``),
        each on its own (a slow answer does not delay the next probe); recorded as ``probe`` events, the API's
        availability. The first probe waits for etcd's first leader: the cluster was running before the scenario
        starts, and its bootstrap election is not part of the story."""
        while self.sim.live_leader() is None:
            yield self.env.timeout(100.0)
        while True:
            yield self.env.timeout(1000.0)
            self.env.process(self._one_probe())

    def _one_probe(self) -> Steps:
        sent = self.now_s
        reason = yield from self.call(
            self.balanced(None), "?healthz", "probe", "kubectl get --raw /healthz/etcd", log=False
        )
        self.note("probe", sent_s=sent, ok=reason is None, reason=reason)

    def _probe(self, cp: str) -> Steps:
        member = self._member_for(cp)
        if member is None:
            yield self.env.timeout(self.timeout_ms())
            return ETCD_ERROR[Refusal.TIMED_OUT]
        try:
            yield self.sim.request(member, "?readyz", session=f"readyz/{cp}", timeout_ms=self.timeout_ms())
        except RequestFailed as failed:
            return ETCD_ERROR[failed.refusal]
        return None if self.up[cp] else "down"

    # ------------------------------------------------------------------ scripted events

    def _at(self, event: KubeEvent) -> Steps:
        yield self.env.timeout(event.at_s * 1000.0)
        action = event.action
        if action is Action.CRASH:
            self.crash(event.target or "")
        elif action is Action.RESTART:
            self.restart(event.target or "")
        elif action is Action.STOP:
            yield from self.stop(event.target or "")
        elif action is Action.ZONE_DOWN:
            self.note("zone", zone=event.target, change="down")
            for machine in self.spec.in_zone(event.target or ""):
                self.crash(machine)
        elif action is Action.ZONE_UP:
            self.note("zone", zone=event.target, change="up")
            for machine in self.spec.in_zone(event.target or ""):
                self.restart(machine)
        elif action is Action.PARTITION_ZONES:
            self.partition([frozenset(group) for group in event.groups])
        elif action is Action.HEAL:
            self.partition([frozenset(self.spec.zones)])
        elif action is Action.SCALE:
            yield from self.kubectl_scale(event.deployment or "", event.replicas or 0)
        elif action is Action.GET:
            yield from self.kubectl_get(event.target or "pods")
        elif action is Action.ETCD_MEMBER_REMOVE:
            self.member_change(ChangeKind.REMOVE, event.target or "")
        elif action is Action.ETCD_MEMBER_ADD:
            self.member_change(ChangeKind.ADD, event.target or "")
        elif action is Action.ETCD_MEMBER_PROMOTE:
            self.member_change(ChangeKind.PROMOTE, event.target or "")
            yield from self._await_voter(event.target or "")

    def member_change(self, kind: ChangeKind, member: str) -> None:
        """``etcdctl member remove|add --learner|promote``: asked of etcd's leader, which appends a configuration
        entry (refused, and traced as a ``skip``, while another change is uncommitted or there is no leader)."""
        command = {
            ChangeKind.REMOVE: "remove",
            ChangeKind.ADD: "add --learner",
            ChangeKind.PROMOTE: "promote",
        }
        self.note("etcd", member=member, command=f"etcdctl member {command[kind]} {member}")
        if kind is ChangeKind.ADD:
            self.members.add(member)
        self.sim.change_membership(ConfChange.single(kind, member), member)

    def _config_noted(self, event: Any) -> None:
        if event["phase"] == "committed" and event["index"] > self._committed_index:
            self._committed_index = event["index"]
            self.committed_voters = frozenset(event["voters"])

    def _await_voter(self, member: str) -> Steps:
        """A spare's API server starts once its etcd member is a voter in the configuration etcd's leader has
        committed (kubeadm joins the node's API server after its member; an API server on a learner could not
        serve, as etcd learners refuse linearizable reads). A promotion that never lands starts nothing."""
        while member not in self.serving:
            if member in self.committed_voters and self.up[member]:
                self.note("machine", node=member, change="api-server-start")
                self._start_api_server(member)
                return
            yield self.env.timeout(100.0)

    def crash(self, machine: str) -> None:
        if not self.up[machine]:
            return
        self.up[machine] = False
        self.note("machine", node=machine, change="crash")
        if machine in self.members:
            self.sim.crash(machine)
        self.show_pods()

    def restart(self, machine: str) -> None:
        if self.up[machine]:
            return
        self.up[machine] = True
        self.note("machine", node=machine, change="restart")
        if machine in self.members:
            self.sim.restart(machine)
        self.show_pods()

    def stop(self, machine: str) -> Steps:
        """A graceful shutdown, as an upgrade does it: the load balancer stops sending to its API server, which
        finishes the requests it has (kube-apiserver drains before it exits); an etcd member that leads first
        hands leadership to a live, reachable member (as etcd does before it stops); then the machine goes down."""
        if machine in self.in_flight:
            self.draining.add(machine)
            self.note("machine", node=machine, change="drain")
            for _ in range(100):  # up to 10 s for the requests in flight
                if not self.in_flight[machine]:
                    break
                yield self.env.timeout(100.0)
        if machine in self.members and self.sim.live_leader() == machine:
            targets = [
                m for m in self.spec.members if m != machine and self.up[m] and self.sim.connected(machine, m)
            ]
            if targets:
                self.note("machine", node=machine, change="move-leader", to=targets[0])
                self.sim.transfer(targets[0])
                for _ in range(20):  # up to 2 s for the transfer
                    yield self.env.timeout(100.0)
                    if self.sim.live_leader() != machine:
                        break
        self.up[machine] = False
        self.draining.discard(machine)
        self.note("machine", node=machine, change="stop")
        if machine in self.members:
            self.sim.crash(machine)
        self.show_pods()

    def partition(self, groups: list[frozenset[str]]) -> None:
        self.zone_groups = groups
        self.note("zones", groups=[sorted(g) for g in groups])
        spec = self.spec
        members = [tuple(m for m in spec.members if spec.zone_of(m) in g) for g in groups]
        members = [g for g in members if g]
        if len(members) > 1:
            self.sim.partition(tuple(members))
        else:
            self.sim.heal()

    def kubectl_scale(self, deployment: str, replicas: int) -> Steps:
        command = f"kubectl scale deployment {deployment} --replicas={replicas}"
        sent = self.now_s
        reason = yield from self.call(
            self.balanced(None), f"deploy/{deployment}={replicas}", "kubectl", command
        )
        if reason is None:
            self.desired[deployment] = replicas
            self.show_pods()
        self.note("kubectl", sent_s=sent, command=command, ok=reason is None, reason=reason)

    def kubectl_get(self, resource: str) -> Steps:
        command = f"kubectl get {resource}"
        sent = self.now_s
        reason = yield from self.call(self.balanced(None), f"?{resource}", "kubectl", command)
        self.note("kubectl", sent_s=sent, command=command, ok=reason is None, reason=reason)
