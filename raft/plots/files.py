"""Saving figures: the format follows the file's extension (PNG, SVG or PDF), written to a temporary file
beside the target and renamed into place, so a failed run never leaves half a picture behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from raft.errors import RaftSimError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The formats we write, by file extension.
FORMATS = ("png", "svg", "pdf")


def check_figure_path(path: str | os.PathLike[str]) -> str:
    """The format for ``path`` (its extension); :class:`RaftSimError` for another extension or a path that
    cannot be written (the check every output file gets: :func:`raft.cli.paths.check_output_file`). Call it
    before a long run so bad input fails at once."""
    from raft.cli.paths import check_output_file

    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise RaftSimError(f"{os.fspath(path)}: unsupported figure format {target.suffix or '(none)'!r}; "
                           f"use one of {', '.join('.' + f for f in FORMATS)}")  # fmt: skip
    check_output_file(path)
    return fmt


def save_figure(figure: Figure, path: str | os.PathLike[str], *, dpi: int = 110) -> Path:
    """Write ``figure`` to ``path`` in the format of its extension, atomically; returns the path."""
    fmt = check_figure_path(path)
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            figure.savefig(handle, format=fmt, dpi=dpi)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; give it a normal file's mode
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save_timeline(result: Any, path: str | os.PathLike[str], **window: float | None) -> Path:
    """Draw the election timeline of a recorded :class:`raft.api.Result` and save it to ``path``."""
    from raft.plots.timeline import timeline

    if result.events is None:
        raise RaftSimError("the run was not recorded: simulate(..., record=True) to plot it")
    return save_figure(timeline(list(result.events), **window), path)
