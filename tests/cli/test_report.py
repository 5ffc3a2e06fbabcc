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


def test_writes_line_separates_committed_acknowledged_and_outstanding(tmp_path) -> None:
    """A run ending during a 2-2 split: its writes are still outstanding, never called lost."""
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nduration_ms: 2000\ncluster: {size: 4}\nworkload: {writes_per_s: 10}\n"
                    "events:\n  - {at_ms: 0, partition: [[n1, n2], [n3, n4]]}\n", encoding="utf-8")  # fmt: skip
    summary = simulate(load_scenario(path)).summary
    writes = summary["writes"]
    assert writes["outstanding"] == writes["submitted"] > 0
    text = render_summary(summary)
    [line] = [line for line in text.splitlines() if line.startswith("Writes:")]
    assert line.startswith(f"Writes: {writes['submitted']} submitted, 0 committed, 0 acknowledged, "
                           f"{writes['submitted']} still outstanding at the end (")  # fmt: skip
    assert "lost" not in text.lower()
