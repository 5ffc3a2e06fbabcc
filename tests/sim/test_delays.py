"""Drawing random durations (raft/sim/delays.py): each distribution has the moments its parameters say, over many
draws from a seeded stream, and the same seed draws the same numbers."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from raft.scenario.delays import Delay
from raft.sim.delays import sampler, with_stalls

N = 40_000


def draws(spec: dict[str, object], n: int = N, seed: str = "t") -> list[float]:
    draw = sampler(Delay.model_validate(spec), random.Random(seed))
    return [draw() for _ in range(n)]


def test_a_constant_is_constant() -> None:
    assert set(draws({"dist": "constant", "ms": 4}, 100)) == {4.0}


def test_uniform_moments() -> None:
    xs = draws({"dist": "uniform", "low_ms": 2, "high_ms": 6})
    assert min(xs) >= 2 and max(xs) <= 6
    assert statistics.fmean(xs) == pytest.approx(4.0, rel=0.01)
    assert statistics.pstdev(xs) == pytest.approx(4 / math.sqrt(12), rel=0.02)


def test_shifted_exponential_moments() -> None:
    """min_ms + Exp: mean mean_ms, standard deviation mean_ms - min_ms, never below min_ms."""
    xs = draws({"dist": "exponential", "min_ms": 0.01, "mean_ms": 0.06})
    assert min(xs) >= 0.01
    assert statistics.fmean(xs) == pytest.approx(0.06, rel=0.02)
    assert statistics.pstdev(xs) == pytest.approx(0.05, rel=0.03)
    assert statistics.median(xs) == pytest.approx(0.01 + 0.05 * math.log(2), rel=0.03)


def test_shifted_lognormal_moments() -> None:
    """min_ms + LogNormal: median median_ms, mean min + (median - min)·exp(σ²/2), a long right tail."""
    spec = {"dist": "lognormal", "min_ms": 0.05, "median_ms": 0.15, "sigma": 0.6}
    xs = draws(spec)
    assert min(xs) >= 0.05
    assert statistics.median(xs) == pytest.approx(0.15, rel=0.02)
    mean = 0.05 + 0.1 * math.exp(0.18)
    assert statistics.fmean(xs) == pytest.approx(mean, rel=0.02)
    assert Delay.model_validate(spec).mean == pytest.approx(mean)
    logs = [math.log(x - 0.05) for x in xs]
    assert statistics.pstdev(logs) == pytest.approx(0.6, rel=0.02)
    assert statistics.quantiles(xs, n=100)[98] > 2.5 * statistics.median(xs)  # p99 far out: long-tailed


def test_stalls_add_their_mean_at_their_rate() -> None:
    rng = random.Random("disk")
    base = sampler(Delay.model_validate({"dist": "lognormal", "median_ms": 0.5, "sigma": 0.4}), rng)
    stall = sampler(Delay.model_validate([10, 30]), rng)
    draw = with_stalls(base, 0.02, stall, rng)
    xs = [draw() for _ in range(N)]
    slow = [x for x in xs if x > 8]
    assert len(slow) / N == pytest.approx(0.02, rel=0.1)
    assert statistics.fmean(xs) == pytest.approx(0.5 * math.exp(0.08) + 0.02 * 20, rel=0.03)


def test_same_seed_same_draws() -> None:
    spec = {"dist": "exponential", "mean_ms": 1}
    assert draws(spec, 50, "a") == draws(spec, 50, "a") != draws(spec, 50, "b")
