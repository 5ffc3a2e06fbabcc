"""``raft-sim experiment why-odd``, ``raft-sim experiment election-timeouts`` and ``raft-sim experiment
control-plane``: the studies, built on the sweep engine; a quick classroom run and the full study are the same command with different ``--trials``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from raft.cli.options import EXIT_OK, non_negative_int
from raft.errors import RaftSimError
from raft.files import check_output_file

#: The why-odd options of the size-by-size view only, and their defaults.
ODD_DEFAULTS = {"mtbf_s": 90.0, "mttr_s": 10.0, "availability_s": 300.0}

#: The timing profiles of the election-timeouts experiment, and the one it runs by default.
TIMINGS = ("exact", "lan")
DEFAULT_TIMING = "exact"


def _common(parser: argparse.ArgumentParser, trials_help: str) -> None:
    parser.add_argument("--trials", type=int, help=trials_help)
    parser.add_argument(
        "--seed", type=non_negative_int, default=1, help="first seed (trials use seed, seed+1, ...)"
    )
    parser.add_argument("--jobs", type=int, help="worker processes (default: every core)")
    parser.add_argument("--dask", metavar="ADDRESS", help="run on this Dask scheduler")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    parser.add_argument("--csv", metavar="FILE", help="write the results table to FILE")
    parser.add_argument("--plot", metavar="FILE", help="write the figure (PNG, SVG or PDF)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def register(subparsers: Any) -> None:
    experiment = subparsers.add_parser("experiment", help="run one of the built-in experiments")
    which = experiment.add_subparsers(dest="experiment", required=True, metavar="EXPERIMENT")
    odd = which.add_parser("why-odd", help="why clusters have an odd number of servers")
    _common(odd, "trials per case (default 10)")
    odd.add_argument(
        "--sizes",
        help="cluster sizes, e.g. 1-9 or 3,4,5 (default 1-9); with --during-change the starting sizes n "
        "(default 3,5)",
    )
    odd.add_argument(
        "--during-change",
        action="store_true",
        help="the view during a change instead: each size n grows to n + 2 one server at a time, newcomers "
        "joining as learners or as voters at once, as many servers down as n tolerates; failures tolerated "
        "and write unavailability at each configuration in force",
    )
    odd.add_argument(
        "--mtbf-s",
        type=float,
        help=f"mean time between failures per server (s, default {ODD_DEFAULTS['mtbf_s']:g})",
    )
    odd.add_argument(
        "--mttr-s", type=float, help=f"mean time to repair (s, default {ODD_DEFAULTS['mttr_s']:g})"
    )
    odd.add_argument(
        "--availability-s",
        type=float,
        help=f"simulated seconds per availability trial (default {ODD_DEFAULTS['availability_s']:g})",
    )
    odd.set_defaults(func=run_why_odd)
    timeouts = which.add_parser("election-timeouts", help="Figure 16: time without a leader after a crash")
    _common(timeouts, "trials per range (default: the paper's 1000, and 100 for 150-150)")
    timeouts.add_argument(
        "--latency-ms",
        type=float,
        nargs=2,
        metavar=("LOW", "HIGH"),
        default=None,
        help="one-way latency range (default: 0.2 0.6 under exact, the profile's distribution)",
    )
    timeouts.add_argument(
        "--write-ms", type=float, default=None, help="disk write time (default: 4 under exact, the profile's)"
    )
    timeouts.add_argument(
        "--timing",
        metavar="PROFILE",
        action="append",
        choices=TIMINGS,
        help="timing profile: exact (default: perfect clocks, 0.2-0.6 ms hops, 4 ms writes) or lan (drifting "
        "clocks, timer jitter, drawn disk and network times); give it twice (--timing exact --timing lan) to run "
        "both, side by side in the table and figure",
    )
    timeouts.add_argument(
        "--cap-s", type=float, default=None, help="simulated seconds before a trial is censored"
    )
    timeouts.set_defaults(func=run_election_timeouts)
    control = which.add_parser(
        "control-plane",
        help="Kubernetes: how many control-plane nodes, stacked or external etcd, in how many zones",
    )
    _common(control, "simulated clusters per case for the independent failures (default 50)")
    control.add_argument(
        "--sizes", default="1-7", help="control-plane node counts, e.g. 1-7 or 3,5 (default 1-7)"
    )
    control.add_argument(
        "--node-availability",
        type=float,
        default=0.9,
        help="fraction of the time each machine is up, failing independently (default 0.9)",
    )
    control.add_argument(
        "--etcd-members", type=int, default=3, help="etcd hosts of an external etcd (default 3)"
    )
    control.set_defaults(func=run_control_plane)


def _check(args: argparse.Namespace) -> Any:
    from raft.batch.runners import make_runner

    if args.trials is not None and args.trials < 1:
        raise RaftSimError(f"--trials: must be at least 1, got {args.trials}")
    if args.csv:
        check_output_file(args.csv)
    if args.plot:
        from raft.plots.files import check_figure_path

        check_figure_path(args.plot)
    return make_runner(args.jobs, args.dask)


def run_why_odd(args: argparse.Namespace) -> int:
    from raft.batch.grid import parse_int_ranges
    from raft.batch.sweep import show_progress
    from raft.experiments.why_odd import analysis, report
    from raft.scenario.base import MAX_NODES

    runner = _check(args)
    if args.during_change:
        return _run_during_change(args, runner)
    sizes = parse_int_ranges(args.sizes, "--sizes", low=1, high=MAX_NODES) if args.sizes else analysis.SIZES
    values = {
        name: ODD_DEFAULTS[name] if getattr(args, name) is None else getattr(args, name)
        for name in ODD_DEFAULTS
    }
    for name, value in values.items():
        if not value > 0:
            raise RaftSimError(f"--{name.replace('_', '-')}: must be positive")
    result = analysis.run_why_odd(
        sizes=sizes,
        trials=args.trials or 10,
        seed=args.seed,
        runner=runner,
        mtbf_s=values["mtbf_s"],
        mttr_s=values["mttr_s"],
        availability_s=values["availability_s"],
        progress=show_progress(args.quiet),
    )
    if args.csv:
        report.write_csv(result, args.csv)
    if args.plot:
        from raft.experiments.why_odd import figure

        figure.plot(result, args.plot)
    return _print(args, result.to_dict(), report.render(result))


def _run_during_change(args: argparse.Namespace, runner: Any) -> int:
    """``why-odd --during-change``: the view of a cluster growing from n to n + 2 (sizes n from 1, and n + 2
    servers at most :data:`~raft.scenario.base.MAX_NODES`)."""
    from raft.batch.grid import parse_int_ranges
    from raft.batch.sweep import show_progress
    from raft.experiments.why_odd import analysis, report
    from raft.scenario.base import MAX_NODES

    unused = [name for name in ODD_DEFAULTS if getattr(args, name) is not None]
    if unused:
        raise RaftSimError(f"--{unused[0].replace('_', '-')}: not used with --during-change")
    sizes = (
        parse_int_ranges(args.sizes, "--sizes", low=1, high=MAX_NODES - 2)
        if args.sizes
        else analysis.CHANGE_SIZES
    )
    result = analysis.run_during_change(
        sizes=sizes,
        trials=args.trials or 10,
        seed=args.seed,
        runner=runner,
        progress=show_progress(args.quiet),
    )
    if args.csv:
        report.write_change_csv(result, args.csv)
    if args.plot:
        from raft.experiments.why_odd import figure

        figure.plot_during_change(result, args.plot)
    return _print(args, result.to_dict(), report.render_during_change(result))


def _print(args: argparse.Namespace, data: dict[str, Any], table: str) -> int:
    """The experiment's result on stdout: one JSON object with ``--json``, else its table."""
    if args.json:
        json.dump(data, sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(table)
    return EXIT_OK


def run_election_timeouts(args: argparse.Namespace) -> int:
    from raft.batch.sweep import show_progress
    from raft.experiments.election_timeouts import analysis, report
    from raft.experiments.election_timeouts.trials import Setup

    runner = _check(args)
    latency = tuple(args.latency_ms) if args.latency_ms else None
    if latency is not None and (latency[0] < 0 or latency[1] < latency[0]):
        raise RaftSimError(f"--latency-ms: expected 0 <= LOW <= HIGH, got {latency[0]:g} {latency[1]:g}")
    cap = None if args.cap_s is None else args.cap_s * 1000
    if (args.write_ms is not None and args.write_ms < 0) or (cap is not None and not cap > 0):
        raise RaftSimError("--write-ms must be >= 0 and --cap-s positive")
    timings = list(dict.fromkeys(args.timing or [DEFAULT_TIMING]))
    results = []
    for timing in timings:
        setup = Setup.for_timing(
            timing,
            latency_ms=None if latency is None else (float(latency[0]), float(latency[1])),
            write_ms=args.write_ms,
            cap_ms=cap,
        )
        csv = args.csv if len(timings) == 1 or not args.csv else _suffixed(args.csv, timing)
        results.append(
            analysis.run_election_timeouts(
                trials=args.trials,
                seed=args.seed,
                runner=runner,
                setup=setup,
                csv=csv,
                progress=show_progress(args.quiet),
            )
        )
    if args.plot:
        from raft.experiments.election_timeouts import figure

        figure.plot(results, args.plot)
    if len(results) == 1:
        return _print(args, results[0].to_dict(), report.render(results[0]))
    data = {"experiment": "election-timeouts", "runs": [result.to_dict() for result in results]}
    return _print(args, data, "\n".join(report.render(result) for result in results))


def _suffixed(path: str, timing: str) -> str:
    """``trials.csv`` for the ``lan`` run of several: ``trials-lan.csv``."""
    stem, dot, ext = path.rpartition(".")
    return f"{stem}-{timing}.{ext}" if dot and "/" not in ext else f"{path}-{timing}"


def run_control_plane(args: argparse.Namespace) -> int:
    from raft.batch.grid import parse_int_ranges
    from raft.batch.sweep import show_progress
    from raft.experiments.control_plane import analysis, report
    from raft.kubernetes.spec import MAX_CONTROL_PLANE

    runner = _check(args)
    sizes = parse_int_ranges(args.sizes, "--sizes", low=1, high=MAX_CONTROL_PLANE)
    if not 0.0 < args.node_availability <= 1.0:
        raise RaftSimError(f"--node-availability: must be in (0, 1], got {args.node_availability:g}")
    if not 1 <= args.etcd_members <= MAX_CONTROL_PLANE:
        raise RaftSimError(
            f"--etcd-members: must be between 1 and {MAX_CONTROL_PLANE}, got {args.etcd_members}"
        )
    result = analysis.run_control_plane(
        sizes=sizes,
        trials=args.trials or analysis.TRIALS,
        seed=args.seed,
        runner=runner,
        node_availability=args.node_availability,
        etcd_members=args.etcd_members,
        progress=show_progress(args.quiet),
    )
    if args.csv:
        report.write_csv(result, args.csv)
    if args.plot:
        from raft.experiments.control_plane import figure

        figure.plot(result, args.plot)
    return _print(args, result.to_dict(), report.render(result))
