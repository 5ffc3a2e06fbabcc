"""``raft-sim run --events`` / ``--show``: the readable event log before the summary, never mixed with --json."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from raft.api import simulate
from raft.cli import EXIT_BAD_INPUT, EXIT_OK, main
from raft.cli.paths import find_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_events_prints_the_transcript_then_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "bugs/vote-twice", "--events"]) == EXIT_OK
    out = capsys.readouterr().out
    log, summary = out.split("\n\n", 1)
    expected = simulate(find_scenario("bugs/vote-twice")).transcript()
    assert log + "\n" == expected
    assert "     22.0 ms  n2 becomes leader (term 1)\n" in expected
    assert summary.startswith("!! BUGS SWITCHED ON: vote-twice")
    assert summary.splitlines()[-1].startswith("Result: ok")


def test_show_chooses_what_the_log_shows_and_implies_events(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "bugs/vote-twice", "--show", "no-sends,delivers,from_ms=14,to_ms=15"]) == EXIT_OK
    log = capsys.readouterr().out.split("\n\n", 1)[0].splitlines()
    assert log == [
        "     15.0 ms  n2 <- n1  RequestVote term 1 last 0/0",
        "     15.0 ms  n2 votes for n1 (term 1)",
        "     15.0 ms  n3 <- n1  RequestVote term 1 last 0/0",
        "     15.0 ms  n3 votes for n1 (term 1)",
    ]


def test_events_with_json_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "bugs/vote-twice", "--events", "--json"]) == EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip().splitlines() == [
        "--events/--show: the readable event log cannot be combined with --json "
        "(--trace FILE writes the events as JSON Lines)"
    ]
    assert main(["run", "bugs/vote-twice", "--show", "heartbeats", "--json"]) == EXIT_BAD_INPUT


def test_an_unknown_show_word_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "bugs/vote-twice", "--show", "heartbeat"]) == EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith("--show: unknown transcript option 'heartbeat' (known: sends, delivers")


def test_the_readme_commands_work_and_match_the_golden_transcript(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(
        r"`raft-sim (run [\w/.-]+ [^`]*(?:--show|--events)[^`]*)`", readme
    )  # with a scenario
    assert "run figure-7 --show no-sends,to_ms=80" in commands and len(commands) >= 2
    for command in commands:
        assert main(command.split()) == EXIT_OK, command
        capsys.readouterr()
    main(["run", "figure-7", "--show", "no-sends,to_ms=80"])
    log = capsys.readouterr().out.split("\n\n", 1)[0] + "\n"
    golden = (ROOT / "tests" / "golden" / "figure-7.txt").read_text(encoding="utf-8")
    assert "transcript figure-7 to_ms=80 no-sends\n----\n" + log in golden
