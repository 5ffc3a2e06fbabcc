"""Reading a scenario file into its raw YAML mapping, remembering the line of every key.

This module owns the step from bytes to data: a missing file, a directory, a binary or non-UTF-8 file,
invalid YAML, duplicate or non-string keys and a top level that is not a mapping all become one
:class:`~raft.errors.ScenarioError` line. It does not validate the scenario (see :mod:`raft.scenario.loader`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from raft.errors import ScenarioError
from raft.scenario.suggest import KeyPath, KeyProblem, scenario_error, show

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_FLOAT_TAG = "tag:yaml.org,2002:float"
#: Scientific notation as YAML 1.2 reads it (``5e3``, ``5.0e3``, ``1.5e-3``, ``+1e3``): PyYAML follows YAML 1.1,
#: which wants a dot and a signed exponent (``5.0e+3``) and reads the rest as text.
_EXPONENT_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+\Z")


class ScenarioLoader(yaml.SafeLoader):
    """PyYAML's safe loader, also reading YAML 1.2 scientific notation (``5e3``, ``1.5e-3``) as floats."""


ScenarioLoader.add_implicit_resolver(_FLOAT_TAG, _EXPONENT_FLOAT, list("-+0123456789."))


def load_yaml_value(text: str) -> Any:
    """One YAML value (a ``--set`` value, say), read the way scenario files are."""
    return yaml.load(text, Loader=ScenarioLoader)  # a SafeLoader: no arbitrary objects


class ScenarioData(dict[str, Any]):
    """A scenario's raw YAML mapping that remembers where it came from and the line of each key path."""

    def __init__(self, data: Mapping[str, Any], lines: Mapping[KeyPath, int | None], source: str) -> None:
        super().__init__(data)
        self.lines: dict[KeyPath, int | None] = dict(lines)
        self.source = source


def _read_text(path: Path, source: str) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise scenario_error(source, "no such file") from None
    except IsADirectoryError:
        raise scenario_error(source, "is a directory, not a scenario file") from None
    except PermissionError:
        raise scenario_error(source, "permission denied") from None
    except OSError as error:
        raise scenario_error(source, f"cannot read: {error.strerror or error}") from None
    if b"\0" in raw:  # YAML text never holds a NUL byte
        raise scenario_error(source, "binary file, not a YAML scenario")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise scenario_error(source, f"not UTF-8 text (byte 0x{raw[error.start]:02x})", line=line) from None


def _walk(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], seen: set[int]) -> None:
    """Record the line of every key and list item; refuse duplicate and non-string keys."""
    if id(node) in seen:  # an alias: already walked
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE_TAG:
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR_TAG:
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a list or mapping"
                raise KeyProblem(path, f"key {shown} is not a string (quote it)", line)
            key = key_node.value
            if key in first:
                raise KeyProblem((*path, key), f"duplicate key (first given on line {first[key]})", line)
            first[key] = lines[(*path, key)] = line
            _walk(value_node, (*path, key), lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            lines[(*path, position)] = item.start_mark.line + 1
            _walk(item, (*path, position), lines, seen)


def _parse_yaml(text: str, source: str) -> tuple[Any, dict[KeyPath, int]]:
    loader = ScenarioLoader(text)
    lines: dict[KeyPath, int] = {}
    try:
        node = loader.get_single_node()
        if node is None:
            raise scenario_error(
                source, "empty file (a scenario needs at least name, duration_ms and cluster)"
            )
        lines[()] = node.start_mark.line + 1
        _walk(node, (), lines, set())
        return loader.construct_document(node), lines
    except KeyProblem as problem:
        raise scenario_error(source, problem.message, problem.path, problem.line) from None
    except yaml.MarkedYAMLError as error:
        raise _yaml_error(source, error) from None
    except yaml.YAMLError as error:
        raise scenario_error(source, f"invalid YAML: {error}") from None
    except RecursionError:
        raise scenario_error(source, "invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()


def _yaml_error(source: str, error: yaml.MarkedYAMLError) -> ScenarioError:
    mark, context, context_mark = error.problem_mark, error.context or "", error.context_mark
    what = error.problem or context or "cannot parse"
    if context and not context.startswith("while"):
        what = f"{context}, {what}"  # "expected a single document in the stream, but found another document"
    notes = [f"column {mark.column + 1}"] if mark is not None else []
    if context.startswith("while") and context_mark and mark and context_mark.line != mark.line:
        notes.append(f"{context} that starts on line {context_mark.line + 1}")
    where = f" ({'; '.join(notes)})" if notes else ""
    line = mark.line + 1 if mark is not None else None
    return scenario_error(source, f"invalid YAML: {what}{where}", line=line)


def read_scenario_data(path: str | Path) -> dict[str, Any]:
    """The raw YAML mapping of a scenario file (a :class:`ScenarioData` that remembers lines for errors).

    Raises :class:`ScenarioError` when the file cannot be read, is not YAML, or is not a mapping.
    """
    path = Path(path)
    source = path.name or str(path)
    data, lines = _parse_yaml(_read_text(path, source), source)
    if not isinstance(data, dict):
        raise not_a_mapping(source, data, lines.get(()))
    return ScenarioData(data, lines, source)


def not_a_mapping(source: str, data: Any, line: int | None) -> ScenarioError:
    """The error for a scenario whose top level is a list or a scalar."""
    kind = "a list" if isinstance(data, list) else show(data)
    return scenario_error(
        source,
        f"top level must be a mapping (name: ..., duration_ms: ..., cluster: ...), got {kind}",
        line=line,
    )
