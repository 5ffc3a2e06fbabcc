"""The sweep engine: many runs (a grid of overrides times seeds, or an experiment's trials), on any runner,
with rows streamed to a file, a progress bar, resume, and an aggregate table.

- :func:`execute` is the engine: a task (``task(run) -> figures``), the runs, a runner; rows go to a
  :class:`~raft.batch.sink.RowSink` when given a file, else they are returned.
- :class:`ScenarioTask` is the task of ``raft-sim sweep``: one scenario, overridden and run at a seed, giving
  one row of figures (:data:`RESULT_COLUMNS`).
- :func:`sweep` puts them together; :class:`Aggregate` folds rows into one line per parameter combination.

A run whose overrides make the scenario invalid gives a row with outcome ``invalid`` and the one-line message.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from raft.analysis.records import Summary
from raft.batch.grid import Grid, Run, format_value
from raft.batch.runners import DaskRunner, ProcessRunner, Row, SerialRunner, Task
from raft.batch.sink import Column, RowSink, kind_of
from raft.errors import ScenarioError
from raft.interrupts import Interrupted, stop_requests, until_stopped
from raft.words import counted

Runner = SerialRunner | ProcessRunner | DaskRunner

#: Outcomes of a run: safe and every expectation met; an expectation failed; safety violated; not runnable.
OUTCOMES = ("ok", "failed", "unsafe", "invalid")

#: The figures of one scenario run, after its parameters and seed.
RESULT_COLUMNS: tuple[Column, ...] = (
    Column("outcome", "str"),
    Column("message", "str"),
    Column("leaders", "int"),
    Column("elections", "int"),
    Column("split_votes", "int"),
    Column("first_leader_ms", "float"),
    Column("max_leaderless_ms", "float"),
    Column("writes_submitted", "int"),
    Column("writes_committed", "int"),
    Column("writes_acknowledged", "int"),
    Column("latency_p50_ms", "float"),
    Column("latency_p99_ms", "float"),
    Column("messages_sent", "int"),
    Column("messages_delivered", "int"),
    Column("messages_dropped", "int"),
    Column("violation", "str"),
)


class RunFigures(TypedDict):
    """The figures of one scenario run (the :data:`RESULT_COLUMNS`), from its JSON summary."""

    outcome: str
    message: str | None
    leaders: int
    elections: int
    split_votes: int
    first_leader_ms: float | None
    max_leaderless_ms: float
    writes_submitted: int
    writes_committed: int
    writes_acknowledged: int
    latency_p50_ms: float | None
    latency_p99_ms: float | None
    messages_sent: int
    messages_delivered: int
    messages_dropped: int
    violation: str | None


def figures(summary: Summary) -> RunFigures:
    """The row figures of a run's JSON summary."""
    violations = summary["safety_violations"]
    failed = [e["check"] for e in summary["expectations"] if not e["ok"]]
    message: str | None
    if violations:
        outcome, message = "unsafe", str(violations[0]["detail"] or violations[0]["property"])
    elif failed:
        outcome, message = "failed", "expectation failed: " + ", ".join(failed)
    else:
        outcome, message = "ok", None
    elections = summary["elections"]
    elected = [e["elected_ms"] for e in elections if e["elected_ms"] is not None]
    writes, messages = summary["writes"], summary["messages"]
    return {
        "outcome": outcome,
        "message": message,
        "leaders": len(summary["leaders"]),
        "elections": len(elections),
        "split_votes": sum(1 for e in elections if e["leader"] is None),
        "first_leader_ms": min(elected) if elected else None,
        "max_leaderless_ms": max((b - a for a, b in summary["leaderless_ms"]), default=0.0),
        "writes_submitted": writes["submitted"],
        "writes_committed": writes["committed"],
        "writes_acknowledged": writes["acknowledged"],
        "latency_p50_ms": writes["latency_ms"]["p50"],
        "latency_p99_ms": writes["latency_ms"]["p99"],
        "messages_sent": messages["sent"],
        "messages_delivered": messages["delivered"],
        "messages_dropped": messages["dropped"],
        "violation": violations[0]["property"] if violations else None,
    }


def invalid(message: str) -> dict[str, Any]:
    """The row figures of a run that could not start."""
    row: dict[str, Any] = dict.fromkeys(c.name for c in RESULT_COLUMNS)
    row.update(outcome="invalid", message=message)
    return row


@dataclass(frozen=True)
class ScenarioTask:
    """Run one scenario (its raw mapping) with a run's overrides at the run's seed; traces off."""

    data: Mapping[str, Any]
    source: str
    duration_ms: float | None = None

    def __call__(self, run: Run) -> dict[str, Any]:
        from raft.api import simulate
        from raft.scenario import apply_overrides, parse_scenario

        try:
            scenario = parse_scenario(apply_overrides(self.data, dict(run.params)), self.source)
        except ScenarioError as error:
            return invalid(str(error))
        result = simulate(scenario, seed=run.seed, duration_ms=self.duration_ms, record=False)
        return {**figures(result.summary)}


def param_columns(grid: Grid) -> tuple[Column, ...]:
    """Columns of the swept parameters, typed by their values (lists become JSON text)."""
    return tuple(Column(axis.key, kind_of(axis.values)) for axis in grid.axes)


def columns_for(params: Sequence[Column], results: Sequence[Column]) -> tuple[Column, ...]:
    """Every column of a row: run number, key, parameters, seed, then the task's figures."""
    return (Column("run", "int"), Column("key", "str"), *params, Column("seed", "int"), *results)


# ------------------------------------------------------------------------------------------- the engine


@dataclass
class Report:
    """What :func:`execute` did: how many runs it ran, how many it skipped as done, and the rows if kept."""

    total: int
    ran: int
    skipped: int
    rows: list[Row] | None = None
    #: Ctrl-C stopped it: ``ran`` runs finished (their rows are kept), the others did not run.
    interrupted: bool = False


def progress_bar(total: int, initial: int, enabled: bool, description: str, unit: str = "run") -> Any:
    r"""A tqdm bar with an ETA on stderr, counting ``unit``\ s, or a stand-in doing nothing."""
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    tqdm.monitor_interval = (
        0  # no monitor thread: the workers of raft.batch.runners are forked from a lone thread
    )
    return tqdm(
        total=total, initial=initial, unit=unit, desc=description, file=sys.stderr, dynamic_ncols=True
    )


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def show_progress(quiet: bool) -> bool:
    """A bar only on a terminal, and not with ``--quiet``."""
    return not quiet and sys.stderr.isatty()


def execute(
    task: Task,
    runs: Sequence[Run],
    *,
    columns: Sequence[Column],
    runner: Runner,
    out: str | os.PathLike[str] | None = None,
    keep_rows: bool | None = None,
    progress: bool = False,
    description: str = "runs",
    on_rows: Callable[[list[Row]], None] | None = None,
) -> Report:
    """Run ``task`` on every run not already in ``out`` and stream the rows there, in run order.

    Without ``out`` the rows are returned in :attr:`Report.rows` (also with ``keep_rows=True``). ``on_rows``
    sees every batch of new rows (an aggregate, say). Ctrl-C stops it at once (the batches in flight are dropped,
    the workers shut down, the rows so far are in ``out``) and raises :class:`raft.interrupts.Interrupted`, whose ``report`` says what
    finished.
    """
    sink = RowSink(out, columns) if out is not None else None
    keep = (sink is None) if keep_rows is None else keep_rows
    todo = [run for run in runs if sink is None or run.key not in sink.done]
    skipped = len(runs) - len(todo)
    kept: list[Row] | None = [] if keep else None
    bar = progress_bar(len(runs), skipped, progress, description)
    done = 0
    with stop_requests() as stop:
        batches = runner.rows(task, todo)
        try:
            for batch in until_stopped(batches, stop):
                if sink is not None:
                    sink.write(batch)
                if kept is not None:
                    kept.extend(batch)
                if on_rows is not None:
                    on_rows(batch)
                bar.update(len(batch))
                done += len(batch)
        finally:
            batches.close()
            bar.close()
            if sink is not None:
                sink.close()
    if kept is not None:
        kept.sort(key=lambda row: row["run"])
    report = Report(total=len(runs), ran=done, skipped=skipped, rows=kept, interrupted=stop.requested)
    if report.interrupted:
        where = f"; their rows are in {out}: the same command resumes" if out is not None else ""
        raise Interrupted(f"interrupted: {done + skipped} of {len(runs)} {description} done{where}", report)
    return report


# ------------------------------------------------------------------------------------------- aggregate

_MEANS = (
    "elections",
    "split_votes",
    "max_leaderless_ms",
    "writes_committed",
    "latency_p99_ms",
    "messages_delivered",
)


@dataclass
class _Group:
    runs: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(_MEANS, 0.0))
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_MEANS, 0))
    worst_leaderless: float | None = None


class Aggregate:
    """One line per parameter combination: runs, outcomes, means of the main figures, worst leaderless time.

    It keeps a few numbers per combination, never the rows, so a sweep of any length aggregates in flat memory.
    """

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(keys)
        self.groups: dict[tuple[str, ...], _Group] = {}
        #: Why runs were ``invalid``: each distinct message and how many runs gave it, in order of first sight.
        self.invalid_reasons: dict[str, int] = {}

    def __call__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            if row["outcome"] == "invalid":
                reason = str(row.get("message") or "no reason given")
                self.invalid_reasons[reason] = self.invalid_reasons.get(reason, 0) + 1
            label = tuple(format_value(row[k]) if not isinstance(row[k], str) else row[k] for k in self.keys)
            group = self.groups.setdefault(label, _Group())
            group.runs += 1
            group.outcomes[row["outcome"]] = group.outcomes.get(row["outcome"], 0) + 1
            for name in _MEANS:
                value = row.get(name)
                if value not in (None, ""):
                    group.sums[name] += float(value)
                    group.counts[name] += 1
            worst = row.get("max_leaderless_ms")
            if worst not in (None, ""):
                worst = float(worst)
                if group.worst_leaderless is None or worst > group.worst_leaderless:
                    group.worst_leaderless = worst

    def table(self) -> list[dict[str, Any]]:
        """The aggregate lines, in the order combinations first appeared."""
        lines = []
        for label, group in self.groups.items():
            line: dict[str, Any] = dict(zip(self.keys, label, strict=True))
            line["runs"] = group.runs
            line.update(group.outcomes)
            for name in _MEANS:
                count = group.counts[name]
                line[f"mean_{name}"] = group.sums[name] / count if count else None
            line["worst_leaderless_ms"] = group.worst_leaderless
            lines.append(line)
        return lines


def render_table(lines: Sequence[Mapping[str, Any]]) -> str:
    """A plain-text table with a header, numbers rounded for reading."""
    if not lines:
        return "(no runs)\n"
    headers = list(lines[0])

    def text(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:.1f}" if abs(value) >= 10 else f"{value:.3g}"
        return str(value)

    cells = [[text(line.get(h)) for h in headers] for line in lines]
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    out += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------- sweep


@dataclass
class SweepResult:
    """A finished sweep: what ran, and the aggregate table (and the rows, when not written to a file)."""

    report: Report
    aggregate: list[dict[str, Any]]
    columns: tuple[Column, ...]
    #: Why runs were invalid: distinct message -> number of runs.
    invalid_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def runs(self) -> int:
        """Every run the table covers (new and resumed)."""
        return sum(int(line["runs"]) for line in self.aggregate)

    @property
    def invalid(self) -> int:
        return sum(self.invalid_reasons.values())


def render_invalid(reasons: Mapping[str, int], limit: int = 10) -> str:
    """The distinct reasons runs were invalid, one line each with its count (most frequent first)."""
    if not reasons:
        return ""
    ordered = sorted(reasons.items(), key=lambda item: -item[1])
    total = sum(reasons.values())
    out = [f"{counted(total, 'run')} could not be built:"]
    out += [f"  {count} x {reason}" for reason, count in ordered[:limit]]
    if len(ordered) > limit:
        rest = sum(count for _, count in ordered[limit:])
        out.append(f"  ... and {len(ordered) - limit} more reasons ({counted(rest, 'run')})")
    return "\n".join(out) + "\n"


def sweep(
    scenario_path: str | os.PathLike[str],
    grid: Grid,
    *,
    runner: Runner,
    out: str | os.PathLike[str] | None = None,
    duration_ms: float | None = None,
    progress: bool = False,
) -> SweepResult:
    """Run the scenario at ``scenario_path`` over ``grid``; rows to ``out`` (CSV or Parquet) or kept in memory.

    Resuming: with the same ``out``, runs already in the file are skipped; the aggregate covers all of them.
    """
    from raft.scenario import read_scenario_data

    data = read_scenario_data(Path(scenario_path))
    task = ScenarioTask(data, str(scenario_path), duration_ms)
    columns = columns_for(param_columns(grid), RESULT_COLUMNS)
    aggregate = Aggregate(grid.keys)
    runs = list(grid.runs())
    try:
        report = execute(
            task,
            runs,
            columns=columns,
            runner=runner,
            on_rows=aggregate if out is None else None,
            out=out,
            progress=progress,
        )
    except Interrupted as error:  # what finished is aggregated all the same
        report = error.done
    if out is not None:
        _aggregate_file(aggregate, out, columns)
    return SweepResult(report, aggregate.table(), columns, dict(aggregate.invalid_reasons))


def _aggregate_file(aggregate: Aggregate, out: str | os.PathLike[str], columns: Sequence[Column]) -> None:
    """Fold a finished results file into ``aggregate``, a block at a time (it covers resumed runs too)."""
    path = Path(out)
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches():
            aggregate(batch.to_pylist())
    else:
        from raft.batch.sink import read_rows

        for block in read_rows(path, columns):
            aggregate(block)
