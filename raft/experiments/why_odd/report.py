"""The why-odd result as text and as a file: the table ``raft-sim experiment why-odd`` prints, and the CSV file
of ``--csv`` (one row per size, :meth:`~raft.experiments.why_odd.analysis.SizeLine.flat`); with
``--during-change``, the table of the configurations in force while a cluster grows and its CSV file (one row per
configuration, :meth:`~raft.experiments.why_odd.analysis.DuringChangeResult.frame`)."""

from __future__ import annotations

import os
from typing import Any

from raft.experiments.why_odd.analysis import DuringChangeResult, WhyOddResult
from raft.files import atomic_write


def render(result: WhyOddResult) -> str:
    def f(value: Any, digits: int = 3) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:.{digits}f}"
        return str(value)

    head = (
        "n  majority  tolerates (sim)  majority-side splits (sim)   available: formula  sim [95% CI]"
        "            msgs/write  commit p50 ms  1st leader ms  split votes"
    )
    out = [f"Why odd? node availability a = {result.availability:.3f}", head]
    notes = [
        "95% CI: normal approximation over trials, clipped to [0, 1]. "
        "commit p50 ms: the median over runs of each run's median commit latency."
    ]
    for line in result.lines:
        ci = line.availability_ci95
        out.append(
            f"{line.n:<2} {line.majority:>8}  {line.tolerated:>5} ({line.tolerated_simulated:>2})       "
            f"{f(line.majority_split_fraction, 2):>6} ({f(line.majority_split_fraction_simulated, 2):>5})"
            f"                 {line.availability_formula:.3f}  {line.availability_simulated:.3f} "
            f"[{ci[0]:.3f}, {ci[1]:.3f}]   {f(line.messages_per_write, 1):>10}  "
            f"{f(line.commit_latency_ms, 1):>13}  {f(line.first_leader_ms, 0):>13}  {f(line.split_vote_rate, 2):>11}"
        )
    return "\n".join(out + notes) + "\n"


def write_csv(result: WhyOddResult, path: str | os.PathLike[str]) -> None:
    """One row per size (the CI as two columns), written atomically (:func:`raft.files.atomic_write`)."""
    import csv

    with atomic_write(path) as file:
        rows = [line.flat() for line in result.lines]
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def render_during_change(result: DuringChangeResult) -> str:
    """The during-a-change table: one line per configuration in force, then one per growth."""
    task = result.task
    out = [
        "Why odd, during a change: n grows to n + 2 one server at a time, as many servers down as n tolerates "
        f"(crashed at {task.fail_ms:.0f} ms); newcomers join at {task.join_ms:.0f} and "
        f"{task.join_ms + task.step_ms:.0f} ms",
        "n  joins as  step  configuration in force       quorum   tolerates  in force ms  "
        "unavailable ms (max)  available  entry commits in ms",
    ]
    for step in result.steps:
        quorum = (
            f"{step.quorum}" if step.outgoing_quorum is None else f"{step.quorum} and {step.outgoing_quorum}"
        )
        wait = "-" if step.commit_wait_ms is None else f"{step.commit_wait_ms:.0f}"
        out.append(
            f"{step.n:<2} {step.join:<8}  {step.step:>4}  {step.label:<27}  {quorum:<7}  {step.tolerated:>9}  "
            f"{step.in_force_ms:>11.0f}  {step.unavailable_ms:>7.0f} ({step.max_unavailable_ms:>4.0f})        "
            f"{step.availability:>6.3f}  {wait:>19}"
        )
    out.append("")
    out.append("n  joins as  tolerates (fewest)  change ms  unavailable ms (max)  available")
    out.extend(
        f"{line.n:<2} {line.join:<8}  {line.tolerated_least:>18}  {line.change_ms:>9.0f}  "
        f"{line.unavailable_ms:>7.0f} ({line.max_unavailable_ms:>4.0f})        {line.availability:>6.3f}"
        for line in result.lines
    )
    out.append(
        f"unavailable: writes waiting while commits stood still for more than {task.stall_ms:.0f} ms "
        f"(mean over {result.lines[0].trials if result.lines else 0} trials, the largest in brackets). "
        "quorum A and B: joint consensus (thesis §4.3), a majority of the new voters (A) and one of the old (B). "
        f"{task.entries_per_append} entry per AppendEntries: a newcomer needs many round trips to catch up."
    )
    return "\n".join(out) + "\n"


def write_change_csv(result: DuringChangeResult, path: str | os.PathLike[str]) -> None:
    """One row per configuration in force (:meth:`DuringChangeResult.frame`), written atomically."""
    with atomic_write(path) as file:
        result.frame().to_csv(file)
