"""Sliders for the classroom notebooks: a picture redrawn from a few whole-number settings.

A notebook keeps no logic of its own. A lesson names its settings, one :class:`Slider` each, and a function
that draws the picture for them (keyword arguments named like the sliders, returning a matplotlib Figure);
:func:`show_sliders` draws the picture once with the default values, which any notebook viewer shows, and,
when ipywidgets is installed, displays the sliders above a picture that is redrawn each time one moves.

Every combination of slider positions must be a valid scenario: a slider's range is chosen so that no position
can reach a combination the scenario loader refuses (an election timeout whose low end is not above the
heartbeat, for instance). ``tests/notebooks/test_sliders.py`` moves every notebook's sliders through every
combination of their extremes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Slider", "defaults", "show_sliders"]

#: Draws the picture for one position of the sliders (keyword arguments named like the sliders).
Draw = Callable[..., "Figure"]


@dataclass(frozen=True, slots=True)
class Slider:
    """One whole-number setting: the draw function's keyword ``name``, its label, range, step and default."""

    name: str
    description: str
    min: int
    max: int
    value: int
    step: int = 1

    def __post_init__(self) -> None:
        if not self.min <= self.value <= self.max:
            raise ValueError(f"slider {self.name}: default {self.value} outside [{self.min}, {self.max}]")
        if self.step <= 0 or (self.max - self.min) % self.step or (self.value - self.min) % self.step:
            raise ValueError(
                f"slider {self.name}: step {self.step} does not reach the default and the maximum"
            )


def defaults(sliders: Sequence[Slider]) -> dict[str, int]:
    """The sliders' default values, by name: the picture drawn before anything moves."""
    return {s.name: s.value for s in sliders}


def show_sliders(draw: Draw, sliders: Sequence[Slider]) -> None:
    """Display ``draw``'s picture for the default values, then (with ipywidgets) the sliders and a picture that is
    redrawn whenever one moves."""
    import IPython.display

    IPython.display.display(draw(**defaults(sliders)))
    try:
        import ipywidgets
    except ImportError:  # no widget library: the picture above is all there is
        return
    controls = {
        s.name: ipywidgets.IntSlider(
            value=s.value, min=s.min, max=s.max, step=s.step, description=s.description
        )
        for s in sliders
    }
    below = ipywidgets.Output()

    def redraw(change: Any) -> None:
        with below:
            below.clear_output(wait=True)
            IPython.display.display(draw(**{name: control.value for name, control in controls.items()}))

    for control in controls.values():
        control.observe(redraw, names="value")
    IPython.display.display(ipywidgets.VBox([ipywidgets.HBox(list(controls.values())), below]))
