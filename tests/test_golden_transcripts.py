"""Behaviour shown as transcripts: each file in tests/golden/ runs scenarios and holds the transcripts they must
produce (raft.analysis.transcript), in the manner of etcd's data-driven interaction tests.

A file is a list of blocks separated by blank lines. A block is ``#`` comment lines saying what to read in it,
a directive, a ``----`` line, and the expected transcript::

    # The leader of term 8 gets the votes of a, b, e and f.
    transcript figure-7 to_ms=80 no-sends
    ----
          0.0 ms  ldr election timeout (term 7)
    ...

The directive names a shipped scenario (as ``raft-sim run`` accepts it: ``figure-7``, ``bugs/vote-twice``),
optionally ``seed=N`` and ``duration_ms=MS``, then transcript options (``raft.analysis.transcript.parse_options``:
a window, nodes, which messages). ``pytest --update-golden`` rewrites the expected transcripts from the runs,
keeping the comments and directives; a reviewer reads the diff. Without it, a difference fails with a diff.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pytest

from raft.analysis.transcript import parse_options, transcript
from raft.api import Result, simulate
from raft.cli.paths import find_scenario
from raft.core.bugs import Bug

GOLDEN = Path(__file__).resolve().parent / "golden"
FILES = sorted(GOLDEN.rglob("*.txt"))
SEPARATOR = "----"
RUN_KEYS = ("seed", "duration_ms")


@dataclass(frozen=True)
class Block:
    comments: tuple[str, ...]
    directive: str
    expected: str


def parse_golden(text: str, name: str) -> list[Block]:
    """The blocks of a golden file (a malformed file fails with its name and line)."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        comments: list[str] = []
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith("#")):
            if lines[i].startswith("#"):
                comments.append(lines[i])
            i += 1
        if i == len(lines):
            break
        directive = lines[i]
        if not directive.startswith("transcript ") or i + 1 >= len(lines) or lines[i + 1] != SEPARATOR:
            raise ValueError(
                f"{name}: line {i + 1}: expected 'transcript SCENARIO ...' and a '{SEPARATOR}' line"
            )
        i += 2
        expected: list[str] = []
        while i < len(lines) and lines[i].strip():
            expected.append(lines[i])
            i += 1
        blocks.append(Block(tuple(comments), directive, "".join(line + "\n" for line in expected)))
    return blocks


def format_golden(blocks: list[Block]) -> str:
    return "\n".join(
        "".join(line + "\n" for line in (*b.comments, b.directive, SEPARATOR)) + b.expected for b in blocks
    )


_runs: dict[tuple[str, ...], Result] = {}


def render(directive: str) -> str:
    """The transcript a directive asks for (each distinct run simulated once per test session)."""
    _, scenario, *words = directive.split()
    run_words = tuple(w for w in words if w.partition("=")[0] in RUN_KEYS)
    if (scenario, *run_words) not in _runs:
        given = dict(w.split("=", 1) for w in run_words)
        _runs[(scenario, *run_words)] = simulate(
            find_scenario(scenario),
            seed=int(given["seed"]) if "seed" in given else None,
            duration_ms=float(given["duration_ms"]) if "duration_ms" in given else None,
        )
    options = parse_options(" ".join(w for w in words if w not in run_words))
    return transcript(_runs[(scenario, *run_words)].recorded_events(), options)


def test_the_lessons_have_golden_transcripts() -> None:
    names = {p.relative_to(GOLDEN).with_suffix("").as_posix() for p in FILES}
    assert {"figure-7", "figure-8", "old-leader-minority", "split-brain-4"} <= names
    assert {f"bugs/{bug.value}" for bug in Bug} <= names  # every bug lesson, up to its violation


def test_every_paper_versus_extension_scenario_has_a_golden_block() -> None:
    shipped = {f"etcd/{p.stem}" for p in (GOLDEN.parents[1] / "scenarios" / "etcd").glob("*.yaml")}
    directed = {
        b.directive.split()[1] for p in FILES for b in parse_golden(p.read_text(encoding="utf-8"), p.name)
    }
    assert shipped, "no scenarios/etcd/*.yaml found"
    assert shipped <= directed


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(GOLDEN).with_suffix("").as_posix())
def test_golden_transcript(path: Path, request: pytest.FixtureRequest) -> None:
    blocks = parse_golden(path.read_text(encoding="utf-8"), path.name)
    assert blocks, f"{path.name}: no blocks"
    actual = [Block(b.comments, b.directive, render(b.directive)) for b in blocks]
    if request.config.getoption("--update-golden"):
        path.write_text(format_golden(actual), encoding="utf-8")
        return
    diff = golden_diff(blocks, actual)
    if diff:
        pytest.fail(
            f"{path.name}: the transcript changed (pytest --update-golden rewrites it; read the diff):\n"
            + diff,
            pytrace=False,
        )


def golden_diff(expected: list[Block], actual: list[Block]) -> str:
    """Each block whose transcript differs: its directive and a unified diff (``""``: none differs)."""
    diffs = []
    for want, got in zip(expected, actual, strict=True):
        if want.expected != got.expected:
            diffs.append(
                want.directive
                + "\n"
                + "".join(
                    difflib.unified_diff(
                        want.expected.splitlines(keepends=True),
                        got.expected.splitlines(keepends=True),
                        "expected",
                        "actual",
                        n=2,
                    )
                )
            )
    return "\n".join(diffs)


def test_parse_and_format_are_inverse() -> None:
    text = "# a comment\ntranscript figure-7 to_ms=10\n----\n  0.0 ms  x\n  1.0 ms  y\n\ntranscript figure-8\n----\n"
    blocks = parse_golden(text, "t.txt")
    assert [b.directive for b in blocks] == ["transcript figure-7 to_ms=10", "transcript figure-8"]
    assert blocks[0].comments == ("# a comment",) and blocks[0].expected == "  0.0 ms  x\n  1.0 ms  y\n"
    assert format_golden(blocks) == text


def test_a_changed_transcript_is_shown_as_a_diff() -> None:
    want = parse_golden("transcript figure-7\n----\n  0.0 ms  a\n  1.0 ms  b\n  2.0 ms  c\n", "t.txt")
    got = [Block((), "transcript figure-7", "  0.0 ms  a\n  1.0 ms  B\n  2.0 ms  c\n")]
    diff = golden_diff(want, got)
    assert diff.startswith("transcript figure-7\n--- expected\n+++ actual\n")
    assert "\n-  1.0 ms  b\n+  1.0 ms  B\n" in diff
    assert golden_diff(want, want) == ""


def test_a_malformed_file_names_its_line() -> None:
    with pytest.raises(ValueError, match=r"t.txt: line 2: expected 'transcript SCENARIO"):
        parse_golden("# c\nfigure-7\n----\n", "t.txt")


def test_a_directive_may_set_the_seed_and_duration() -> None:
    run = simulate(find_scenario("leader-crash"), seed=5, duration_ms=400)
    expected = transcript(run.recorded_events(), parse_options("no-sends to_ms=300"))
    assert render("transcript leader-crash seed=5 duration_ms=400 no-sends to_ms=300") == expected
    assert expected != render("transcript leader-crash seed=6 duration_ms=400 no-sends to_ms=300")
