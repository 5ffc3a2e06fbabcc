"""The why-odd result as text and as a file: the table ``raft-sim experiment why-odd`` prints, and the CSV file
of ``--csv`` (one row per size, :meth:`~raft.experiments.why_odd.analysis.SizeLine.flat`)."""

from __future__ import annotations

import os
from typing import Any

from raft.experiments.why_odd.analysis import WhyOddResult
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
