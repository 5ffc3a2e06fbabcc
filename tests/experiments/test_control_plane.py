"""``raft-sim experiment control-plane`` (raft/experiments/control_plane): the arithmetic, the simulation agreeing
with it trial by trial, the table, the figure and the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from raft.batch.grid import Run
from raft.batch.runners import SerialRunner
from raft.cli import EXIT_BAD_INPUT, EXIT_OK, main
from raft.experiments.control_plane import analysis, arithmetic, report
from raft.experiments.control_plane.figure import control_plane_figure
from raft.experiments.control_plane.trials import NodeFailureTask


def test_the_arithmetic_of_stacked_and_external_etcd() -> None:
    assert arithmetic.api_availability(1, "stacked", 0.9, 3) == pytest.approx(0.9)
    assert arithmetic.api_availability(2, "stacked", 0.9, 3) == pytest.approx(0.81)  # worse than one
    assert arithmetic.api_availability(3, "stacked", 0.9, 3) == pytest.approx(0.972)
    assert arithmetic.api_availability(4, "stacked", 0.9, 3) < arithmetic.api_availability(
        3, "stacked", 0.9, 3
    )
    # external: a quorum of the three etcd hosts and one API server of n
    assert arithmetic.api_availability(2, "external", 0.9, 3) == pytest.approx(0.972 * 0.99)
    assert arithmetic.per_zone(5, 3) == [2, 2, 1] and arithmetic.layout(4, 2) == "2+2"
    assert not arithmetic.zone_loss_survived(4, 2, "stacked", 3, 0)
    assert all(arithmetic.zone_loss_survived(5, 3, "stacked", 3, z) for z in range(3))


def test_wilson_interval_stays_inside_zero_and_one() -> None:
    low, high = analysis.wilson(20, 20)
    assert 0.8 < low < 1.0 and high == pytest.approx(1.0)
    low, high = analysis.wilson(0, 20)
    assert low == 0.0 and 0.0 < high < 0.2


def test_a_trial_waits_out_etcds_split_votes_before_its_kubectl() -> None:
    # seed 10 of five nodes with external etcd: cp-1 and etcd-1 down; the two etcd members left time out on the
    # same tick twice (1.4 s and 3.1 s) and elect at 4.5 s, after a kubectl at 4 s would have been refused
    row = NodeFailureTask(0.9, 3)(Run(0, (("n", 5), ("etcd", "external")), 10))
    assert row["members_down"] == 1 and row["counted_ok"]
    assert row["api_ok"]


@pytest.fixture(scope="module")
def small() -> analysis.ControlPlaneResult:
    return analysis.run_control_plane(sizes=(2, 3), trials=12, seed=1, runner=SerialRunner())


def test_each_simulated_trial_agrees_with_the_count_of_its_failures(
    small: analysis.ControlPlaneResult,
) -> None:
    assert {(line.n, line.etcd) for line in small.availability} == {
        (2, "stacked"),
        (2, "external"),
        (3, "stacked"),
        (3, "external"),
    }
    for line in small.availability:
        assert line.agreeing == line.trials == 12
        assert line.low <= line.simulated <= line.high


def test_zone_losses_simulated_match_the_count(small: analysis.ControlPlaneResult) -> None:
    cells = {(z.n, z.etcd, z.zones): z for z in small.zones}
    assert all(z.survived == z.computed for z in small.zones)
    assert cells[(3, "stacked", 3)].survived == 3 and cells[(3, "stacked", 3)].layout == "1+1+1"
    assert cells[(2, "stacked", 2)].survived == 0


def test_report_and_figure(small: analysis.ControlPlaneResult) -> None:
    text = report.render(small)
    assert "binomial" in text and "1+1+1: 3/3" in text
    fig = control_plane_figure(small)
    gids = {a.get_gid() for a in fig.findobj() if a.get_gid()}
    assert {"computed:stacked:3", "simulated:external:2", "zone:3:3", "headline"} <= gids


def test_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv, png = tmp_path / "cp.csv", tmp_path / "cp.png"
    args = ["experiment", "control-plane", "--sizes", "3", "--trials", "5", "--jobs", "1", "--quiet"]
    assert main([*args, "--json", "--csv", str(csv), "--plot", str(png)]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert [line["n"] for line in data["availability"]] == [3, 3]
    assert csv.read_text().startswith("n,etcd,trials") and png.stat().st_size > 10_000
    assert main([*args, "--node-availability", "1.5"]) == EXIT_BAD_INPUT
    assert "--node-availability" in capsys.readouterr().err
