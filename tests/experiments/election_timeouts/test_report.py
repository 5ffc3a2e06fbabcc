"""The election-timeouts table: censored means shown as lower bounds, ranges that never elect marked."""

from raft.experiments.election_timeouts import analysis, report
from raft.experiments.election_timeouts.trials import Setup


def test_table_marks_censored_means_and_ranges_that_never_elect() -> None:
    setup = Setup(cap_ms=1000.0)
    ranges = (
        analysis.RangeResult("150-150", 2, 2, (None, None), 1000.0),
        analysis.RangeResult("150-151", 4, 1, (100.0, 200.0, 300.0, None), 1000.0),
        analysis.RangeResult("150-300", 2, 0, (100.0, 300.0), 1000.0),
    )
    table = report.render(analysis.ElectionTimeoutsResult(setup, 1, ranges)).splitlines()
    row = {
        line.split()[0]: line
        for line in table
        if line.split() and line.split()[0] in ("150-150", "150-151", "150-300")
    }
    assert row["150-150"].endswith("never elected")
    assert (
        row["150-151"].split()[-1] == ">=400"
    )  # (100 + 200 + 300 + 1000) / 4, not 200 (the uncensored mean)
    assert row["150-300"].split()[-1] == "200"
    assert any("not a mean of the uncensored trials" in line for line in table)
    data = analysis.ElectionTimeoutsResult(setup, 1, ranges).to_dict()["ranges"]
    assert [r["never_elected"] for r in data] == [True, False, False]
    assert data[1]["simulated"]["mean"] is None and data[1]["simulated"]["mean_at_least"] == 400.0
