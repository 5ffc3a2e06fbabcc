"""Which Raft core runs (raft/compiled.py): the install compiles it where it can, a process runs the compiled
one unless asked for the plain source or the source changed since, and the plain source gives the pinned traces
(this suite runs the pins on the core it was given: the compiled one after ``make``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from raft.compiled import COMPILED, PURE_PYTHON, core_mode, plain_reason, source_of

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, **environ: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **environ},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def fake_install(root: Path, *, compiled: bool) -> None:
    for module in COMPILED:
        source = source_of(module, root)
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text("")
        os.utime(source, (1_000, 1_000))
        if compiled:
            extension = source.with_suffix(sysconfig.get_config_var("EXT_SUFFIX"))
            extension.write_text("")
            os.utime(extension, (2_000, 2_000))


def test_a_fresh_build_runs_compiled(tmp_path: Path) -> None:
    fake_install(tmp_path, compiled=True)
    assert plain_reason(root=tmp_path, environ={}) is None


def test_the_plain_core_runs_when_asked_or_not_compiled(tmp_path: Path) -> None:
    fake_install(tmp_path, compiled=True)
    assert plain_reason(root=tmp_path, environ={PURE_PYTHON: "1"}) == f"{PURE_PYTHON} is set"
    assert plain_reason(root=tmp_path, environ={PURE_PYTHON: "0"}) is None
    fake_install(tmp_path / "plain", compiled=False)
    assert plain_reason(root=tmp_path / "plain", environ={}) == "the install did not compile it"


def test_a_source_written_just_after_its_compiled_module_is_not_an_edit(tmp_path: Path) -> None:
    """An install from a wheel writes each source a moment after its compiled module."""
    fake_install(tmp_path, compiled=True)
    os.utime(source_of("raft.core.node", tmp_path), (2_000.01, 2_000.01))
    assert plain_reason(root=tmp_path, environ={}) is None


def test_an_edited_source_runs_instead_of_its_stale_build(tmp_path: Path) -> None:
    fake_install(tmp_path, compiled=True)
    os.utime(source_of("raft.core.node", tmp_path), (3_000, 3_000))
    assert plain_reason(root=tmp_path, environ={}) == "raft/core/node.py changed since it was compiled"


def test_the_environment_variable_switches_a_process_to_the_source() -> None:
    code = "import raft.compiled, raft.core.node; print(raft.compiled.core_mode()); print(raft.core.node.__file__)"
    mode, path = run_python(code, **{PURE_PYTHON: "1"}).splitlines()
    assert mode == f"plain Python ({PURE_PYTHON} is set)"
    assert path.endswith("node.py")


def test_the_install_compiled_the_core() -> None:
    """Where a C compiler is, ``make`` builds the compiled core and this process runs it (the speed figures of
    the README are measured on it)."""
    if os.environ.get(PURE_PYTHON, "") not in ("", "0"):
        pytest.skip(f"{PURE_PYTHON} is set")
    if shutil.which(sysconfig.get_config_var("CC").split()[0]) is None:
        pytest.skip("no C compiler: the core is installed as plain Python")
    reason = plain_reason()
    if reason is not None and "changed since" in reason:
        pytest.skip(f"{reason}: `make` compiles it again")
    assert core_mode() == "compiled (mypyc)"


@pytest.mark.slow
def test_the_plain_core_gives_the_pinned_traces() -> None:
    """The same scenarios and fuzz seeds as tests/test_trace_hashes.py, on the plain source: identical traces
    and verdicts whichever core runs."""
    code = (
        "import raft.compiled; from tests.test_trace_hashes import current, pinned\n"
        "print(raft.compiled.core_mode())\n"
        "now, then = current(), pinned()\n"
        "print(sorted(key for key in then if now.get(key) != then[key]))\n"
    )
    mode, changed = run_python(code, **{PURE_PYTHON: "1"}).splitlines()
    assert mode.startswith("plain Python")
    assert changed == "[]"
