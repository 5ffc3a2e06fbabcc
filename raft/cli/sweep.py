"""``raft-sim sweep``: one scenario over a grid of overrides and seeds, on every core or a Dask cluster.

Ctrl-C stops the sweep after the runs at hand: the table covers the runs that finished, their rows stay in
``--out`` (the same command resumes), exit status 130.

Exit status: 0 when every run ran (``ok``, ``failed`` and ``unsafe`` are results, not errors), even if some
combinations were invalid (their reasons are printed after the table); 2 on bad input, including an unknown
``--set`` key, and when no run at all could be built.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from raft.cli.options import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, check_duration
from raft.cli.paths import find_scenario
from raft.errors import RaftSimError
from raft.files import check_output_file
from raft.words import counted


def register(subparsers: Any) -> None:
    sweep = subparsers.add_parser(
        "sweep",
        help="run a scenario over a grid of overrides and seeds",
        description="Run SCENARIO for every combination of --set values and every seed; one row per run.",
        epilog="Runs whose overrides make the scenario invalid are counted as 'invalid' and their reasons are "
        "listed after the table. Exit status: 0 when the sweep ran (ok, failed and unsafe runs are results); "
        "2 on bad input (an unknown --set key, a bad path) or when no run could be built at all; 130 when Ctrl-C "
        "stopped it (the table covers the runs that finished, their rows stay in --out: the same command resumes).",
    )
    sweep.add_argument(
        "scenario", metavar="SCENARIO", help="a scenario YAML file, or a shipped scenario's name"
    )
    sweep.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUES",
        dest="sets",
        help="a key and a YAML flow list of values, e.g. 'cluster.size=[3,4,5]' (repeatable)",
    )
    sweep.add_argument("--seeds", default="1", help="seeds: N, A-B or a comma-separated mix (default: 1)")
    sweep.add_argument("--jobs", type=int, help="worker processes (default: every core; 1 runs in-process)")
    sweep.add_argument("--dask", metavar="ADDRESS", help="run on this Dask scheduler (tcp://host:8786)")
    sweep.add_argument(
        "--out",
        metavar="FILE",
        help="write one row per run to FILE (.csv or .parquet); re-running with the same FILE resumes",
    )
    sweep.add_argument("--duration-ms", type=float, help="override the scenario's duration")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    sweep.set_defaults(func=run_sweep)


def run_sweep(args: argparse.Namespace) -> int:
    from raft.batch.grid import make_grid
    from raft.batch.runners import make_runner
    from raft.batch.sweep import render_invalid, render_table, show_progress, sweep
    from raft.scenario import override_key_problem, read_scenario_data

    check_duration(args.duration_ms)
    runner = make_runner(args.jobs, args.dask)
    path = find_scenario(args.scenario)
    read_scenario_data(path)  # a missing or unreadable file is one line, before anything starts
    grid = make_grid(args.sets, args.seeds)
    for key in grid.keys:
        problem = override_key_problem(key)
        if problem is not None:
            raise RaftSimError(f"--set {problem}")
    if args.out:
        check_output_file(args.out)
    result = sweep(
        path,
        grid,
        runner=runner,
        out=args.out,
        duration_ms=args.duration_ms,
        progress=show_progress(args.quiet),
    )
    sys.stdout.write(render_table(result.aggregate))
    report = result.report
    # Runs that could not be built did not run; resumed rows are already done, whatever their outcome.
    unbuilt = result.invalid if not report.skipped else 0
    note = f"{counted(report.total, 'run')}: {report.ran - unbuilt} ran"
    if unbuilt:
        note += f", {unbuilt} could not be built"
    note += f", {report.skipped} already done"
    if args.out:
        note += f"; rows in {args.out}"
    if report.interrupted:
        left = report.total - report.ran - report.skipped
        note += f"; interrupted, {left} not run" + (" (the same command resumes)" if args.out else "")
    print(note)
    if result.invalid_reasons:
        sys.stdout.write(render_invalid(result.invalid_reasons))
    if report.interrupted:
        return EXIT_INTERRUPTED
    if result.runs and result.invalid == result.runs:
        print("no run could be built: nothing was simulated", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK
