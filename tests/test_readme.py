"""The README's promises: the Quickstart is exactly two commands, and its sample output is what the demo prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from raft.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quickstart_is_make_demo_then_make_test() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quickstart, re.S)
    assert block is not None
    assert block.group(1).split("\n")[:-1] == ["make demo", "make test"]


def test_sample_output_is_what_the_demo_scenario_prints(capsys: pytest.CaptureFixture[str]) -> None:
    sample = README.split("$ raft-sim run scenarios/leader-crash.yaml\n", 1)[1].split("```", 1)[0]
    assert main(["run", str(ROOT / "scenarios" / "leader-crash.yaml")]) == 0
    printed = capsys.readouterr().out.splitlines()
    lines = [line for line in sample.splitlines() if line.strip() != "..."]
    # every line of the sample appears in the output, in order
    position = 0
    for line in lines:
        assert line in printed[position:], f"README sample line not printed: {line!r}"
        position = printed.index(line, position) + 1


def test_the_scenario_reference_block_is_a_valid_scenario_showing_every_action_and_role_word() -> None:
    import yaml

    from raft.scenario import Action, parse_scenario

    section = README.split("## Scenario files", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    scenario = parse_scenario(yaml.safe_load(block.group(1)))
    events = scenario.events
    assert {event.action for event in events} == set(Action)
    named = {event.target for event in events} | {end for event in events for end in event.link or ()}
    assert {"leader", "follower", "crashed"} <= named
    heals = [(event.target, event.link) for event in events if event.action is Action.HEAL]
    assert {kind for kind in ((t is not None, link is not None) for t, link in heals)} == {
        (False, False), (True, False), (False, True)  # everything, one node, one link
    }
    first = events[0]
    assert (first.at_ms, first.action, first.target) == (0.0, Action.TIMEOUT, "n2")  # choosing the first leader
