"""The summary's event consumer (raft/analysis/summary.py) keeps no per-operation state beyond the operations in
flight and each latency, and counts what it forgot exactly."""

from __future__ import annotations

from typing import Any

from raft.analysis.availability import AvailabilityBuilder
from raft.analysis.summary import SummaryBuilder

Ev = dict[str, Any]


def submit(t: float, seq: int, command: str, client: str = "c1") -> Ev:
    return {"t_ms": t, "type": "submit", "client": client, "seq": seq, "command": command}


def apply(t: float, node: str, index: int, seq: int, command: str, client: str = "c1") -> Ev:
    return {
        "t_ms": t,
        "type": "apply",
        "node": node,
        "index": index,
        "term": 1,
        "command": command,
        "client": client,
        "seq": seq,
    }


def ack(t: float, seq: int, command: str, client: str = "c1") -> Ev:
    return {
        "t_ms": t,
        "type": "ack",
        "client": client,
        "seq": seq,
        "command": command,
        "index": seq,
        "value": None,
    }


def commit(t: float, node: str, index: int) -> Ev:
    return {"t_ms": t, "type": "commit", "node": node, "index": index}


def meta() -> Ev:
    return {"t_ms": 0.0, "type": "meta", "nodes": ["a", "b", "c"], "config": {}}


def long_run(writes: int) -> list[Ev]:
    """``writes`` writes, each applied by three servers (one of them after the acknowledgement) and
    acknowledged 1 + seq % 7 ms after its submit; every tenth read is answered without the log."""
    events: list[Ev] = [meta()]
    for seq in range(1, writes + 1):
        t = 10.0 * seq
        command = f"k{seq % 8}={seq}" if seq % 10 else f"?k{seq % 8}"
        events.append(submit(t, seq, command))
        if seq % 10:
            events += [commit(t + 0.5, "a", seq), apply(t + 0.5, "a", seq, seq, command)]
            events.append(apply(t + 0.6, "b", seq, seq, command))
        events.append(ack(t + 1 + seq % 7, seq, command))
        if seq % 10:
            events.append(apply(t + 9, "c", seq, seq, command))
    return events


def test_the_operations_are_forgotten_once_applied_and_acknowledged() -> None:
    builder = SummaryBuilder()
    available = AvailabilityBuilder()
    largest = 0
    for event in long_run(10_000):
        builder(event)
        if event["type"] in ("meta", "commit", "submit", "ack"):
            available(event)
        largest = max(largest, len(builder._unapplied), len(builder._unacked), len(available._outstanding))
    assert largest <= 1  # only the operation in flight
    writes, reads = builder.operations("writes"), builder.operations("reads")
    assert writes["submitted"] == writes["committed"] == writes["acknowledged"] == 9_000
    assert (reads["submitted"], reads["committed"], reads["acknowledged"]) == (1_000, 0, 1_000)
    assert writes["outstanding"] == reads["outstanding"] == 0
    assert writes["latency_ms"] == {"p50": 4.0, "p99": 7.0}  # 1 + seq % 7: 1 to 7 ms
    assert len(builder.latencies["writes"]) == 9_000 and builder.latencies["writes"].itemsize == 8


def test_an_operation_in_flight_at_the_end_is_outstanding_and_committed_if_applied() -> None:
    builder = SummaryBuilder()
    for event in [meta(), submit(1, 1, "x=1"), apply(2, "a", 1, 1, "x=1"), submit(3, 2, "x=2")]:
        builder(event)
    writes = builder.operations("writes")
    assert (writes["submitted"], writes["committed"], writes["acknowledged"], writes["outstanding"]) == (
        2,
        1,
        0,
        2,
    )
    assert writes["latency_ms"] == {"p50": None, "p99": None}


def test_commit_times_are_kept_only_inside_the_windows_asked_for() -> None:
    events = [meta(), *(commit(float(t), "a", t) for t in range(1, 1_001))]
    every = SummaryBuilder()
    windowed = SummaryBuilder(commit_windows=[(100.0, 102.0), (500.0, 500.0)])
    none = SummaryBuilder(commit_windows=[])
    for event in events:
        every(event)
        windowed(event)
        none(event)
    assert len(every.commit_times) == 1_000
    assert windowed.commit_times == [(100.0, 100), (101.0, 101), (102.0, 102), (500.0, 500)]
    assert none.commit_times == []


def test_subscribed_to_a_bus_it_sums_up_what_calling_it_does() -> None:
    from raft.sim.events import EventBus

    bus = EventBus()
    subscribed, called = SummaryBuilder(), SummaryBuilder()
    subscribed.subscribe(bus)
    for event in long_run(100):
        bus.emit(event)  # type: ignore[arg-type]
        called(event)
    assert subscribed.finish() == called.finish() and subscribed.finish()["writes"]["submitted"] == 90


def test_percentiles_of_unsorted_latencies_are_the_nearest_ranks_of_the_sorted_ones() -> None:
    import random
    from array import array

    from raft.analysis.summary import nearest_rank, nearest_rank_of

    rng = random.Random(3)
    cases = [
        [rng.uniform(5, 50) for _ in range(2_001)],
        [rng.lognormvariate(3, 2) for _ in range(999)] + [0.0] * 10,
        [7.5] * 100 + [1e-300, 1e300],
        [rng.choice([1.0, 2.0, 3.0]) for _ in range(50)],
        [-1.0, 2.0, -0.0, 0.5],  # negative values: sorted the plain way
        [42.0],
    ]
    for values in cases:
        for percent in (0.1, 1, 50, 99, 99.9, 100):
            expected = nearest_rank(sorted(values), percent)
            assert nearest_rank_of(array("d", values), percent) == expected, (percent, len(values))
    assert nearest_rank_of(array("d"), 50) is None


def test_percentiles_of_many_latencies_make_no_object_per_value() -> None:
    import random
    import tracemalloc
    from array import array

    from raft.analysis.summary import nearest_rank_of

    rng = random.Random(5)
    values = array("d", (rng.uniform(5, 50) for _ in range(200_000)))
    tracemalloc.start()
    nearest_rank_of(values, 50)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2_000_000  # the counts of its buckets; a sorted list of 200,000 floats takes 6.4 MB
