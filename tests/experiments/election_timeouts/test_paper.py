"""Figure 16's data: the paper's table as quoted, its ranges and its curves."""

from raft.experiments.election_timeouts.paper import PAPER, RANGES, find_range, paper_curve


def test_paper_table_matches_quoted_text() -> None:
    assert PAPER["150-155"][3] == 287  # median with 5 ms of randomness
    assert PAPER["150-200"][7] == 512  # worst case with 50 ms
    assert PAPER["12-24"][8] == 35 and PAPER["12-24"][7] == 152
    assert find_range("150-150").trials == 100 and len(RANGES) == 10
    times, percents = paper_curve("150-300")
    assert list(times) == sorted(times) and percents[0] == 0 and percents[-1] == 100
