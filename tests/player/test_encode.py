"""The page's compact form of a trace (:func:`raft.player.encode`) and the pages :mod:`raft.player` writes."""

from __future__ import annotations

import html
import json

from raft.api import simulate
from raft.cli.paths import SCENARIO_DIR
from raft.player import PlayerView, encode, live_page, player_html


def decode(data: dict) -> list[dict]:
    """What player.js's ``decode`` does, in Python."""
    out = [data["meta"]]
    for row in data["rows"]:
        kind, keys = data["shapes"][row[0]]
        out.append({"t_ms": row[1], "type": kind, **dict(zip(keys, row[2:], strict=True))})
    return out


def test_encode_round_trips_every_event_and_is_smaller() -> None:
    events = simulate(SCENARIO_DIR / "follower-crash-rejoin.yaml").recorded_events()
    data = json.loads(json.dumps(encode(events)))
    assert decode(data) == json.loads(json.dumps(events))
    lines = sum(len(json.dumps(e, separators=(",", ":"))) for e in events)
    assert len(json.dumps(data, separators=(",", ":"))) < 0.6 * lines


def test_the_page_embeds_no_closing_script_tag() -> None:
    events = simulate(SCENARIO_DIR / "leader-crash.yaml", duration_ms=300).recorded_events()
    events[0] = {**events[0], "scenario": "</script><b>x</b>"}
    page = player_html(events)
    assert page.count("</script>") == 2  # the data's and the code's own
    assert "&lt;/script&gt;&lt;b&gt;" in page  # the title, escaped


def test_a_notebook_shows_the_page_in_an_iframe() -> None:
    result = simulate(SCENARIO_DIR / "leader-crash.yaml", duration_ms=300)
    view = result.player()
    assert isinstance(view, PlayerView)
    shown = view._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts' in shown
    assert html.unescape(shown.split('srcdoc="', 1)[1].split('" style=', 1)[0]) == view.html
    assert view.html == player_html(result.recorded_events())


def test_the_live_page_is_the_player_without_a_trace() -> None:
    page = live_page()
    assert 'data-mode="live"' in page and '<script id="trace" type="application/json">null</script>' in page
