"""Helpers for live-mode tests: a clock the test moves, and the replay of a saved session by ``raft-sim run``."""

from __future__ import annotations

import json
from pathlib import Path

from raft.cli import main


class FakeClock:
    """Real seconds, as far as a session knows: they pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += seconds


def replayed_lines(saved_yaml: str, tmp_path: Path, until_ms: float) -> list[str]:
    """``raft-sim run`` on a saved session: its trace's event lines before ``until_ms`` (the meta line, which
    states the file's own events and duration, left out)."""
    scenario = tmp_path / "saved.yaml"
    scenario.write_text(saved_yaml, encoding="utf-8")
    trace = tmp_path / "replay.jsonl"
    assert main(["run", str(scenario), "--trace", str(trace), "--quiet"]) in (0, 1)
    lines = trace.read_text(encoding="utf-8").splitlines()[1:]
    return [line for line in lines if json.loads(line)["t_ms"] < until_ms]


def of_type(lines: list[str], kind: str) -> list[dict[str, object]]:
    events = [json.loads(line) for line in lines]
    return [e for e in events if e["type"] == kind]
