"""The sweep engine: invalid combinations become rows, rows are identical on every runner (serial, a pool of
forked or spawned processes, a real Dask LocalCluster), CSV and Parquet output, and resuming skips finished runs."""

from pathlib import Path

import pytest

from raft.batch.grid import make_grid
from raft.batch.runners import DaskRunner, ProcessRunner, SerialRunner
from raft.batch.sink import load_rows
from raft.batch.sweep import execute, sweep

SCENARIO = """\
name: tiny
duration_ms: 800
cluster: {size: 3}
network: {latency_ms: [1, 3]}
workload: {writes_per_s: 20}
events:
  - {at_ms: 400, crash: n3}
"""


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(SCENARIO)
    return path


def grid():
    return make_grid(["cluster.size=[3,5]", "events[0].crash=[n3,n5]"], "1-3")


def test_invalid_combination_is_a_row_and_the_sweep_goes_on(scenario: Path) -> None:
    result = sweep(scenario, grid(), runner=SerialRunner())
    rows = result.report.rows
    assert rows is not None and len(rows) == 12
    bad = [r for r in rows if r["outcome"] == "invalid"]
    assert len(bad) == 3
    assert all(r["cluster.size"] == 3 and r["events[0].crash"] == "n5" for r in bad)
    assert "unknown node n5" in bad[0]["message"]
    good = [r for r in rows if r["outcome"] != "invalid"]
    assert all(r["outcome"] == "ok" and r["leaders"] >= 1 and r["writes_committed"] > 0 for r in good)
    counts = {tuple(line[k] for k in ("cluster.size", "events[0].crash")): line for line in result.aggregate}
    assert counts[("3", "n5")]["invalid"] == 3 and counts[("5", "n5")]["ok"] == 3


def test_same_rows_serial_forked_spawned_and_dask(scenario: Path) -> None:
    distributed = pytest.importorskip("distributed")
    serial = sweep(scenario, grid(), runner=SerialRunner()).report.rows
    pooled = sweep(scenario, grid(), runner=ProcessRunner(2)).report.rows
    spawned = sweep(scenario, grid(), runner=ProcessRunner(2, method="spawn")).report.rows
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        dashboard_address=None,
        host="127.0.0.1",
        protocol="tcp://",
    ) as cluster:
        dasked = sweep(scenario, grid(), runner=DaskRunner(cluster.scheduler_address)).report.rows
    assert serial == pooled == spawned == dasked
    seeds = {r["seed"] for r in serial or []}
    assert len({r["messages_sent"] for r in serial or [] if r["outcome"] == "ok"}) > 1 and seeds == {1, 2, 3}


def test_csv_and_parquet_hold_the_same_rows(scenario: Path, tmp_path: Path) -> None:
    sweep(scenario, grid(), runner=SerialRunner(), out=tmp_path / "rows.csv")
    sweep(scenario, grid(), runner=SerialRunner(), out=tmp_path / "rows.parquet")
    text = load_rows(tmp_path / "rows.csv")
    typed = load_rows(tmp_path / "rows.parquet")
    assert [r["key"] for r in text] == [r["key"] for r in typed]
    assert [int(r["messages_sent"] or 0) for r in text] == [r["messages_sent"] or 0 for r in typed]
    assert not list(tmp_path.glob("*.partial.csv"))


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_resume_skips_done_runs(scenario: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"rows.{suffix}"
    runs = list(grid().runs())
    calls: list[int] = []

    class Counting:
        def __call__(self, run):
            calls.append(run.index)
            return {"outcome": "ok"}

    from raft.batch.sink import Column
    from raft.batch.sweep import columns_for, param_columns

    columns = columns_for(param_columns(grid()), (Column("outcome", "str"),))
    first = execute(Counting(), runs[:5], columns=columns, runner=SerialRunner(), out=out)
    assert first.ran == 5 and calls == [0, 1, 2, 3, 4]
    calls.clear()
    second = execute(Counting(), runs, columns=columns, runner=SerialRunner(), out=out)
    assert second.skipped == 5 and second.ran == 7 and calls == list(range(5, 12))
    assert [int(r["run"]) for r in load_rows(out)] == list(range(12))


def test_resume_cuts_a_torn_line_and_reruns_that_run(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.csv"
    sweep(scenario, grid(), runner=SerialRunner(), out=out)
    whole = out.read_text()
    out.write_text(whole[: whole.rindex("\n", 0, len(whole) - 1) + 10])  # half of the last row
    result = sweep(scenario, grid(), runner=SerialRunner(), out=out)
    assert result.report.ran == 1 and result.report.skipped == 11
    assert out.read_text() == whole


def test_run_figures_are_the_result_columns() -> None:
    from raft.api import simulate
    from raft.batch.sweep import RESULT_COLUMNS, RunFigures, figures

    assert list(RunFigures.__annotations__) == [c.name for c in RESULT_COLUMNS]
    shipped = Path(__file__).resolve().parents[2] / "scenarios" / "bugs" / "vote-twice.yaml"
    row = figures(simulate(shipped, record=False).summary)
    assert list(row) == [c.name for c in RESULT_COLUMNS]
    assert (row["outcome"], row["violation"]) == ("unsafe", "Election Safety")
