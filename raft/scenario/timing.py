"""The servers' time model in a scenario: the ``timing`` section, and the named profiles that fill in timing keys.

``timing.profile`` names a bundle of values: ``exact`` (the default: perfect clocks, and the network and disk as
their own sections say) or ``lan`` (what a real cluster of servers on one LAN shows: see :data:`PROFILES` and
docs/timing.md for each value's source). A profile only fills keys the scenario leaves out: explicit keys win,
wherever they are (``timing``, ``network``, ``storage``). The validated scenario holds the resolved values, so a
trace's meta line says exactly which model ran.
"""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from raft.scenario.base import Frozen, fill_in, known_profile
from raft.scenario.delays import Delay, Duration, distribution
from raft.scenario.suggest import fmt_number, problem

#: The largest clock-rate error ``timing.drift_ppm`` accepts, in ppm (10 %): a clock further off is broken, not
#: drifting (quartz oscillators are specified to tens of ppm).
MAX_DRIFT_PPM = 100_000.0

#: Each profile: the keys it sets, by section. ``exact`` sets nothing (every default is exact).
PROFILES: dict[str, dict[str, dict[str, Any]]] = {
    "exact": {},
    "lan": {
        "timing": {
            "drift_ppm": 50.0,
            "timer_jitter_ms": {"dist": "exponential", "min_ms": 0.005, "mean_ms": 0.055},
        },
        "network": {"latency_ms": {"dist": "lognormal", "min_ms": 0.05, "median_ms": 0.1, "sigma": 0.5}},
        "storage": {
            "write_ms": {"dist": "lognormal", "median_ms": 3.0, "sigma": 0.5},
            "fsync_stall_rate": 0.001,
            "fsync_stall_ms": {"dist": "uniform", "low_ms": 10, "high_ms": 50},
        },
    },
}


class TimingConfig(Frozen):
    """The time model of the servers (:mod:`raft.sim.clock`). The default is exact time: every clock runs at the
    simulation's rate and every timer fires at its deadline.

    ``profile``: ``exact`` or ``lan``; fills the timing, network and storage keys the scenario does not give.
    ``drift_ppm``: each server's clock-rate error in parts per million (a fast clock, positive, reaches its
    deadlines early). A number ``x`` draws each server's drift uniformly in [-x, x] from its own seeded stream; a
    mapping gives it per node (nodes not listed: 0).
    ``timer_jitter_ms``: how long after its deadline a timer fires (the scheduling delay of a real process): a
    duration (:class:`~raft.scenario.delays.Delay`) drawn afresh each time a server arms its timer.
    """

    profile: str = "exact"
    drift_ppm: float | dict[str, float] = 0.0
    timer_jitter_ms: Duration = 0.0

    @field_validator("profile")
    @classmethod
    def _profile(cls, profile: str) -> str:
        return known_profile(profile, PROFILES)

    @field_validator("drift_ppm")
    @classmethod
    def _drift(cls, drift: float | dict[str, float]) -> float | dict[str, float]:
        if isinstance(drift, dict):
            for node, ppm in drift.items():
                if abs(ppm) > MAX_DRIFT_PPM:
                    raise problem(
                        f"must be within ±{fmt_number(MAX_DRIFT_PPM)} ppm, got {fmt_number(ppm)}", node
                    )
        elif not 0 <= drift <= MAX_DRIFT_PPM:
            raise problem(
                f"must be between 0 and {fmt_number(MAX_DRIFT_PPM)} ppm (drifts are drawn in ±it), got {fmt_number(drift)}"
            )
        return drift

    @property
    def jitter(self) -> Delay | None:
        """The timer jitter as a distribution, or ``None`` when timers fire on time."""
        return distribution(self.timer_jitter_ms)


def apply_profile(data: Any) -> Any:
    """The scenario's data (model form) with the keys of its ``timing.profile`` filled in where not given."""
    if not isinstance(data, dict):
        return data
    timing = data.get("timing")
    profile = timing.get("profile") if isinstance(timing, dict) else None
    values = PROFILES.get(profile) if isinstance(profile, str) else None
    if not values:
        return data
    data = dict(data)
    for section, keys in values.items():
        data[section] = fill_in(keys, data.get(section, {}))
    return data


__all__ = ["MAX_DRIFT_PPM", "PROFILES", "TimingConfig", "apply_profile"]
