"""``raft-sim run``, ``raft-sim list`` and ``raft-sim validate``: one scenario, the shipped ones, checking files."""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

from raft.analysis.records import Summary
from raft.analysis.transcript import transcript_lines
from raft.api import Result, simulate
from raft.batch.sweep import show_progress
from raft.cli.options import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    check_bugs,
    check_duration,
    check_events,
    non_negative_int,
)
from raft.cli.paths import SCENARIO_DIR, find_scenario
from raft.cli.progress import RunPacer
from raft.cli.report import raft_settings, render_summary
from raft.errors import RaftSimError
from raft.files import check_output_file
from raft.kubernetes.loader import is_kubernetes_data, parse_kube_scenario
from raft.kubernetes.spec import KubeScenario
from raft.scenario import Scenario, parse_scenario
from raft.scenario.reader import read_scenario_data
from raft.scenario.suggest import fmt_number
from raft.sim.cost import estimate, warning
from raft.words import counted


def register(subparsers: Any) -> None:
    run = subparsers.add_parser(
        "run",
        help="run a scenario and summarize what happened",
        epilog="Ctrl-C stops the run where it is: the summary (and --json, --trace, --plot) covers the part that "
        "ran, and the exit status is 130.",
        description="Run a scenario and summarize what happened. SCENARIO is a YAML file, or the name of a "
        "shipped scenario when no such file exists: leader-crash, leader-crash.yaml and bugs/vote-twice "
        "all work (see 'raft-sim list').",
    )
    run.add_argument(
        "scenario", metavar="SCENARIO", help="a scenario YAML file, or a shipped scenario's name"
    )
    run.add_argument("--seed", type=non_negative_int, help="override the scenario's seed (0 or more)")
    run.add_argument("--duration-ms", type=float, help="override the scenario's duration")
    run.add_argument("--trace", metavar="FILE", help="write the JSON Lines trace to FILE")
    run.add_argument("--json", action="store_true", help="print only the JSON summary on stdout")
    run.add_argument(
        "--bug",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a named bug (see 'raft-sim fuzz --list-bugs')",
    )
    run.add_argument("--plot", metavar="FILE", help="write the election timeline (PNG, SVG or PDF)")
    run.add_argument(
        "--html",
        metavar="FILE",
        help="write the run as an interactive player: one self-contained HTML file to open in a browser",
    )
    run.add_argument(
        "--events",
        action="store_true",
        help="print the run's events, one readable line each, before the summary (not with --json)",
    )
    run.add_argument(
        "--show",
        metavar="WHAT",
        help="what --events shows (implies --events), e.g. "
        "'delivers,heartbeats,applies,no-clients,from_ms=100,to_ms=400,nodes=n1+n2'",
    )
    run.add_argument(
        "--all-nodes",
        action="store_true",
        help="with --plot: a lane for every node of a large cluster (default: the nodes that did "
        "something, the others summarised)",
    )
    run.add_argument(
        "--diagram",
        metavar="FILE",
        help="Kubernetes scenarios: write the cluster diagram (zones, nodes, etcd roles, API state, pods) at --at",
    )
    run.add_argument(
        "--at",
        type=float,
        metavar="S",
        help="with --diagram: the moment drawn, in seconds (default: the end)",
    )
    run.add_argument(
        "--quiet",
        action="store_true",
        help="no progress and no cost warning on stderr (progress shows only on a terminal, for runs "
        "longer than two seconds)",
    )
    run.set_defaults(func=run_scenario)

    listing = subparsers.add_parser(
        "list",
        help="list the shipped scenarios",
        description="List the scenarios, one line each: the teaching scenarios first, then the bug lessons (each "
        "switches a bug on and shows the violation the rule prevents). --long tells each one's story.",
    )
    listing.add_argument(
        "--dir", default=str(SCENARIO_DIR), help="where to look (default: shipped scenarios)"
    )
    listing.add_argument("--long", action="store_true", help="show each scenario's whole description")
    listing.set_defaults(func=list_scenarios)

    validate = subparsers.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    validate.set_defaults(func=validate_scenarios)


def run_scenario(args: argparse.Namespace) -> int:
    check_duration(args.duration_ms)
    bugs = check_bugs(args.bug)
    path = find_scenario(args.scenario)
    data = read_scenario_data(path)
    if is_kubernetes_data(data):
        from raft.cli.kube import run_kubernetes

        if args.html:
            raise RaftSimError(
                "--html: not for Kubernetes scenarios; write etcd's trace with --trace FILE, then "
                "'raft-sim html FILE -o PAGE'"
            )

        return run_kubernetes(args, data)
    if args.diagram or args.at is not None:
        raise RaftSimError("--diagram, --at: only for Kubernetes scenarios (scenarios/kubernetes/)")
    shown = check_events(args.events, args.show, args.json)
    scenario = parse_scenario(data)
    if args.trace:
        check_output_file(args.trace)
    if args.html:
        check_output_file(args.html)
    if args.plot:
        from raft.plots.files import check_figure_path

        check_figure_path(args.plot)
    elif args.all_nodes:
        raise RaftSimError("--all-nodes: only with --plot (it draws a lane for every node on the timeline)")
    if args.duration_ms is not None:
        note = skipped_events_note(scenario, args.duration_ms)
        if note:
            print(note, file=sys.stderr)
    duration = scenario.duration_ms if args.duration_ms is None else args.duration_ms
    if not args.quiet:
        warned = warning(estimate(scenario, duration, trace=bool(args.trace)), duration)
        if warned:
            print(warned, file=sys.stderr)
    pacer = RunPacer(duration, show=show_progress(args.quiet))
    try:
        with pacer.catching_interrupts():
            result: Result = simulate(
                scenario,
                seed=args.seed,
                duration_ms=args.duration_ms,
                record=bool(args.plot) or bool(args.html) or shown is not None,
                trace=args.trace,
                bugs=bugs,
                pacer=pacer,
            )
    finally:
        pacer.close()
    if args.plot:
        from raft.plots.files import save_figure

        save_figure(result.timeline(all_nodes=args.all_nodes), args.plot)
    if args.html:
        result.player().save(args.html)
    if args.json:
        json.dump(result.summary, sys.stdout)
        sys.stdout.write("\n")
    else:
        if shown is not None:  # the event log, then a blank line, then the summary
            sys.stdout.writelines(line + "\n" for line in transcript_lines(result.recorded_events(), shown))
            sys.stdout.write("\n")
        if result.interrupted:
            print(interrupted_line(result.summary))
        sys.stdout.write(render_summary(result.summary, raft_settings(scenario.cluster)))
        if args.trace:
            print(f"Trace written to {args.trace}")
        if args.plot:
            print(f"Timeline written to {args.plot}")
        if args.html:
            print(f"Player written to {args.html}")
    if result.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if result.ok else EXIT_FAILED


def interrupted_line(summary: Summary) -> str:
    """The first line of an interrupted run's summary."""
    at_ms = summary["interrupted_at_ms"]
    assert at_ms is not None, "an interrupted run's summary says where it stopped"
    return (
        f"Interrupted at {fmt_number(at_ms)} ms (of {fmt_number(summary['duration_ms'])} "
        "ms): this summary covers the part that ran, and its expectations are judged there."
    )


def skipped_events_note(scenario: Scenario, duration_ms: float) -> str | None:
    """One line naming the scheduled events a shortened run never reaches (``None`` if it reaches them all)."""
    late = [event for event in scenario.events if event.at_ms is not None and event.at_ms > duration_ms]
    if not late:
        return None
    shown = [f"{_event_name(event)} at {fmt_number(event.at_ms or 0.0)} ms" for event in late[:4]]
    more = f" and {len(late) - 4} more" if len(late) > 4 else ""
    what = "event" if len(late) == 1 else "events"
    return (
        f"note: --duration-ms {fmt_number(duration_ms)} ends the run before {len(late)} {what} of the "
        f"scenario: {', '.join(shown)}{more}"
    )


def _event_name(event: Any) -> str:
    payload = event.target or event.command
    if event.groups:
        payload = " | ".join(",".join(group) for group in event.groups)
    elif event.link is not None:
        payload = f"{event.link[0]} -> {event.link[1]}"
    return f"{event.action.value} {payload}" if payload else event.action.value


#: Width of ``raft-sim list``'s lines.
LIST_WIDTH = 110


def list_scenarios(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    paths = sorted(root.rglob("*.yaml"))
    if not paths:
        raise RaftSimError(f"{root}: no scenario files found")
    raft: list[tuple[Path, Scenario]] = []
    kube: list[tuple[Path, KubeScenario]] = []
    for path in paths:
        data = read_scenario_data(path)
        if is_kubernetes_data(data):
            kube.append((path.relative_to(root), parse_kube_scenario(data)))
        else:
            raft.append((path.relative_to(root), parse_scenario(data)))
    sys.stdout.write(scenario_listing(raft, args.long))
    if kube:
        sys.stdout.write("\n" + kube_listing(kube, args.long))
    return EXIT_OK


def kube_listing(scenarios: list[tuple[Path, KubeScenario]], long: bool = False) -> str:
    """The Kubernetes scenarios' part of ``raft-sim list``, in the words of :func:`scenario_listing`."""
    out = ["The Kubernetes control plane over etcd (raft-sim run NAME):"]
    width = max(len(path.with_suffix("").as_posix()) for path, _ in scenarios)
    for path, scenario in scenarios:
        name = path.with_suffix("").as_posix()
        story = " ".join((scenario.description or scenario.name).split())
        if long:
            out.append(f"  {name}")
            out += textwrap.wrap(
                story, LIST_WIDTH, initial_indent="      ", subsequent_indent="      ", break_on_hyphens=False
            )
        else:
            start = f"  {name:<{width}}  "
            out.append(start + _fit(_first_sentence(story), LIST_WIDTH - len(start)))
    return "\n".join(out) + "\n"


def is_bug_lesson(scenario: Scenario) -> bool:
    """A scenario that switches a bug on, or expects a violation: it exists to show one."""
    return bool(scenario.cluster.bugs) or any(e.check == "safety_violation" for e in scenario.expect)


def is_extension_pair(path: Path) -> bool:
    """A scenario of ``scenarios/etcd/``: paper Raft and one of the thesis's extensions, side by side."""
    return path.parts[0] == "etcd"


def scenario_listing(scenarios: list[tuple[Path, Scenario]], long: bool = False) -> str:
    """The text of ``raft-sim list``: teaching scenarios, then bug lessons, each under its heading and named as
    ``raft-sim run`` accepts it; one line each (the description's first sentence, shortened to fit), or with
    ``long`` every description in full, indented under its name."""
    groups = [
        (
            "Teaching scenarios (raft-sim run NAME):",
            [(p, s) for p, s in scenarios if not is_bug_lesson(s) and not is_extension_pair(p)],
        ),
        (
            "Paper Raft (-paper) versus one of the extensions etcd runs, in pairs (raft-sim run NAME):",
            [(p, s) for p, s in scenarios if is_extension_pair(p)],
        ),
        (
            "Bug lessons: each switches one bug on and shows the violation the rule prevents (raft-sim run NAME):",
            [(p, s) for p, s in scenarios if is_bug_lesson(s) and not is_extension_pair(p)],
        ),
    ]
    out: list[str] = []
    for heading, members in groups:
        if not members:
            continue
        out.append(("\n" if out else "") + heading)
        width = max(len(path.with_suffix("").as_posix()) for path, _ in members)
        for path, scenario in members:
            name = path.with_suffix("").as_posix()
            story = " ".join((scenario.description or scenario.name).split())
            shown = _lesson(scenario)
            if long:
                out.append(f"  {name}" + (f"  ({shown})" if shown else ""))
                out += textwrap.wrap(story, LIST_WIDTH, initial_indent="      ", subsequent_indent="      ")
            else:
                start = f"  {name:<{width}}  " + (f"{shown}: " if shown else "")
                out.append(start + _fit(_first_sentence(story), LIST_WIDTH - len(start)))
    return "\n".join(out) + "\n"


def _lesson(scenario: Scenario) -> str:
    """The properties a bug lesson shows violated (``Election Safety``), or ``""``."""
    return ", ".join(str(e.value) for e in scenario.expect if e.check == "safety_violation")


def _first_sentence(text: str) -> str:
    """The description's first sentence, without a leading ``Bug NAME:`` (the name is on the line already)."""
    if text.startswith("Bug ") and ": " in text:
        text = text.split(": ", 1)[1]
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def _fit(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters: whole, else without its parenthesized asides, else up to its
    last clause (``;``, ``:``) that fits, else cut at a word boundary with ``...``."""
    if len(text) > width:
        text = re.sub(r" \([^()]*\)", "", text)
    if len(text) <= width:
        return text
    clause = max(text.rfind("; ", 0, width), text.rfind(": ", 0, width))
    if clause > 0:
        return text[:clause]
    return text[: width - 3].rsplit(" ", 1)[0].rstrip(",;:") + "..."


def validate_scenarios(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for path in args.scenarios:
        try:
            data = read_scenario_data(find_scenario(path))
            if is_kubernetes_data(data):
                kube = parse_kube_scenario(data)
                spec = kube.kubernetes
                print(
                    f"{path}: ok ({kube.name}, Kubernetes: {spec.control_plane} control-plane nodes, {spec.etcd} "
                    f"etcd, {counted(len(kube.events), 'event')}, {counted(len(kube.expect), 'expectation')})"
                )
                continue
            scenario = parse_scenario(data)
        except RaftSimError as error:
            print(error, file=sys.stderr)
            status = EXIT_BAD_INPUT
        else:
            print(
                f"{path}: ok ({scenario.name}, {len(scenario.cluster.node_ids)} nodes, "
                f"{counted(len(scenario.events), 'event')}, {counted(len(scenario.expect), 'expectation')})"
            )
    return status
