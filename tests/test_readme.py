"""The README's promises: the Quickstart is exactly two commands, its sample output is what the demo prints,
and the README, docs and notebooks state the checked safety properties alike."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from raft.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quickstart_is_make_demo_then_make_test() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quickstart, re.DOTALL)
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
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    scenario = parse_scenario(yaml.safe_load(block.group(1)))
    events = scenario.events
    assert {event.action for event in events} == set(Action)
    named = {event.target for event in events} | {end for event in events for end in event.link or ()}
    assert {"leader", "follower", "crashed"} <= named
    heals = [(event.target, event.link) for event in events if event.action is Action.HEAL]
    assert {(t is not None, link is not None) for t, link in heals} == {
        (False, False),
        (True, False),
        (False, True),  # everything, one node, one link
    }
    first = events[0]
    assert (first.at_ms, first.action, first.target) == (
        0.0,
        Action.TIMEOUT,
        "n2",
    )  # choosing the first leader


# ------------------------------------------------------------------ the checked properties, stated alike everywhere

NUMBER_WORDS = {5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
FIGURE_3 = (
    "Election Safety",
    "Leader Append-Only",
    "Log Matching",
    "Leader Completeness",
    "State Machine Safety",
)
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def prose(text: str) -> str:
    return " ".join(text.split())  # line breaks and indentation do not matter


def test_the_safety_checker_keeps_figure_3_and_two_monotonicity_properties() -> None:
    from raft.properties import EXTENSION_CHECKED, SAFETY_CHECKED, Property

    assert [p.value for p in SAFETY_CHECKED] == [*FIGURE_3, "Term Monotonicity", "Commit Monotonicity"]
    assert [p.value for p in EXTENSION_CHECKED] == ["PreVote Term Stability", "Leader Stickiness"]
    assert set(Property) - set(SAFETY_CHECKED) - set(EXTENSION_CHECKED) == {
        Property.LINEARIZABILITY,
        Property.LEADERSHIP_TRANSFER,
        Property.LIVENESS,
    }


@pytest.mark.parametrize("doc", ["README.md", "docs/testing.md"])
def test_readme_and_docs_state_the_count_and_name_every_checked_property(doc: str) -> None:
    from raft.properties import SAFETY_CHECKED

    text = prose((ROOT / doc).read_text(encoding="utf-8"))
    count = NUMBER_WORDS[len(SAFETY_CHECKED)]
    assert re.search(rf"\b{count} safety properties", text, re.IGNORECASE), (
        f"{doc} does not say '{count} safety properties'"
    )
    for other in set(NUMBER_WORDS.values()) - {
        count,
        "five",
    }:  # "the five of Figure 3" is part of the statement
        assert not re.search(rf"\b{other} (safety )?properties", text, re.IGNORECASE), (
            f"{doc}: '{other} properties'"
        )
    assert "five properties" not in text
    for prop in SAFETY_CHECKED:
        assert prop.value in text, f"{doc} does not name {prop.value}"


def test_readme_lists_every_property_an_expectation_may_name() -> None:
    from raft.properties import Property

    listing = prose(README).split("`safety_violation` takes one of", 1)[1].split(".", 1)[0]
    assert re.findall(r"`([A-Z][A-Za-z -]+)`", listing) == [p.value for p in Property]


def _cells_on_what_is_checked(path: Path) -> list[str]:
    """The markdown cells that say what the safety checker checks (Figure 3 or one of its properties named)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    texts = [prose("".join(c["source"])) for c in cells if c["cell_type"] == "markdown"]
    return [
        t
        for t in texts
        if re.search(r"\bcheck", t, re.IGNORECASE) and ("Figure 3" in t or any(p in t for p in FIGURE_3))
    ]


@pytest.mark.parametrize(
    "path",
    NOTEBOOKS,
    ids=lambda p: p.stem,
)
def test_notebooks_that_say_what_is_checked_name_the_monotonicity_properties_too(path: Path) -> None:
    from raft.properties import SAFETY_CHECKED

    for text in _cells_on_what_is_checked(path):
        every_name = all(prop.value in text for prop in SAFETY_CHECKED)
        assert every_name or re.search(r"Figure 3.{0,40}term and commit monotonicity", text), (
            f"{path.name}: a cell says what is checked but leaves out term and commit monotonicity: {text[:160]}"
        )


def test_the_reads_section_commands_give_the_verdicts_they_state(capsys: pytest.CaptureFixture[str]) -> None:
    section = README.split("### Linearizable reads without the log", 1)[1].split("\n## ", 1)[0]
    runs = re.findall(r"^raft-sim run (\S+)\s+#.*\"((?:not )?linearizable)\"", section, re.MULTILINE)
    assert len(runs) == 4
    for path, verdict in runs:
        assert main(["run", str(ROOT / path), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["linearizable"] == verdict


def test_the_why_odd_during_change_command_gives_the_numbers_stated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's --during-change command, run as written (its figure into a scratch folder), and the
    paragraph's numbers read from its result."""
    [command] = re.findall(r"^raft-sim (experiment why-odd --during-change --plot \S+)", README, re.MULTILINE)
    args = command.split()
    args[args.index("--plot") + 1] = str(tmp_path / args[args.index("--plot") + 1])
    assert main([*args, "--json", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert Path(args[args.index("--plot") + 1]).stat().st_size > 10_000
    steps = {(s["n"], s["join"], s["step"]): s for s in data["steps"]}
    paragraph = README.split("**Why odd, during a change**", 1)[1].split("\n\n", 1)[0]
    mean, most = re.findall(r"writes waited (\d+) ms on average \(10 seeds, at most (\d+) ms\)", paragraph)[0]
    assert (
        round(steps[3, "voter", 1]["unavailable_ms"]),
        round(steps[3, "voter", 1]["max_unavailable_ms"]),
    ) == (
        int(mean),
        int(most),
    )
    [seven] = re.findall(r"Growing 5 → 7: (\d+) ms against none", paragraph)
    assert round(steps[5, "voter", 1]["unavailable_ms"]) == int(seven)
    assert all(s["unavailable_ms"] == 0 for s in data["steps"] if s["join"] == "learner")
    assert [steps[3, join, i]["tolerated"] for join in ("learner", "voter") for i in range(5)] == [
        1,
        1,
        1,
        1,
        2,
    ] * 2
