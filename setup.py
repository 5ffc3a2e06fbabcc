"""Builds raft-sim (everything else about the package is in pyproject.toml).

The pure Raft core (``raft/core``) and the simulation's per-message modules are compiled with mypyc where the
build can: mypy is a build requirement and the machine has a C compiler. The compiled modules are the same
source, type-checked and translated to C, and run the same rules in the same order: every shipped scenario's
trace is identical either way (``tests/test_compiled.py``). Where compiling fails, or with
``RAFT_SIM_PURE_PYTHON=1`` set at install time, the package installs as plain Python and says so; nothing else
changes. At run time ``raft.compiled`` decides which of the two a process uses (the compiled one unless a source
changed since the build, or ``RAFT_SIM_PURE_PYTHON=1`` is set).
"""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).parent
#: The modules compiled, as paths: the list lives in raft/compiled.py (which also decides, at run time, whether a
#: process runs them), read here without importing the package.
_COMPILED = runpy.run_path(str(HERE / "raft" / "compiled.py"))
COMPILED: list[str] = _COMPILED["compiled_sources"]()

#: mypy's settings for the compile: none of the project's (``make lint`` type-checks strictly; here the
#: dependencies may not be installed yet, pip builds the package before it installs them, so their types are
#: unknown), only what translating the modules needs.
MYPY_FLAGS = ["--config-file=", "--ignore-missing-imports"]


def _say(text: str) -> None:
    print(f"raft-sim: {text}", file=sys.stderr)


def compiled_core() -> list[Any]:
    """The compiled modules, or none (plain Python) when mypyc is missing or switched off."""
    if _COMPILED["pure_python_asked"]():
        _say("RAFT_SIM_PURE_PYTHON is set: the Raft core installs as plain Python")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as error:
        _say(f"mypyc is not available ({error}): the Raft core installs as plain Python")
        return []
    cwd = os.getcwd()
    os.chdir(HERE)  # mypyc names modules by their paths relative to the working directory
    try:
        return list(
            mypycify(
                MYPY_FLAGS + COMPILED,
                opt_level="3",
                multi_file=True,
                group_name=_COMPILED["GROUP_LIBRARY"][: -len("__mypyc")],
            )
        )
    except (Exception, SystemExit) as error:  # mypyc exits on a type error; the plain package still works
        _say(f"compiling the Raft core failed ({error}): it installs as plain Python")
        return []
    finally:
        os.chdir(cwd)


class OptionalBuildExt(build_ext):
    """Builds the compiled core if the C compiler can; if any module fails, removes every one built (a partly
    compiled core would not import) and the package installs as plain Python."""

    def run(self) -> None:
        self.parallel = os.cpu_count() or 1  # the extensions built side by side
        try:
            super().run()
        except Exception as error:
            _say(f"the C compiler could not build the Raft core ({error}): it installs as plain Python")
            for output in self.get_outputs():
                Path(output).unlink(missing_ok=True)
            self.extensions = []


#: The setuptools commands that build the package; pip also runs this file for others (``egg_info``,
#: ``dist_info``) that only read its metadata, which do not need the compile (a mypy pass each).
BUILDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "develop", "install"}

setup(
    ext_modules=compiled_core() if BUILDS.intersection(sys.argv[1:]) else [],
    cmdclass={"build_ext": OptionalBuildExt},
)
