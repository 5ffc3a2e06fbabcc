"""raft.plots.files: formats by extension, atomic writes, errors before a run."""

from __future__ import annotations

import pytest

from raft.api import simulate
from raft.errors import RaftSimError
from raft.plots.files import check_figure_path, save_figure
from raft.plots.timeline import timeline

MAGIC = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}


@pytest.mark.parametrize("fmt", sorted(MAGIC))
def test_saves_in_the_format_of_the_extension(trace, tmp_path, fmt):
    target = save_figure(timeline(trace), tmp_path / f"t.{fmt}")
    assert target.read_bytes().startswith(MAGIC[fmt])
    assert [p.name for p in tmp_path.iterdir()] == [f"t.{fmt}"]  # no temporary file left
    assert target.stat().st_mode & 0o044  # readable by others, like any file the user writes


def test_unsupported_extension_and_missing_directory(tmp_path):
    with pytest.raises(RaftSimError, match="unsupported figure format"):
        check_figure_path(tmp_path / "t.gif")
    with pytest.raises(RaftSimError, match="does not exist"):
        check_figure_path(tmp_path / "nowhere" / "t.png")
    assert check_figure_path(tmp_path / "T.PNG") == "png"


def test_saving_a_timeline_needs_recorded_events(tmp_path, simulated):
    save_figure(simulated.timeline(), tmp_path / "t.png")
    assert (tmp_path / "t.png").read_bytes().startswith(MAGIC["png"])

    unrecorded = simulate(simulated.scenario, record=False, duration_ms=100)
    with pytest.raises(RaftSimError, match="not recorded"):
        save_figure(unrecorded.timeline(), tmp_path / "u.png")
    assert not (tmp_path / "u.png").exists()
