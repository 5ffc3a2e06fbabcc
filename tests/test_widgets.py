"""raft.widgets: slider specifications are checked, and the default picture is shown with or without ipywidgets."""

from __future__ import annotations

import sys
from typing import Any

import IPython.display
import ipywidgets
import pytest

from raft.widgets import Slider, defaults, show_sliders


def test_a_slider_whose_default_or_maximum_it_cannot_reach_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        Slider("low_ms", "timeout low", min=60, max=300, value=50)
    with pytest.raises(ValueError, match="step"):
        Slider("low_ms", "timeout low", min=60, max=300, value=150, step=7)
    assert defaults([Slider("a", "a", 0, 10, 5), Slider("b", "b", 1, 3, 1)]) == {"a": 5, "b": 1}


def _captured(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    shown: list[Any] = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **_: shown.extend(objs))
    return shown


def test_each_move_redraws_with_the_sliders_values(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _captured(monkeypatch)
    show_sliders(lambda a, b: ("drawn", a, b), [Slider("a", "a", 0, 10, 5), Slider("b", "b", 1, 3, 1)])
    assert shown[0] == ("drawn", 5, 1)
    sliders = shown[1].children[0].children
    assert [(s.description, s.min, s.max, s.value) for s in sliders] == [("a", 0, 10, 5), ("b", 1, 3, 1)]
    sliders[1].value = 3
    assert shown[-1] == ("drawn", 5, 3) and isinstance(shown[1], ipywidgets.VBox)


def test_without_ipywidgets_only_the_default_picture_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _captured(monkeypatch)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets now raises ImportError
    show_sliders(lambda a: ("drawn", a), [Slider("a", "a", 0, 10, 5)])
    assert shown == [("drawn", 5)]
