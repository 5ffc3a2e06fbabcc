"""Which Raft core a process runs: compiled by mypyc at install time, or the plain Python source.

The install compiles the modules of :data:`COMPILED` where it can (``setup.py``): the Raft core and the modules
every message passes through. Both are the same source (the compiled modules are it, type-checked and translated
to C) and give the same traces; the compiled one is faster. A process runs it, unless

- ``RAFT_SIM_PURE_PYTHON=1`` is set (to compare the two, or to step through the core in a debugger),
- one of their sources is newer than its compiled module (someone is editing the rules: their edit is what
  runs, not the stale build; ``make`` or ``pip install -e .`` compiles again), or
- the install compiled nothing, or what it compiled is gone (compiled modules left from an earlier build
  without their library).

:func:`choose` decides once, when :mod:`raft` is imported, before any compiled module is; :func:`core_mode` says
what was chosen. Standard library only: this module sits below every layer.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType

#: The modules the install compiles (``setup.py`` and the Makefile read this list): the Raft core but for the
#: switchable bugs (classes composed at run time) and the messages (frozen dataclasses with class-level kinds,
#: which mypyc does not keep), and the modules every message passes through. Not compiled: modules whose tests
#: or callers hand them stand-ins or events read from files (the event bus, the clients, the scenario script).
COMPILED = (
    "raft.core.durability",
    "raft.core.log",
    "raft.core.membership",
    "raft.core.node",
    "raft.core.notes",
    "raft.core.progress",
    "raft.core.quorum",
    "raft.core.reads",
    "raft.core.snapshot",
    "raft.core.statemachine",
    "raft.core.ticks",
    "raft.core.types",
    "raft.sim.clock",
    "raft.sim.delays",
    "raft.sim.network",
    "raft.sim.requests",
    "raft.sim.server",
    "raft.sim.storage",
    "raft.sim.ticker",
    "raft.sim.safety",
    "raft.analysis.availability",
    "raft.analysis.summary",
)
#: The environment variable that asks for the plain Python core.
PURE_PYTHON = "RAFT_SIM_PURE_PYTHON"

_ROOT = Path(__file__).resolve().parent.parent  # the folder holding the package ``raft``
_reason: str | None = None  # why the plain core runs, once chosen; None: the compiled one runs


def compiled_sources() -> list[str]:
    """The source files of :data:`COMPILED`, relative to the project's root."""
    return [str(source_of(module).relative_to(_ROOT)) for module in COMPILED]


def source_of(module: str, root: Path = _ROOT) -> Path:
    """The source file of ``module`` (a dotted name) under ``root``."""
    return root.joinpath(*module.split(".")).with_suffix(".py")


def extension_of(module: str, root: Path = _ROOT) -> Path | None:
    """The compiled module beside the source, if the install built one."""
    source = source_of(module, root)
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = source.with_suffix(suffix)
        if candidate.exists():
            return candidate
    return None


#: How much newer than its compiled module a source must be to count as edited since the build: an install from
#: a wheel writes each source a moment after its compiled module (the wheel lists them in that order), an edit
#: comes later.
EDITED_AFTER_S = 2.0
#: The library every compiled module loads (mypyc's ``group_name`` in ``setup.py``).
GROUP_LIBRARY = "raft_core__mypyc"


def pure_python_asked(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether :data:`PURE_PYTHON` asks for the plain source (set, and neither empty nor ``0``)."""
    return environ.get(PURE_PYTHON, "") not in ("", "0")


def plain_reason(
    modules: Sequence[str] = COMPILED, root: Path = _ROOT, environ: Mapping[str, str] = os.environ
) -> str | None:
    """Why this process should run the plain Python core, or ``None`` to run the compiled one."""
    if pure_python_asked(environ):
        return f"{PURE_PYTHON} is set"
    for module in modules:
        extension = extension_of(module, root)
        if extension is None:
            return "the install did not compile it"
        source = source_of(module, root)
        if source.stat().st_mtime > extension.stat().st_mtime + EDITED_AFTER_S:
            return f"{source.relative_to(root)} changed since it was compiled"
    if root == _ROOT and importlib.util.find_spec(GROUP_LIBRARY) is None:
        return "the install did not compile it (the compiled modules found are left from an earlier build)"
    return None


class _PlainCore(importlib.abc.MetaPathFinder):
    """Imports the modules of the core from their source even where a compiled module sits beside it."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in COMPILED:
            return None
        return importlib.util.spec_from_file_location(fullname, source_of(fullname))


def choose() -> None:
    """Decide, before the core is imported, which core this process runs (see the module's docstring)."""
    global _reason
    if any(module in sys.modules for module in COMPILED):
        return  # already imported: too late to choose
    _reason = plain_reason()
    if _reason is not None and not any(isinstance(finder, _PlainCore) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PlainCore())


def core_mode() -> str:
    """``compiled (mypyc)`` or ``plain Python (<why>)``: the core this process runs (or will, once imported)."""
    spec = importlib.util.find_spec("raft.core.node")
    if spec is None or Path(spec.origin or "").suffix == ".py":
        return f"plain Python ({_reason or 'not compiled'})"
    return "compiled (mypyc)"


if __name__ == "__main__":  # the Makefile's list of what to compile again when it changes
    print(" ".join(compiled_sources()))
