"""Save as scenario: the scenario file that replays a live session to the same trace.

The file is the scenario as written, with:

- every event sent to the session appended, in the order they were sent, each at the simulated time at which it
  happened (``{at_ms: 1235, crash: n1}``); the scenario's own timed events after the time reached are left out
  (they never happened), its ``expect`` list too (it describes the scenario's story, not the session's);
- ``duration_ms``: the simulated time the session reached (a millisecond more if a violation stopped it then,
  so that the replay reaches the violation). When clients were active, the run goes on past it by
  :func:`retry_tail_ms`: a client caps its retry backoff by the time left in a run (:mod:`raft.sim.clients`),
  and the session's clients, in a run that goes on for a year, never did; with that much time left, neither do
  the replay's before the time reached. The workload's ``stop_ms`` is set to the time reached at the latest, for
  the same reason (it defaults to a fraction of the run).

``raft-sim run`` on the file gives, up to the time reached, exactly the session's trace lines (all but the meta
line, which states the file's own events and duration).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from raft.scenario import Action, Scenario, parse_scenario
from raft.scenario import Event as ScenarioEvent
from raft.scenario.suggest import fmt_number
from raft.sim.clients import END_FRACTION
from raft.words import counted

#: How far past the time reached the replay of a session stopped by a violation runs (the violation happened
#: while that instant's events were carried out; a run to exactly that time would stop before them).
VIOLATION_TAIL_MS = 1.0
#: How a saved scenario is named in error messages (it is always valid; a failure is a bug here).
SAVED_SOURCE = "<live session>"


def yaml_item(event: ScenarioEvent) -> dict[str, Any]:
    """A timed scenario event in the YAML form a scenario file uses (``{at_ms: 1235, crash: n1}``)."""
    item: dict[str, Any] = {"at_ms": event.at_ms}
    action = event.action
    if action is Action.PARTITION:
        item["partition"] = [list(group) for group in event.groups]
    elif action is Action.CUT:
        assert event.link is not None
        item["cut"] = list(event.link)
    elif action is Action.HEAL:
        item["heal"] = event.target if event.target is not None else list(event.link) if event.link else True
    elif action is Action.WRITE:
        item["write"] = event.command
        if event.to is not None:
            item["to"] = event.to
    else:
        item[action.value] = event.target
    return item


def retry_tail_ms(scenario: Scenario) -> float:
    """How far past the time reached a replay must run so that no client caps a retry's backoff before it:
    the longest backoff is ``max_backoff_ms``, capped at :data:`~raft.sim.clients.END_FRACTION` of the time
    left."""
    return scenario.workload.max_backoff_ms / END_FRACTION


def live_scenario(
    data: Mapping[str, Any],
    scenario: Scenario,
    injected: Sequence[ScenarioEvent],
    *,
    reached_ms: float,
    clients_stop_ms: float,
    clients_active: bool,
    violated: bool = False,
) -> dict[str, Any]:
    """The scenario mapping (YAML form) that replays a live session of ``scenario`` (written as ``data``) in
    which the events ``injected`` happened, at their ``at_ms``, and which reached ``reached_ms``; its clients
    stopped submitting at ``clients_stop_ms`` (or will), and ``clients_active`` says whether any submitted.
    A session ``violated`` stopped at a violation at ``reached_ms``: the replay runs past it, to stop there too."""
    saved: dict[str, Any] = copy.deepcopy(dict(data))
    tail = retry_tail_ms(scenario) if clients_active else VIOLATION_TAIL_MS if violated else 0.0
    saved["name"] = f"{scenario.name} (live)"
    saved["description"] = (
        f"A live session of {scenario.name}, saved at {fmt_number(reached_ms)} ms (simulated) with "
        f"{counted(len(injected), 'event')} sent from the page."
        + (
            f" The run goes on {fmt_number(tail)} ms past that time so that clients retry as they did live "
            f"(a client caps its retry backoff by the time left in a run); up to {fmt_number(reached_ms)} ms its "
            "trace is the session's."
            if clients_active
            else " The run goes on past that time to the violation that stopped the session."
            if violated
            else ""
        )
    )
    saved["duration_ms"] = reached_ms + tail
    kept = [item for item in saved.get("events") or () if not _after(item, reached_ms)]
    saved["events"] = kept + [yaml_item(event) for event in injected]
    saved.pop("expect", None)
    workload = scenario.workload
    if workload.stop_ms is not None or workload.writes_per_s > 0 or workload.reads_per_s > 0:
        section = saved.setdefault("workload", {})
        section["stop_ms"] = min(clients_stop_ms, reached_ms)
    parse_scenario(saved, SAVED_SOURCE)  # a guard: what is saved loads
    return saved


def _after(item: Any, t_ms: float) -> bool:
    """Whether a scenario's event item (YAML or model form) is timed after ``t_ms``."""
    at = item.get("at_ms") if isinstance(item, Mapping) else None
    return isinstance(at, int | float) and at > t_ms


class _OneLine(dict[str, Any]):
    """A mapping written on one line (an event of the ``events`` list)."""


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, writing each event of a scenario on one line."""


_Dumper.add_representer(
    _OneLine, lambda dumper, item: dumper.represent_mapping("tag:yaml.org,2002:map", item, flow_style=True)
)


def scenario_yaml(data: Mapping[str, Any]) -> str:
    """A scenario mapping as the text of a scenario file (each event on one line)."""
    text = dict(data)
    if isinstance(text.get("events"), list):
        text["events"] = [_OneLine(item) if isinstance(item, Mapping) else item for item in text["events"]]
    return yaml.dump(
        text, Dumper=_Dumper, sort_keys=False, default_flow_style=None, width=110, allow_unicode=True
    )
