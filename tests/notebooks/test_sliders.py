"""Every slider of every notebook, moved through every combination of its extremes, redraws a picture.

The notebook's own code is loaded: its first code cell (the imports, without IPython magics) and the cell that
calls ``show_sliders``, run in a fresh namespace with ``display`` captured, as Jupyter would run them. The
sliders are then moved one at a time through every combination of minimum and maximum (a Gray code), so each
combination runs the widget callback once; a position the scenario loader refuses (a ScenarioError) fails here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import IPython.display
import ipywidgets
import pytest
from matplotlib.figure import Figure

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
WITH_SLIDERS = ["01-leader-election", "05-election-timeouts"]


def code_cells(name: str) -> list[str]:
    cells = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def without_magics(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))


def corners(sliders: list[ipywidgets.IntSlider]) -> Iterator[dict[int, int]]:
    """Every combination of the sliders' extremes, one slider moving per step, all at their minimum first."""
    for i in range(2 ** len(sliders)):
        gray = i ^ (i >> 1)
        yield {k: s.max if gray >> k & 1 else s.min for k, s in enumerate(sliders)}


def run_slider_cells(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Any], list[ipywidgets.IntSlider]]:
    """Run the notebook's imports and its slider cell; returns what they displayed, and the sliders."""
    shown: list[Any] = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **_: shown.extend(objs))
    cells = code_cells(name)
    slider_cells = [c for c in cells if "show_sliders(" in c]
    assert len(slider_cells) == 1, f"{name}: expected one cell calling show_sliders"
    namespace: dict[str, Any] = {"__name__": f"notebook_{name.replace('-', '_')}"}
    exec(compile(without_magics(cells[0]), f"{name}[imports]", "exec"), namespace)
    exec(compile(slider_cells[0], f"{name}[sliders]", "exec"), namespace)
    boxes = [o for o in shown if isinstance(o, ipywidgets.Box)]
    assert len(boxes) == 1
    sliders = [w for w in boxes[0].children[0].children if isinstance(w, ipywidgets.IntSlider)]
    return shown, sliders


@pytest.mark.slow
@pytest.mark.parametrize("name", WITH_SLIDERS)
def test_every_combination_of_slider_extremes_redraws(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    shown, sliders = run_slider_cells(name, monkeypatch)
    assert isinstance(shown[0], Figure), "the default picture comes first, shown without a widget front end"
    assert len(sliders) >= 3
    visited = []
    for step, corner in enumerate(corners(sliders)):
        before = len(shown)
        for k, value in corner.items():
            sliders[k].value = value
        if step > 0:  # from one corner to the next exactly one slider moves: one callback, one new picture
            assert len(shown) == before + 1, f"{name}: {corner}"
        assert isinstance(shown[-1], Figure) and shown[-1] is not shown[before - 1], f"{name}: {corner}"
        visited.append(tuple(s.value for s in sliders))
    assert len(set(visited)) == 2 ** len(sliders)
    assert {v[0] for v in visited} == {sliders[0].min, sliders[0].max}
