"""Membership changes as the trace tells them (thesis chapter 4): the configuration entries of a run, and the
configuration each server used over time.

The ``config`` events say, per server, when a configuration entry was appended to its log, committed there, and
when the configuration the server uses changed (``in_force``). This module turns them into words and rows;
:mod:`raft.analysis.availability` reads the configuration a leader uses, and the summary, the DataFrames and the
timeline show the changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from raft.analysis.records import ConfigurationRecord
from raft.sim.events import ConfigEvent, Event, EventType


def describe_config(voters: Sequence[str], learners: Sequence[str], outgoing: Sequence[str] = ()) -> str:
    """``voters n1, n2, n3; learners n4`` (and, during joint consensus, ``outgoing`` with the old voters)."""
    parts = [f"voters {', '.join(voters) or 'none'}"]
    if outgoing:
        parts.append(f"outgoing {', '.join(outgoing)} (joint)")
    if learners:
        parts.append(f"learners {', '.join(learners)}")
    return "; ".join(parts)


def config_words(event: ConfigEvent) -> str:
    """A config event's configuration in words (:func:`describe_config`)."""
    return describe_config(event["voters"], event["learners"], event.get("outgoing", ()))


def config_line(event: ConfigEvent) -> str:
    """One config event as a transcript line: ``n1 appends configuration 4: voters n1, n2, n3, n4``."""
    verb = {"appended": "appends", "committed": "commits", "in_force": "uses"}.get(
        event["phase"], event["phase"]
    )
    which = f"configuration {event['index']}" if event["index"] else "the initial configuration"
    return f"{event['node']} {verb} {which}: {config_words(event)}"


@dataclass(frozen=True, slots=True)
class ConfigChange:
    """One configuration entry of the run, as its first server saw it: appended at ``appended_ms`` (by the
    leader that created it) and first committed at ``committed_ms`` (``None``: never, it was truncated or the run
    ended first)."""

    index: int
    appended_ms: float
    committed_ms: float | None
    node: str
    voters: tuple[str, ...]
    learners: tuple[str, ...]
    outgoing: tuple[str, ...]

    def record(self) -> ConfigurationRecord:
        """The summary's form of this entry."""
        record: ConfigurationRecord = {
            "index": self.index,
            "node": self.node,
            "appended_ms": self.appended_ms,
            "committed_ms": self.committed_ms,
            "voters": list(self.voters),
            "learners": list(self.learners),
        }
        if self.outgoing:
            record["outgoing"] = list(self.outgoing)
        return record

    @property
    def words(self) -> str:
        return describe_config(self.voters, self.learners, self.outgoing)


def config_changes(events: Iterable[Event]) -> list[ConfigChange]:
    """Every configuration entry appended in the run, in the order they were first appended. An entry is known
    by its index and voters/learners (a truncated entry and its replacement at the same index are two)."""
    changes: dict[tuple[int, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ConfigChange] = {}
    for event in events:
        if event["type"] != EventType.CONFIG:
            continue
        key = (
            event["index"],
            tuple(event["voters"]),
            tuple(event["learners"]),
            tuple(event.get("outgoing", [])),
        )
        phase = event["phase"]
        known = changes.get(key)
        if phase == "appended" and known is None:
            changes[key] = ConfigChange(event["index"], event["t_ms"], None, event["node"], *key[1:])
        elif phase == "committed" and known is not None and known.committed_ms is None:
            changes[key] = ConfigChange(
                known.index,
                known.appended_ms,
                event["t_ms"],
                known.node,
                known.voters,
                known.learners,
                known.outgoing,
            )
    return list(changes.values())
