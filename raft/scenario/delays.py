"""Random durations in a scenario: timer jitter, disk writes and their stalls, network latency (:class:`Delay`).

A duration is written as a number (a constant), a ``[low, high]`` pair (uniform), or a mapping naming its
distribution and parameters, all in milliseconds::

    {dist: constant, ms: 4}
    {dist: uniform, low_ms: 0.2, high_ms: 0.6}
    {dist: exponential, mean_ms: 0.05, min_ms: 0.01}      # min_ms + an exponential; the mean is mean_ms
    {dist: lognormal, median_ms: 0.1, sigma: 0.5, min_ms: 0.05}   # min_ms + a lognormal; the median is median_ms

The exponential and the lognormal are long-tailed; ``min_ms`` (default 0) shifts them so the duration never goes
below it (a floor such as a wire's propagation time). The simulation draws them (:mod:`raft.sim.delays`).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_serializer, model_validator

from raft.scenario.base import Frozen
from raft.scenario.suggest import fmt_number, problem, show, unknown

#: Each distribution and the parameters it takes (the first ones are required; ``min_ms`` is optional).
PARAMETERS: dict[str, tuple[str, ...]] = {
    "constant": ("ms",),
    "uniform": ("low_ms", "high_ms"),
    "exponential": ("mean_ms", "min_ms"),
    "lognormal": ("median_ms", "sigma", "min_ms"),
}
DISTRIBUTIONS = tuple(PARAMETERS)
_OPTIONAL = ("min_ms",)


class Delay(Frozen):
    """A random duration in ms: a distribution (``dist``) and its parameters (see the module's docstring)."""

    dist: str
    ms: float | None = Field(default=None, ge=0)
    low_ms: float | None = Field(default=None, ge=0)
    high_ms: float | None = Field(default=None, ge=0)
    mean_ms: float | None = Field(default=None, ge=0)
    median_ms: float | None = Field(default=None, ge=0)
    sigma: float | None = Field(default=None, ge=0, le=5)
    min_ms: float | None = Field(default=None, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        """A number is a constant, a ``[low, high]`` pair a uniform range."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"dist": "constant", "ms": value}
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise problem(
                    f"expected a number, a [low, high] pair or a mapping with dist, got {show(value)}"
                )
            return {"dist": "uniform", "low_ms": value[0], "high_ms": value[1]}
        return value

    @model_validator(mode="after")
    def _parameters(self) -> Delay:
        if self.dist not in PARAMETERS:
            raise problem(unknown("distribution", self.dist, DISTRIBUTIONS, name_it=True), "dist")
        takes = PARAMETERS[self.dist]
        for name in type(self).model_fields:
            given = getattr(self, name) is not None
            if name != "dist" and given and name not in takes:
                raise problem(f"{self.dist} takes {', '.join(takes)}, not {name}", name)
            if name in takes and name not in _OPTIONAL and not given:
                raise problem(f"{self.dist} needs {' and '.join(t for t in takes if t not in _OPTIONAL)}")
        low = self.min_ms or 0.0
        if self.dist == "uniform" and self.low_ms > self.high_ms:  # type: ignore[operator]
            raise problem(
                f"low_ms {fmt_number(self.low_ms)} is greater than high_ms {fmt_number(self.high_ms)}",  # type: ignore[arg-type]
                "low_ms",
            )
        if self.dist == "exponential" and self.mean_ms < low:  # type: ignore[operator]
            raise problem(f"mean_ms must be at least min_ms {fmt_number(low)}", "mean_ms")
        if self.dist == "lognormal" and self.median_ms <= low:  # type: ignore[operator]
            raise problem(f"median_ms must be greater than min_ms {fmt_number(low)}", "median_ms")
        return self

    @model_serializer(mode="wrap")
    def _given_only(self, handler: Any) -> dict[str, Any]:
        """Dumped as written: the parameters given, not every field's ``None``."""
        return {key: value for key, value in handler(self).items() if value is not None}

    @property
    def mean(self) -> float:
        """The distribution's mean, in ms."""
        low = self.min_ms or 0.0
        match self.dist:
            case "constant":
                return self.ms  # type: ignore[return-value]
            case "uniform":
                return (self.low_ms + self.high_ms) / 2  # type: ignore[operator]
            case "exponential":
                return self.mean_ms  # type: ignore[return-value]
            case _:
                return low + (self.median_ms - low) * math.exp(self.sigma**2 / 2)  # type: ignore[operator]

    @property
    def is_zero(self) -> bool:
        """Whether every draw is 0 (a constant 0)."""
        return self.dist == "constant" and self.ms == 0


def as_duration(value: Any) -> Any:
    """Before validation of a :data:`Duration`: a number stays a number (finite, at least 0), anything else is
    a :class:`Delay`."""
    if isinstance(value, bool | str) or value is None:
        raise problem(f"expected a number or a distribution, got {show(value)}")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise problem(f"must be a finite number, got {show(value)}")
        if value < 0:
            raise problem(f"must be at least 0, got {fmt_number(value)}")
        return value
    return value if isinstance(value, Delay) else Delay.model_validate(value)


#: A duration in ms: a constant number, or a :class:`Delay` (a pair is a uniform range, a mapping names its
#: distribution).
Duration = Annotated[float | Delay, BeforeValidator(as_duration)]


def distribution(value: float | Delay) -> Delay | None:
    """A duration as a distribution, or ``None`` when it is always 0."""
    if isinstance(value, Delay):
        return None if value.is_zero else value
    return Delay(dist="constant", ms=value) if value else None


__all__ = ["DISTRIBUTIONS", "PARAMETERS", "Delay", "Duration", "as_duration", "distribution"]
