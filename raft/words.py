"""Counts in words for what the command line prints: ``1 run``, ``2 runs``."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and ``noun``, the noun in the plural (``plural``, by default ``noun + "s"``) unless one."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
