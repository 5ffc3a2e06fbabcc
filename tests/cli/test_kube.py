"""``raft-sim run`` on a Kubernetes scenario (raft/cli/kube.py): the Kubernetes section, JSON, pictures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from raft.cli import EXIT_BAD_INPUT, EXIT_OK, main

SHIPPED = "scenarios/kubernetes/three-lose-two.yaml"


def test_run_prints_a_kubernetes_section_with_etcds_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", SHIPPED, "--quiet"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "\nKubernetes:\n" in out
    assert "kubectl scale deployment web --replicas=6: failed: etcdserver: no leader" in out
    assert "worker-1 marked NotReady" in out and "Result: ok" in out


def test_run_json_carries_the_kubernetes_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "kubernetes/two-lose-one", "--json", "--quiet"]) == EXIT_OK
    summary = json.loads(capsys.readouterr().out)
    kube = summary["kubernetes"]
    assert summary["ok"] is True and kube["cluster"]["members"] == ["cp-1", "cp-2"]
    assert [k["ok"] for k in kube["kubectl"]] == [False, True]
    assert any(b - a > 60 for a, b, _ in kube["api_down"])


def test_plot_diagram_and_trace_are_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plot, drawing, trace = tmp_path / "t.png", tmp_path / "d.png", tmp_path / "t.jsonl"
    args = ["run", "kubernetes/careless-upgrade", "--quiet", "--plot", str(plot), "--diagram", str(drawing)]
    assert main([*args, "--at", "45", "--trace", str(trace)]) == EXIT_OK
    assert plot.stat().st_size > 10_000 and drawing.stat().st_size > 10_000
    assert "Cluster diagram written to" in capsys.readouterr().out
    lines = [json.loads(line) for line in trace.read_text().splitlines()]
    assert lines[0]["nodes"] == ["cp-1", "cp-2", "cp-3"]
    assert {e["node"] for e in lines if e["type"] == "crash"} == {"cp-1", "cp-2"}  # the two stopped together


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--bug", "vote-twice"], "--bug: not for a Kubernetes scenario"),
        (["--events"], "--events: not for a Kubernetes scenario"),
        (["--diagram", "x.png", "--at", "999"], "--at: must be between 0 and the run's 150 s"),
    ],
)
def test_raft_only_options_are_refused(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "kubernetes/two-lose-one", "--quiet", *extra]) == EXIT_BAD_INPUT
    assert message in capsys.readouterr().err


def test_diagram_is_only_for_kubernetes_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "leader-crash", "--diagram", "x.png"]) == EXIT_BAD_INPUT
    assert "only for Kubernetes scenarios" in capsys.readouterr().err


def test_validate_and_list_know_kubernetes_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", SHIPPED]) == EXIT_OK
    assert "Kubernetes: 3 control-plane nodes, stacked etcd" in capsys.readouterr().out
    assert main(["list"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "The Kubernetes control plane over etcd (raft-sim run NAME):" in out
    assert "  kubernetes/three-lose-two " in out


def test_a_bad_kubernetes_file_is_one_line_with_its_line_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: b\nduration_s: 10\nkubernetes:\n  control_plane: 3\nevents:\n  - {at_s: 1, crash: cp-7}\n"
    )
    assert main(["run", str(bad)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert err == "bad.yaml: line 6: events[0].crash: unknown machine 'cp-7' (did you mean 'cp-3'?)"
