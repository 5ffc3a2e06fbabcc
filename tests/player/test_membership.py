"""The player on runs with membership changes, in headless Chromium: the configuration in force and each
server's membership (voter, learner, removed, not yet a member) at scrubbed times are what the trace's ``config``
events say, configuration changes are in the event list in words and a jump away, and the end is the simulation's
final state."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from raft.analysis.replay import nodes, role_at
from raft.api import simulate
from raft.cli.paths import SCENARIO_DIR
from raft.sim.events import Event
from tests.player.test_player import open_player, scrub

SCENARIOS = ["membership/grow-3-to-5", "membership/replace-remove-then-add"]


def expected_membership(events: list[Event], t: float) -> tuple[dict[str, Any], dict[str, str]]:
    """From the trace alone: the configuration the header shows at t (the leader's in force, else the latest in
    force anywhere) and each server's membership in it."""
    head = events[0]
    start = {"index": 0, "voters": list(head["nodes"]), "learners": [], "outgoing": []}
    spares = set(head.get("spares", ()))
    in_force: dict[str, dict[str, Any]] = dict.fromkeys(head["nodes"], start)
    latest = start
    started = set(head["nodes"])
    for e in events[1:]:
        if e["t_ms"] > t:
            break
        node = e.get("node")
        if node in spares:
            started.add(node)
        if e["type"] == "config" and e["phase"] == "in_force":
            latest = {k: list(e.get(k, [])) for k in ("voters", "learners", "outgoing")} | {
                "index": e["index"]
            }
            in_force[e["node"]] = latest
    leaders = [(role[1], name) for name, role in role_at(events, t).items() if role and role[0] == "leader"]
    cfg = in_force.get(max(leaders)[1], latest) if leaders else latest
    member = {}
    for name in nodes(events):
        if name in cfg["voters"]:
            member[name] = "voter"
        elif name in cfg["outgoing"]:
            member[name] = "leaving"
        elif name in cfg["learners"]:
            member[name] = "learner"
        else:
            member[name] = "removed" if name in started else "spare"
    return cfg, member


def shown_membership(page: Any) -> tuple[dict[str, Any], dict[str, str]]:
    shown = page.evaluate(
        """() => { const c = document.getElementById('config').dataset;
             const split = (s) => s ? s.split(' ') : [];
             return [{index: Number(c.index), voters: split(c.voters), learners: split(c.learners),
                      outgoing: split(c.outgoing)},
                     Object.fromEntries(Array.from(document.querySelectorAll('#nodes [data-node]')).map(
                       g => [g.dataset.node, g.dataset.member]))]; }"""
    )
    return shown[0], shown[1]


def config_times(events: list[Event]) -> list[float]:
    return sorted({e["t_ms"] for e in events if e["type"] == "config"})


@pytest.mark.parametrize("scenario", [*SCENARIOS, "membership/add-voter-without-learner"])
def test_configuration_and_membership_at_scrubbed_times_follow_the_trace(
    page: Any, tmp_path: Path, scenario: str
) -> None:
    events = simulate(SCENARIO_DIR / f"{scenario}.yaml").recorded_events()
    open_player(page, events, tmp_path)
    times = config_times(events)
    # just before and after each configuration change, and scrubbed fractions
    probes = [t + d for t in times[:: max(1, len(times) // 12)] for d in (-0.01, 0.01)]
    seen: set[str] = set()
    for t in probes:
        page.evaluate(f"raftPlayer.view.seek({t})")
        assert shown_membership(page) == expected_membership(events, t), t
        seen |= set(shown_membership(page)[1].values())
    for fraction in (0.0, 0.1, 0.25, 0.35, 0.5, 0.62, 0.8, 1.0):
        t = scrub(page, fraction)
        assert shown_membership(page) == expected_membership(events, t), t
        seen |= set(shown_membership(page)[1].values())
    expected_kinds = {
        "membership/grow-3-to-5": {"voter", "learner", "spare"},
        "membership/replace-remove-then-add": {"voter", "learner", "removed", "spare"},
        "membership/add-voter-without-learner": {"voter", "spare"},  # n4 a voter of the new half at once
    }[scenario]
    assert expected_kinds <= seen
    if "without-learner" in scenario:  # a joint configuration: both halves in the header
        joint = next(e for e in events if e["type"] == "config" and e.get("outgoing"))
        page.evaluate(f"raftPlayer.view.seek({joint['t_ms']})")
        assert page.locator("#config").get_attribute("data-joint") == "true"
        assert "joint: old voters" in page.locator("#status").inner_text()
        return
    # a learner is drawn with a dashed ring and says so in its label
    learner_at = next(e["t_ms"] for e in events if e["type"] == "config" and e["learners"])
    page.evaluate(f"raftPlayer.view.seek({learner_at + 30})")
    name = next(n for n, m in shown_membership(page)[1].items() if m == "learner")
    node = page.locator(f'#nodes [data-node="{name}"]')
    assert "learner" in (node.text_content() or "")
    assert node.locator(".ring").evaluate("r => getComputedStyle(r).strokeDasharray") not in ("none", "")
    node.click()
    assert page.locator('[data-field="membership"]').inner_text().startswith("learner")
    # config events are in the server's latest events, in words
    first = next(e for e in events if e["type"] == "config" and e["learners"] and e["phase"] == "in_force")
    page.evaluate(f"raftPlayer.view.seek({first['t_ms']}); raftPlayer.view.select({first['node']!r})")
    words = f"voters {' '.join(first['voters'])}, learners {' '.join(first['learners'])}"
    recent = page.locator("#details .recent").inner_text()
    assert f"{first['node']} now uses configuration #{first['index']}: {words}" in recent
    assert "learners" in page.locator("#status").inner_text()


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_config_jumps_and_the_end_show_the_simulations_final_state(
    page: Any, tmp_path: Path, scenario: str
) -> None:
    result = simulate(SCENARIO_DIR / f"{scenario}.yaml")
    events = result.recorded_events()
    open_player(page, events, tmp_path)
    firsts = []
    seen = set()
    for e in events:
        if e["type"] == "config" and e["phase"] == "appended":
            key = (e["index"], tuple(e["voters"]), tuple(e["learners"]), tuple(e.get("outgoing", [])))
            if key not in seen:
                seen.add(key)
                firsts.append(e["t_ms"])
    assert firsts
    for t in firsts:
        page.keyboard.press("m")
        assert page.evaluate("raftPlayer.view.t") == pytest.approx(t)
    page.keyboard.press("End")
    shown = page.evaluate(
        """() => Object.fromEntries(raftPlayer.view.state.nodes.map((n, i) => [raftPlayer.model.names[i],
             {up: n.up, role: n.role, term: n.term, vote: n.vote, commit: n.commit, log: n.log}]))"""
    )
    for name, node in result.outcome.nodes.items():
        expected = {"up": node.up, "term": node.term, "vote": node.voted_for, "log": list(node.log_terms)}
        if node.up:
            expected |= {"role": node.role, "commit": node.commit_index}
        assert {k: shown[name][k] for k in expected} == expected, name
    final, member = expected_membership(events, events[-1]["t_ms"])
    assert shown_membership(page) == (final, member)


def test_screenshots_when_a_learner_is_added_and_promoted(page: Any, tmp_path: Path) -> None:
    """Pictures of the moments (written to RAFT_SIM_SHOTS, when set, to be looked at)."""
    events = simulate(SCENARIO_DIR / "membership/grow-3-to-5.yaml").recorded_events()
    open_player(page, events, tmp_path)
    out = Path(os.environ.get("RAFT_SIM_SHOTS", tmp_path))
    for label, at in (("added", 1040.0), ("promoted", 1560.0), ("n5-learner", 2600.0)):
        page.evaluate(f"raftPlayer.view.seek({at})")
        page.screenshot(path=str(out / f"membership-{label}.png"))
        assert (out / f"membership-{label}.png").stat().st_size > 10_000
