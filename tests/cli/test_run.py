"""``raft-sim run``, ``list`` and ``validate``: exit status, the JSON summary, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from raft.cli import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, main

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
SUMMARY_KEYS = {
    "scenario",
    "seed",
    "duration_ms",
    "nodes",
    "leaders",
    "elections",
    "commit_index",
    "writes",
    "messages",
    "safety_violations",
    "expectations",
    "expected_violations",
    "ok",
    "interrupted",
    "interrupted_at_ms",
}

GOOD = "name: tiny\ndescription: three nodes\nseed: 3\nduration_ms: 1500\ncluster: {size: 3}\nworkload: {writes_per_s: 10}\nexpect:\n  - leader_elected_within_ms: 1000\n"
FAILING = GOOD.replace("leader_elected_within_ms: 1000", "no_leader_between_ms: [0, 1500]")
BAD_NODE = "name: bad\nduration_ms: 1000\ncluster: {size: 3}\nevents:\n  - {at_ms: 0, crash: n9}\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    status = main(["run", *args, "--json"])
    out = capsys.readouterr().out
    decoder = json.JSONDecoder()
    summary, end = decoder.raw_decode(out)
    assert out[end:].strip() == "", "stdout holds exactly one JSON object"
    assert isinstance(summary, dict)
    return status, summary


def test_json_summary_has_the_documented_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, s = run_json(capsys, str(write(tmp_path, "tiny.yaml", GOOD)))
    assert status == EXIT_OK
    assert set(s) >= SUMMARY_KEYS
    assert (s["scenario"], s["seed"], s["duration_ms"], s["nodes"]) == ("tiny", 3, 1500.0, ["n1", "n2", "n3"])
    assert s["ok"] is True and s["safety_violations"] == [] and s["expected_violations"] == []
    [leader] = s["leaders"]
    assert set(leader) >= {"term", "node", "from_ms", "to_ms"} and leader["to_ms"] is None
    assert all(set(e) >= {"term", "leader", "started_ms", "elected_ms"} for e in s["elections"])
    assert set(s["commit_index"]) == {"n1", "n2", "n3"}
    writes = s["writes"]
    assert isinstance(writes, dict)
    assert set(writes) >= {"submitted", "committed", "acknowledged", "outstanding", "latency_ms"}
    assert set(writes["latency_ms"]) >= {"p50", "p99"} and writes["latency_ms"]["p50"] > 0
    assert set(s["messages"]) >= {"sent", "delivered", "dropped"}
    assert s["expectations"] == [
        {"check": "leader_elected_within_ms", "ok": True, "detail": s["expectations"][0]["detail"]}
    ]


def test_latency_is_null_without_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "quiet.yaml", GOOD.replace("writes_per_s: 10", "writes_per_s: 0"))
    _, s = run_json(capsys, str(path))
    assert s["writes"] == {
        "submitted": 0,
        "committed": 0,
        "acknowledged": 0,
        "outstanding": 0,
        "latency_ms": {"p50": None, "p99": None},
    }


def test_seed_and_duration_overrides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, s = run_json(capsys, str(write(tmp_path, "tiny.yaml", GOOD)), "--seed", "9", "--duration-ms", "800")
    assert (s["seed"], s["duration_ms"]) == (9, 800.0)


def test_failed_expectation_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, s = run_json(capsys, str(write(tmp_path, "fail.yaml", FAILING)))
    assert status == EXIT_FAILED and s["ok"] is False
    assert s["expectations"][0]["ok"] is False


def test_safety_violation_exits_1_and_writes_the_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = tmp_path / "t.jsonl"
    status, s = run_json(
        capsys, str(SCENARIOS / "split-brain-4.yaml"), "--bug", "majority-off-by-one", "--trace", str(trace)
    )
    assert status == EXIT_FAILED
    assert s["safety_violations"] and s["safety_violations"][0]["property"] == "Election Safety"
    assert trace.exists() and json.loads(trace.read_text().splitlines()[-1])["type"] == "end"


def test_readable_summary_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace = tmp_path / "t.jsonl"
    assert main(["run", str(write(tmp_path, "tiny.yaml", GOOD)), "--trace", str(trace)]) == EXIT_OK
    out = capsys.readouterr().out
    for part in (
        "Leaders:",
        "Elections:",
        "Safety: all properties held",
        "leader_elected_within_ms",
        "Result: ok",
    ):
        assert part in out
    assert trace.exists()


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (BAD_NODE, "events[0].crash: unknown node n9"),
        ("name: x\nduration_ms: 1000\ncluster: {size: 0}\n", "cluster.size"),
        ("name: x\nduration_ms: 1000\ncluster: {size: 3}\nnetwork: {drop_rate: 1.5}\n", "network.drop_rate"),
        ("name: x\nduration_ms: 1000\ncluster: {size: 3, sise: 4}\n", "cluster.sise"),
        ("name: x\nduration_ms: 1000\n", "cluster"),
        ("name: [x\n", "bad.yaml"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, needle: str
) -> None:
    path = write(tmp_path, "bad.yaml", text)
    trace = tmp_path / "out.jsonl"
    assert main(["run", str(path), "--trace", str(trace), "--json"]) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bad.yaml: ") and needle in lines[0]
    assert "Traceback" not in captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]  # no trace, no temporary file


def test_missing_file_and_bad_options_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(tmp_path / "missing.yaml")]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == f"{tmp_path / 'missing.yaml'}: no such file (see 'raft-sim list')\n"
    good = str(write(tmp_path, "tiny.yaml", GOOD))
    assert main(["run", good, "--duration-ms", "-5"]) == EXIT_BAD_INPUT
    assert "--duration-ms" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["run", good, "--seed", "abc"])
    assert exited.value.code == EXIT_BAD_INPUT
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_list_shows_teaching_scenarios_then_bug_lessons_one_line_each(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["list"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    teaching = sorted(
        [p.stem for p in SCENARIOS.glob("*.yaml")]
        + [f"snapshots/{p.stem}" for p in (SCENARIOS / "snapshots").glob("*.yaml")]
    )
    pairs = sorted(f"etcd/{p.stem}" for p in (SCENARIOS / "etcd").glob("*.yaml"))
    bugs = sorted(f"bugs/{p.stem}" for p in (SCENARIOS / "bugs").glob("*.yaml"))
    assert lines[0] == "Teaching scenarios (raft-sim run NAME):"
    pair_heading = lines.index("") + 1
    assert lines[pair_heading].startswith("Paper Raft (-paper) versus one of the extensions")
    bug_heading = lines.index("", pair_heading) + 1
    assert lines[bug_heading].startswith("Bug lessons: each switches one bug on and shows the violation")
    assert [line.split()[0] for line in lines[1 : pair_heading - 1]] == teaching
    assert [line.split()[0] for line in lines[pair_heading + 1 : bug_heading - 1]] == pairs
    kube_heading = lines.index("", bug_heading) + 1
    kube = sorted(f"kubernetes/{p.stem}" for p in (SCENARIOS / "kubernetes").glob("*.yaml"))
    assert lines[kube_heading] == "The Kubernetes control plane over etcd (raft-sim run NAME):"
    assert [line.split()[0] for line in lines[bug_heading + 1 : kube_heading - 1]] == bugs
    assert [line.split()[0] for line in lines[kube_heading + 1 :]] == kube
    assert (
        len(lines) == len(teaching) + len(pairs) + len(bugs) + len(kube) + 7
    )  # one line each, four headings, three blanks
    assert all(len(line) <= 110 for line in lines)
    assert any(
        line.split()
        == ["leader-crash", "The", "leader", "of", "a", "5-node", "cluster", "crashes", "at", "1.5", "s"]
        for line in lines
    )
    [vote_twice] = [line for line in lines if line.startswith("  bugs/vote-twice ")]
    assert vote_twice.split(None, 1)[1] == "Election Safety: a server may grant more than one vote in a term."
    for name in teaching + pairs + bugs:
        assert main(["run", name, "--duration-ms", "1", "--json"]) in (EXIT_OK, EXIT_FAILED)  # the names run
        capsys.readouterr()


def test_list_long_tells_every_story(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--long"]) == EXIT_OK
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    for path in sorted(SCENARIOS.rglob("*.yaml")):
        description = " ".join(yaml.safe_load(path.read_text())["description"].split())
        assert description in flat, path.name
    assert (
        out.index("  leader-crash\n")
        < out.index("Bug lessons")
        < out.index("  bugs/vote-twice  (Election Safety)\n")
    )


def test_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "tiny.yaml", GOOD)
    assert main(["validate", str(good), str(SCENARIOS / "figure-7.yaml")]) == EXIT_OK
    out = capsys.readouterr().out
    assert "tiny.yaml: ok" in out and "figure-7.yaml: ok" in out
    bad = write(tmp_path, "bad.yaml", BAD_NODE)
    assert main(["validate", str(good), str(bad)]) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert "tiny.yaml: ok" in captured.out
    assert captured.err.strip().startswith("bad.yaml: ") and len(captured.err.strip().splitlines()) == 1


def test_real_process_exit_codes(tmp_path: Path) -> None:
    """The installed entry point behaves the same: `python -m raft`, stdout JSON only, stderr one line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    good = subprocess.run(
        [sys.executable, "-m", "raft", "run", str(write(tmp_path, "tiny.yaml", GOOD)), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert good.returncode == 0 and json.loads(good.stdout)["ok"] is True and good.stderr == ""
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "raft",
            "run",
            str(write(tmp_path, "bad.yaml", BAD_NODE)),
            "--trace",
            str(tmp_path / "x.jsonl"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert bad.returncode == 2 and bad.stdout == "" and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and not (tmp_path / "x.jsonl").exists()


def test_a_missing_optional_package_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the plots/experiments extras, a command that needs them says so in one line (exit 2)."""
    import raft.cli.run as run_module

    def missing(*_: object, **__: object) -> int:
        raise ModuleNotFoundError("No module named 'matplotlib'", name="matplotlib")

    monkeypatch.setattr(run_module, "run_scenario", missing)  # main builds its parser after this
    assert main(["run", "scenarios/leader-crash.yaml", "--plot", "x.png"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'matplotlib'" in err and "pip install" in err


ROLES_AND_HEALS = """name: roles
seed: 5
duration_ms: 2000
cluster: {size: 5}
events:
  - {at_ms: 0, timeout: n4}
  - {at_ms: 400, crash: follower}
  - {at_ms: 500, partition: [[n1, n2], [n3, n4, n5]]}
  - {at_ms: 700, heal: [n2, n4]}
  - {at_ms: 800, heal: n1}
  - {at_ms: 900, restart: crashed}
  - {at_ms: 950, restart: crashed}
  - {at_ms: 1000, heal: true}
expect:
  - final_leader_in: [n1, n2, n3, n4, n5]
"""


def test_roles_and_partial_heals_in_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "roles.yaml", ROLES_AND_HEALS)
    status, summary = run_json(capsys, str(path))
    assert status == EXIT_OK
    faults = [{k: v for k, v in f.items() if k not in ("t_ms", "term")} for f in summary["faults"]]
    crashed = faults[0]["node"]
    assert crashed != "n4"  # n4 leads (timeout at 0 ms): the follower crashed is another node
    assert faults == [
        {"type": "crash", "node": crashed},
        {"type": "partition", "groups": [["n1", "n2"], ["n3", "n4", "n5"]]},
        {"type": "heal", "link": ["n2", "n4"]},
        {"type": "heal", "node": "n1"},
        {"type": "restart", "node": crashed},
        {"type": "skip", "action": "restart", "target": "crashed", "reason": "no crashed node"},
        {"type": "heal"},
    ]
    assert run_json(capsys, str(path))[1]["faults"] == summary["faults"]  # the same follower, run after run
    assert main(["run", str(path)]) == EXIT_OK
    out = capsys.readouterr().out
    for line in (
        "  heal n2 <-> n4",
        "  heal n1 (all its links)",
        f"  restart {crashed}",
        "  skipped restart crashed (no crashed node)",
    ):
        assert any(printed.endswith(line) for printed in out.splitlines()), line


def test_json_and_text_carry_write_unavailability_and_leaders_without_a_majority(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A leader that can send but hears nothing keeps its title; the summary shows the outage."""
    trace = tmp_path / "t.jsonl"
    status, s = run_json(capsys, str(SCENARIOS / "one-way-cut-leader.yaml"), "--trace", str(trace))
    assert status == EXIT_OK
    keys = list(s)
    assert keys[keys.index("leaderless_ms") + 1 : keys.index("leaderless_ms") + 4] == [
        "unavailable",
        "unavailable_ms",
        "leader_without_majority",
    ]
    [period] = s["unavailable"]
    assert set(period) == {"from_ms", "to_ms"}
    assert period["from_ms"] < 1100 and 4000 < period["to_ms"] < 4300  # the cut lasts from 1000 to 4000 ms
    assert s["unavailable_ms"] == pytest.approx(period["to_ms"] - period["from_ms"])
    assert max(b - a for a, b in s["leaderless_ms"]) < 100  # what "without a leader" alone would show
    [leader] = s["leader_without_majority"]
    assert set(leader) == {"node", "term", "from_ms", "to_ms"}
    assert (leader["node"], leader["term"]) == ("n1", 1)
    assert 900 < leader["from_ms"] <= 1000 and 4000 < leader["to_ms"] < 4300
    # the same from the saved trace
    from raft.analysis.availability import availability
    from raft.sim.trace import read_trace

    saved = availability(read_trace(trace))
    assert [p.to_dict() for p in saved.unavailable] == s["unavailable"]
    assert [p.to_dict() for p in saved.leader_without_majority] == s["leader_without_majority"]
    assert main(["run", str(SCENARIOS / "one-way-cut-leader.yaml")]) == EXIT_OK
    out = capsys.readouterr().out
    assert (
        f"Writes unavailable (a write waiting, commit index not advancing):\n  {period['from_ms']:.1f} ms -> "
        in out
    )
    assert f"  total {s['unavailable_ms']:.1f} ms\n" in out
    assert "Leaders without a majority (no successful AppendEntries reply from one):\n  term   1  n1 " in out


def test_analysis_stall_ms_is_in_the_trace_and_sets_the_threshold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (SCENARIOS / "leader-crash.yaml").read_text(encoding="utf-8") + "analysis:\n  stall_ms: 50\n"
    trace = tmp_path / "t.jsonl"
    _, strict = run_json(capsys, str(write(tmp_path, "strict.yaml", text)), "--trace", str(trace))
    _, default = run_json(capsys, str(SCENARIOS / "leader-crash.yaml"))
    assert len(strict["unavailable"]) > len(default["unavailable"])  # shorter stalls count with 50 ms
    assert all(p["to_ms"] - p["from_ms"] > 50 for p in strict["unavailable"])
    assert any(p["to_ms"] - p["from_ms"] <= 300 for p in strict["unavailable"])
    from raft.analysis.availability import availability
    from raft.sim.trace import read_trace

    events = read_trace(trace)
    assert events[0]["config"]["analysis"] == {"stall_ms": 50.0}
    assert [p.to_dict() for p in availability(events).unavailable] == strict["unavailable"]


def test_a_costly_run_is_announced_in_one_line_then_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the limits (lowered here, so that a short run crosses them) one warning line, then the run."""
    import raft.sim.cost

    monkeypatch.setattr(raft.sim.cost, "WARN_SECONDS", 1e-6)
    path = write(tmp_path, "tiny.yaml", GOOD)
    assert main(["run", str(path), "--json"]) == EXIT_OK
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert line.startswith("warning: this run will take about ") and "--duration-ms " in line
    assert json.loads(captured.out)["interrupted"] is False
    assert main(["run", str(path), "--json", "--quiet"]) == EXIT_OK
    assert capsys.readouterr().err == ""


def test_duration_beyond_a_simulated_year_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "tiny.yaml", GOOD)
    assert main(["run", str(path), "--duration-ms", "1e12"]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == (
        "--duration-ms: 1000000000000 ms is longer than one simulated year "
        "(31536000000 ms), the longest run raft-sim accepts\n"
    )


def test_validate_counts_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = write(
        tmp_path,
        "one.yaml",
        "name: one\nduration_ms: 500\ncluster: {size: 3}\nevents:\n  - {at_ms: 100, crash: n1}\n"
        "expect:\n  - logs_identical_at_end: true\n",
    )
    assert main(["validate", str(one)]) == EXIT_OK
    assert "(one, 3 nodes, 1 event, 1 expectation)" in capsys.readouterr().out
