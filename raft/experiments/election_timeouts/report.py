"""The election-timeouts result as the text table ``raft-sim experiment election-timeouts`` prints: per range,
the simulated statistics and the paper's below them. (The CSV file of ``--csv`` holds the trials themselves,
written as they run: :func:`~raft.experiments.election_timeouts.trials.run_trials`.)"""

from __future__ import annotations

from raft.experiments.election_timeouts.analysis import ElectionTimeoutsResult
from raft.experiments.election_timeouts.paper import PAPER, STATS


def render(result: ElectionTimeoutsResult) -> str:
    """The table: per range, the simulated statistics and the paper's below them."""
    setup = result.setup
    lines = [
        f"Time without a leader after the leader crashes (ms), 5 servers; {setup.description} ('>cap': censored).",
        "'>cap': the quantile falls on a censored trial. mean: over all trials; '>=N' where trials were censored:",
        "a lower bound (censored trials counted at the cap), not a mean of the uncensored trials alone.",
        "range     source  trials  cens  " + "  ".join(f"{s:>7}" for s in STATS),
    ]
    for r in result.ranges:
        stats = r.stats
        cells = [">cap" if stats[s] is None else format(stats[s], ".0f") for s in STATS]
        if stats["mean"] is None and stats["mean_at_least"] is not None:
            cells[-1] = f">={stats['mean_at_least']:.0f}"
        sim = "  ".join(f"{cell:>7}" for cell in cells) + ("  never elected" if r.never_elected else "")
        paper = "  ".join(f"{v:>7.0f}" for v in PAPER[r.label])
        lines.append(f"{r.label:<9} sim     {r.trials:>6}  {r.censored:>4}  {sim}")
        lines.append(f"{'':<9} paper   {'':>6}  {'':>4}  {paper}")
    return "\n".join(lines) + "\n"
