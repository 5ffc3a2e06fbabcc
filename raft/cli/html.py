"""``raft-sim html``: turn a saved trace into the player, one self-contained HTML file (see :mod:`raft.player`)."""

from __future__ import annotations

import argparse
from typing import Any

from raft.cli.options import EXIT_OK


def register(subparsers: Any) -> None:
    html = subparsers.add_parser(
        "html",
        help="write a saved trace as an interactive player (one HTML file)",
        description="Write the player of a saved trace: one self-contained HTML file (no network access) that "
        "animates the run in a browser, with a time slider, play/pause, speed and jumps to the next election, "
        "fault or violation. Open it in any current browser.",
    )
    html.add_argument("trace", metavar="TRACE.jsonl", help="a trace written by 'raft-sim run --trace'")
    html.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write the HTML file")
    html.set_defaults(func=write_html)


def write_html(args: argparse.Namespace) -> int:
    from raft.cli.paths import check_input_file
    from raft.files import check_output_file
    from raft.player import write_player
    from raft.sim.trace import read_trace

    check_input_file(args.trace)
    check_output_file(args.output)
    write_player(read_trace(args.trace), args.output)
    print(f"Player written to {args.output}")
    return EXIT_OK
