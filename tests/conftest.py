"""Options of the test run: ``--update-golden`` rewrites the golden transcripts (tests/golden/) from the runs."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the expected transcripts in tests/golden/*.txt with what the runs produce now",
    )
