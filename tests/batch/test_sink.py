"""Rows streamed to CSV or Parquet and read back to resume (raft/batch/sink.py)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from raft.batch.sink import Column, RowSink, cell, kind_of, load_rows, parse_cell, read_rows
from raft.errors import RaftSimError

COLUMNS = (Column("run", "int"), Column("key", "str"), Column("latency_ms", "float"), Column("safe", "bool"))


def row(run: int, latency: float | None = 1.5) -> dict[str, Any]:
    return {"run": run, "key": f"k{run}", "latency_ms": latency, "safe": run % 2 == 0}


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ([True, False], "bool"),
        ([1, 2], "int"),
        ([1, 2.5], "float"),
        ([1, "a"], "str"),
        ([[1]], "str"),
        ([], "str"),
    ],
)
def test_kind_of_is_the_narrowest_kind_holding_every_value(values: list[Any], kind: str) -> None:
    assert kind_of(values) == kind


@pytest.mark.parametrize(
    ("value", "kind"),
    [(None, "float"), (True, "bool"), (False, "bool"), (7, "int"), (0.1, "float"), ("x", "str")],
)
def test_a_cell_reads_back_as_the_value_it_was(value: Any, kind: str) -> None:
    assert parse_cell(cell(value), kind) == value


def test_floats_keep_every_digit_and_lists_are_json() -> None:
    assert float(cell(1 / 3)) == 1 / 3
    assert math.isinf(parse_cell(cell(math.inf), "float"))
    assert cell([1, {"b": 2, "a": 1}]) == '[1,{"a":1,"b":2}]'


def test_rows_stream_to_csv_and_read_back_typed(tmp_path: Path) -> None:
    out = tmp_path / "rows.csv"
    sink = RowSink(out, COLUMNS)
    sink.write([row(0), row(1, None)])
    assert len(load_rows(out)) == 2, "a written batch is flushed before the sink closes"
    sink.close()
    [block] = read_rows(out, COLUMNS)
    assert block == [row(0), row(1, None)]


def test_resuming_skips_done_keys_and_cuts_a_torn_last_line(tmp_path: Path) -> None:
    out = tmp_path / "rows.csv"
    sink = RowSink(out, COLUMNS)
    sink.write([row(0), row(1)])
    sink.close()
    with out.open("a", encoding="utf-8") as file:
        file.write("2,k2,1.")  # an interruption in the middle of a line
    resumed = RowSink(out, COLUMNS)
    assert resumed.done == {"k0", "k1"}
    resumed.write([row(2)])
    resumed.close()
    assert [r["key"] for r in load_rows(out)] == ["k0", "k1", "k2"]


def test_rows_left_out_of_order_are_sorted_by_run_on_close(tmp_path: Path) -> None:
    out = tmp_path / "rows.csv"
    sink = RowSink(out, COLUMNS)
    sink.write([row(2), row(0)])
    sink.write([row(1)])
    sink.close()
    assert [int(r["run"]) for r in load_rows(out)] == [0, 1, 2]


def test_a_file_of_another_sweep_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "rows.csv"
    out.write_text("run,key,other\n0,k0,1\n", encoding="utf-8")
    with pytest.raises(RaftSimError, match="holds other columns"):
        RowSink(out, COLUMNS)


def test_an_unknown_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RaftSimError, match=r"expected a \.csv or \.parquet file name"):
        RowSink(tmp_path / "rows.json", COLUMNS)


def test_parquet_goes_through_a_journal_that_closing_converts_and_removes(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    out = tmp_path / "rows.parquet"
    journal = tmp_path / "rows.parquet.partial.csv"
    sink = RowSink(out, COLUMNS)
    sink.write([row(0), row(1, None)])
    assert journal.exists() and not out.exists()
    sink.close()
    assert not journal.exists()
    assert load_rows(out) == [row(0), row(1, None)]
    resumed = RowSink(out, COLUMNS)  # resuming a finished Parquet file reads it back into a journal
    assert resumed.done == {"k0", "k1"}
    resumed.write([row(2)])
    resumed.close()
    assert [r["run"] for r in load_rows(out)] == [0, 1, 2]
