"""The player on a 100,000-event trace, in headless Chromium (``make bench``): how long the page takes to load,
and how long a scrub to a random time takes (the state found and drawn), and how long finding the state takes
against replaying the whole trace from the start (what a player without keyframes would do for a seek)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from raft.api import simulate
from raft.player import write_player
from tests.player.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]
#: large-101 run a little longer than its 4 s: just over 100,000 events.
DURATION_MS = 4500.0

SCRUB = """times => {
  const v = raftPlayer.view, m = raftPlayer.model;
  const start = performance.now();
  for (const t of times) { v.seek(t); void document.body.offsetHeight; }
  const scrub = (performance.now() - start) / times.length;
  let from, lookup = Infinity;
  for (let pass = 0; pass < 5; pass++) {
    from = performance.now();
    for (const t of times) { m.cache = null; m.stateAt(t); }
    lookup = Math.min(lookup, (performance.now() - from) / times.length);
  }
  let replay = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    from = performance.now();
    const state = raftPlayer.initialState(m.meta);
    for (const e of m.events) raftPlayer.apply(state, e, m.index);
    replay = Math.min(replay, performance.now() - from);
  }
  return {scrub, lookup, replay, events: m.events.length, keyframes: m.keyframes.length};
}"""


def test_player_on_100k_events(benchmark: Any, record_figure: Any, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    events = simulate(ROOT / "scenarios" / "large-101.yaml", duration_ms=DURATION_MS).recorded_events()
    assert len(events) >= 100_000
    page_path = tmp_path / "large.html"
    write_player(events, page_path)
    size_mb = page_path.stat().st_size / 1e6
    rng = random.Random(1)
    times = [rng.uniform(0, DURATION_MS) for _ in range(20)]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})

        def load() -> float:
            page.goto(page_path.as_uri())
            page.wait_for_function("window.raftPlayer && window.raftPlayer.view")
            return float(page.evaluate("performance.now()"))  # since the navigation started

        benchmark.pedantic(load, rounds=3, iterations=1)
        built_ms = float(page.evaluate("raftPlayer.loadMs"))
        measured = page.evaluate(SCRUB, times)
        browser.close()
    benchmark.extra_info.update(size_mb=size_mb, **measured)
    record_figure(
        "player: load a 100k-event trace",
        f"{benchmark.stats.stats.min:.2f} s (page {size_mb:.1f} MB; model {built_ms:.0f} ms)",
        "smooth: under 2 s",
    )
    record_figure(
        "player: scrub to 20 random times",
        f"{measured['scrub']:.1f} ms a seek, drawn (the state: {measured['lookup']:.2f} ms = "
        f"1/{measured['replay'] / measured['lookup']:.0f} of a replay from the start, "
        f"{measured['replay']:.0f} ms for {measured['events']} events)",
        "a frame: under 16 ms",
    )
