"""raft-sim experiment: quick runs of both experiments with JSON, CSV and a plot."""

import json
from pathlib import Path

import pytest

from raft.cli import main


def test_election_timeouts_json_csv_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv, png = tmp_path / "trials.csv", tmp_path / "fig16.png"
    status = main(
        [
            "experiment",
            "election-timeouts",
            "--trials",
            "2",
            "--jobs",
            "1",
            "--cap-s",
            "2",
            "--json",
            "--csv",
            str(csv),
            "--plot",
            str(png),
            "--quiet",
        ]
    )
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["range"] for r in data["ranges"]][:2] == ["150-150", "150-151"]
    fast = next(r for r in data["ranges"] if r["range"] == "150-300")
    assert fast["trials"] == 2 and fast["simulated"]["min"] > 0
    lines = csv.read_text().splitlines()
    assert len(lines) == 1 + 1 + 9 * 2  # 150-150 gets a tenth of the trials, at least one
    assert [int(line.split(",")[0]) for line in lines[1:]] == list(range(19))
    assert png.stat().st_size > 10_000


def test_why_odd_table_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "odd.csv"
    status = main(
        [
            "experiment",
            "why-odd",
            "--sizes",
            "2,3",
            "--trials",
            "1",
            "--jobs",
            "1",
            "--availability-s",
            "10",
            "--csv",
            str(csv),
            "--quiet",
        ]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert out.startswith("Why odd?") and len(out.splitlines()) == 5  # title, header, two sizes, the CI note
    assert csv.read_text().splitlines()[0].startswith("n,majority,tolerated")


def test_bad_plot_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiment", "why-odd", "--plot", "x.gif"]) == 2
    assert ".png" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ("x", "--sizes: expected A-B or N"),
        ("0-3", "--sizes: values run from 1 to 101, got 0"),
        ("3,102", "--sizes: values run from 1 to 101, got 102"),
    ],
)
def test_bad_sizes_name_sizes(sizes: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiment", "why-odd", "--sizes", sizes, "--jobs", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and "--seeds" not in err and err.count("\n") == 1


def test_jobs_and_dask_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiment", "why-odd", "--jobs", "2", "--dask", "tcp://nowhere:8786", "--quiet"]) == 2
    assert "--jobs and --dask: give one or the other" in capsys.readouterr().err


def test_election_timeouts_under_both_timings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--timing twice: one run per profile, each in the JSON's runs and in its own CSV; the figure has a column
    each."""
    csv, png = tmp_path / "trials.csv", tmp_path / "fig16.png"
    args = ["experiment", "election-timeouts", "--trials", "2", "--jobs", "1", "--cap-s", "1", "--quiet"]
    status = main(
        [*args, "--timing", "exact", "--timing", "lan", "--json", "--csv", str(csv), "--plot", str(png)]
    )
    assert status == 0
    runs = json.loads(capsys.readouterr().out)["runs"]
    assert [run["setup"]["timing"] for run in runs] == ["exact", "lan"]
    assert runs[0]["setup"]["write_ms"] == 4.0 and runs[1]["setup"]["write_ms"] is None
    assert runs[1]["setup"]["symmetric_cap_ms"] == 600_000.0
    assert (tmp_path / "trials-exact.csv").exists() and (tmp_path / "trials-lan.csv").exists()
    assert png.stat().st_size > 10_000
    with pytest.raises(SystemExit) as refused:
        main([*args, "--timing", "lam"])
    assert refused.value.code == 2
    assert "invalid choice: 'lam'" in capsys.readouterr().err


def test_the_clis_timings_are_the_schemas_profiles() -> None:
    from raft.cli.experiment import DEFAULT_TIMING, TIMINGS
    from raft.scenario.timing import PROFILES

    assert tuple(PROFILES) == TIMINGS and DEFAULT_TIMING == "exact"


def test_why_odd_during_change_table_csv_json_and_plot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--during-change: the configurations in force while 3 grows to 5, each way of joining; the same numbers in
    the table, the CSV file and the JSON."""
    csv, png = tmp_path / "change.csv", tmp_path / "change.png"
    args = [
        "experiment",
        "why-odd",
        "--during-change",
        "--sizes",
        "3",
        "--trials",
        "2",
        "--jobs",
        "1",
        "--quiet",
    ]
    assert main([*args, "--csv", str(csv), "--plot", str(png)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("Why odd, during a change") and len(table) == 2 + 10 + 1 + 1 + 2 + 1
    assert [line.split()[:3] for line in table[2:12]] == [
        ["3", join, str(step)] for join in ("learner", "voter") for step in range(5)
    ]
    assert (
        csv.read_text().splitlines()[0].startswith("n,join,step,label,configuration,voters,learners,outgoing")
    )
    assert png.stat().st_size > 10_000
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["view"] == "during-change" and data["sizes"] == [3]
    assert [step["tolerated"] for step in data["steps"]] == [1, 1, 1, 1, 2] * 2
    assert [change["join"] for change in data["changes"]] == ["learner", "voter"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--mtbf-s", "30"], "--mtbf-s: not used with --during-change"),
        (["--availability-s", "30"], "--availability-s: not used with --during-change"),
        (["--sizes", "100"], "--sizes: values run from 1 to 99, got 100"),
    ],
)
def test_why_odd_during_change_refuses_what_it_does_not_use(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["experiment", "why-odd", "--during-change", *extra, "--jobs", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
