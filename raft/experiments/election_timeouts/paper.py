"""Figure 16 of the extended Raft paper as data: the timeout ranges, their trial counts, and the quantiles read
back from the published plot (../shared/reference/raft-figures.md), in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TimeoutRange:
    """An election timeout range of Figure 16 and its number of trials in the paper."""

    low: float
    high: float
    trials: int

    @property
    def label(self) -> str:
        return f"{self.low:g}-{self.high:g}"


#: The paper's ranges, in its legend order.
RANGES: tuple[TimeoutRange, ...] = (
    TimeoutRange(150, 150, 100),
    TimeoutRange(150, 151, 1000),
    TimeoutRange(150, 155, 1000),
    TimeoutRange(150, 175, 1000),
    TimeoutRange(150, 200, 1000),
    TimeoutRange(150, 300, 1000),
    TimeoutRange(12, 24, 1000),
    TimeoutRange(25, 50, 1000),
    TimeoutRange(50, 100, 1000),
    TimeoutRange(100, 200, 1000),
)

#: Top panel (log axis, 100 ms to 100 s) and bottom panel (linear, 0 to 600 ms) of the figure.
TOP_PANEL = ("150-150", "150-151", "150-155", "150-175", "150-200", "150-300")
BOTTOM_PANEL = ("12-24", "25-50", "50-100", "100-200", "150-300")

#: The statistics of the table, in order (quantiles are nearest-rank).
STATS = ("min", "p10", "p25", "p50", "p75", "p90", "p99", "max", "mean")

#: The paper's numbers per range: min, p10, p25, p50, p75, p90, p99, max, mean (ms).
PAPER: dict[str, tuple[float, ...]] = {
    "150-150": (9865, 18731, 28177, 40653, 60484, 84055, 255384, 527964, 54331),
    "150-151": (86, 434, 737, 1198, 1939, 3131, 5981, 8231, 1536),
    "150-155": (85, 119, 154, 287, 435, 606, 1224, 2143, 345),
    "150-175": (84, 107, 121, 141, 164, 291, 462, 610, 164),
    "150-200": (87, 110, 125, 146, 167, 193, 345, 512, 156),
    "150-300": (93, 124, 144, 171, 207, 244, 405, 603, 181),
    "12-24": (15, 20, 24, 30, 42, 52, 87, 152, 35),
    "25-50": (24, 31, 35, 43, 52, 73, 118, 276, 48),
    "50-100": (37, 47, 56, 67, 79, 96, 168, 253, 71),
    "100-200": (66, 85, 100, 120, 145, 165, 273, 335, 125),
}

#: The cumulative percent at each quantile of the table (min and max taken as 0 % and 100 %).
CURVE_PERCENTS = (0.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 100.0)


def paper_curve(label: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The paper's CDF for a range, rebuilt from its quantiles: (times in ms, cumulative percents)."""
    return PAPER[label][:8], CURVE_PERCENTS


def find_range(label: str) -> TimeoutRange:
    for r in RANGES:
        if r.label == label:
            return r
    raise KeyError(label)
