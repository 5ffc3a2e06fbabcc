"""The classroom notebooks are stored without outputs, numbered, with learning goals and marked solutions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


#: Notes in another language than English carry its code before ``.ipynb`` (``09-….de.ipynb``), with the same
#: cells as the English one, their text translated.
TRANSLATED = {"de": ("Lernziele", "Übung")}


def test_the_lessons_are_there():
    stems = {p.stem for p in NOTEBOOKS}
    assert {s[:3] for s in stems} >= {"01-", "02-", "03-", "04-", "05-", "06-", "07-", "08-", "09-"}
    assert {"08-adding-and-replacing-control-plane-members", "09-why-three-control-plane-nodes"} <= stems
    assert "09-why-three-control-plane-nodes.de" in stems


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.suffixes[-2:-1]], ids=lambda p: p.stem)
def test_a_translation_has_the_same_cells(path):
    english = path.with_name(path.name.replace("".join(path.suffixes), ".ipynb"))
    theirs, ours = (json.loads(p.read_text())["cells"] for p in (path, english))
    assert [c["cell_type"] for c in theirs] == [c["cell_type"] for c in ours]
    for a, b in zip(theirs, ours, strict=True):
        if a["cell_type"] == "code":
            assert a["source"] == b["source"]
        else:
            assert a["source"] != b["source"]  # translated


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path):
    cells = json.loads(path.read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_goals_first_and_solutions_marked(path):
    cells = json.loads(path.read_text())["cells"]
    goals, exercise = TRANSLATED.get(
        path.suffixes[-2][1:] if len(path.suffixes) > 1 else "", ("Learning goals", "Exercise")
    )
    assert goals in "".join(cells[0]["source"])
    sources = ["".join(c["source"]) for c in cells]
    assert any(exercise in s for s in sources)
    assert any(s.startswith("# SOLUTION") for s in sources)
