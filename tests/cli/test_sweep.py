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


def test_sweep_writes_rows_and_aggregate(scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rows.csv"
    status = main(["sweep", str(scenario), "--set", "cluster.size=[3,6]", "--set", "network.drop_rate=0",
                   "--seeds", "1-3", "--jobs", "1", "--out", str(out), "--quiet"])  # fmt: skip
    assert status == 0
    text = capsys.readouterr()
    assert "cluster.size" in text.out and "6 runs: 6 ran, 0 already done" in text.out
    assert text.err == ""
    assert len(out.read_text().splitlines()) == 7
    assert main(["sweep", str(scenario), "--set", "cluster.size=[3,6]", "--set", "network.drop_rate=0",
                 "--seeds", "1-3", "--jobs", "1", "--out", str(out), "--quiet"]) == 0  # fmt: skip
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
def test_bad_options_are_one_line(scenario: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", str(scenario), *args, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_missing_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "no-such.yaml", "--quiet"]) == 2
    assert "no such file" in capsys.readouterr().err
