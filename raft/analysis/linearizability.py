"""Linearizability checking of a client history against the key-value store (a register per key).

A history is linearizable when every operation can be given a single instant, its *linearization point*, inside
its own interval [invoke, complete], such that replaying the operations in the order of those points on a plain
dictionary gives every read the value it returned. This module owns that check.

The algorithm (Wing & Gong 1993, with Lowe's 2017 cache):

- *Per key.* Registers on different keys are independent, so a history is linearizable exactly when the history
  of each key is (P-compositionality). Each key is searched on its own: far smaller searches.
- *Depth-first search.* A search state is (the set of operations linearized so far, the register's value). From
  a state, an operation may be linearized next when no other pending operation completed before it was invoked
  (that one would have to come first). Linearize it, if its effect agrees with the value (a read must return
  the current value), and go deeper; backtrack when stuck. Success: every operation that must have happened is
  linearized.
- *Cache.* A state already visited is never searched again (Lowe's "just-in-time linearization" cache): two
  orders that linearize the same set and leave the same value have the same future.
- *Two shortcuts* that lose no linearization (see ``_Search.moves``): a read of the current value is linearized
  at once, without branching; an unknown write is linearized only just before a read that returns its value.

Outcomes: an OK operation took effect inside its interval. A FAILED one never took effect and is dropped. An
UNKNOWN one (timed out, never answered) may take effect at any instant after its invoke, even after the client
gave up, or never: an unknown write is linearized anywhere after its invoke or left out; an unknown read
constrains nothing and is dropped. Intervals are closed: operations whose times touch count as concurrent.

The first operation that cannot be linearized. The history *observed at* the j-th completion (OK operations
ordered by completion time, then invoke time, then ``op_id``) holds those first j operations with their
outcomes, and every other operation already invoked as UNKNOWN (still open; FAILED ones stay dropped).
Observed histories only lose linearizability as j grows, so there is a smallest j whose history is not
linearizable; its j-th completion is ``first_bad``: the operation whose answer no linearization of what came
before can explain. It is always a read (a write can always be placed at its own completion). Across keys, the
earliest such completion is reported. It is found by bisection over j.

The budget (``budget_states``) bounds the search states explored for each key's verdict, so the checker answers
UNKNOWN instead of hanging; locating ``first_bad`` of a failing key gets a budget of the same size of its own.
It counts states, not seconds, so results are deterministic. If it runs out while locating ``first_bad``, the
earliest operation proven to fail is reported, and the detail line says so.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from raft.core.statemachine import OpKind
from raft.errors import RaftSimError

_T = TypeVar("_T")


#: How the checker's messages name each kind of operation (a SET writes the register).
_VERB = {OpKind.SET: "write", OpKind.DELETE: "delete", OpKind.READ: "read"}


class Outcome(Enum):
    OK = "ok"  # took effect between invoke and complete
    FAILED = "failed"  # definitely did not take effect
    UNKNOWN = "unknown"  # may or may not have taken effect, at any time after invoke


class Verdict(Enum):
    LINEARIZABLE = "linearizable"
    NOT_LINEARIZABLE = "not linearizable"
    UNKNOWN = "unknown"  # the search budget ran out first


class HistoryError(RaftSimError):
    """A history cannot be checked because an operation in it is malformed (one line naming the operation)."""


@dataclass(frozen=True, slots=True)
class Operation:
    """One client operation as recorded: invoked, then completed (OK or FAILED) or never answered (UNKNOWN).

    ``kind`` is the store's :class:`~raft.core.statemachine.OpKind`: a SET writes the register. ``value`` is
    the value written (SET), the value returned (READ; None means the key was absent), or None
    (DELETE). ``complete_ms`` is None or ``math.inf`` when the operation never completed; it is ignored for an
    UNKNOWN operation, which may still take effect after the client gave up.
    """

    client: str
    kind: OpKind
    key: str
    value: str | None
    invoke_ms: float
    complete_ms: float | None
    outcome: Outcome
    op_id: int = 0


@dataclass(frozen=True, slots=True)
class CheckResult:
    verdict: Verdict
    key: str | None  # the key that failed (or ran out of budget); None when linearizable
    first_bad: Operation | None  # see the module docstring; set only when NOT_LINEARIZABLE
    explored: int  # search states explored, over all keys and searches
    detail: str  # one human-readable line


@dataclass(frozen=True, slots=True)
class _Step:
    """An operation as one search sees it: ``required`` ones must be linearized, the others may be."""

    op: Operation
    complete: float  # math.inf when the operation may take effect at any time after its invoke
    required: bool


def check_history(
    ops: Iterable[Operation],
    *,
    budget_states: int = 200_000,
    initial: Mapping[str, str | None] | None = None,
) -> CheckResult:
    """Check a history of register operations for linearizability, key by key.

    Raises :class:`HistoryError` for a malformed operation. Same input, same result and same ``explored``.
    """
    by_key: dict[str, list[Operation]] = {}
    for op in ops:
        _validate(op)
        if op.outcome is not Outcome.FAILED:
            by_key.setdefault(op.key, []).append(op)
    start = initial or {}
    results = [_check_key(key, by_key[key], start.get(key), budget_states) for key in sorted(by_key)]
    explored = sum(result.explored for result in results)
    bad = [result for result in results if result.verdict is Verdict.NOT_LINEARIZABLE]
    if bad:
        worst = min(bad, key=lambda result: (_completion_order(_must(result.first_bad)), result.key or ""))
        return CheckResult(worst.verdict, worst.key, worst.first_bad, explored, worst.detail)
    for result in results:
        if result.verdict is Verdict.UNKNOWN:
            return CheckResult(result.verdict, result.key, None, explored, result.detail)
    return CheckResult(
        Verdict.LINEARIZABLE,
        None,
        None,
        explored,
        f"linearizable: {len(results)} key(s), {explored} search states explored",
    )


def _validate(op: Operation) -> None:
    where = f"operation {op.op_id} ({_VERB[op.kind]} of {op.key!r} by {op.client})"
    if math.isnan(op.invoke_ms) or op.invoke_ms == math.inf:
        raise HistoryError(f"{where}: invoke time {op.invoke_ms} is not a finite time")
    if op.outcome is not Outcome.UNKNOWN:
        if op.complete_ms is None or not math.isfinite(op.complete_ms):
            raise HistoryError(f"{where}: outcome {op.outcome.value} needs a finite completion time")
        if op.complete_ms < op.invoke_ms:
            raise HistoryError(
                f"{where}: completes at {op.complete_ms} ms, before its invoke at {op.invoke_ms} ms"
            )
    if op.kind is OpKind.SET and op.value is None:
        raise HistoryError(f"{where}: a write needs a value (a delete writes None)")
    if op.kind is OpKind.DELETE and op.value is not None:
        raise HistoryError(f"{where}: a delete carries no value, got {op.value!r}")


def _check_key(key: str, ops: list[Operation], initial: str | None, budget: int) -> CheckResult:
    """Search one key's history; when it is not linearizable, bisect for the first bad completion."""
    ops = sorted(ops, key=lambda op: (op.invoke_ms, op.op_id))  # stable: ties keep input order
    completions = sorted(
        (i for i, op in enumerate(ops) if op.outcome is Outcome.OK),
        key=lambda i: _completion_order(ops[i]),
    )
    found, explored = _Search(_observed(ops, completions, len(completions)), initial).run(budget)
    if found is True:
        return CheckResult(Verdict.LINEARIZABLE, None, None, explored, f"key {key!r}: linearizable")
    if found is None:
        return CheckResult(
            Verdict.UNKNOWN,
            key,
            None,
            explored,
            f"key {key!r}: search budget of {budget} states ran out before an answer ({len(ops)} operations)",
        )
    # Locate the first bad completion by bisection, with a budget of its own of the same size.
    good, bad = 0, len(completions)  # observed at `good` completions: linearizable; at `bad`: proven not
    left, narrowed = budget, True
    while bad - good > 1:
        middle = (good + bad) // 2
        found, spent = _Search(_observed(ops, completions, middle), initial).run(left)
        explored, left = explored + spent, left - spent
        if found is False:
            bad = middle
        else:  # linearizable, or (budget spent) not proven otherwise
            good, narrowed = middle, narrowed and found is True
    first_bad = ops[completions[bad - 1]]
    caveat = "" if narrowed else " (budget ran out narrowing down: an earlier operation may be the first)"
    return CheckResult(
        Verdict.NOT_LINEARIZABLE,
        key,
        first_bad,
        explored,
        f"key {key!r}: {_describe(first_bad)} cannot be linearized: no order of the operations invoked "
        f"by {first_bad.complete_ms:g} ms explains it{caveat}",
    )


def _observed(ops: Sequence[Operation], completions: Sequence[int], count: int) -> list[_Step]:
    """The history as observed at the ``count``-th completion: later answers not yet known, so UNKNOWN.

    ``ops`` are sorted by invoke time; ``completions`` indexes its OK operations in completion order.
    """
    if count == 0:
        return []
    done = set(completions[:count])
    now = _must(ops[completions[count - 1]].complete_ms)
    steps = []
    for i, op in enumerate(ops):
        if op.invoke_ms > now:
            break
        if i in done:
            steps.append(_Step(op, _must(op.complete_ms), required=True))
        elif op.kind is not OpKind.READ:  # a read whose answer is unknown constrains nothing
            steps.append(_Step(op, math.inf, required=False))
    return steps


class _Search:
    """A depth-first search for a linearization of one key's steps (sorted by invoke time). Built, run once.

    A state is (bitmask of the steps linearized so far, register value); every state is searched at most once.
    The steps' fields the search reads are copied into flat lists (``invoke``, ``complete``, ...) indexed like
    ``steps``: the search visits up to a budget of states, and reads them for every one.
    """

    def __init__(self, steps: Sequence[_Step], initial: str | None) -> None:
        self.steps = steps
        self.initial = initial
        self.required = sum(1 << i for i, step in enumerate(steps) if step.required)
        self.optional_by_effect: dict[str | None, list[int]] = {}  # value left behind -> optional steps
        for i, step in enumerate(steps):
            if not step.required:
                self.optional_by_effect.setdefault(_apply(step.op, None)[1], []).append(i)
        self.invoke = [step.op.invoke_ms for step in steps]
        self.complete = [step.complete for step in steps]
        self.needed = [step.required for step in steps]
        self.kind = [step.op.kind for step in steps]
        self.value = [step.op.value for step in steps]
        #: the required reads: a read of the current value is linearized at once (see :meth:`moves`)
        self.needed_read = [step.required and step.op.kind is OpKind.READ for step in steps]

    def run(self, budget: int) -> tuple[bool | None, int]:
        """(True: found, False: none exists, None: budget ran out), and the number of states explored."""
        start = (0, self.initial)
        seen = {start}
        stack = [start]
        explored = 0
        required = self.required
        moves = self.moves
        while stack:
            if explored >= budget:
                return None, explored
            done, value = stack.pop()
            explored += 1
            if done & required == required:
                return True, explored
            children = []
            for taken, after in moves(done, value):
                state = (done | taken, after)
                # Fewer optional steps taken leaves more choices: if the state with none taken was seen,
                # this one adds nothing.
                if state not in seen and (state[0] & required, after) not in seen:
                    seen.add(state)
                    children.append(state)
            stack.extend(reversed(children))  # the earliest-invoked candidate is searched first
        return False, explored

    def moves(self, done: int, value: str | None) -> list[tuple[int, str | None]]:
        """The ways to linearize one more required step: (bitmask of the steps taken, value after).

        Two shortcuts, each losing no linearization. A read of the current value goes first: it changes
        nothing and no pending step completed before it began, so all such reads are taken at once, as the only
        move. An optional (unknown) write or delete matters only if a read observes it, so it is taken just
        before a read that returns its value; once it may be linearized it stays so, and optional steps with the
        same effect are interchangeable: the earliest-invoked one is taken.
        """
        pending = self.required & ~done
        frontier = (pending & -pending).bit_length() - 1  # below it, only optional steps are pending
        ready = self.ready(done, frontier)
        values, needed_read = self.value, self.needed_read
        reads = [i for i in ready if needed_read[i] and values[i] == value]
        if reads:
            return [(sum(1 << i for i in reads), value)]
        needed, kinds = self.needed, self.kind
        out: list[tuple[int, str | None]] = []
        for i in ready:
            if not needed[i]:
                continue
            kind = kinds[i]
            if kind is OpKind.SET:  # the register's sequential specification, as _apply
                out.append((1 << i, values[i]))
            elif kind is OpKind.DELETE:
                out.append((1 << i, None))
            elif values[i] == value:
                out.append((1 << i, value))
            else:  # a read of another value: an optional step may have left that value
                for j in self.optional_by_effect.get(values[i], ()):
                    if not done >> j & 1:
                        if j < frontier or j in ready:
                            out.append((1 << i | 1 << j, values[i]))
                        break  # a later-invoked one cannot be ready if this one is not
        return out

    def ready(self, done: int, frontier: int) -> list[int]:
        """Steps from ``frontier`` on that may be linearized next: not done, and invoked before every other
        pending step completed (otherwise that one must come first). Pending steps below it are all optional, and
        all ready.

        Steps are sorted by invoke time, so only pending steps invoked earlier can have completed before a step's
        invoke: walk forward from the frontier, keeping the earliest completion seen so far.
        """
        invoke, complete = self.invoke, self.complete
        earliest_completion = math.inf
        out = []
        for i in range(frontier, len(invoke)):
            if not done >> i & 1:
                if invoke[i] > earliest_completion:
                    break
                out.append(i)
                if complete[i] < earliest_completion:
                    earliest_completion = complete[i]
        return out


def _apply(op: Operation, value: str | None) -> tuple[bool, str | None]:
    """The register's sequential specification: (is this result possible, value afterwards)."""
    if op.kind is OpKind.SET:
        return True, op.value
    if op.kind is OpKind.DELETE:
        return True, None
    return op.value == value, value


def _completion_order(op: Operation) -> tuple[float, float, int]:
    return _must(op.complete_ms), op.invoke_ms, op.op_id


def _must(value: _T | None) -> _T:
    assert value is not None, (
        "set for every OK operation (checked by _validate) and every NOT_LINEARIZABLE result"
    )
    return value


def _describe(op: Operation) -> str:
    what = f"{_VERB[op.kind]} of {op.key!r} by {op.client} (op {op.op_id}, {op.invoke_ms:g}-{op.complete_ms:g} ms)"
    if op.kind is OpKind.READ:
        return f"{what} returning {op.value!r}"
    if op.kind is OpKind.SET:
        return f"{what} of {op.value!r}"
    return what
