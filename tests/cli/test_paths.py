"""raft.cli.paths: output paths checked before any run, scenario names resolved; and their use by the commands."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from raft.cli import EXIT_BAD_INPUT, main
from raft.cli.paths import SCENARIO_DIR, find_scenario
from raft.errors import RaftSimError
from raft.files import check_output_dir, check_output_file

ROOT = Path(__file__).resolve().parents[2]
LEADER_CRASH = str(ROOT / "scenarios" / "leader-crash.yaml")


def message(call: object, *args: object) -> str:
    with pytest.raises(RaftSimError) as raised:
        call(*args)  # type: ignore[operator]
    return str(raised.value)


def test_output_file_problems_are_one_line_naming_the_path_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "adir").mkdir()
    (tmp_path / "afile").write_text("x")
    assert message(check_output_file, "nodir/t.jsonl") == "nodir/t.jsonl: directory 'nodir' does not exist"
    assert message(check_output_file, "adir") == "adir: is a directory"
    assert message(check_output_file, "afile/t.png") == "afile/t.png: 'afile' is not a directory"
    assert (
        message(check_output_file, "afile/deeper/t.png") == "afile/deeper/t.png: 'afile' is not a directory"
    )
    assert message(check_output_file, "") == "an output file name is empty"
    assert check_output_file("t.jsonl") == Path("t.jsonl")
    assert check_output_file("adir/t.csv") == Path("adir/t.csv")


def test_output_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    assert message(check_output_dir, "afile") == "afile: exists and is not a directory"
    assert message(check_output_dir, "afile/sub") == "afile/sub: 'afile' is not a directory"
    assert check_output_dir("new/deeper") == Path("new/deeper")  # created later, with its parents
    assert not (tmp_path / "new").exists()


def test_find_scenario_resolves_shipped_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("leader-crash", "leader-crash.yaml"):
        assert find_scenario(name) == SCENARIO_DIR / "leader-crash.yaml"
    assert find_scenario("bugs/vote-twice") == SCENARIO_DIR / "bugs" / "vote-twice.yaml"
    (tmp_path / "leader-crash.yaml").write_text("mine")
    assert find_scenario("leader-crash.yaml") == Path("leader-crash.yaml")  # a file of that name wins
    assert message(find_scenario, "scenarios/leader-crash.yml") == (
        "scenarios/leader-crash.yml: no such file (see 'raft-sim list')"
    )
    assert message(find_scenario, str(tmp_path)) == f"{tmp_path}: is a directory, not a scenario file"


def bad(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(args) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    [line] = captured.err.strip().splitlines()
    return line


def test_run_checks_the_trace_path_before_simulating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    assert bad(["run", LEADER_CRASH, "--trace", "nodir/t.jsonl"], capsys) == (
        "nodir/t.jsonl: directory 'nodir' does not exist"
    )
    assert bad(["run", LEADER_CRASH, "--trace", "scenarios"], capsys) == "scenarios: is a directory"
    assert (
        bad(["run", LEADER_CRASH, "--plot", "nodir/t.png"], capsys)
        == "nodir/t.png: directory 'nodir' does not exist"
    )
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["scenarios"]  # no trace, no temporary file


def test_every_writing_command_checks_its_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    missing = "directory 'nodir' does not exist"
    assert bad(["sweep", LEADER_CRASH, "--out", "nodir/r.csv", "--jobs", "1", "--quiet"], capsys).endswith(
        missing
    )
    assert bad(["experiment", "why-odd", "--csv", "nodir/w.csv", "--quiet"], capsys).endswith(missing)
    assert bad(["experiment", "why-odd", "--plot", "nodir/w.png", "--quiet"], capsys).endswith(missing)
    assert bad(["experiment", "election-timeouts", "--csv", "nodir/e.csv", "--quiet"], capsys).endswith(
        missing
    )
    (tmp_path / "t.jsonl").write_text("x")
    assert bad(["plot", "t.jsonl", "-o", "nodir/p.png"], capsys).endswith(missing)
    assert (
        bad(["fuzz", "--seeds", "1", "--out", "afile", "--quiet"], capsys)
        == "afile: exists and is not a directory"
    )
    assert sorted(os.listdir(tmp_path)) == ["afile", "t.jsonl"]


def test_plot_missing_trace_is_worded_like_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert bad(["plot", "nothere.jsonl", "-o", "p.png"], capsys) == "nothere.jsonl: no such file"


def test_run_finds_shipped_scenarios_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", "leader-crash", "--duration-ms", "1600", "--json"]) in (0, 1)
    assert '"scenario": "leader-crash"' in capsys.readouterr().out
    assert bad(["run", "leader-crsh"], capsys) == "leader-crsh: no such file (see 'raft-sim list')"
    assert bad(["run", "scenarios/leader-crash.yml"], capsys) == (
        "scenarios/leader-crash.yml: no such file (see 'raft-sim list')"
    )


def test_run_help_says_shipped_names_work(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert "shipped scenario" in " ".join(capsys.readouterr().out.split())


def test_shortened_run_notes_the_events_it_skips(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    main(["run", LEADER_CRASH, "--duration-ms", "1000", "--json"])
    captured = capsys.readouterr()
    json.loads(captured.out)  # stdout stays pure JSON
    assert captured.err == (
        "note: --duration-ms 1000 ends the run before 1 event of the scenario: crash leader at 1500 ms\n"
    )
    main(["run", LEADER_CRASH, "--duration-ms", "2000", "--json"])
    assert capsys.readouterr().err == ""


def test_negative_seed_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["run", LEADER_CRASH, "--seed=-3"])
    assert exited.value.code == EXIT_BAD_INPUT
    assert "--seed: must be 0 or more, got -3" in capsys.readouterr().err
