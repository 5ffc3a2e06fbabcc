"""Which Chromium the browser tests and the player's benchmark drive, and how: Debian's, headless and quiet."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("RAFT_SIM_CHROMIUM", "/usr/bin/chromium")
#: A quiet browser: no network of its own (updates, sync, QUIC probes), no first-run pages.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
