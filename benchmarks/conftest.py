"""Benchmarks (``make bench``): each records its headline figure in FIGURES; the session ends by printing them."""

from __future__ import annotations

import os
from typing import Any

import pytest

from raft.compiled import core_mode

FIGURES: list[tuple[str, str, str]] = []


@pytest.fixture
def record_figure() -> Any:
    def record(name: str, value: str, target: str) -> None:
        FIGURES.append((name, value, target))

    return record


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section(f"raft-sim figures ({os.cpu_count()} cores, Raft core {core_mode()})")
    width = max(len(name) for name, _, _ in FIGURES)
    for name, value, target in FIGURES:
        terminalreporter.write_line(f"{name:<{width}}  {value:<40}  {target}")
