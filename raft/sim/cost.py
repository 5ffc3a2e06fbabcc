"""What a run will cost before it starts: messages, wall-clock seconds and trace bytes, from the scenario alone.

The counts follow from how the simulated leader talks: every ``heartbeat_ms`` it sends each follower an
AppendEntries and gets a reply (2 (n - 1) messages a round), and each client command (write, or read through the
log) is replicated at once, again 2 (n - 1) messages; clients submit until ``workload.stop_ms`` (80 % of the run by
default). Elections, retries and faults are left out: they are small beside a long run's steady traffic. A trace
holds about two events per message (``send``, ``deliver``) and, per command, an ``append``, ``commit`` and
``apply`` on every node plus ``submit`` and ``ack``.

The constants were measured on the 2-core development machine (shared, so loaded) with ``simulate(...,
record=False)`` over 60 simulated seconds of 5 nodes at 0, 20 and 100 writes/s (latency 5-10 ms, heartbeat
50 ms): 15, 28 and 33 µs of wall-clock time per message without a trace; writing the trace added 2.4 s for
185,000 events at 100 writes/s (13 µs an event), whose lines averaged 145 bytes (159 with heartbeats only).
``make bench`` measures the same cost for a whole process (README, Performance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from raft.scenario import Scenario

#: Wall-clock seconds per node-to-node message, safety checks included (see the module docstring).
SECONDS_PER_MESSAGE = 30e-6
#: Extra wall-clock seconds per event written to a trace.
SECONDS_PER_TRACED_EVENT = 13e-6
#: Bytes of one trace line, on average.
BYTES_PER_TRACED_EVENT = 150

#: Above these the CLI warns before a run (it runs anyway).
WARN_SECONDS = 600.0
WARN_TRACE_BYTES = 1e9


@dataclass(frozen=True, slots=True)
class Cost:
    """The estimated size of one run."""

    messages: float
    events: float
    seconds: float
    trace_bytes: float


def estimate(scenario: Scenario, duration_ms: float | None = None, *, trace: bool = False) -> Cost:
    """The estimated cost of running ``scenario`` for ``duration_ms`` (default: its own), with or without a trace."""
    duration = scenario.duration_ms if duration_ms is None else duration_ms
    cluster, workload = scenario.cluster, scenario.workload
    fan_out = 2 * (len(cluster.node_ids) - 1)
    rounds = duration / cluster.heartbeat_ms
    active_s = min(workload.effective_stop_ms(duration), duration) / 1000
    commands = (workload.writes_per_s + workload.reads_per_s) * active_s if workload.clients else 0.0
    messages = fan_out * (rounds + commands)
    events = 2 * messages + commands * (3 * len(cluster.node_ids) + 2)
    seconds = messages * SECONDS_PER_MESSAGE + (events * SECONDS_PER_TRACED_EVENT if trace else 0.0)
    return Cost(messages, events, seconds, events * BYTES_PER_TRACED_EVENT if trace else 0.0)


def warning(cost: Cost, duration_ms: float) -> str | None:
    """One line when ``cost`` is absurd (over ten minutes, or a trace over 1 GB), saying how to shorten the run;
    ``None`` otherwise."""
    over = []
    if cost.seconds > WARN_SECONDS:
        over.append(f"about {_duration(cost.seconds)} of computing ({cost.messages:,.0f} messages)")
    if cost.trace_bytes > WARN_TRACE_BYTES:
        over.append(f"a trace of about {_bytes(cost.trace_bytes)}")
    if not over:
        return None
    limit = min(
        WARN_SECONDS / cost.seconds if cost.seconds > WARN_SECONDS else 1.0,
        WARN_TRACE_BYTES / cost.trace_bytes if cost.trace_bytes > WARN_TRACE_BYTES else 1.0,
    )
    fits = duration_ms * limit  # rounded down to one significant digit, so that it does fit
    shorter = max(
        1.0, math.floor(fits / 10 ** math.floor(math.log10(fits))) * 10 ** math.floor(math.log10(fits))
    )
    return (
        f"warning: this run will take {' and '.join(over)}; shorten it with --duration-ms {shorter:.0f} "
        "(or fewer nodes, writes or reads); Ctrl-C stops it with a summary of what ran"
    )


def _duration(seconds: float) -> str:
    for unit, size in (("days", 86400.0), ("hours", 3600.0), ("minutes", 60.0)):
        if seconds >= 2 * size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} seconds"


def _bytes(count: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count:.0f} bytes"
