"""``raft-sim sweep``: one scenario over a grid of overrides and seeds, on every core or a Dask cluster."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from raft.errors import RaftSimError


def register(subparsers: Any) -> None:
    sweep = subparsers.add_parser(
        "sweep",
        help="run a scenario over a grid of overrides and seeds",
        description="Run SCENARIO for every combination of --set values and every seed; one row per run.",
    )
    sweep.add_argument("scenario", help="a scenario YAML file")
    sweep.add_argument("--set", action="append", default=[], metavar="KEY=VALUES", dest="sets",
                       help="a key and a YAML flow list of values, e.g. 'cluster.size=[3,4,5]' (repeatable)")  # fmt: skip
    sweep.add_argument("--seeds", default="1", help="seeds: N, A-B or a comma-separated mix (default: 1)")
    sweep.add_argument("--jobs", type=int, help="worker processes (default: every core; 1 runs in-process)")
    sweep.add_argument("--dask", metavar="ADDRESS", help="run on this Dask scheduler (tcp://host:8786)")
    sweep.add_argument("--out", metavar="FILE", help="write one row per run to FILE (.csv or .parquet); "
                       "re-running with the same FILE resumes")  # fmt: skip
    sweep.add_argument("--duration-ms", type=float, help="override the scenario's duration")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    sweep.set_defaults(func=run_sweep)


def run_sweep(args: argparse.Namespace) -> int:
    from raft.experiments.grid import make_grid
    from raft.experiments.runners import make_runner
    from raft.experiments.sweep import render_table, show_progress, sweep
    from raft.scenario import read_scenario_data

    if args.duration_ms is not None and not 0 < args.duration_ms < float("inf"):
        raise RaftSimError(f"--duration-ms: must be a positive number, got {args.duration_ms}")
    if args.jobs is not None and args.dask:
        raise RaftSimError("--jobs and --dask: give one or the other")
    read_scenario_data(args.scenario)  # a missing or unreadable file is one line, before anything starts
    grid = make_grid(args.sets, args.seeds)
    runner = make_runner(args.jobs, args.dask)
    result = sweep(args.scenario, grid, runner=runner, out=args.out, duration_ms=args.duration_ms,
                   progress=show_progress(args.quiet))  # fmt: skip
    sys.stdout.write(render_table(result.aggregate))
    report = result.report
    note = f"{report.total} runs: {report.ran} ran, {report.skipped} already done"
    if args.out:
        note += f"; rows in {args.out}"
    print(note)
    return 0
