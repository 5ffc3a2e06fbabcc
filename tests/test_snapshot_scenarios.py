"""The shipped snapshot lessons (scenarios/snapshots/): a member away for long catches up by InstallSnapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from raft.api import load_scenario, simulate

ROOT = Path(__file__).resolve().parents[1]
AWAY = ROOT / "scenarios" / "snapshots" / "away-for-long.yaml"


@pytest.mark.parametrize("seed", range(20))
def test_away_for_long_holds_its_expectations_for_seeds_0_to_19(seed: int) -> None:
    result = simulate(load_scenario(AWAY), seed=seed, record=False)
    assert result.ok, [e for e in result.expectations if not e["ok"]]
    assert [e["check"] for e in result.expectations][0] == "caught_up_by_snapshot"


def test_away_for_long_catches_up_by_install_snapshot_not_from_entry_1() -> None:
    """After its restart n3 gets the leader's snapshot, then AppendEntries only for entries after it: no entry
    at or below the snapshot's index reaches it one by one."""
    result = simulate(load_scenario(AWAY))
    events = result.events or ()
    restart = next(e for e in events if e["type"] == "restart" and e["node"] == "n3")
    after = [e for e in events if e["t_ms"] >= restart["t_ms"]]
    install = next(e for e in after if e["type"] == "snapshot" and e["node"] == "n3")
    assert install["from"] in ("n1", "n2") and install["kept"] == 0
    assert install["index"] > len(restart["log"])
    sends = [e for e in after if e["type"] == "send" and e["to"] == "n3"]
    assert any(e["msg"] == "InstallSnapshot" and e["last_index"] == install["index"] for e in sends)
    appended = [e["index"] for e in after if e["type"] == "append" and e["node"] == "n3"]
    assert appended and min(appended) == install["index"] + 1
    assert result.summary["commit_index"]["n3"] == result.summary["commit_index"]["n1"]


def test_without_compaction_the_member_catches_up_entry_by_entry() -> None:
    """The contrast: with storage.snapshot_every 0 no snapshot is sent, and n3 appends from where its log ended."""
    scenario = load_scenario(AWAY)
    plain = scenario.model_copy(update={"storage": scenario.storage.model_copy(update={"snapshot_every": 0})})
    result = simulate(plain)
    events = result.events or ()
    assert not [e for e in events if e["type"] == "snapshot" or e.get("msg") == "InstallSnapshot"]
    restart = next(e for e in events if e["type"] == "restart" and e["node"] == "n3")
    appended = [
        e["index"]
        for e in events
        if e["type"] == "append" and e["node"] == "n3" and e["t_ms"] >= restart["t_ms"]
    ]
    assert min(appended) == len(restart["log"]) + 1
    assert not [e for e in result.expectations if e["check"] == "caught_up_by_snapshot" and e["ok"]]
