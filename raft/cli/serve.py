"""``raft-sim serve``: a scenario run live in the browser, where a click crashes a node (:mod:`raft.live`)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import webbrowser
from typing import Any

from raft.cli.options import EXIT_OK
from raft.cli.paths import find_scenario
from raft.errors import RaftSimError
from raft.interrupts import Interrupted
from raft.scenario import parse_scenario, read_scenario_data
from raft.scenario.suggest import fmt_number

#: The scenario served when none is named: five servers, clients writing, no scripted events.
DEFAULT_SCENARIO = "cold-start-5"


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="run a scenario live in the browser: click to crash, partition, write; save it as a scenario",
        description="Run a scenario live in scaled real time and serve the player page in live mode on "
        "127.0.0.1: click a node to crash or restart it or force its timeout, partition, cut links, submit "
        "writes, pause and change speed; 'save as scenario' writes a scenario file that 'raft-sim run' replays "
        f"to the same trace. SCENARIO is a file or a shipped scenario's name (default: {DEFAULT_SCENARIO}).",
        epilog="Ctrl-C stops the server (exit status 130).",
    )
    serve.add_argument(
        "scenario",
        nargs="?",
        default=DEFAULT_SCENARIO,
        metavar="SCENARIO",
        help=f"a scenario YAML file, or a shipped scenario's name (default: {DEFAULT_SCENARIO})",
    )
    serve.add_argument(
        "--port", type=port_number, default=0, help="the port to listen on (default: a free one)"
    )
    serve.add_argument("--open", action="store_true", help="open the page in a web browser")
    serve.set_defaults(func=serve_scenario)


def port_number(text: str) -> int:
    """An argparse type for ``--port``: 0 (a free port) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 0 and 65535, got {value}")
    return value


def serve_scenario(args: argparse.Namespace) -> int:
    data = read_scenario_data(find_scenario(args.scenario))
    scenario = parse_scenario(data)
    try:
        from raft.live.server import serve
    except ModuleNotFoundError as error:
        if error.name is None or error.name.split(".")[0] == "raft":
            raise
        raise RaftSimError(
            f"raft-sim serve: needs the package {error.name!r}, which is not installed; install it with: "
            "pip install 'raft-sim[serve]'"
        ) from None
    from raft.live.session import LiveSession

    session = LiveSession(scenario, data=data)

    def ready(url: str) -> None:
        print(f"Live session of {scenario.name} at {url} (Ctrl-C stops it)", flush=True)
        if args.open:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    # Ctrl-C stops the server even when this process was started with SIGINT ignored (as a shell does for a
    # command it puts in the background without job control): Python then installs no handler of its own.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        serve(session, port=args.port, ready=ready)
    except KeyboardInterrupt:
        sys.stdout.flush()
        raise Interrupted(
            f"stopped the live session at {fmt_number(round(session.now_ms, 1))} ms (simulated)"
        ) from None
    return EXIT_OK  # pragma: no cover - the server runs until Ctrl-C
