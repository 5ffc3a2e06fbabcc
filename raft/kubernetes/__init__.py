"""The Kubernetes control plane over the simulated etcd: what losing etcd's quorum does to a cluster.

A layer above the simulation (the Raft core, the scenario schema and the simulation know nothing of it): a
Kubernetes scenario (:mod:`raft.kubernetes.spec`, read by :mod:`raft.kubernetes.loader`) names control-plane
nodes, etcd stacked or external, workers, zones and Deployments; :func:`simulate_kubernetes` runs the etcd
members as a Raft cluster of the simulator and the control plane (:mod:`raft.kubernetes.model`) beside it,
through the simulation's public hooks. See docs/kubernetes.md for what is modelled and what is simplified.

>>> from raft.kubernetes import simulate_kubernetes
>>> result = simulate_kubernetes("scenarios/kubernetes/three-lose-two.yaml")  # doctest: +SKIP
>>> result.ok  # doctest: +SKIP
True
"""

from raft.kubernetes.loader import is_kubernetes_data, load_kube_scenario, parse_kube_scenario
from raft.kubernetes.run import KubeResult, simulate_kubernetes
from raft.kubernetes.spec import KubeScenario

__all__ = [
    "KubeResult",
    "KubeScenario",
    "is_kubernetes_data",
    "load_kube_scenario",
    "parse_kube_scenario",
    "simulate_kubernetes",
]
