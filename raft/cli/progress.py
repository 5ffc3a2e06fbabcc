"""How ``raft-sim run`` paces a long run: progress on a terminal, and a clean stop on Ctrl-C.

:class:`RunPacer` is the run's :data:`raft.sim.simulation.Pacer`: the simulation runs in slices of simulated
time sized to take about a tenth of a second each, and between two slices the pacer updates the progress bar and
looks whether Ctrl-C was pressed. The wall clock is read here, never in the simulation: the slices do not change
the run's events (same seed, same trace), only where it may stop.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import IO, Any

from raft.interrupts import StopRequest, stop_requests

#: Progress appears once a run has taken this long (wall-clock seconds).
SHOW_AFTER_S = 2.0
#: Wall-clock seconds a slice should take: short enough for Ctrl-C to answer at once, long enough to cost nothing.
SLICE_S = 0.1
#: The first slice, in simulated ms (then doubled or halved to take about SLICE_S).
FIRST_SLICE_MS = 10.0


class RunPacer:
    """Paces one run. Life: built before the run, called by the simulation between slices (with the simulated
    time reached), :meth:`close`\\ d after it. Inside :meth:`catching_interrupts` the first Ctrl-C sets
    :attr:`stop`, and the next call stops the run; a second Ctrl-C raises ``KeyboardInterrupt`` as usual.
    """

    def __init__(
        self,
        duration_ms: float,
        *,
        show: bool,
        clock: Callable[[], float] = time.monotonic,
        file: IO[str] | None = None,
        show_after_s: float = SHOW_AFTER_S,
    ) -> None:
        self.duration_ms = duration_ms
        self.show = show
        self.clock = clock
        self.file = file if file is not None else sys.stderr
        self.show_after_s = show_after_s
        self.stop = StopRequest()
        self.bar: Any = None
        self._start = clock()
        self._last = self._start
        self._slice_ms = FIRST_SLICE_MS

    def __call__(self, now_ms: float) -> float | None:
        if self.stop.requested:
            return None
        now = self.clock()
        took = now - self._last
        self._last = now
        if took < SLICE_S / 2:
            self._slice_ms *= 2
        elif took > SLICE_S * 2:
            self._slice_ms = max(FIRST_SLICE_MS / 10, self._slice_ms / 2)
        if self.show and now - self._start >= self.show_after_s:
            self._update(now_ms, now - self._start)
        return self._slice_ms

    def _update(self, now_ms: float, elapsed_s: float) -> None:
        speed = now_ms / 1000 / elapsed_s if elapsed_s > 0 else 0.0
        text = progress_text(now_ms, self.duration_ms, speed)
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                total=self.duration_ms,
                initial=now_ms,
                file=self.file,
                dynamic_ncols=True,
                desc=text,
                bar_format="{desc} {percentage:3.0f}%|{bar}| about {remaining} left",
            )
            return
        self.bar.set_description_str(text, refresh=False)
        self.bar.update(now_ms - self.bar.n)

    def close(self) -> None:
        """Take the progress bar off the terminal (the summary follows)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def catching_interrupts(self) -> AbstractContextManager[StopRequest]:
        """While inside, Ctrl-C (SIGINT) asks the run to stop at its current simulated instant."""
        return stop_requests(self.stop)


def progress_text(now_ms: float, duration_ms: float, speed: float) -> str:
    """``simulated 1.7 min of 1.0 h, 22x real time``: how far the run is and how fast it goes."""
    shown = f"{speed:.0f}" if speed >= 10 else f"{speed:.2g}"
    return f"simulated {sim_time(now_ms)} of {sim_time(duration_ms)}, {shown}x real time"


def sim_time(ms: float) -> str:
    """Simulated time for people: ``850 ms``, ``12.5 s``, ``42.0 min``, ``3.0 h``, ``2.5 days``."""
    for unit, size in (("days", 86_400_000.0), ("h", 3_600_000.0), ("min", 60_000.0), ("s", 1000.0)):
        if ms >= size:
            return f"{ms / size:.1f} {unit}"
    return f"{ms:.0f} ms"
