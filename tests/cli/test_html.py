"""``raft-sim html`` and ``raft-sim run --html``: the player file of a trace or a run, one-line errors, no stray
files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from raft.cli import main
from raft.player import encode
from raft.sim.trace import read_trace

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "leader-crash.yaml"


def embedded(html: str) -> dict:
    found = re.search(r'<script id="trace" type="application/json">(.*?)</script>', html, re.DOTALL)
    assert found is not None
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def trace_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("trace") / "run.jsonl"
    assert main(["run", str(SCENARIO), "--duration-ms", "800", "--trace", str(path), "--json"]) in (0, 1)
    return path


def test_html_writes_the_player_of_the_trace(trace_file, tmp_path, capsys):
    out = tmp_path / "run.html"
    assert main(["html", str(trace_file), "-o", str(out)]) == 0
    assert f"Player written to {out}" in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert embedded(html) == json.loads(json.dumps(encode(read_trace(trace_file))))
    assert not re.search(r'<(script|link)[^>]+(src|href)="(?!data:)', html)  # nothing loaded from elsewhere


def test_run_html_writes_the_same_player_as_html_of_its_trace(tmp_path, capsys):
    trace, page = tmp_path / "run.jsonl", tmp_path / "run.html"
    args = ["run", str(SCENARIO), "--duration-ms", "600", "--quiet"]
    assert main([*args, "--html", str(page), "--trace", str(trace)]) in (0, 1)
    assert f"Player written to {page}" in capsys.readouterr().out
    again = tmp_path / "again.html"
    assert main(["html", str(trace), "-o", str(again)]) == 0
    assert page.read_text(encoding="utf-8") == again.read_text(encoding="utf-8")


def test_missing_or_corrupt_trace_and_bad_output_are_one_line_and_no_file(tmp_path, capsys, trace_file):
    out = tmp_path / "o.html"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    assert main(["html", str(tmp_path / "none.jsonl"), "-o", str(out)]) == 2
    assert main(["html", str(bad), "-o", str(out)]) == 2
    assert main(["html", str(trace_file), "-o", str(tmp_path / "no-dir" / "o.html")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 3
    assert not out.exists()
    assert main(["run", str(SCENARIO), "--html", str(tmp_path / "no-dir" / "o.html")]) == 2


def test_the_readmes_player_commands_work(tmp_path, monkeypatch, capsys):
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The player: see it move", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None
    monkeypatch.chdir(tmp_path)
    commands = [shlex.split(line.split("#", 1)[0]) for line in block.group(1).splitlines() if line.strip()]
    assert [c[:2] for c in commands] == [["raft-sim", "run"], ["raft-sim", "run"], ["raft-sim", "html"]]
    for command in commands:
        assert main(command[1:]) == 0, command
    for page in ("run.html", "olm.html"):
        assert embedded((tmp_path / page).read_text(encoding="utf-8"))["meta"]["type"] == "meta"
    assert "docs/img/player-old-leader-minority.png" in section
    assert (ROOT / "docs" / "img" / "player-old-leader-minority.png").stat().st_size > 10_000


def test_run_html_refuses_a_kubernetes_scenario_and_says_what_works(tmp_path, capsys):
    page = tmp_path / "k.html"
    assert (
        main(["run", str(ROOT / "scenarios" / "kubernetes" / "rolling-upgrade.yaml"), "--html", str(page)])
        == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--trace" in err and "raft-sim html" in err
    assert not page.exists()
