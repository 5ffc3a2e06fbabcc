"""Each switchable bug has a shipped scenario in scenarios/bugs/ that shows what the rule prevents.

Every scenario switches its bug on, expects the property the bug breaks, and the run breaks exactly it: the
lesson worked, so the run is ok (exit status 0, "Result: ok (the expected violation happened: ...)"). With the
bug switched off, the same scenario breaks nothing, and the run FAILED (exit status 1): the violation it
exists to show did not happen. A violation other than the expected one fails the run too. The bug is named in
every output of a run: the JSON summary, the trace's meta line and the readable summary's banner.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from raft.api import load_scenario, parse_scenario, simulate
from raft.cli import EXIT_FAILED, EXIT_OK, main
from raft.core.bugs import Bug

ROOT = Path(__file__).resolve().parents[1]
BUG_DIR = ROOT / "scenarios" / "bugs"


def test_every_bug_has_a_scenario() -> None:
    assert {p.stem for p in BUG_DIR.glob("*.yaml")} == {bug.value for bug in Bug}


@pytest.mark.parametrize("bug", [b.value for b in Bug])
def test_bug_scenario_breaks_the_property_it_expects(bug: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = BUG_DIR / f"{bug}.yaml"
    scenario = load_scenario(path)
    assert scenario.cluster.bugs == (bug,)
    assert bug in scenario.description
    expected = [e.value for e in scenario.expect if e.check == "safety_violation"]
    assert len(expected) == 1

    assert main(["run", str(path), "--json"]) == EXIT_OK
    summary = json.loads(capsys.readouterr().out)
    assert summary["bugs"] == [bug]
    assert summary["ok"] is True and summary["expected_violations"] == expected
    assert [e["ok"] for e in summary["expectations"] if e["check"] == "safety_violation"] == [True]
    if expected[0] == "Liveness":
        assert summary["safety_violations"] == []
        assert [e["check"] for e in summary["expectations"] if not e["ok"]] == ["max_leaderless_ms_after"]
    else:
        assert [v["property"] for v in summary["safety_violations"]] == expected
        assert all(e["ok"] for e in summary["expectations"])

    assert main(["run", str(path)]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    [result_line] = [line for line in lines if line.startswith("Result:")]
    assert result_line.startswith(f"Result: ok (the expected violation happened: {expected[0]}")
    assert not [line for line in lines if "FAIL" in line]  # nothing reads as a broken tool
    if expected[0] == "Liveness":  # the broken bound is the expected violation, marked as such
        assert [line for line in lines if line.startswith("  [expected] ")] == [
            f"  [expected] max_leaderless_ms_after: {summary['expectations'][0]['detail']}"
        ]

    data = scenario.model_dump(mode="json", exclude={"source"})
    data["cluster"]["bugs"] = []
    if bug == Bug.LEASE_WITHOUT_CHECK_QUORUM.value:  # without the bug, lease reads need CheckQuorum
        data["cluster"]["check_quorum"] = True
    healthy = simulate(parse_scenario(data, str(path)), record=False, linearizability=True)
    assert healthy.violations == []
    assert all(e["ok"] for e in healthy.expectations if e["check"] != "safety_violation")
    assert not healthy.ok and healthy.summary["expected_violations"] == []  # the lesson did not happen


def test_a_lesson_whose_violation_does_not_happen_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "no-bug.yaml"
    path.write_text((BUG_DIR / "vote-twice.yaml").read_text().replace("bugs: [vote-twice]", "bugs: []"))
    assert main(["run", str(path)]) == EXIT_FAILED
    out = capsys.readouterr().out
    assert "[FAIL] safety_violation: expected a violation of Election Safety; none happened" in out
    assert out.splitlines()[-1] == "Result: FAILED"
    assert main(["run", str(path), "--json"]) == EXIT_FAILED
    assert json.loads(capsys.readouterr().out)["ok"] is False


def test_a_violation_other_than_the_expected_one_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.yaml"
    path.write_text(
        (BUG_DIR / "vote-twice.yaml")
        .read_text()
        .replace("safety_violation: Election Safety", "safety_violation: Leader Completeness")
    )
    assert main(["run", str(path), "--json"]) == EXIT_FAILED
    summary = json.loads(capsys.readouterr().out)
    assert [v["property"] for v in summary["safety_violations"]] == ["Election Safety"]
    assert summary["ok"] is False and summary["expected_violations"] == []
    assert main(["run", str(path)]) == EXIT_FAILED
    assert capsys.readouterr().out.splitlines()[-1] == "Result: FAILED"


def test_a_violation_nobody_expected_fails_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "unexpected.yaml"
    text = (BUG_DIR / "vote-twice.yaml").read_text()
    path.write_text(text.split("expect:")[0])  # the bug, without the expectation
    assert main(["run", str(path), "--json"]) == EXIT_FAILED
    summary = json.loads(capsys.readouterr().out)
    assert summary["safety_violations"] and summary["expectations"] == [] and summary["ok"] is False


def test_a_liveness_lesson_that_also_breaks_safety_fails() -> None:
    """Expecting Liveness excuses the broken liveness bound, never a safety violation."""
    data = load_scenario(BUG_DIR / "fixed-election-timeout.yaml").model_dump(mode="json", exclude={"source"})
    data["cluster"]["bugs"] = ["fixed-election-timeout", "vote-twice"]
    data["events"] = [{"at_ms": 10, "timeout": "n1"}, {"at_ms": 12, "timeout": "n2"}]
    data["expect"] = [{"max_leaderless_ms_after": [0, 5]}, {"safety_violation": "Liveness"}]
    result = simulate(parse_scenario(data), record=False)
    assert result.summary["expected_violations"] == [
        "Liveness"
    ]  # the bound broke: no leader for the first 5 ms
    assert [v["property"] for v in result.violations] == ["Election Safety"]
    assert not result.ok


#: Seeds besides each scenario's own: students run the scenarios with ``--seed``, and the story must not
#: depend on it (the timing that decides each race is scripted).
OTHER_SEEDS = (2, 3, 7)


@pytest.mark.parametrize("bug", [b.value for b in Bug])
def test_bug_scenario_breaks_its_property_at_other_seeds(bug: str) -> None:
    scenario = load_scenario(BUG_DIR / f"{bug}.yaml")
    expected = [e.value for e in scenario.expect if e.check == "safety_violation"][0]
    for seed in OTHER_SEEDS:
        result = simulate(scenario, seed=seed, record=False)
        assert [e["ok"] for e in result.expectations if e["check"] == "safety_violation"] == [True], seed
        properties = [v["property"] for v in result.violations]
        if expected == "Liveness":
            assert properties == [], seed
        else:
            assert properties[:1] == [expected], seed


def test_bug_is_named_in_trace_meta_and_banner(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace = tmp_path / "t.jsonl"
    assert main(["run", str(BUG_DIR / "vote-twice.yaml"), "--trace", str(trace)]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("!! BUGS SWITCHED ON: vote-twice")
    meta = json.loads(trace.read_text().splitlines()[0])
    assert meta["type"] == "meta" and meta["bugs"] == ["vote-twice"]


def test_bug_from_the_command_line_is_named_too(capsys: pytest.CaptureFixture[str]) -> None:
    scenario = ROOT / "scenarios" / "leader-crash.yaml"
    main(["run", str(scenario), "--json", "--bug", "no-step-down", "--duration-ms", "1000"])
    assert json.loads(capsys.readouterr().out)["bugs"] == ["no-step-down"]
    main(["run", str(scenario), "--json", "--duration-ms", "1000"])
    assert json.loads(capsys.readouterr().out)["bugs"] == []


def test_the_readme_quotes_the_result_line_a_bug_lesson_prints(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert main(["run", "bugs/vote-twice"]) == EXIT_OK
    result_line = capsys.readouterr().out.splitlines()[-1]
    assert (
        result_line
        == "Result: ok (the expected violation happened: Election Safety at 22.0 ms on n1, n2 (term 1))"
    )
    assert f"`{result_line}`" in " ".join(readme.split())
