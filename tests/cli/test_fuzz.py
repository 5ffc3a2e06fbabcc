"""``raft-sim fuzz``: exit 0 when every seed passes, 1 with a reproducer when one fails, 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from raft.cli import main
from raft.core.bugs import BUG_HELP, Bug


def test_list_bugs_one_per_line_name_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fuzz", "--list-bugs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [bug.value for bug in Bug]
    assert lines[0] == f"{Bug.COMMIT_OLD_TERM.value}: {BUG_HELP[Bug.COMMIT_OLD_TERM]}"


def test_clean_seeds_exit_0_with_throughput(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["fuzz", "--seeds", "1-4", "--sizes", "3", "--jobs", "1", "--quiet", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "Ran 4 seeds in" in captured.out and "seeds/s" in captured.out
    assert "All 4 seeds passed" in captured.out
    assert captured.err == ""  # --quiet: no progress bar
    assert not out.exists()


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fuzz", "--seeds", "1-2", "--sizes", "3", "--jobs", "1", "--out", str(tmp_path / "o")]) == 0
    assert capsys.readouterr().err == ""  # the sweep's rule: a bar only on a terminal


def test_failure_exits_1_and_writes_a_replayable_reproducer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "failures"
    args = [
        "fuzz",
        "--seeds",
        "1-30",
        "--sizes",
        "3",
        "--bug",
        "vote-twice",
        "--jobs",
        "1",
        "--quiet",
        "--out",
        str(out),
    ]
    assert main(args) == 1
    text = capsys.readouterr().out
    assert "FAILURE at seed" in text and "property: Election Safety" in text and "term:" in text
    assert "None" not in text  # an unknown index is left out, not printed as Python's None
    assert "Last events before it" in text and '"type": "role"' in text
    # One run throughout: the header names the shrunk reproducer's violation, the one the last events end with.
    header = next(line for line in text.splitlines() if line.startswith("FAILURE at seed"))
    last = json.loads(next(line for line in reversed(text.splitlines()) if '"type": "violation"' in line))
    assert f"at {last['t_ms']:.1f} ms on {', '.join(last['nodes'])} (term {last['term']})" in header
    assert "original run at seed" in text
    [path] = list(out.glob("*.yaml"))
    assert f"Reproducer: {path}" in text and "replays it" in text
    # the reproducer expects the violation it shows: its replay is the lesson working (exit 0), not a failure
    assert main(["run", str(path)]) == 0
    replayed = capsys.readouterr().out
    assert "SAFETY VIOLATED: Election Safety" in replayed
    assert replayed.splitlines()[-1].startswith(
        "Result: ok (the expected violation happened: Election Safety at "
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seeds", "abc"], "--seeds: expected A-B or N"),
        (["--seeds", "9-3"], "--seeds: expected 0 <= A <= B"),
        (["--sizes", "3,x"], "--sizes:"),
        (["--sizes", "12"], "--sizes: values run from 1 to 11"),
        (["--seeds", "1,5-x"], "--seeds: expected A-B or N, or a comma-separated mix"),
        (["--faults", "crash,fire"], "--faults: unknown fault type 'fire'"),
        (["--bug", "figure8"], "--bug: unknown bug 'figure8'"),
        (["--jobs", "0"], "--jobs: must be at least 1"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fuzz", "--quiet", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_out_must_be_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["fuzz", "--seeds", "1", "--quiet", "--out", str(blocker)]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_one_seed_is_counted_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["fuzz", "--seeds", "1", "--sizes", "3", "--jobs", "1", "--quiet", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Ran 1 seed in" in printed and "All 1 seed passed" in printed
