"""``raft-sim run``, ``raft-sim list`` and ``raft-sim validate``: one scenario, the shipped ones, checking files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from raft.api import Result, simulate
from raft.cli.options import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    check_bugs,
    check_duration,
    non_negative_int,
)
from raft.cli.paths import SCENARIO_DIR, find_scenario
from raft.cli.report import render_summary
from raft.errors import RaftSimError
from raft.files import check_output_file
from raft.scenario import Scenario, load_scenario
from raft.scenario.suggest import fmt_number


def register(subparsers: Any) -> None:
    run = subparsers.add_parser(
        "run",
        help="run a scenario and summarize what happened",
        description="Run a scenario and summarize what happened. SCENARIO is a YAML file, or the name of a "
        "shipped scenario when no such file exists: leader-crash, leader-crash.yaml and bugs/vote-twice "
        "all work (see 'raft-sim list').",
    )
    run.add_argument("scenario", metavar="SCENARIO", help="a scenario YAML file, or a shipped scenario's name")
    run.add_argument("--seed", type=non_negative_int, help="override the scenario's seed (0 or more)")
    run.add_argument("--duration-ms", type=float, help="override the scenario's duration")
    run.add_argument("--trace", metavar="FILE", help="write the JSON Lines trace to FILE")
    run.add_argument("--json", action="store_true", help="print only the JSON summary on stdout")
    run.add_argument("--bug", action="append", default=[], metavar="NAME",
                     help="switch on a named bug (see 'raft-sim fuzz --list-bugs')")  # fmt: skip
    run.add_argument("--plot", metavar="FILE", help="write the election timeline (PNG, SVG or PDF)")
    run.set_defaults(func=run_scenario)

    listing = subparsers.add_parser("list", help="list the shipped scenarios")
    listing.add_argument("--dir", default=str(SCENARIO_DIR), help="where to look (default: shipped scenarios)")
    listing.set_defaults(func=list_scenarios)

    validate = subparsers.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    validate.set_defaults(func=validate_scenarios)


def run_scenario(args: argparse.Namespace) -> int:
    check_duration(args.duration_ms)
    bugs = check_bugs(args.bug)
    scenario = load_scenario(find_scenario(args.scenario))
    if args.trace:
        check_output_file(args.trace)
    if args.plot:
        from raft.plots.files import check_figure_path

        check_figure_path(args.plot)
    if args.duration_ms is not None:
        note = skipped_events_note(scenario, args.duration_ms)
        if note:
            print(note, file=sys.stderr)
    result: Result = simulate(
        scenario,
        seed=args.seed,
        duration_ms=args.duration_ms,
        record=bool(args.plot),
        trace=args.trace,
        bugs=bugs,
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
    return EXIT_OK if result.ok else EXIT_FAILED


def skipped_events_note(scenario: Scenario, duration_ms: float) -> str | None:
    """One line naming the scheduled events a shortened run never reaches (``None`` if it reaches them all)."""
    late = [event for event in scenario.events if event.at_ms is not None and event.at_ms > duration_ms]
    if not late:
        return None
    shown = [f"{_event_name(event)} at {fmt_number(event.at_ms or 0.0)} ms" for event in late[:4]]
    more = f" and {len(late) - 4} more" if len(late) > 4 else ""
    what = "event" if len(late) == 1 else "events"
    return (f"note: --duration-ms {fmt_number(duration_ms)} ends the run before {len(late)} {what} of the "
            f"scenario: {', '.join(shown)}{more}")  # fmt: skip


def _event_name(event: Any) -> str:
    payload = event.target or event.command
    if event.groups:
        payload = " | ".join(",".join(group) for group in event.groups)
    elif event.link is not None:
        payload = f"{event.link[0]} -> {event.link[1]}"
    return f"{event.action.value} {payload}" if payload else event.action.value


def list_scenarios(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    paths = sorted(root.rglob("*.yaml"))
    if not paths:
        raise RaftSimError(f"{root}: no scenario files found")
    for path in paths:
        scenario = load_scenario(path)
        print(f"{path.relative_to(root)}: {scenario.description or scenario.name}")
    return EXIT_OK


def validate_scenarios(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for path in args.scenarios:
        try:
            scenario = load_scenario(find_scenario(path))
        except RaftSimError as error:
            print(error, file=sys.stderr)
            status = EXIT_BAD_INPUT
        else:
            print(f"{path}: ok ({scenario.name}, {len(scenario.cluster.node_ids)} nodes, "
                  f"{len(scenario.events)} events, {len(scenario.expect)} expectations)")  # fmt: skip
    return status
