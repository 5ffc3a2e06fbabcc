"""Saving figures: the format follows the file's extension (PNG, SVG or PDF), and the file is written the way
every output file is (:mod:`raft.files`: checked first, written under a temporary name, renamed into place), so
a failed run never leaves half a picture behind."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from raft.errors import RaftSimError
from raft.files import atomic_write, check_output_file

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The formats we write, by file extension.
FORMATS = ("png", "svg", "pdf")


def check_figure_path(path: str | os.PathLike[str]) -> str:
    """The format for ``path`` (its extension); :class:`RaftSimError` for another extension or a path that
    cannot be written (:func:`raft.files.check_output_file`). Call it before a long run so bad input fails at
    once."""
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise RaftSimError(
            f"{os.fspath(path)}: unsupported figure format {target.suffix or '(none)'!r}; "
            f"use one of {', '.join('.' + f for f in FORMATS)}"
        )
    check_output_file(path)
    return fmt


def save_figure(figure: Figure, path: str | os.PathLike[str], *, dpi: int = 110) -> Path:
    """Write ``figure`` to ``path`` in the format of its extension, atomically; returns the path."""
    fmt = check_figure_path(path)
    with atomic_write(path, "wb") as handle:
        figure.savefig(handle, format=fmt, dpi=dpi)
    return Path(path)
