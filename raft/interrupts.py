"""Ctrl-C as a request to stop at the next safe point, for long work that can stop cleanly.

Inside :func:`stop_requests`, the first SIGINT only sets :attr:`StopRequest.requested`; the loop doing the work
looks at it between two steps (a slice of a run, a batch of runs) and stops there, keeping what finished. While
the loop only waits for the next batch (:func:`until_stopped`), the request abandons the wait at once. A second
SIGINT raises ``KeyboardInterrupt`` as usual. Outside the main thread, where Python cannot catch signals, Ctrl-C
keeps its usual meaning.

So an interrupt never lands in the middle of writing a row or a trace line; worker processes ignore it
(:func:`raft.batch.runners.ignore_interrupts`) and are shut down by the main process.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")


class StopRequest:
    """Whether Ctrl-C was pressed since the work started; while :attr:`waiting`, pressing it also raises
    ``KeyboardInterrupt`` at once (the work only waits for others, and can drop what it waits for)."""

    def __init__(self) -> None:
        self.requested = False
        self.waiting = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested or self.waiting:
            self.requested = True
            raise KeyboardInterrupt
        self.requested = True


def until_stopped(items: Iterator[T], stop: StopRequest) -> Iterator[T]:
    """``items`` until Ctrl-C: a request that comes while waiting for the next item drops the wait at once (and
    ends ``items`` by the exception); one that comes while the caller handles an item stops after that item."""
    while not stop.requested:
        stop.waiting = True
        try:
            item = next(items)
        except StopIteration:
            return
        except KeyboardInterrupt:
            if stop.requested:
                return
            raise
        finally:
            stop.waiting = False
        yield item


class Interrupted(KeyboardInterrupt):
    """Work stopped by Ctrl-C at a safe point; ``str()`` says what finished (one line for the user), ``done`` is
    the report of the work that raised it (what finished, in that work's own terms)."""

    def __init__(self, message: str, done: Any = None) -> None:
        super().__init__(message)
        self.done = done


@contextmanager
def stop_requests(request: StopRequest | None = None) -> Iterator[StopRequest]:
    """Catch SIGINT into a :class:`StopRequest` while inside (the one given, or a new one)."""
    request = request if request is not None else StopRequest()
    try:
        previous = signal.signal(signal.SIGINT, request.handle)
    except ValueError:  # not the main thread
        yield request
        return
    try:
        yield request
    finally:
        signal.signal(signal.SIGINT, previous)
