"""``raft-sim run``, ``raft-sim list`` and ``raft-sim validate``: one scenario, the shipped ones, checking files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from raft.api import Result, simulate
from raft.cli.report import render_summary
from raft.core.bugs import Bug
from raft.errors import RaftSimError
from raft.scenario import load_scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"


def register(subparsers: Any) -> None:
    run = subparsers.add_parser("run", help="run a scenario and summarize what happened")
    run.add_argument("scenario", help="a scenario YAML file")
    run.add_argument("--seed", type=int, help="override the scenario's seed")
    run.add_argument("--duration-ms", type=float, help="override the scenario's duration")
    run.add_argument("--trace", metavar="FILE", help="write the JSON Lines trace to FILE")
    run.add_argument("--json", action="store_true", help="print only the JSON summary on stdout")
    run.add_argument("--bug", action="append", default=[], metavar="NAME",
                     choices=[b.value for b in Bug], help="switch on a named bug (see 'raft-sim fuzz --list-bugs')")  # fmt: skip
    run.add_argument("--plot", metavar="FILE", help="write the election timeline (PNG, SVG or PDF)")
    run.set_defaults(func=run_scenario)

    listing = subparsers.add_parser("list", help="list the shipped scenarios")
    listing.add_argument("--dir", default=str(SCENARIO_DIR), help="where to look (default: shipped scenarios)")
    listing.set_defaults(func=list_scenarios)

    validate = subparsers.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    validate.set_defaults(func=validate_scenarios)


def run_scenario(args: argparse.Namespace) -> int:
    if args.duration_ms is not None and not (args.duration_ms > 0 and args.duration_ms < float("inf")):
        raise RaftSimError(f"--duration-ms: must be a positive number, got {args.duration_ms}")
    scenario = load_scenario(args.scenario)
    if args.plot:
        from raft.plots.files import check_figure_path

        check_figure_path(args.plot)
    result: Result = simulate(
        scenario,
        seed=args.seed,
        duration_ms=args.duration_ms,
        record=bool(args.plot),
        trace=args.trace,
        bugs=tuple(args.bug),
    )
    if args.plot:
        from raft.plots.files import save_timeline

        save_timeline(result, args.plot)
    if args.json:
        json.dump(result.summary, sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_summary(result.summary))
        if args.trace:
            print(f"Trace written to {args.trace}")
        if args.plot:
            print(f"Timeline written to {args.plot}")
    return 0 if result.ok else 1


def list_scenarios(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    paths = sorted(root.rglob("*.yaml"))
    if not paths:
        raise RaftSimError(f"{root}: no scenario files found")
    for path in paths:
        scenario = load_scenario(path)
        print(f"{path.relative_to(root)}: {scenario.description or scenario.name}")
    return 0


def validate_scenarios(args: argparse.Namespace) -> int:
    status = 0
    for path in args.scenarios:
        try:
            scenario = load_scenario(path)
        except RaftSimError as error:
            print(error, file=sys.stderr)
            status = 2
        else:
            print(f"{path}: ok ({scenario.name}, {len(scenario.cluster.node_ids)} nodes, "
                  f"{len(scenario.events)} events, {len(scenario.expect)} expectations)")  # fmt: skip
    return status
