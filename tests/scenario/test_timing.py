"""The timing section and its profiles (raft/scenario/timing.py), and durations (raft/scenario/delays.py).

Rules checked: exact time is the default and sets nothing; ``timing.profile: lan`` fills in the timing, network
and storage keys the scenario leaves out and never overrides one it gives; the validated scenario (and so the
trace's meta line) holds the resolved values; durations keep the forms they were written in.
"""

from __future__ import annotations

from raft.scenario import parse_scenario
from raft.scenario.delays import Delay
from raft.scenario.timing import PROFILES

BASE = {"name": "t", "duration_ms": 1000, "cluster": {"size": 3}}


def test_exact_is_the_default_and_changes_nothing() -> None:
    default = parse_scenario(BASE)
    exact = parse_scenario({**BASE, "timing": {"profile": "exact"}})
    assert default.timing.profile == "exact"
    assert exact.network == default.network and exact.storage == default.storage
    assert default.timing.drift_ppm == 0 and default.timing.jitter is None
    assert default.storage.write_ms == 0.0 and default.network.latency_ms == (5.0, 10.0)


def test_lan_fills_in_every_key_it_names() -> None:
    sc = parse_scenario({**BASE, "timing": {"profile": "lan"}})
    lan = PROFILES["lan"]
    dumped = sc.model_dump(mode="json")
    for section, keys in lan.items():
        for key, value in keys.items():
            assert dumped[section][key] == value, (section, key)
    assert isinstance(sc.storage.write_ms, Delay) and isinstance(sc.network.latency_ms, Delay)
    assert sc.timing.jitter is not None


def test_explicit_keys_win_over_the_profile() -> None:
    sc = parse_scenario(
        {
            **BASE,
            "timing": {"profile": "lan", "drift_ppm": 5},
            "network": {"latency_ms": [1, 2]},
            "storage": {"write_ms": 4},
        }
    )
    assert sc.timing.drift_ppm == 5
    assert sc.network.latency_ms == (1.0, 2.0)
    assert sc.storage.write_ms == 4
    assert sc.storage.fsync_stall_rate == PROFILES["lan"]["storage"]["fsync_stall_rate"]
    assert sc.timing.timer_jitter_ms == Delay.model_validate(PROFILES["lan"]["timing"]["timer_jitter_ms"])


def test_durations_are_dumped_as_written() -> None:
    sc = parse_scenario(
        {
            **BASE,
            "storage": {"write_ms": {"dist": "exponential", "mean_ms": 2}, "fsync_stall_ms": [5, 50]},
            "timing": {"timer_jitter_ms": 0.1},
        }
    )
    dumped = sc.model_dump(mode="json")
    assert dumped["storage"]["write_ms"] == {"dist": "exponential", "mean_ms": 2}
    assert dumped["storage"]["fsync_stall_ms"] == {"dist": "uniform", "low_ms": 5, "high_ms": 50}
    assert dumped["timing"]["timer_jitter_ms"] == 0.1
    assert parse_scenario({**BASE, **{k: dumped[k] for k in ("storage", "timing")}}) == sc.model_copy(
        update={"name": "t"}
    )
    assert Delay.model_validate({"dist": "exponential", "mean_ms": 2, "min_ms": 0.5}).mean == 2
    assert Delay.model_validate([1, 3]).mean == 2
