"""Small helpers for one-line error messages: did-you-mean, showing values, key paths and located problems.

This module owns the wording and the ``FILE: line L: key.path: what is wrong`` shape shared by the models
(:mod:`raft.scenario.schema` and friends), the file reader and the loader. It reads no files.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic_core import PydanticCustomError

from raft.errors import ScenarioError

#: One step of a key path: a mapping key or a list index (``events[0].crash`` is ``("events", 0, "crash")``).
PathPart = str | int
KeyPath = tuple[PathPart, ...]

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """``" (did you mean 'size'?)"`` when a choice is close to ``word``, else ``""``."""
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown(kind: str, word: object, choices: Iterable[str], *, name_it: bool = False) -> str:
    """``"unknown key (did you mean 'size'?)"``, or the full list of choices when none is close.

    With ``name_it`` the word itself is quoted too (for values; a key is already named by the key path).
    """
    options = list(choices)
    hint = did_you_mean(word, options)
    what = f"unknown {kind} {show(word)}" if name_it else f"unknown {kind}"
    if hint or not options:
        return what + hint
    return f"{what} (expected one of: {', '.join(options)})"


def fmt_number(value: float) -> str:
    """A number as a user wrote it: ``150`` rather than ``150.0``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def show(value: Any, limit: int = 60, _depth: int = 0) -> str:
    """A value the way YAML would show it, on one line and cut to ``limit`` characters."""
    if _depth > 2:
        return "..."
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and math.isnan(value):
        text = ".nan"
    elif isinstance(value, float) and math.isinf(value):
        text = ".inf" if value > 0 else "-.inf"
    elif isinstance(value, int | float):
        text = fmt_number(value)
    elif isinstance(value, str):
        text = repr(value)
    elif isinstance(value, Mapping):
        text = "a mapping"
    elif isinstance(value, list | tuple):
        items = [show(item, limit, _depth + 1) for item in value[:6]] + (["..."] if len(value) > 6 else [])
        text = "[" + ", ".join(items) + "]"
    else:
        text = type(value).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def show_name(name: Any) -> str:
    """A node or key name: bare when it is a plain word, quoted otherwise (so messages stay one line)."""
    if isinstance(name, str) and _PLAIN_KEY.match(name):
        return name
    return show(name)


def format_path(path: KeyPath) -> str:
    """``("events", 0, "crash")`` becomes ``events[0].crash``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + show_name(part)
    return text


def problem(message: str, *path: PathPart) -> PydanticCustomError:
    """A validation error whose key path (relative to the model raising it) and wording we choose.

    The loader turns it into ``FILE: line L: key.path: message``.
    """
    return PydanticCustomError("scenario", "{problem}", {"problem": message, "path": path})


def one_line(text: str) -> str:
    """Guard: a user-facing error is a single line."""
    return " ".join(text.splitlines())


class KeyProblem(Exception):
    """A problem at a key path, raised before the file name and line are known (the loader adds them)."""

    def __init__(self, path: KeyPath, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.path, self.message, self.line = path, message, line


def line_of(lines: Mapping[KeyPath, int | None], path: KeyPath) -> int | None:
    """The line of the deepest part of ``path`` that the file has (a missing key: its parent's line).

    A path recorded with ``None`` has no line (its value was overridden), nor has anything under it.
    """
    for length in range(len(path), 0, -1):
        if path[:length] in lines:
            return lines[path[:length]]
    return lines.get(()) if not path else None


def scenario_error(source: str, message: str, path: KeyPath = (), line: int | None = None) -> ScenarioError:
    """The one user-facing line: ``FILE: line L: key.path: what is wrong`` (line and path where known)."""
    parts = [source] + ([f"line {line}"] if line is not None else []) + ([format_path(path)] if path else [])
    return ScenarioError(one_line(": ".join([*parts, message])))
