"""Running fuzz seeds: the garbage collector paused for a seed's run, and collected after it."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from raft.fuzz.runner import collected_once


class Node:
    def __init__(self) -> None:
        self.other: Any = None


def test_a_seeds_cycles_are_collected_once_after_it_and_the_collector_is_back_on() -> None:
    assert gc.isenabled()
    with collected_once():
        assert not gc.isenabled()  # paused for the run
        a, b = Node(), Node()
        a.other, b.other = b, a  # a reference cycle: only the cyclic collector frees it
        alive = weakref.ref(a)
        del a, b
        assert alive() is not None
    assert gc.isenabled()
    assert alive() is None


def test_a_collector_switched_off_stays_off() -> None:
    gc.disable()
    try:
        with collected_once():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
