"""raft.files (named apart from tests/plots/test_files.py): the output-path check and atomic writes every writer shares."""

from __future__ import annotations

import os

import pytest

from raft.errors import RaftSimError
from raft.files import AtomicFile, atomic_write, check_output_file


def test_atomic_write_publishes_complete_files_with_a_normal_mode(tmp_path) -> None:
    target = tmp_path / "out.txt"
    with atomic_write(target) as file:
        file.write("one\n")
        assert not target.exists()  # nothing visible until the block ends
    assert target.read_text() == "one\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(ZeroDivisionError), atomic_write(target, "wb") as file:
        file.write(b"new")
        1 / 0  # noqa: B018
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]
    out = AtomicFile(target)
    out.file.write("x")
    out.abort()
    assert target.read_bytes() == b"old" and len(list(tmp_path.iterdir())) == 1


def test_a_failed_rename_removes_the_temporary(tmp_path) -> None:
    target = tmp_path / "t.txt"
    out = AtomicFile(target)
    target.mkdir()  # the target became a directory meanwhile
    with pytest.raises(OSError):
        out.commit()
    assert [p.name for p in tmp_path.iterdir()] == ["t.txt"]


def test_output_path_check(tmp_path) -> None:
    with pytest.raises(RaftSimError, match="does not exist"):
        check_output_file(tmp_path / "nowhere" / "f.csv")
    with pytest.raises(RaftSimError, match="is a directory"):
        check_output_file(tmp_path)
    assert check_output_file(tmp_path / "f.csv") == tmp_path / "f.csv"
