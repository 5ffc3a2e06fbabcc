"""``raft-sim run``'s progress and pacing (raft/cli/progress.py), with a fake clock: no waiting."""

from __future__ import annotations

import io
import sys

import pytest

from raft.batch.sweep import show_progress
from raft.cli.progress import FIRST_SLICE_MS, SHOW_AFTER_S, RunPacer, progress_text, sim_time
from raft.interrupts import StopRequest


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_appears_after_two_seconds_with_time_share_speed_and_time_left() -> None:
    clock, out = Clock(), io.StringIO()
    pacer = RunPacer(3_600_000, show=True, clock=clock, file=out)
    clock.now += 1.0
    pacer(30_000.0)
    assert out.getvalue() == ""  # a short run never shows progress
    clock.now += SHOW_AFTER_S
    pacer(90_000.0)
    clock.now += 1.0
    pacer(120_000.0)
    pacer.close()
    shown = out.getvalue().replace("\r", "\n").strip().splitlines()[-1]
    assert shown.startswith("simulated 2.0 min of 1.0 h, 30x real time   3%|")  # 120 s simulated in 4 s
    assert "left" in shown


def test_no_progress_when_not_shown() -> None:
    clock, out = Clock(), io.StringIO()
    pacer = RunPacer(1000, show=False, clock=clock, file=out)
    clock.now += 10
    pacer(500.0)
    pacer.close()
    assert out.getvalue() == ""


def test_slices_take_about_a_tenth_of_a_second_and_a_stop_request_ends_the_run() -> None:
    clock = Clock()
    pacer = RunPacer(1e9, show=False, clock=clock)
    assert pacer(0.0) == 2 * FIRST_SLICE_MS  # a slice that took no time: the next is longer
    clock.now += 1.0
    assert pacer(20.0) == FIRST_SLICE_MS  # one that took a second: shorter
    pacer.stop.requested = True
    assert pacer(30.0) is None


def test_stop_request_raises_only_while_waiting_or_when_pressed_twice() -> None:
    stop = StopRequest()
    stop.handle(2, None)
    assert stop.requested
    try:
        stop.handle(2, None)
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("a second Ctrl-C must raise")


def test_texts() -> None:
    assert progress_text(1500.0, 60_000.0, 2.5) == "simulated 1.5 s of 1.0 min, 2.5x real time"
    assert [sim_time(ms) for ms in (850, 12_500, 2_520_000, 10_800_000, 216_000_000)] == [
        "850 ms",
        "12.5 s",
        "42.0 min",
        "3.0 h",
        "2.5 days",
    ]


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_only_on_a_terminal_and_not_with_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", Stream(tty=False))
    assert not show_progress(quiet=False)  # a pipe or a file: never
    monkeypatch.setattr(sys, "stderr", Stream(tty=True))
    assert show_progress(quiet=False)
    assert not show_progress(quiet=True)
