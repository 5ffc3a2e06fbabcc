"""Tests for raft/analysis/linearizability.py: hand-made histories with known answers, and a property test whose
oracle is the generator (histories recorded around an actual sequential execution are linearizable)."""

import dataclasses
import math
import random
from collections.abc import Mapping, Sequence
from itertools import combinations, permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from raft.analysis.linearizability import (
    CheckResult,
    HistoryError,
    Operation,
    OpKind,
    Outcome,
    Verdict,
    check_history,
)

OK, FAILED, UNKNOWN = Outcome.OK, Outcome.FAILED, Outcome.UNKNOWN


def w(
    value: str, start: float, end: float | None, outcome: Outcome = OK, key: str = "x", client: str = "c1"
) -> Operation:
    return Operation(client, OpKind.SET, key, value, start, end, outcome)


def d(
    start: float, end: float | None, outcome: Outcome = OK, key: str = "x", client: str = "c1"
) -> Operation:
    return Operation(client, OpKind.DELETE, key, None, start, end, outcome)


def r(
    value: str | None,
    start: float,
    end: float | None,
    outcome: Outcome = OK,
    key: str = "x",
    client: str = "c2",
) -> Operation:
    return Operation(client, OpKind.READ, key, value, start, end, outcome)


def numbered(*ops: Operation) -> list[Operation]:
    """The operations with ``op_id`` set to their position, so a test can name the one expected to fail."""
    return [dataclasses.replace(op, op_id=i) for i, op in enumerate(ops)]


def check(
    *ops: Operation, budget_states: int = 200_000, initial: Mapping[str, str | None] | None = None
) -> CheckResult:
    return check_history(numbered(*ops), budget_states=budget_states, initial=initial)


def assert_bad(result: CheckResult, op_id: int, key: str = "x") -> None:
    assert result.verdict is Verdict.NOT_LINEARIZABLE, result.detail
    assert result.key == key
    assert result.first_bad is not None and result.first_bad.op_id == op_id, result.detail


# --- hand-made histories -----------------------------------------------------------------------------------------


def test_empty_history_is_linearizable() -> None:
    assert check_history([]) == CheckResult(Verdict.LINEARIZABLE, None, None, 0, check_history([]).detail)


def test_sequential_history_is_linearizable() -> None:
    result = check(w("1", 0, 1), r("1", 2, 3), w("2", 4, 5), r("2", 6, 7), d(8, 9), r(None, 10, 11))
    assert result.verdict is Verdict.LINEARIZABLE and result.key is None and result.first_bad is None


def test_sequential_history_explores_one_state_per_operation_plus_the_start() -> None:
    # No concurrency, so no choice: the search walks straight down. An exact count, as simpy's benchmarks do.
    assert check(w("1", 0, 1), r("1", 2, 3), w("2", 4, 5)).explored == 4


@pytest.mark.parametrize("seen", ["1", "2", None])
def test_read_concurrent_with_two_writes_may_see_either_or_neither(seen: str | None) -> None:
    result = check(w("1", 0, 10, client="a"), w("2", 0, 10, client="b"), r(seen, 5, 15))
    assert result.verdict is Verdict.LINEARIZABLE


def test_read_after_two_concurrent_writes_sees_one_of_them() -> None:
    assert (
        check(w("1", 0, 10, client="a"), w("2", 0, 10, client="b"), r("1", 11, 12)).verdict
        is Verdict.LINEARIZABLE
    )
    assert_bad(check(w("1", 0, 10, client="a"), w("2", 0, 10, client="b"), r(None, 11, 12)), op_id=2)


def test_stale_read_after_a_completed_write_is_not_linearizable() -> None:
    result = check(w("1", 0, 1), w("2", 2, 3), r("1", 4, 5))
    assert_bad(result, op_id=2)
    assert "read of 'x' by c2 (op 2" in result.detail


def test_read_of_a_value_never_written() -> None:
    assert_bad(check(w("1", 0, 1), r("7", 2, 3)), op_id=1)


def test_first_bad_is_the_earliest_failure_not_the_last() -> None:
    result = check(w("1", 0, 1), r("9", 2, 3), w("2", 4, 5), r("2", 6, 7), r("2", 8, 9))
    assert_bad(result, op_id=1)


def test_lost_write_then_reads() -> None:
    # The write was acknowledged, yet every later read sees the key absent: the first such read is reported.
    assert_bad(check(w("a", 0, 1), r(None, 2, 3), r(None, 4, 5)), op_id=1)


def test_read_overlapping_an_acknowledged_write_may_miss_it() -> None:
    assert check(w("a", 0, 3), r(None, 2, 4), r("a", 5, 6)).verdict is Verdict.LINEARIZABLE


@pytest.mark.parametrize("seen", ["a", None])
def test_unknown_write_may_or_may_not_have_happened(seen: str | None) -> None:
    assert check(w("a", 0, None, UNKNOWN), r(seen, 5, 6)).verdict is Verdict.LINEARIZABLE


def test_unknown_write_may_take_effect_after_the_client_gave_up() -> None:
    # The client timed out at 2 ms, but the write was still in flight: a read at 5-6 ms may see it.
    assert check(w("a", 0, 2, UNKNOWN), r(None, 3, 4), r("a", 5, 6)).verdict is Verdict.LINEARIZABLE


def test_unknown_write_happens_once_or_never() -> None:
    assert_bad(check(w("a", 0, None, UNKNOWN), r("a", 1, 2), r(None, 3, 4)), op_id=2)


def test_unknown_write_cannot_take_effect_before_its_invoke() -> None:
    assert_bad(check(r("a", 0, 1), w("a", 2, None, UNKNOWN), r("a", 3, 4)), op_id=0)


def test_unknown_read_constrains_nothing() -> None:
    assert check(w("a", 0, 1), r("nonsense", 2, None, UNKNOWN)).verdict is Verdict.LINEARIZABLE
    # ... and changes nothing either: it does not act as a delete.
    assert_bad(check(w("a", 0, 1), r(None, 0.5, None, UNKNOWN), r(None, 2, 3)), op_id=2)


@pytest.mark.parametrize("seen", ["a", None])
def test_unknown_delete_may_or_may_not_have_happened(seen: str | None) -> None:
    assert check(w("a", 0, 1), d(2, None, UNKNOWN), r(seen, 5, 6)).verdict is Verdict.LINEARIZABLE


def test_an_operation_still_open_is_not_held_against_the_history() -> None:
    # The read of "b" at 2-10 ms is explained by the write invoked at 5 ms; while it is open, at the completion
    # of the read at 2-3 ms, it constrains nothing. The only bad operation is the read of "zz".
    history = (w("a", 0, 1), r("b", 2, 10, client="c3"), r("a", 2, 3), w("b", 5, 6), r("zz", 20, 21))
    assert_bad(check(*history), op_id=4)


def test_failed_write_observed_by_a_read_is_not_linearizable() -> None:
    assert_bad(check(w("a", 0, 1, FAILED), r("a", 2, 3)), op_id=1)
    assert check(w("a", 0, 1, FAILED), r(None, 2, 3)).verdict is Verdict.LINEARIZABLE


def test_delete_semantics() -> None:
    assert check(w("a", 0, 1), d(2, 3), r(None, 4, 5)).verdict is Verdict.LINEARIZABLE
    assert_bad(check(w("a", 0, 1), d(2, 3), r("a", 4, 5)), op_id=2)
    for seen in ("a", None):  # a read concurrent with the delete may see either side of it
        assert check(w("a", 0, 1), d(2, 6), r(seen, 3, 4)).verdict is Verdict.LINEARIZABLE
    assert check(d(0, 1), r(None, 2, 3)).verdict is Verdict.LINEARIZABLE


def test_two_reads_disagree_on_the_order() -> None:
    # A read saw the new value; a read that started after it finished still sees the old one.
    start = {"x": "old"}
    history = (w("new", 0, 10, client="a"), r("new", 1, 2, client="b"), r("old", 3, 4, client="c"))
    assert_bad(check(*history, initial=start), op_id=2)
    # The same reads, overlapping each other, may be ordered either way.
    overlapping = (w("new", 0, 10, client="a"), r("new", 1, 4, client="b"), r("old", 3, 5, client="c"))
    assert check(*overlapping, initial=start).verdict is Verdict.LINEARIZABLE


def test_touching_intervals_count_as_concurrent() -> None:
    assert check(w("a", 0, 2), r(None, 2, 3)).verdict is Verdict.LINEARIZABLE
    assert_bad(check(w("a", 0, 2), r(None, 2.5, 3)), op_id=1)


def test_initial_values() -> None:
    assert check(r("v0", 0, 1), initial={"x": "v0"}).verdict is Verdict.LINEARIZABLE
    assert_bad(check(r("v0", 0, 1)), op_id=0)


def test_keys_are_independent_and_the_bad_key_is_reported() -> None:
    result = check(
        w("1", 0, 1, key="x"),
        w("1", 0, 1, key="y"),
        r("1", 2, 3, key="x"),
        r("2", 2, 3, key="y"),
        w("2", 4, 5, key="z"),
        r("2", 6, 7, key="z"),
    )
    assert_bad(result, op_id=3, key="y")
    assert "key 'y'" in result.detail


def test_of_two_bad_keys_the_earliest_failure_is_reported() -> None:
    result = check(
        w("1", 0, 1, key="a"), r("9", 20, 21, key="a"), w("1", 0, 1, key="b"), r("9", 10, 11, key="b")
    )
    assert_bad(result, op_id=3, key="b")


def test_malformed_operations_raise_history_error() -> None:
    with pytest.raises(HistoryError, match="needs a finite completion time"):
        check(w("a", 0, None, OK))
    with pytest.raises(HistoryError, match="before its invoke"):
        check(r(None, 5, 4))
    with pytest.raises(HistoryError, match="needs a value"):
        check(Operation("c", OpKind.SET, "x", None, 0, 1, OK))
    with pytest.raises(HistoryError, match="not a finite time"):
        check(r(None, math.nan, 1))


# --- a dumb oracle: every subset of the unknown operations, in every order -------------------------------------


def dumb_linearizable(ops: Sequence[Operation]) -> bool:
    ok = [op for op in ops if op.outcome is OK]
    maybe = [op for op in ops if op.outcome is UNKNOWN and op.kind is not OpKind.READ]
    for count in range(len(maybe) + 1):
        for chosen in combinations(maybe, count):
            for order in permutations(ok + list(chosen)):
                if in_real_time_order(order) and every_read_sees_the_last_write(order):
                    return True
    return False


def in_real_time_order(order: Sequence[Operation]) -> bool:
    def end(op: Operation) -> float:
        return math.inf if op.outcome is UNKNOWN or op.complete_ms is None else op.complete_ms

    return all(end(later) >= earlier.invoke_ms for i, earlier in enumerate(order) for later in order[i + 1 :])


def every_read_sees_the_last_write(order: Sequence[Operation]) -> bool:
    value = None
    for op in order:
        if op.kind is OpKind.READ and op.value != value:
            return False
        if op.kind is not OpKind.READ:
            value = op.value
    return True


def dumb_first_bad(ops: Sequence[Operation]) -> Operation | None:
    """The module docstring's definition, spelled out: the completion at which the observed history fails."""
    completed = sorted(
        (op for op in ops if op.outcome is OK), key=lambda op: (op.complete_ms or 0.0, op.invoke_ms, op.op_id)
    )
    for j, last in enumerate(completed, start=1):
        now = last.complete_ms or 0.0
        observed = [
            op if op in completed[:j] or op.outcome is not OK else dataclasses.replace(op, outcome=UNKNOWN)
            for op in ops
            if op.invoke_ms <= now
        ]
        if not dumb_linearizable(observed):
            return last
    return None


small_history = st.lists(
    st.tuples(
        st.sampled_from(OpKind),
        st.sampled_from([None, "0", "1"]),
        st.integers(0, 6),
        st.integers(0, 4),
        st.sampled_from([OK, OK, OK, FAILED, UNKNOWN]),
    ),
    max_size=6,
).map(
    lambda rows: [
        Operation(
            f"c{i}",
            kind,
            "x",
            None if kind is OpKind.DELETE else (value or "0") if kind is OpKind.SET else value,
            start,
            None if outcome is UNKNOWN else start + length,
            outcome,
            i,
        )
        for i, (kind, value, start, length, outcome) in enumerate(rows)
    ]
)


@settings(max_examples=400, deadline=None)
@given(small_history)
def test_agrees_with_the_dumb_oracle(ops: list[Operation]) -> None:
    result = check_history(ops)
    assert (result.verdict is Verdict.LINEARIZABLE) == dumb_linearizable(ops), result.detail
    assert result.first_bad == dumb_first_bad(ops)
    assert result.first_bad is None or result.first_bad.kind is OpKind.READ  # as the module docstring says


# --- histories recorded around a sequential execution ------------------------------------------------------------

# One generated step: (client, kind, key, value, think time, time to its linearization point, time to complete,
# outcome, whether an UNKNOWN write took effect).
Step = tuple[int, OpKind, str, str, int, int, int, Outcome, bool]


def record(steps: Sequence[Step]) -> list[Operation]:
    """Run ``steps`` on a dictionary, one at a time at increasing instants, and record each operation around its
    instant: invoked before it, completed after it. Each client waits for its previous answer (or timeout)."""
    store: dict[str, str] = {}
    ready: dict[int, float] = {}
    instant = 0.0
    ops = []
    for op_id, (client, kind, key, value, think, to_point, to_complete, outcome, happened) in enumerate(
        steps
    ):
        invoke = ready.get(client, 0.0) + think
        instant = max(instant, invoke) + to_point
        complete = instant + to_complete
        ready[client] = complete
        if outcome is OK or (outcome is UNKNOWN and happened and kind is not OpKind.READ):
            if kind is OpKind.SET:
                store[key] = value
            elif kind is OpKind.DELETE:
                store.pop(key, None)
        seen = store.get(key) if kind is OpKind.READ else value if kind is OpKind.SET else None
        ops.append(
            Operation(
                f"c{client}",
                kind,
                key,
                seen,
                invoke,
                None if outcome is UNKNOWN else complete,
                outcome,
                op_id,
            )
        )
    return ops


steps_strategy = st.lists(
    st.tuples(
        st.integers(0, 4),
        st.sampled_from(OpKind),
        st.sampled_from(["x", "y"]),
        st.sampled_from(["0", "1", "2"]),
        st.integers(0, 3),
        st.integers(0, 3),
        st.integers(0, 6),
        st.sampled_from([OK, OK, OK, OK, FAILED, UNKNOWN]),
        st.booleans(),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(steps_strategy)
def test_recorded_execution_is_linearizable(steps: list[Step]) -> None:
    result = check_history(record(steps))
    assert result.verdict is Verdict.LINEARIZABLE, result.detail


@settings(max_examples=300, deadline=None)
@given(steps_strategy, st.data())
def test_a_read_of_a_value_never_written_is_caught(steps: list[Step], data: st.DataObject) -> None:
    ops = record(steps)
    reads = [i for i, op in enumerate(ops) if op.kind is OpKind.READ and op.outcome is OK]
    if not reads:
        return
    victim = data.draw(st.sampled_from(reads))
    ops[victim] = dataclasses.replace(ops[victim], value="never written")
    result = check_history(ops)
    assert result.verdict is Verdict.NOT_LINEARIZABLE
    assert result.first_bad == ops[victim] and result.key == ops[victim].key


def simulate(
    seed: int, count: int, clients: int, keys: Sequence[str], outcomes: Sequence[Outcome]
) -> list[Operation]:
    rng = random.Random(seed)
    steps: list[Step] = [
        (
            rng.randrange(clients),
            rng.choice(list(OpKind)),
            rng.choice(keys),
            str(rng.randrange(4)),
            rng.randrange(3),
            rng.randrange(3),
            rng.randrange(8),
            rng.choice(outcomes),
            rng.random() < 0.5,
        )
        for _ in range(count)
    ]
    return record(steps)


def max_overlap(ops: Sequence[Operation]) -> int:
    events = sorted(
        (t, delta)
        for op in ops
        if op.complete_ms is not None
        for t, delta in ((op.invoke_ms, 1), (op.complete_ms, -1))
    )
    running = peak = 0
    for _, delta in sorted(events, key=lambda e: (e[0], -e[1])):
        running += delta
        peak = max(peak, running)
    return peak


def test_three_hundred_operations_from_five_clients_are_linearizable() -> None:
    ops = simulate(seed=1, count=300, clients=5, keys=["x", "y", "z"], outcomes=[OK])
    assert max_overlap(ops) >= 4  # the clients really are concurrent
    result = check_history(ops)
    assert result.verdict is Verdict.LINEARIZABLE, result.detail


def test_three_hundred_operations_with_timeouts_and_failures_are_linearizable() -> None:
    ops = simulate(seed=2, count=300, clients=5, keys=["x", "y", "z"], outcomes=[OK] * 8 + [FAILED, UNKNOWN])
    assert sum(op.outcome is UNKNOWN for op in ops) >= 10
    result = check_history(ops)
    assert result.verdict is Verdict.LINEARIZABLE, result.detail


def test_one_bad_read_among_three_hundred_operations_is_found() -> None:
    ops = simulate(seed=3, count=300, clients=5, keys=["x", "y", "z"], outcomes=[OK])
    victim = [i for i, op in enumerate(ops) if op.kind is OpKind.READ][40]
    ops[victim] = dataclasses.replace(ops[victim], value="never written")
    result = check_history(ops)
    assert result.verdict is Verdict.NOT_LINEARIZABLE and result.first_bad == ops[victim], result.detail


def test_a_tiny_budget_answers_unknown_instead_of_searching_on() -> None:
    ops = simulate(seed=4, count=300, clients=5, keys=["x"], outcomes=[OK])
    result = check_history(ops, budget_states=50)
    assert result.verdict is Verdict.UNKNOWN
    assert result.key == "x" and result.first_bad is None
    assert result.explored == 50
    assert "budget of 50 states" in result.detail


def test_budget_spent_while_locating_the_first_bad_operation_is_said() -> None:
    history = [w(str(i), 2 * i, 2 * i + 1) for i in range(10)] + [r("zz", 20, 21)]
    assert "budget" not in check(*history).detail
    result = check(*history, budget_states=12)  # enough to prove the verdict, not to bisect as well
    assert_bad(result, op_id=10)
    assert "budget ran out narrowing down" in result.detail
    assert result.explored <= 2 * 12


def test_the_search_is_deterministic() -> None:
    ops = simulate(seed=5, count=200, clients=5, keys=["x", "y"], outcomes=[OK] * 8 + [FAILED, UNKNOWN])
    ops[100] = dataclasses.replace(
        ops[100],
        kind=OpKind.READ,
        value="never written",
        outcome=OK,
        complete_ms=ops[100].complete_ms or ops[100].invoke_ms + 1,
    )
    first, second = check_history(ops), check_history(list(ops))
    assert first == second
    assert first.explored > 0
