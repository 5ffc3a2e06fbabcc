"""Drawing the random durations of a scenario (:class:`~raft.scenario.delays.Delay`) from a seeded stream.

:func:`sampler` turns a duration into a function of no arguments bound to its own random stream, so every draw
is reproducible from the seed and draws of one kind (a server's timer jitter, its disk) never shift another's.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from raft.scenario.delays import Delay

#: A source of durations, in ms.
Sampler = Callable[[], float]


def sampler(delay: Delay, rng: random.Random) -> Sampler:
    """Draws of ``delay`` from ``rng``."""
    low = delay.min_ms or 0.0
    match delay.dist:
        case "constant":
            value = float(delay.ms)  # type: ignore[arg-type]
            return lambda: value
        case "uniform":
            a, b = float(delay.low_ms), float(delay.high_ms)  # type: ignore[arg-type]
            uniform = rng.uniform
            return lambda: uniform(a, b)
        case "exponential":
            spread = float(delay.mean_ms) - low  # type: ignore[arg-type]
            if spread <= 0:
                return lambda: low
            rate, expovariate = 1.0 / spread, rng.expovariate
            return lambda: low + expovariate(rate)
        case "lognormal":
            mu, sigma = math.log(float(delay.median_ms) - low), float(delay.sigma)  # type: ignore[arg-type]
            lognormvariate = rng.lognormvariate
            return lambda: low + lognormvariate(mu, sigma)
    raise AssertionError(f"unknown distribution {delay.dist}")  # the schema admits no other


def with_stalls(draw: Sampler, rate: float, stall: Sampler, rng: random.Random) -> Sampler:
    """``draw``, plus a ``stall`` with probability ``rate`` (an fsync that waits behind the device's flush)."""
    if rate <= 0.0:
        return draw
    chance = rng.random
    return lambda: draw() + (stall() if chance() < rate else 0.0)
