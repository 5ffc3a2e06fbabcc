"""Ending a run from an event consumer: an experiment measures what the summary does not by passing consumers to
:func:`raft.api.simulate` (``consumers=``), and a consumer that has its measurement may end the run at once with
:func:`stop` (the clock stops; the run's outcome is its state at that moment).
"""

from __future__ import annotations

from simpy.core import StopSimulation


def stop() -> None:
    """End the run now (call it from a consumer); the run's outcome is its state at this moment."""
    raise StopSimulation(None)
