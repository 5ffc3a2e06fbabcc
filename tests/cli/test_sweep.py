"""raft-sim sweep from the command line: aggregate table, output file, resume, one-line errors."""

from pathlib import Path

import pytest

from raft.cli import main

SCENARIO = "name: tiny\nduration_ms: 600\ncluster: {size: 3}\nworkload: {writes_per_s: 10}\n"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(SCENARIO)
    return path


def test_sweep_writes_rows_and_aggregate(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "rows.csv"
    argv = [
        "sweep",
        str(scenario),
        "--set",
        "cluster.size=[3,6]",
        "--set",
        "network.drop_rate=0",
        "--seeds",
        "1-3",
        "--jobs",
        "1",
        "--out",
        str(out),
        "--quiet",
    ]
    status = main(argv)
    assert status == 0
    text = capsys.readouterr()
    assert "cluster.size" in text.out and "6 runs: 6 ran, 0 already done" in text.out
    assert text.err == ""
    assert len(out.read_text().splitlines()) == 7
    assert main(argv) == 0
    assert "6 runs: 0 ran, 6 already done" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seeds", "9-1"], "runs backwards"),
        (["--set", "cluster.size"], "expected KEY=VALUES"),
        (["--jobs", "0"], "at least 1"),
        (["--out", "rows.txt"], ".csv or .parquet"),
    ],
)
def test_bad_options_are_one_line(
    scenario: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", str(scenario), *args, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_missing_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "no-such.yaml", "--quiet"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_unknown_set_key_is_refused_before_running(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "sweep",
                str(scenario),
                "--set",
                "cluster.sise=[3,5]",
                "--seeds",
                "1-2",
                "--jobs",
                "1",
                "--quiet",
            ]
        )
        == 2
    )
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "--set cluster.sise: unknown key (did you mean 'size'?)\n"


def test_invalid_runs_print_their_reasons(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["sweep", str(scenario), "--seeds", "1-2", "--jobs", "1", "--quiet"]
    assert main([*args, "--set", "cluster.size=[3,200]"]) == 0  # some runs ran: the sweep is a result
    out = capsys.readouterr().out
    assert (
        "2 runs could not be built:\n  2 x " in out
        and "cluster.size: must be between 1 and 101, got 200" in out
    )
    assert main([*args, "--set", "cluster.size=[0,200]"]) == 2  # no run could be built
    captured = capsys.readouterr()
    assert (
        "4 runs could not be built:" in captured.out and "got 0" in captured.out and "got 200" in captured.out
    )
    assert "no run could be built" in captured.err


def test_a_sweep_that_could_build_no_run_does_not_say_they_ran(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["sweep", str(scenario), "--seeds", "1-2", "--jobs", "1", "--quiet"]
    assert main([*args, "--set", "cluster.size=[200]"]) == 2
    out = capsys.readouterr().out
    assert "2 runs: 0 ran, 2 could not be built, 0 already done" in out
    assert "2 ran" not in out


def test_a_one_run_sweep_says_run(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", str(scenario), "--seeds", "1", "--jobs", "1", "--quiet"]) == 0
    assert "1 run: 1 ran, 0 already done" in capsys.readouterr().out
