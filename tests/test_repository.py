"""The repository itself: the optional dependencies the docs rely on, and outputs of documented commands ignored."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_notebooks_extra_has_nbconvert() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(dep.startswith("nbconvert") for dep in extras["notebooks"])  # docs: jupyter nbconvert --clear-output


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout")
def test_root_outputs_are_ignored_and_nothing_tracked_is() -> None:
    outputs = ["split.jsonl", "split.png", "messages.png", "logs.pdf", "t.svg", "runs.csv", "runs.parquet",
               "fig16.png", "why-odd.png", "fuzz-failures/seed-2.yaml"]  # fmt: skip
    checked = subprocess.run(["git", "check-ignore", "--no-index", *outputs], cwd=ROOT, capture_output=True, text=True)
    assert sorted(checked.stdout.split()) == sorted(outputs)
    tracked_but_ignored = subprocess.run(["git", "ls-files", "-ci", "--exclude-standard"], cwd=ROOT,
                                         capture_output=True, text=True, check=True)  # fmt: skip
    assert tracked_but_ignored.stdout == ""
    for nested in ("docs/img/why-odd.png", "tests/scenario/leader-crash.yaml"):
        assert subprocess.run(["git", "check-ignore", "-q", "--no-index", nested], cwd=ROOT).returncode == 1
