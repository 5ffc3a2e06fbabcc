"""Snapshots in the pictures (raft/plots/logs.py, raft/plots/messages.py) and in the replay they draw from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from raft.analysis import replay
from raft.api import load_scenario, simulate
from raft.plots.logs import log_view
from raft.plots.messages import message_diagram

AWAY = Path(__file__).resolve().parents[2] / "scenarios" / "snapshots" / "away-for-long.yaml"


@pytest.fixture(scope="module")
def events() -> tuple[Any, ...]:
    return simulate(load_scenario(AWAY), seed=1).events or ()


def install(events: tuple[Any, ...]) -> dict[str, Any]:
    return next(e for e in events if e["type"] == "snapshot" and "from" in e)


def test_replay_keeps_whole_logs_and_the_snapshot_boundary(events: tuple[Any, ...]) -> None:
    done = install(events)
    logs = {log.node: log for log in replay.logs_at(events, done["t_ms"])}
    n3 = logs["n3"]
    assert n3.snapshot_index == done["index"] == len(n3.terms)
    assert n3.terms == logs[done["from"]].terms[: done["index"]]
    assert n3.commit_index == done["index"]
    taken = next(e for e in events if e["type"] == "snapshot" and e["node"] == "n1")
    assert replay.logs_at(events, taken["t_ms"])[0].snapshot_index == taken["index"]


def test_replication_follows_install_snapshot_and_its_reply(events: tuple[Any, ...]) -> None:
    done = install(events)
    reply = next(
        e
        for e in events
        if e["type"] == "deliver" and e["msg"] == "InstallSnapshotResponse" and e["to"] == "n1"
    )
    before = {p.follower: p for p in replication_at_ms(events, done["t_ms"])}
    assert before["n3"].next_index == done["index"] + 1
    after = {p.follower: p for p in replication_at_ms(events, reply["t_ms"])}
    assert after["n3"].match_index == done["index"]


def replication_at_ms(events: tuple[Any, ...], at: float) -> list[replay.FollowerProgress]:
    return replay.replication_at(events, at)


def test_log_view_marks_the_snapshot_boundary_and_hatches_compacted_entries(events: tuple[Any, ...]) -> None:
    done = install(events)
    fig = log_view(events, done["t_ms"] + 1, nodes=["n1", "n3"])
    ax = fig.axes[0]
    bars = {line.get_gid() for line in ax.get_lines() if (line.get_gid() or "").startswith("snapshot:")}
    assert bars == {"snapshot:n1", "snapshot:n3"}
    boxes = {p.get_gid(): p for p in ax.patches if (p.get_gid() or "").startswith("entry:")}
    index = done["index"]
    assert boxes[f"entry:n3:{index}"].get_hatch() and not boxes[f"entry:n1:{index + 1}"].get_hatch()
    assert "green bar = snapshot boundary" in ax.get_title()
    assert any(f"snapshot ≤ {index}" in label.get_text() for label in ax.get_yticklabels())


def test_log_view_without_snapshots_has_no_boundary(events: tuple[Any, ...]) -> None:
    fig = log_view(events, 500.0)
    assert not [line for line in fig.axes[0].get_lines() if (line.get_gid() or "").startswith("snapshot:")]
    assert "snapshot" not in fig.axes[0].get_title()


def test_message_diagram_draws_install_snapshot_distinctly(events: tuple[Any, ...]) -> None:
    done = install(events)
    sent = next(e for e in events if e["type"] == "send" and e["msg"] == "InstallSnapshot")
    fig = message_diagram(events, sent["t_ms"] - 30, done["t_ms"] + 40)
    ax = fig.axes[0]
    arrows = {p.get_gid(): p for p in ax.patches if (p.get_gid() or "").startswith("msg:")}
    snapshot_arrow = arrows[f"msg:{sent['id']}"]
    appends = [p for gid, p in arrows.items() if gid != f"msg:{sent['id']}"]
    assert snapshot_arrow.get_linewidth() > max(p.get_linewidth() for p in appends)
    assert snapshot_arrow.get_edgecolor() != appends[0].get_edgecolor()
    assert f"InstallSnapshot t{sent['term']} ≤{done['index']}" in {t.get_text() for t in ax.texts}
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "InstallSnapshot (≤ last included index) / snapshot ok" in legend
