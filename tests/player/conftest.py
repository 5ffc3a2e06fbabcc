"""The browser the player's tests drive: Debian's headless Chromium through Playwright (nothing is downloaded).

The tests are marked ``browser`` and run in ``make test``. Without a Chromium they fail with a message saying
how to install one (``make test`` installs Debian's ``chromium`` when it is missing); only when the environment
variable ``RAFT_SIM_SKIP_BROWSER=1`` is set (a developer's machine without a browser) are they skipped instead.
``RAFT_SIM_CHROMIUM`` names another Chromium binary (default ``/usr/bin/chromium``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.player.chromium import CHROMIUM, CHROMIUM_ARGS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session (Playwright gives each context a fresh profile)."""
    if not Path(CHROMIUM).exists():
        message = (
            f"no Chromium at {CHROMIUM}: the player's browser tests need Debian's chromium "
            "(apt-get install chromium; make test installs it) or RAFT_SIM_CHROMIUM=/path/to/chromium"
        )
        if os.environ.get("RAFT_SIM_SKIP_BROWSER") == "1":
            pytest.skip(message + " (skipped: RAFT_SIM_SKIP_BROWSER=1)")
        pytest.fail(message + "; set RAFT_SIM_SKIP_BROWSER=1 to skip them on a machine without one")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (its own context) that fails the test on any JavaScript error."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
