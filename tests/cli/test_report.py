"""raft.cli.report: the readable summary names only what is known (never Python's None)."""

from __future__ import annotations

from raft.api import load_scenario, simulate
from raft.cli.report import render_summary
from raft.sim.safety import known_place


def test_known_place() -> None:
    assert (known_place(1, 4), known_place(1, None), known_place(None, 4), known_place(None, None)) == (
        " (term 1, index 4)", " (term 1)", " (index 4)", "")


def test_violation_without_an_index_prints_no_none(tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nduration_ms: 1500\ncluster: {size: 3}\n", encoding="utf-8")
    summary = dict(simulate(load_scenario(path)).summary)
    summary["safety_violations"] = [{"property": "Election Safety", "t_ms": 225.3, "nodes": ["n3", "n1"],
                                     "term": 1, "index": None, "detail": "two leaders"}]  # fmt: skip
    text = render_summary(summary)
    assert "SAFETY VIOLATED: Election Safety at 225.3 ms on n3, n1 (term 1): two leaders" in text
    assert "None" not in text
