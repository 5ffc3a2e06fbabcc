"""The sweep grid: --set parsing (YAML flow lists, scalars, list-valued keys), seed ranges, run order and keys."""

import pytest

from raft.batch.grid import Grid, make_grid, parse_int_ranges, parse_seeds, parse_set
from raft.errors import RaftSimError


def test_flow_list_gives_each_value() -> None:
    axis = parse_set("cluster.size=[3,4,5]")
    assert axis.key == "cluster.size"
    assert axis.values == (3, 4, 5)


def test_bare_scalar_is_one_value() -> None:
    assert parse_set("network.drop_rate=0.05").values == (0.05,)
    assert parse_set("events[0].crash=leader").values == ("leader",)


def test_list_valued_key_takes_a_list_of_lists() -> None:
    axis = parse_set("cluster.election_timeout_ms=[[150,150],[150,300]]")
    assert axis.values == ([150, 150], [150, 300])


@pytest.mark.parametrize(
    "option", ["cluster.size", "=3", "cluster.size=", "cluster.size=[1,", "a={b: 1}", "a=[]"]
)
def test_bad_set_is_one_line_error(option: str) -> None:
    with pytest.raises(RaftSimError) as error:
        parse_set(option)
    assert "\n" not in str(error.value)


def test_seed_ranges_and_lists() -> None:
    assert parse_seeds("1-5") == (1, 2, 3, 4, 5)
    assert parse_seeds("1,2,5") == (1, 2, 5)
    assert parse_seeds("1-3,10,2") == (1, 2, 3, 10)
    assert len(parse_seeds("1-500")) == 500


@pytest.mark.parametrize("text", ["5-1", "x", "1-", ""])
def test_bad_seeds(text: str) -> None:
    with pytest.raises(RaftSimError):
        parse_seeds(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x", "--sizes: expected A-B or N"),
        ("5-3", "--sizes: expected 1 <= A <= B, but range 5-3 runs backwards"),
        ("0,3", "--sizes: values run from 1 to 9, got 0"),
        ("3-12", "--sizes: values run from 1 to 9, got 12"),
    ],
)
def test_int_ranges_name_their_option_and_bounds(text: str, message: str) -> None:
    with pytest.raises(RaftSimError) as error:
        parse_int_ranges(text, "--sizes", low=1, high=9)
    assert message in str(error.value) and "--seeds" not in str(error.value)


def test_int_ranges_keep_order_and_drop_repeats() -> None:
    assert parse_int_ranges("5,1-3,2", "--sizes", low=1, high=9) == (5, 1, 2, 3)


def test_runs_are_the_product_in_option_order_then_seeds() -> None:
    grid = make_grid(["cluster.size=[3,5]", "network.drop_rate=[0,0.1]"], "1-2")
    runs = list(grid.runs())
    assert len(runs) == len(grid) == 8
    assert [r.index for r in runs] == list(range(8))
    assert runs[0].params == (("cluster.size", 3), ("network.drop_rate", 0))
    assert runs[1].seed == 2 and runs[2].params[1] == ("network.drop_rate", 0.1)
    assert runs[-1].key == "cluster.size=5 network.drop_rate=0.1 seed=2"
    assert len({r.key for r in runs}) == 8


def test_key_is_stable_for_lists() -> None:
    run = next(make_grid(["cluster.election_timeout_ms=[[150,300]]"], "7").runs())
    assert run.key == "cluster.election_timeout_ms=[150,300] seed=7"


def test_duplicate_key_refused() -> None:
    with pytest.raises(RaftSimError):
        Grid((parse_set("a=1"), parse_set("a=2")), (1,))
