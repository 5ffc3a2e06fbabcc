"""Scenario files: YAML in, a validated, frozen :class:`Scenario` out, or one clear :class:`ScenarioError` line.

- :func:`load_scenario` reads and validates a file (``read_scenario_data`` + ``parse_scenario``).
- :func:`read_scenario_data` gives the raw YAML mapping, :func:`apply_overrides` sets dotted keys in it
  (``--set cluster.size=5``, sweeps), and :func:`parse_scenario` validates a mapping.
- The models (:mod:`raft.scenario.schema`) state every field, default and limit.
"""

from raft.scenario.events import Action, Event, When
from raft.scenario.expectations import EXPECTATION_CHECKS, SAFETY_PROPERTIES, Expectation
from raft.scenario.loader import load_scenario, override_key_problem, parse_scenario
from raft.scenario.overrides import apply_overrides
from raft.scenario.reader import ScenarioData, read_scenario_data
from raft.scenario.schema import (
    ClusterConfig,
    InitialState,
    NetworkConfig,
    Scenario,
    StorageConfig,
    WorkloadConfig,
)
from raft.scenario.timing import TimingConfig

__all__ = [
    "EXPECTATION_CHECKS",
    "SAFETY_PROPERTIES",
    "Action",
    "ClusterConfig",
    "Event",
    "Expectation",
    "InitialState",
    "NetworkConfig",
    "Scenario",
    "ScenarioData",
    "StorageConfig",
    "TimingConfig",
    "When",
    "WorkloadConfig",
    "apply_overrides",
    "load_scenario",
    "override_key_problem",
    "parse_scenario",
    "read_scenario_data",
]
