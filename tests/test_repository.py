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
    assert any(
        dep.startswith("nbconvert") for dep in extras["notebooks"]
    )  # docs: jupyter nbconvert --clear-output


@pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout"
)
def test_root_outputs_are_ignored_and_nothing_tracked_is() -> None:
    outputs = [
        "split.jsonl",
        "split.png",
        "messages.png",
        "logs.pdf",
        "t.svg",
        "run.html",
        "runs.csv",
        "runs.parquet",
        "fig16.png",
        "why-odd.png",
        "fuzz-failures/seed-2.yaml",
    ]
    checked = subprocess.run(
        ["git", "check-ignore", "--no-index", *outputs], cwd=ROOT, capture_output=True, text=True
    )
    assert sorted(checked.stdout.split()) == sorted(outputs)
    tracked_but_ignored = subprocess.run(
        ["git", "ls-files", "-ci", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert tracked_but_ignored.stdout == ""
    for nested in ("docs/img/why-odd.png", "tests/scenario/leader-crash.yaml"):
        assert subprocess.run(["git", "check-ignore", "-q", "--no-index", nested], cwd=ROOT).returncode == 1


def test_sweep_example_in_the_docs_matches_its_command() -> None:
    """docs/experiments.md shows a sweep command and its output: the run counts must agree."""
    import re

    text = (ROOT / "docs" / "experiments.md").read_text()
    command = text[text.index("raft-sim sweep scenarios/leader-crash.yaml") :].split("```")[0]
    seeds = re.search(r"--seeds (\d+)-(\d+)", command)
    assert seeds is not None
    per_row = int(seeds[2]) - int(seeds[1]) + 1
    values = [len(v.split(",")) for v in re.findall(r"--set '[^=]+=\[([^\]]*)\]'", command)]
    sample = text[text.index("Example: the command above") :].split("```text")[1].split("```")[0]
    rows = [line.split() for line in sample.strip().splitlines()[1:] if " runs: " not in line]
    assert len(rows) == values[0] * values[1] and all(int(row[2]) == per_row for row in rows)
    assert f"{per_row * len(rows)} runs: {per_row * len(rows)} ran" in sample
