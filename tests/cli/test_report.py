"""raft.cli.report: the readable summary names only what is known (never Python's None)."""

from __future__ import annotations

from pathlib import Path

from raft.api import load_scenario, simulate
from raft.cli.report import leaders_of_term, render_summary
from raft.sim.safety import known_place

ROOT = Path(__file__).resolve().parents[2]


def test_known_place() -> None:
    assert (known_place(1, 4), known_place(1, None), known_place(None, 4), known_place(None, None)) == (
        " (term 1, index 4)",
        " (term 1)",
        " (index 4)",
        "",
    )


def test_violation_without_an_index_prints_no_none(tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nduration_ms: 1500\ncluster: {size: 3}\n", encoding="utf-8")
    summary = dict(simulate(load_scenario(path)).summary)
    summary["safety_violations"] = [
        {
            "property": "Election Safety",
            "t_ms": 225.3,
            "nodes": ["n3", "n1"],
            "term": 1,
            "index": None,
            "detail": "two leaders",
        }
    ]
    text = render_summary(summary)
    assert "SAFETY VIOLATED: Election Safety at 225.3 ms on n3, n1 (term 1): two leaders" in text
    assert "None" not in text


def test_a_violation_lists_every_leader_of_its_term(tmp_path) -> None:
    path = tmp_path / "two-leaders.yaml"
    path.write_text(
        "name: two-leaders\nduration_ms: 1000\ncluster: {size: 3, bugs: [vote-twice]}\n"
        "network: {latency_ms: 5}\nevents:\n  - {at_ms: 10, timeout: n1}\n"
        "  - {at_ms: 12, timeout: n2}\n",
        encoding="utf-8",
    )
    lines = render_summary(simulate(load_scenario(path)).summary).splitlines()
    (at,) = [i for i, line in enumerate(lines) if line.startswith("SAFETY VIOLATED: Election Safety")]
    assert lines[at + 1] == "  leaders of term 1: n1 (from 20.0 ms), n2 (from 22.0 ms)"


def test_leaders_of_term() -> None:
    leaders = [
        {"term": 1, "node": "n1", "from_ms": 20.0, "to_ms": 300.0},
        {"term": 2, "node": "n2", "from_ms": 420.0, "to_ms": None},
    ]
    assert leaders_of_term(leaders, 2) == "leaders of term 2: n2 (from 420.0 ms)"
    assert leaders_of_term(leaders, 3) == "leaders of term 3: none"


def test_writes_line_separates_committed_acknowledged_and_outstanding(tmp_path) -> None:
    """A run ending during a 2-2 split: its writes are still outstanding, never called lost."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: s\nduration_ms: 2000\ncluster: {size: 4}\nworkload: {writes_per_s: 10}\n"
        "events:\n  - {at_ms: 0, partition: [[n1, n2], [n3, n4]]}\n",
        encoding="utf-8",
    )
    summary = simulate(load_scenario(path)).summary
    writes = summary["writes"]
    assert writes["outstanding"] == writes["submitted"] > 0
    text = render_summary(summary)
    [line] = [line for line in text.splitlines() if line.startswith("Writes:")]
    assert line.startswith(
        f"Writes: {writes['submitted']} submitted, 0 committed, 0 acknowledged, "
        f"{writes['submitted']} still outstanding at the end ("
    )
    assert "lost" not in text.lower()


def test_a_violation_without_nodes_is_not_said_to_be_on_nobody() -> None:
    summary = simulate(load_scenario(ROOT / "scenarios" / "bugs" / "local-read.yaml")).summary
    [line] = [line for line in render_summary(summary).splitlines() if line.startswith("SAFETY VIOLATED")]
    assert line.startswith("SAFETY VIOLATED: Linearizability at ") and " on " not in line.split(":")[1]


def test_a_large_cluster_is_summarised_and_its_json_keeps_every_node(tmp_path) -> None:
    path = tmp_path / "large.yaml"
    others = ", ".join(f"n{i}" for i in range(1, 16) if i not in (4, 9))
    path.write_text(
        "name: large\nseed: 2\nduration_ms: 2500\ncluster: {size: 15}\nnetwork: {latency_ms: [5, 10]}\n"
        "workload: {writes_per_s: 20}\n"
        f"events:\n  - {{at_ms: 800, partition: [[n4, n9], [{others}]]}}\n"
        "expect:\n  - committed_on_live_nodes_at_least: 1\n  - logs_identical_at_end: true\n",
        encoding="utf-8",
    )
    summary = simulate(load_scenario(path)).summary
    assert len(summary["commit_index"]) == 15
    text = render_summary(summary)
    assert "15 nodes: n1–n15)" in text
    assert "partition n4, n9 | n1–n3, n5–n8, n10–n15" in text
    majority = summary["commit_index"]["n1"]
    cut_off = summary["commit_index"]["n4"]
    assert majority != cut_off  # the partition held to the end: n4 and n9 stayed behind
    assert f"Commit index at the end: n1–n3, n5–n8, n10–n15 = {majority}; n4, n9 = {cut_off}\n" in text
    details = {e["check"]: e["detail"] for e in summary["expectations"]}
    assert details["committed_on_live_nodes_at_least"].startswith(
        f"commitIndex of live nodes: n1–n3, n5–n8, n10–n15 = {majority}; n4, n9 = {cut_off}"
    )
    assert details["logs_identical_at_end"].startswith("n1–n3, n5–n8, n10–n15 hold the same")


def test_the_raft_line_names_the_profile_its_switches_and_etcd_timers() -> None:
    from raft.cli.report import raft_settings
    from raft.scenario import parse_scenario

    def line(**cluster: object) -> str | None:
        data = {"name": "t", "duration_ms": 100, "cluster": {"size": 3, **cluster}}
        return raft_settings(parse_scenario(data).cluster)

    assert line() is None  # paper Raft: the summary is what it always was
    assert line(pre_vote=True) == "Raft: paper profile: PreVote, heartbeat 50 ms, election timeout 150-300 ms"
    assert line(profile="etcd") == (
        "Raft: etcd profile: PreVote, CheckQuorum, heartbeat 100 ms, election timeout 1000 ms, etcd's timers "
        "(a tick every 100 ms, an election after 10 to 19 ticks), initial election tick advance"
    )
    assert line(profile="etcd", initial_election_tick_advance=False, check_quorum=False).endswith("19 ticks)")
    text = render_summary(
        simulate(
            parse_scenario({"name": "t", "duration_ms": 100, "cluster": {"size": 3, "profile": "etcd"}})
        ).summary,
        line(profile="etcd"),
    )
    assert text.splitlines()[1].startswith("Raft: etcd profile")
