"""The ``raft-sim`` command line: a thin shell over the library.

Each subcommand lives in its own module with ``register(subparsers)`` adding its parser and setting
``func`` to a function ``(args) -> int`` (the exit status). Only :func:`main` prints errors and exits.

Exit status: 0 when every run showed what its scenario expects (every expectation met; no violation but the one
a ``safety_violation`` expectation names); 1 when an expectation failed or a violation nobody expected
happened; 2 on bad input (one line on stderr, never a traceback); 130 when Ctrl-C stopped the work (a run's
summary, a sweep's table or the fuzzer's seeds cover what finished).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from raft import __version__
from raft.cli import experiment as experiment_command
from raft.cli import fuzz as fuzz_command
from raft.cli import html as html_command
from raft.cli import plot as plot_command
from raft.cli import run as run_command
from raft.cli import serve as serve_command
from raft.cli import sweep as sweep_command
from raft.cli.options import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from raft.compiled import core_mode
from raft.errors import RaftSimError
from raft.interrupts import Interrupted

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "build_parser", "entry", "main"]

#: Subcommand modules, in the order ``raft-sim --help`` lists them.
COMMANDS = [
    run_command,
    fuzz_command,
    plot_command,
    html_command,
    sweep_command,
    experiment_command,
    serve_command,
]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2, like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="raft-sim", description="A Raft consensus simulator and teaching tool.")
    parser.add_argument(
        "--version", action="version", version=f"raft-sim {__version__} (Raft core: {core_mode()})"
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for module in COMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``raft-sim`` and ``python -m raft``; returns (and exits with) the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = int(args.func(args))
    except RaftSimError as error:
        print(error, file=sys.stderr)
        status = EXIT_BAD_INPUT
    except ModuleNotFoundError as error:
        if error.name is None or error.name.split(".")[0] == "raft":
            raise
        print(
            f"raft-sim {args.command}: needs the package {error.name!r}, which is not installed; install the "
            "extras with: pip install 'raft-sim[plots,experiments]' (make demo sets everything up)",
            file=sys.stderr,
        )
        status = EXIT_BAD_INPUT
    except Interrupted as stopped:  # stopped at a safe point: it says what finished
        print(f"raft-sim {args.command}: {stopped}", file=sys.stderr)
        status = EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print("raft-sim: interrupted", file=sys.stderr)
        status = EXIT_INTERRUPTED
    except BrokenPipeError:
        status = EXIT_OK
    return status


def entry() -> None:
    sys.exit(main())
