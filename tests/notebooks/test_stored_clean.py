"""The classroom notebooks are stored without outputs, numbered, with learning goals and marked solutions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_the_seven_lessons_are_there():
    assert [p.stem[:3] for p in NOTEBOOKS] == ["01-", "02-", "03-", "04-", "05-", "06-", "07-"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path):
    cells = json.loads(path.read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_goals_first_and_solutions_marked(path):
    cells = json.loads(path.read_text())["cells"]
    assert "Learning goals" in "".join(cells[0]["source"])
    sources = ["".join(c["source"]) for c in cells]
    assert any("Exercise" in s for s in sources)
    assert any(s.startswith("# SOLUTION") for s in sources)
