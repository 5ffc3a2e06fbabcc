"""Bad input through the command line: exit status 2, one line on stderr naming the file (and the line where
known), never a traceback, nothing on stdout and no output file left behind.

The malformed scenarios are the scenario corpus (tests/scenario/bad/*.yaml, each stating its message on line 1),
run through ``raft-sim run`` and ``raft-sim validate``; the CLI-level cases are added here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from raft.cli import main

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted((ROOT / "tests" / "scenario" / "bad").glob("*.yaml"))
GOOD = ROOT / "scenarios" / "leader-crash.yaml"


def expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    return f"{path.name}: {first.removeprefix('# expect: ')}"


def bad(args: Sequence[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the CLI, assert the bad-input contract, return the one line on stderr."""
    try:
        status = main(list(args))
    except SystemExit as stop:  # argparse usage errors leave through sys.exit
        status = stop.code  # type: ignore[assignment]
    out, err = capsys.readouterr()
    assert status == 2, (status, out, err)
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.rstrip("\n")


def test_corpus_is_there() -> None:
    assert len(CORPUS) >= 50


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_malformed_scenario_through_run(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = tmp_path / "trace.jsonl"
    assert bad(["run", str(path), "--json", "--trace", str(trace)], capsys) == expected(path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", CORPUS[:20], ids=lambda p: p.stem)
def test_malformed_scenario_through_validate(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bad(["validate", str(path)], capsys) == expected(path)


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("")
    assert bad(["run", str(path)], capsys).startswith("empty.yaml: ")


def test_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = bad(["run", str(tmp_path)], capsys)
    assert line == f"{tmp_path}: is a directory, not a scenario file"  # the path as given


def test_binary_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "blob.yaml"
    path.write_bytes(bytes(range(256)) * 4)
    assert bad(["run", str(path)], capsys).startswith("blob.yaml: ")


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "nope.yaml" in bad(["run", str(tmp_path / "nope.yaml")], capsys)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--seed", "abc"], "--seed"),
        (["--duration-ms", "-5"], "--duration-ms"),
        (["--duration-ms", "nan"], "--duration-ms"),
        (["--bug", "figure8"], "--bug"),
        (["--no-such-option"], "unrecognized arguments"),
    ],
)
def test_bad_run_options(
    args: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = tmp_path / "t.jsonl"
    assert needle in bad(["run", str(GOOD), "--trace", str(trace), *args], capsys)
    assert not trace.exists()


def test_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert "invalid choice" in bad(["frobnicate"], capsys)


def _trace(tmp_path: Path) -> Path:
    path = tmp_path / "good.jsonl"
    assert main(["run", str(GOOD), "--duration-ms", "500", "--trace", str(path), "--json"]) in (0, 1)
    return path


CORRUPT_TRACES = {
    "empty": "",
    "not-json": "this is not json\n",
    "no-meta": '{"t_ms": 0, "type": "role", "node": "n1", "role": "follower", "term": 0}\n',
    "wrong-schema": '{"t_ms": 0, "type": "meta", "schema": 999, "nodes": ["n1"]}\n',
    "list-line": "[1, 2, 3]\n",
}


@pytest.mark.parametrize("kind", sorted(CORRUPT_TRACES))
def test_corrupt_trace_given_to_plot(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / f"{kind}.jsonl"
    path.write_text(CORRUPT_TRACES[kind])
    output = tmp_path / "out.png"
    assert f"{kind}.jsonl" in bad(["plot", str(path), "-o", str(output)], capsys)
    assert not output.exists()


def test_truncated_trace_given_to_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    good = _trace(tmp_path)
    capsys.readouterr()
    lines = good.read_text().splitlines()
    broken = tmp_path / "truncated.jsonl"
    broken.write_text("\n".join(lines[:5]) + "\n" + lines[5][: len(lines[5]) // 2] + "\n")
    json.loads(lines[0])  # the meta line itself is fine
    output = tmp_path / "out.png"
    line = bad(["plot", str(broken), "-o", str(output)], capsys)
    assert "truncated.jsonl" in line and "line 6" in line
    assert not output.exists()


def test_binary_trace_given_to_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "blob.jsonl"
    path.write_bytes(bytes(range(256)))
    assert "blob.jsonl" in bad(["plot", str(path), "-o", str(tmp_path / "o.png")], capsys)
