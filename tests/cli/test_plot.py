"""``raft-sim plot`` and ``raft-sim run --plot``: pictures from traces, one-line errors, no stray files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from raft.cli import main
from raft.sim.trace import read_trace

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "leader-crash.yaml"


@pytest.fixture(scope="module")
def trace_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("trace") / "run.jsonl"
    assert main(["run", str(SCENARIO), "--duration-ms", "2000", "--trace", str(path), "--json"]) in (0, 1)
    return path


@pytest.mark.parametrize("kind", ["timeline", "messages", "logs", "topology"])
def test_each_kind_writes_a_picture_of_the_trace(trace_file, tmp_path, kind, capsys):
    out = tmp_path / f"{kind}.svg"
    assert main(["plot", str(trace_file), "--kind", kind, "-o", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("<?xml")
    assert "leader-crash" in text  # the title names the scenario
    assert f"written to {out}" in capsys.readouterr().out


def test_timeline_svg_names_every_node(trace_file, tmp_path):
    out = tmp_path / "t.svg"
    assert main(["plot", str(trace_file), "-o", str(out), "--from-ms", "1400", "--to-ms", "1900"]) == 0
    nodes = read_trace(trace_file)[0]["nodes"]
    text = out.read_text()
    assert all(f"lane:{n}" in text for n in nodes)  # the lanes keep their gid in SVG


@pytest.mark.parametrize("content", ["", "not json\n", '{"t_ms": 0, "type": "role"}\n'])
def test_corrupt_trace_is_one_line_and_no_file(tmp_path, capsys, content):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content)
    out = tmp_path / "out.png"
    assert main(["plot", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.jsonl" in err
    assert not out.exists()


def test_missing_trace_and_bad_output(tmp_path, capsys, trace_file):
    assert main(["plot", str(tmp_path / "none.jsonl"), "-o", str(tmp_path / "o.png")]) == 2
    assert main(["plot", str(trace_file), "-o", str(tmp_path / "o.gif")]) == 2
    assert (
        main(["plot", str(trace_file), "--kind", "logs", "--from-ms", "3", "-o", str(tmp_path / "o.png")])
        == 2
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["logs", "topology"])
def test_at_ms_past_the_end_gets_a_one_line_note(trace_file, tmp_path, capsys, kind):
    end = read_trace(trace_file)[-1]["t_ms"]
    out = tmp_path / "late.png"
    assert main(["plot", str(trace_file), "--kind", kind, "--at-ms", str(end + 5000), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "past the end of the run" in err and f"{end:g} ms" in err
    assert out.exists()
    assert main(["plot", str(trace_file), "--kind", kind, "--at-ms", str(end), "-o", str(out)]) == 0
    assert capsys.readouterr().err == ""


def test_run_plot_writes_a_timeline(tmp_path):
    out = tmp_path / "t.png"
    assert main(["run", str(SCENARIO), "--duration-ms", "1000", "--plot", str(out), "--json"]) in (0, 1)
    assert out.read_bytes().startswith(b"\x89PNG")


def test_run_plot_bad_extension_fails_before_running(tmp_path, capsys):
    assert main(["run", str(SCENARIO), "--plot", str(tmp_path / "t.gif")]) == 2
    assert "unsupported figure format" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_run_path_imports_neither_matplotlib_nor_pandas(tmp_path):
    code = (
        "import sys; from raft.cli import main; "
        f"main(['run', {str(SCENARIO)!r}, '--duration-ms', '300', '--json']); "
        "print(sorted(m for m in ('matplotlib', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.fixture(scope="module")
def large_trace(tmp_path_factory):
    """A 12-node run (a large cluster) whose leader crashes."""
    directory = tmp_path_factory.mktemp("large")
    scenario = directory / "large.yaml"
    scenario.write_text(
        "name: large\nseed: 1\nduration_ms: 1500\ncluster: {size: 12}\n"
        "events:\n  - {at_ms: 700, crash: leader}\n",
        encoding="utf-8",
    )
    path = directory / "large.jsonl"
    assert main(["run", str(scenario), "--trace", str(path), "--json"]) in (0, 1)
    return path


def test_plot_all_nodes_and_nodes_choose_what_is_drawn(large_trace, tmp_path):
    summarised, full = tmp_path / "t.svg", tmp_path / "all.svg"
    assert main(["plot", str(large_trace), "-o", str(summarised)]) == 0
    assert main(["plot", str(large_trace), "--all-nodes", "-o", str(full)]) == 0
    assert "lane:quiet" in summarised.read_text() and "lane:quiet" not in full.read_text()
    assert all(f'id="lane:n{i}"' in full.read_text() for i in range(1, 13))
    messages = tmp_path / "m.svg"
    assert (
        main(["plot", str(large_trace), "--kind", "messages", "--nodes", "n2,n5", "-o", str(messages)]) == 0
    )
    assert "10 others" in messages.read_text()
    logs = tmp_path / "l.svg"
    assert main(["plot", str(large_trace), "--kind", "logs", "--nodes", "n3", "-o", str(logs)]) == 0
    assert "11 other nodes not shown" in logs.read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--kind", "logs", "--all-nodes"], "--all-nodes: not used by --kind logs"),
        (["--kind", "timeline", "--nodes", "n1"], "--nodes: not used by --kind timeline"),
        (["--kind", "messages", "--nodes", "n1,n77"], "nodes: unknown node n77"),
    ],
)
def test_plot_node_options_are_checked(large_trace, tmp_path, capsys, args, message):
    out = tmp_path / "x.png"
    assert main(["plot", str(large_trace), *args, "-o", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_run_all_nodes_needs_plot(capsys, tmp_path):
    assert main(["run", str(SCENARIO), "--all-nodes"]) == 2
    assert "--all-nodes: only with --plot" in capsys.readouterr().err
    out = tmp_path / "t.svg"
    assert main(["run", str(SCENARIO), "--duration-ms", "500", "--plot", str(out), "--all-nodes"]) in (0, 1)
    assert out.exists()
