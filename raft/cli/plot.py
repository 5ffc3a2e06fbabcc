"""``raft-sim plot``: draw a saved trace (timeline, messages, logs or topology) without simulating again."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from raft.cli.options import EXIT_OK
from raft.errors import RaftSimError
from raft.sim.events import Event, EventType

KINDS = ("timeline", "messages", "logs", "topology")


def register(subparsers: Any) -> None:
    plot = subparsers.add_parser("plot", help="draw a saved trace: timeline, messages, logs or topology")
    plot.add_argument("trace", metavar="TRACE.jsonl", help="a trace written by 'raft-sim run --trace'")
    plot.add_argument("--kind", choices=KINDS, default="timeline", help="which picture (default: timeline)")
    plot.add_argument("--from-ms", type=float, help="start of the window (timeline, messages)")
    plot.add_argument("--to-ms", type=float, help="end of the window (timeline, messages)")
    plot.add_argument("--at-ms", type=float, help="the moment to show (logs, topology; default: the end)")
    plot.add_argument(
        "--all-nodes",
        action="store_true",
        help="timeline: a lane for every node of a large cluster (default: the nodes that did something)",
    )
    plot.add_argument(
        "--nodes",
        metavar="N1,N2,...",
        help="messages, logs: the nodes to draw (default: every node, or the relevant ones of a "
        "large cluster)",
    )
    plot.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="where to write (PNG, SVG or PDF)"
    )
    plot.set_defaults(func=plot_trace)


def plot_trace(args: argparse.Namespace) -> int:
    from raft.cli.paths import check_input_file
    from raft.plots.files import check_figure_path, save_figure
    from raft.sim.trace import read_trace

    check_input_file(args.trace)
    check_figure_path(args.output)
    if args.kind in ("timeline", "messages") and args.at_ms is not None:
        raise RaftSimError(f"--at-ms: not used by --kind {args.kind} (use --from-ms / --to-ms)")
    if args.kind in ("logs", "topology") and (args.from_ms is not None or args.to_ms is not None):
        raise RaftSimError(f"--from-ms/--to-ms: not used by --kind {args.kind} (use --at-ms)")
    if args.all_nodes and args.kind != "timeline":
        raise RaftSimError(f"--all-nodes: not used by --kind {args.kind} (only by the timeline)")
    if args.nodes is not None and args.kind not in ("messages", "logs"):
        raise RaftSimError(f"--nodes: not used by --kind {args.kind} (only by messages and logs)")
    nodes = None if args.nodes is None else [n.strip() for n in args.nodes.split(",") if n.strip()]
    events = read_trace(args.trace)
    if args.at_ms is not None and (note := past_the_end_note(events, args.at_ms)):
        print(note, file=sys.stderr)
    figure = draw(
        events,
        args.kind,
        from_ms=args.from_ms,
        to_ms=args.to_ms,
        at_ms=args.at_ms,
        all_nodes=args.all_nodes,
        nodes=nodes,
    )
    save_figure(figure, args.output)
    print(f"{args.kind.capitalize()} written to {args.output}")
    return EXIT_OK


def past_the_end_note(events: list[Event], at_ms: float) -> str | None:
    """One line saying that ``--at-ms`` lies past the end of the run, so the picture shows its last moment
    (``None`` when it does not)."""
    from raft.analysis.replay import end_ms
    from raft.scenario.suggest import fmt_number

    end = end_ms(events)
    if at_ms <= end:
        return None
    stopped = any(e["type"] == EventType.VIOLATION for e in events)
    why = " (it stopped on a safety violation)" if stopped else ""
    return (
        f"note: --at-ms {fmt_number(at_ms)} is past the end of the run at {fmt_number(end)} ms{why}; "
        "the picture shows the end"
    )


def draw(
    events: list[Event],
    kind: str,
    *,
    from_ms: float | None,
    to_ms: float | None,
    at_ms: float | None,
    all_nodes: bool = False,
    nodes: list[str] | None = None,
) -> Any:
    """The figure of ``kind`` for these events (``all_nodes``: the timeline; ``nodes``: messages, logs)."""
    if kind == "timeline":
        from raft.plots.timeline import timeline

        return timeline(events, from_ms=from_ms, to_ms=to_ms, all_nodes=all_nodes)
    if kind == "messages":
        from raft.plots.messages import message_diagram

        return message_diagram(events, from_ms, to_ms, nodes=nodes)
    if kind == "logs":
        from raft.plots.logs import log_view

        return log_view(events, at_ms, nodes=nodes)
    if kind == "topology":
        from raft.plots.topology import topology

        return topology(events, at_ms)
    raise RaftSimError(f"--kind: unknown plot {kind!r}; choose one of {', '.join(KINDS)}")
