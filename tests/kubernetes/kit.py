"""Shared runs of the shipped Kubernetes scenarios (each computed once per test session)."""

from __future__ import annotations

from pathlib import Path

from raft.kubernetes import KubeResult, simulate_kubernetes

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios" / "kubernetes"
_runs: dict[tuple[str, int], KubeResult] = {}


def run(name: str, seed: int = 0) -> KubeResult:
    if (name, seed) not in _runs:
        _runs[(name, seed)] = simulate_kubernetes(SCENARIOS / f"{name}.yaml", seed=seed)
    return _runs[(name, seed)]
