"""``raft-sim fuzz``: randomized fault testing over a range of seeds, with shrunk reproducers of failures.

Exit status: 0 when every seed passed, 1 when a failure was found (its reproducer written), 2 on bad input, 130
when Ctrl-C stopped it (the seeds that finished and their verdicts are printed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from raft.api import parse_scenario, simulate
from raft.batch.grid import parse_seeds
from raft.batch.sweep import progress_bar, show_progress
from raft.cli.options import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, check_bugs
from raft.core.bugs import BUG_HELP, Bug
from raft.files import check_output_dir
from raft.fuzz.generator import FAULT_TYPES, FuzzConfig, generate, parse_faults, parse_sizes
from raft.fuzz.runner import FuzzReport, run_seeds
from raft.fuzz.shrink import replay, reproducer, shrink, write_scenario
from raft.sim.events import EventType
from raft.sim.safety import Violation
from raft.words import counted

#: How many events before the failure are shown.
LAST_EVENTS = 12


def register(subparsers: Any) -> None:
    fuzz = subparsers.add_parser(
        "fuzz",
        help="randomized fault testing: many seeds, failures shrunk to a scenario",
        epilog="Ctrl-C stops it: the seeds that finished and their verdicts are printed, exit status 130.",
    )
    fuzz.add_argument(
        "--seeds", default="1-1000", help="seeds to run: N, A-B or a comma-separated mix (default 1-1000)"
    )
    fuzz.add_argument(
        "--sizes", default="3,5,7", help="cluster sizes to draw from: N, A-B or a mix (default 3,5,7)"
    )
    fuzz.add_argument(
        "--faults",
        default=",".join(FAULT_TYPES),
        help=f"fault types to draw from (default all: {','.join(FAULT_TYPES)})",
    )
    fuzz.add_argument(
        "--bug",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a named bug in every run (see --list-bugs)",
    )
    fuzz.add_argument("--out", default="fuzz-failures", metavar="DIR", help="where reproducers go")
    fuzz.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    fuzz.add_argument("--quiet", action="store_true", help="no progress bar")
    fuzz.add_argument("--list-bugs", action="store_true", help="list the switchable bugs and exit")
    fuzz.set_defaults(func=fuzz_command)


def list_bugs() -> str:
    return "".join(f"{bug.value}: {BUG_HELP[bug]}\n" for bug in Bug)


def fuzz_command(args: argparse.Namespace) -> int:
    if args.list_bugs:
        sys.stdout.write(list_bugs())
        return EXIT_OK
    seeds = parse_seeds(args.seeds)
    config = FuzzConfig(parse_sizes(args.sizes), parse_faults(args.faults), check_bugs(args.bug))
    out = check_output_dir(args.out)
    report = _run(seeds, config, args.jobs, quiet=args.quiet)
    print(_throughput(report))
    if report.interrupted:
        print(interrupted_verdicts(report, len(seeds)))
        return EXIT_INTERRUPTED
    found = report.first_failure
    if found is None or found.failure is None:
        print(
            f"All {counted(len(report.ran), 'seed')} passed: safety on every event, linearizability, liveness after the "
            f"quiet phase ({counted(report.unknown_linearizability, 'history', 'histories')} undecided within the checker's budget)."
        )
        return EXIT_OK
    _report_failure(found.seed, found.failure, config, out)
    return EXIT_FAILED


def _run(seeds: Sequence[int], config: FuzzConfig, jobs: int | None, *, quiet: bool) -> FuzzReport:
    bar = progress_bar(len(seeds), 0, show_progress(quiet), "fuzz", unit="seed")
    try:
        return run_seeds(seeds, config, jobs=jobs, progress=bar.update)
    finally:
        bar.close()


def interrupted_verdicts(report: FuzzReport, total: int) -> str:
    """What an interrupted campaign found: the seeds that finished and their verdicts, as ranges (no shrinking:
    ``raft-sim fuzz --seeds N`` shrinks a failing seed)."""
    passed = [outcome.seed for outcome in report.ran if outcome.failure is None]
    lines = [f"Interrupted after {len(report.ran)} of {counted(total, 'seed')}."]
    lines.append(f"  passed: {seed_ranges(passed) or 'none'}")
    lines.extend(
        f"  FAILED: seed {outcome.seed}: {outcome.failure} (raft-sim fuzz --seeds {outcome.seed} shrinks it to a "
        "reproducer)"
        for outcome in report.ran
        if outcome.failure is not None
    )
    unknown = [outcome.seed for outcome in report.ran if outcome.linearizable == "unknown"]
    if unknown:
        lines.append(f"  linearizability undecided within the checker's budget: {seed_ranges(unknown)}")
    return "\n".join(lines)


def seed_ranges(seeds: Sequence[int]) -> str:
    """``1-37, 40, 42-44``: sorted seeds as ranges."""
    spans: list[list[int]] = []
    for seed in sorted(seeds):
        if spans and seed == spans[-1][1] + 1:
            spans[-1][1] = seed
        else:
            spans.append([seed, seed])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)


def _throughput(report: FuzzReport) -> str:
    return (
        f"Ran {counted(len(report.ran), 'seed')} in {report.seconds:.1f} s: {report.seeds_per_s:.1f} seeds/s."
    )


def _report_failure(seed: int, failure: Violation, config: FuzzConfig, out: Path) -> None:
    """Shrink the failure, write the reproducer, and report the reproducer's failure (the header, the last
    events and the replay all describe the same run); the original, unshrunk run is named on a line of its own."""
    data = generate(seed, config)
    shrunk = shrink(data, failure)
    found = shrunk.failure
    print(f"FAILURE at seed {seed}: {found}")
    facts = [f"property: {found.property}", f"node(s): {', '.join(found.nodes) or '-'}"]
    facts += [
        f"{name}: {value}"
        for name, value in (("term", found.term), ("index", found.index))
        if value is not None
    ]
    print(f"  {'; '.join(facts)}")
    print(
        f"  (this is the shrunk reproducer, {shrunk.kept} of {counted(shrunk.total, 'fault')} kept; the original run at "
        f"seed {seed}, with every fault, broke it at {failure.t_ms:.1f} ms on {', '.join(failure.nodes) or '-'})"
    )
    named = "-".join([f"seed-{seed}", *config.bugs, failure.property.lower().replace(" ", "-")])
    path = out / f"{named}.yaml"
    write_scenario(reproducer(shrunk, seed), path)
    print("Last events before it (shrunk reproducer):")
    for line in last_events(shrunk.scenario, found):
        print(f"  {line}")
    again = replay(path)
    same = again is not None and again.property == found.property
    print(f"Reproducer: {path} (raft-sim run {path} " + ("replays it)" if same else "does NOT replay it)"))


def last_events(data: dict[str, Any], failure: Violation, count: int = LAST_EVENTS) -> list[str]:
    """The last ``count`` events at or before the failure, one JSON object per line."""
    result = simulate(parse_scenario(data), linearizability=True)
    events = [e for e in result.events or () if e["t_ms"] <= failure.t_ms]
    events = [e for e in events if e["type"] not in (EventType.META, EventType.END)]
    return [json.dumps(e, default=str) for e in events[-count:]]
