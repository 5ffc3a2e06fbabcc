"""Where a sweep's rows go: streamed to a CSV or Parquet file as they come, so memory stays flat, and read back
to resume an interrupted sweep.

A CSV file is written directly, a batch at a time, flushed after each batch; an interrupted sweep leaves a valid
file (a torn last line is cut off when resuming). A Parquet file cannot be appended to, so its rows go first to a
CSV journal beside it (``FILE.parquet.partial.csv``); closing the sink converts the journal to Parquet with the
columns' types, a block at a time, and removes it. Resuming reads the journal (or the finished Parquet file) and
skips every run whose key is already there. Rows are kept in run order: if resuming left them out of order, the
file is rewritten sorted by run number when the sink closes. The sorted file and the Parquet file are written
atomically (:func:`raft.files.atomic_write`), and the output path gets the check every output file gets
(:func:`raft.files.check_output_file`).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from raft.errors import RaftSimError
from raft.files import atomic_write, check_output_file

#: Column kinds, as stored in Parquet.
KINDS = ("int", "float", "str", "bool")


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the results table: its name and kind (``int``, ``float``, ``str`` or ``bool``)."""

    name: str
    kind: str


def kind_of(values: Iterable[Any]) -> str:
    """The narrowest column kind that holds every one of ``values`` (lists and mappings become ``str``)."""
    kinds = set()
    for value in values:
        if isinstance(value, bool):
            kinds.add("bool")
        elif isinstance(value, int):
            kinds.add("int")
        elif isinstance(value, float):
            kinds.add("float")
        else:
            kinds.add("str")
    if kinds <= {"bool"} and kinds:
        return "bool"
    if kinds <= {"int"} and kinds:
        return "int"
    if kinds and kinds <= {"int", "float"}:
        return "float"
    return "str"


def cell(value: Any) -> str:
    """A value as CSV text: empty for ``None``, ``true``/``false``, ``repr`` of floats, JSON for lists."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return str(value)


def parse_cell(text: str, kind: str) -> Any:
    """The inverse of :func:`cell` for a column of ``kind`` (lists stay JSON text)."""
    if text == "":
        return None
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        return text == "true"
    return text


class RowSink:
    """Rows of one sweep streaming into ``path`` (``.csv`` or ``.parquet``); resumable.

    Life: open (reading back the keys of rows already there), :meth:`write` batches, :meth:`close` (sorting
    and, for Parquet, converting the journal). Each row is a mapping with every column, ``run`` and ``key``
    among them.
    """

    def __init__(self, path: str | os.PathLike[str], columns: Sequence[Column]) -> None:
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in (".csv", ".parquet"):
            raise RaftSimError(f"--out {self.path}: expected a .csv or .parquet file name")
        self.parquet = suffix == ".parquet"
        self.columns = tuple(columns)
        self.names = [c.name for c in self.columns]
        check_output_file(self.path)
        self.journal = self.path.with_name(self.path.name + ".partial.csv") if self.parquet else self.path
        self.done: set[str] = set()
        self._last_run = -1
        self.sorted = True
        if self.parquet and self.path.exists() and not self.journal.exists():
            self._parquet_to_journal()
        if self.journal.exists() and self.journal.stat().st_size > 0:
            self._read_back()
            self._file = self.journal.open("a", newline="", encoding="utf-8")
            self._writer = csv.writer(self._file)
        else:
            self._file = self.journal.open("w", newline="", encoding="utf-8")
            self._writer = csv.writer(self._file)
            self._writer.writerow(self.names)
            self._file.flush()

    # ------------------------------------------------------------------ resume

    def _read_back(self) -> None:
        with self.journal.open("rb+") as raw:  # cut a torn last line left by an interruption
            data_end = raw.seek(0, os.SEEK_END)
            if data_end:
                raw.seek(max(0, data_end - 1))
                if raw.read(1) != b"\n":
                    raw.seek(0)
                    content = raw.read()
                    raw.truncate(content.rfind(b"\n") + 1)
        with self.journal.open(newline="", encoding="utf-8") as file:
            reader = csv.reader(file)
            header = next(reader, None)
            if header != self.names:
                raise RaftSimError(
                    f"--out {self.path}: the file holds other columns (another sweep?); "
                    "choose a new file to start afresh or the same options to resume"
                )
            run_at, key_at = self.names.index("run"), self.names.index("key")
            for line in reader:
                if len(line) != len(self.names):
                    continue
                self.done.add(line[key_at])
                run = int(line[run_at])
                if run < self._last_run:
                    self.sorted = False
                self._last_run = max(self._last_run, run)

    def _parquet_to_journal(self) -> None:
        import pyarrow.parquet as pq

        table = pq.ParquetFile(self.path)
        if table.schema_arrow.names != self.names:
            raise RaftSimError(f"--out {self.path}: the file holds other columns (another sweep?)")
        with self.journal.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(self.names)
            for batch in table.iter_batches():
                for row in batch.to_pylist():
                    writer.writerow([cell(row[name]) for name in self.names])

    # ------------------------------------------------------------------ write

    def write(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            if row["run"] < self._last_run:
                self.sorted = False
            self._last_run = max(self._last_run, row["run"])
            self._writer.writerow([cell(row.get(name)) for name in self.names])
        self._file.flush()

    def close(self) -> None:
        self._file.close()
        if not self.sorted:
            self._sort_journal()
        if self.parquet:
            self._journal_to_parquet()

    def _sort_journal(self) -> None:
        run_at = self.names.index("run")
        with self.journal.open(newline="", encoding="utf-8") as file:
            reader = csv.reader(file)
            header = next(reader)
            lines = sorted(reader, key=lambda line: int(line[run_at]))
        with atomic_write(self.journal) as file:
            writer = csv.writer(file)
            writer.writerow(header)
            writer.writerows(lines)
        self.sorted = True

    def _journal_to_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"int": pa.int64(), "float": pa.float64(), "str": pa.string(), "bool": pa.bool_()}
        schema = pa.schema([(c.name, types[c.kind]) for c in self.columns])
        with atomic_write(self.path, "wb") as file, pq.ParquetWriter(file, schema) as writer:
            for block in read_rows(self.journal, self.columns, block=20_000):
                writer.write_table(pa.Table.from_pylist(block, schema=schema))
        self.journal.unlink()


def read_rows(
    path: str | os.PathLike[str], columns: Sequence[Column], block: int = 10_000
) -> Iterator[list[dict[str, Any]]]:
    """The rows of a CSV results file, typed by ``columns``, a block at a time."""
    kinds = [(c.name, c.kind) for c in columns]
    with Path(path).open(newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        next(reader, None)
        rows: list[dict[str, Any]] = []
        for line in reader:
            rows.append(
                {name: parse_cell(text, kind) for (name, kind), text in zip(kinds, line, strict=True)}
            )
            if len(rows) >= block:
                yield rows
                rows = []
        if rows:
            yield rows


def load_rows(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every row of a finished results file (CSV as text cells, Parquet typed), for tests and notebooks."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_table(path).to_pylist())
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))
