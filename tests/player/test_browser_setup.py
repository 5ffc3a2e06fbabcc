"""Without a Chromium the browser tests fail and say how to get one; they are skipped only when asked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONE_TEST = "tests/player/test_player.py::test_the_page_decodes_the_trace_exactly"


def run_one(**env: str) -> subprocess.CompletedProcess[str]:
    """One browser test in a fresh pytest, with no Chromium where it looks for one."""
    base = {k: v for k, v in os.environ.items() if k != "RAFT_SIM_SKIP_BROWSER"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", ONE_TEST],
        cwd=ROOT,
        env={**base, "RAFT_SIM_CHROMIUM": "/nonexistent/chromium", **env},
        capture_output=True,
        text=True,
    )


def test_a_missing_chromium_fails_the_browser_tests_with_how_to_install_it() -> None:
    out = run_one()
    assert out.returncode == 1
    assert "no Chromium at /nonexistent/chromium" in out.stdout
    assert "apt-get install chromium" in out.stdout


def test_skip_browser_skips_them_and_says_so() -> None:
    out = run_one(RAFT_SIM_SKIP_BROWSER="1")
    assert out.returncode == 0
    assert "1 skipped" in out.stdout and "RAFT_SIM_SKIP_BROWSER=1" in out.stdout
