"""Tests for raft/scenario/schema.py, events.py and expectations.py: defaults, normal forms and invariants.

Bad input is covered file by file in test_loader.py (the tests/scenario/bad/ corpus); here each rule is
pinned with the exact message it gives when it matters for the model itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from raft.errors import ScenarioError
from raft.scenario import (
    Action,
    ClusterConfig,
    Event,
    Expectation,
    InitialState,
    NetworkConfig,
    Scenario,
    StorageConfig,
    When,
    WorkloadConfig,
    load_scenario,
    parse_scenario,
    schema,
)
from raft.scenario.overrides import apply_overrides

HERE = Path(__file__).parent


def scenario(**extra: Any) -> dict[str, Any]:
    """A valid YAML-form mapping (three nodes, five seconds) with ``extra`` keys merged in."""
    data: dict[str, Any] = {"name": "t", "duration_ms": 5000, "cluster": {"size": 3}}
    data.update(extra)
    return data


def error_of(data: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    return str(caught.value)


def test_minimal_file_takes_every_documented_default() -> None:
    s = load_scenario(HERE / "minimal.yaml")
    assert (s.name, s.description, s.seed, s.duration_ms, s.source) == (
        "minimal",
        "",
        0,
        2000.0,
        "minimal.yaml",
    )
    assert s.cluster == ClusterConfig(
        size=3,
        nodes=None,
        election_timeout_ms=(150.0, 300.0),
        heartbeat_ms=50.0,
        leader_noop=True,
        max_entries_per_append=64,
        initial_state={},
        bugs=(),
    )
    assert s.cluster.node_ids == ("n1", "n2", "n3")
    assert s.network == NetworkConfig(
        latency_ms=(5.0, 10.0), drop_rate=0.0, duplicate_rate=0.0, reorder_ms=0.0
    )
    assert s.storage == StorageConfig(write_ms=0.0)
    assert s.workload == WorkloadConfig(
        clients=1, writes_per_s=0.0, reads_per_s=0.0, stop_ms=None, timeout_ms=500.0, max_backoff_ms=4000.0
    )
    assert s.workload.effective_stop_ms(s.duration_ms) == 1600.0  # 80 % of the run
    assert (s.events, s.expect) == ((), ())


def test_leader_crash_example_parses_to_the_values_it_states() -> None:
    s = load_scenario(HERE / "leader-crash.yaml")
    assert s.source == "leader-crash.yaml"
    assert (s.name, s.seed, s.duration_ms) == ("leader-crash", 1, 5000.0)
    assert s.description.startswith("The leader crashes;")
    assert s.cluster.node_ids == ("n1", "n2", "n3", "n4", "n5")
    assert s.cluster.initial_state == {
        "n1": InitialState(term=7, voted_for=None, log=(1, 1, 1, 4, 4, 5, 5, 6, 6, 6))
    }
    assert s.network.latency_ms == (5.0, 10.0)
    assert s.workload.writes_per_s == 20.0
    assert s.workload.effective_stop_ms(s.duration_ms) == 4000.0
    e = s.events
    assert [event.index for event in e] == list(range(9))
    assert [event.action for event in e] == [
        Action.CRASH,
        Action.RESTART,
        Action.PARTITION,
        Action.HEAL,
        Action.ISOLATE,
        Action.CUT,
        Action.TIMEOUT,
        Action.WRITE,
        Action.ISOLATE,
    ]
    assert (e[0].at_ms, e[0].target) == (1000.0, "leader")
    assert e[2].groups == (("n1", "n2"), ("n3", "n4", "n5"))
    assert (e[3].target, e[3].groups, e[3].link, e[3].command) == (None, (), None, None)
    assert e[5].link == ("n1", "n2")
    assert (e[7].command, e[7].to) == ("x=1", None)
    assert e[8] == Event(index=8, action=Action.ISOLATE, when=When(leader="n5"), after_ms=5.0, target="n5")
    assert s.expect == (Expectation(check="leader_elected_within_ms", value=1000.0),)


def test_scenario_and_its_parts_are_frozen() -> None:
    s = parse_scenario(scenario())
    with pytest.raises(ValidationError):
        s.name = "other"
    with pytest.raises(ValidationError):
        s.cluster.size = 9


def test_model_dump_parses_back_to_the_same_scenario() -> None:
    s = load_scenario(HERE / "leader-crash.yaml")
    assert parse_scenario(s.model_dump(mode="json"), s.source) == s
    assert "source" not in s.model_dump()


def test_named_nodes_keep_their_order() -> None:
    s = parse_scenario(scenario(cluster={"nodes": ["east", "west", "north-1", "s_2"]}))
    assert s.cluster.node_ids == ("east", "west", "north-1", "s_2")
    assert s.cluster.size is None


@pytest.mark.parametrize("size", [1, 101])
def test_sizes_at_the_limits_are_accepted(size: int) -> None:
    assert len(parse_scenario(scenario(cluster={"size": size})).cluster.node_ids) == size


def test_equal_timeout_bounds_mean_no_randomization() -> None:
    s = parse_scenario(scenario(cluster={"size": 3, "election_timeout_ms": [150, 150]}))
    assert s.cluster.election_timeout_ms == (150.0, 150.0)


def test_timeout_equal_to_heartbeat_is_refused() -> None:
    message = error_of(scenario(cluster={"size": 3, "heartbeat_ms": 150, "election_timeout_ms": [150, 300]}))
    assert message == (
        "<scenario>: cluster.election_timeout_ms: low 150 must be greater than heartbeat_ms 150 "
        "(followers would time out between heartbeats)"
    )


def test_a_latency_number_is_a_constant() -> None:
    assert parse_scenario(scenario(network={"latency_ms": 7})).network.latency_ms == (7.0, 7.0)
    assert parse_scenario(scenario(network={"latency_ms": 0})).network.latency_ms == (0.0, 0.0)


def test_explicit_stop_time() -> None:
    s = parse_scenario(scenario(workload={"stop_ms": 1234}))
    assert s.workload.effective_stop_ms(s.duration_ms) == 1234.0
    assert s.workload.effective_stop_ms(10_000) == 1234.0
    assert WorkloadConfig().effective_stop_ms(10_000) == 8000.0


def test_unlisted_nodes_form_one_more_partition_group() -> None:
    events = [
        {"at_ms": 1, "partition": [["n1"], ["n3"]]},
        {"at_ms": 2, "partition": [["n1", "n2", "n3"]]},
        {"at_ms": 3, "partition": [["n5", "n1"]]},
    ]
    s = parse_scenario(scenario(cluster={"size": 5}, events=events))
    assert s.events[0].groups == (("n1",), ("n3",), ("n2", "n4", "n5"))
    assert s.events[1].groups == (("n1", "n2", "n3"), ("n4", "n5"))
    assert s.events[2].groups == (("n5", "n1"), ("n2", "n3", "n4"))


def test_every_partition_covers_every_node_once() -> None:
    s = parse_scenario(
        scenario(cluster={"size": 4}, events=[{"at_ms": 1, "partition": [["n1", "n2"], ["n3", "n4"]]}])
    )
    assert s.events[0].groups == (("n1", "n2"), ("n3", "n4"))


@pytest.mark.parametrize("action", ["crash", "isolate", "timeout"])
@pytest.mark.parametrize("role", ["leader", "follower"])
def test_leader_and_follower_are_targets_for_crash_isolate_and_timeout(action: str, role: str) -> None:
    event = parse_scenario(scenario(events=[{"at_ms": 0, action: role}])).events[0]
    assert (event.action, event.target) == (Action(action), role)


@pytest.mark.parametrize(
    "link", [["leader", "follower"], ["follower", "leader"], ["leader", "n2"], ["n1", "follower"]]
)
def test_leader_and_follower_are_ends_of_a_cut(link: list[str]) -> None:
    event = parse_scenario(scenario(events=[{"at_ms": 0, "cut": link}])).events[0]
    assert (event.action, event.link) == (Action.CUT, tuple(link))


@pytest.mark.parametrize("role", ["leader", "follower"])
def test_leader_and_follower_are_a_writes_to(role: str) -> None:
    event = parse_scenario(scenario(events=[{"at_ms": 0, "write": "x=1", "to": role}])).events[0]
    assert (event.action, event.to) == (Action.WRITE, role)


def test_crashed_is_a_target_for_restart_only() -> None:
    event = parse_scenario(scenario(events=[{"at_ms": 0, "restart": "crashed"}])).events[0]
    assert (event.action, event.target) == (Action.RESTART, "crashed")
    for action in ("crash", "isolate", "timeout"):
        assert error_of(scenario(events=[{"at_ms": 0, action: "crashed"}])) == (
            f"<scenario>: events[0].{action}: 'crashed' is not allowed here "
            "(it names the node crashed most recently only in restart)"
        )


def test_transfer_takes_a_node_or_follower_never_leader_or_crashed() -> None:
    for target in ("n2", "follower"):
        event = parse_scenario(scenario(events=[{"at_ms": 0, "transfer": target}])).events[0]
        assert (event.action, event.target) == (Action.TRANSFER, target)
    for word in ("leader", "crashed"):
        assert error_of(scenario(events=[{"at_ms": 0, "transfer": word}])) == (
            "<scenario>: events[0].transfer: transfer takes the node to hand leadership to, or 'follower' (a live "
            f"follower), not '{word}' (the leader transfers leadership to another server)"
        )


@pytest.mark.parametrize("role", ["leader", "follower"])
def test_leader_and_follower_are_not_targets_for_restart(role: str) -> None:
    assert error_of(scenario(events=[{"at_ms": 0, "restart": role}])) == (
        "<scenario>: events[0].restart: restart takes a node or 'crashed' (the node crashed most recently), "
        f"not '{role}' (a live node)"
    )


@pytest.mark.parametrize(
    ("event", "where"),
    [
        ({"partition": [["n1"], ["follower"]]}, "partition[1]"),
        ({"heal": "follower"}, "heal"),
        ({"heal": ["n1", "leader"]}, "heal"),
        ({"when": {"leader": "follower"}, "crash": "n1"}, "when.leader"),
    ],
)
def test_role_words_are_refused_where_no_role_is_meant(event: dict[str, Any], where: str) -> None:
    timed = event if "when" in event else {"at_ms": 0, **event}
    message = error_of(scenario(events=[timed]))
    assert message.startswith(f"<scenario>: events[0].{where}: '")
    assert "' is not allowed here (it names " in message


@pytest.mark.parametrize("word", ["leader", "follower", "crashed"])
def test_role_words_are_reserved_node_names(word: str) -> None:
    assert error_of(scenario(cluster={"nodes": ["a", word]})) == (
        f"<scenario>: cluster.nodes[1]: '{word}' is reserved (in events it names a node by its role)"
    )


@pytest.mark.parametrize(
    ("value", "target", "link"),
    [(True, None, None), ("n2", "n2", None), (["n1", "n3"], None, ("n1", "n3"))],
)
def test_heal_everything_one_node_or_one_link(
    value: Any, target: str | None, link: tuple[str, str] | None
) -> None:
    event = parse_scenario(scenario(events=[{"at_ms": 0, "heal": value}])).events[0]
    assert (event.action, event.target, event.link) == (Action.HEAL, target, link)


def test_heal_round_trips_through_the_model_form() -> None:
    s = parse_scenario(
        scenario(
            events=[
                {"at_ms": 0, "heal": "n2"},
                {"at_ms": 1, "heal": ["n1", "n3"]},
                {"at_ms": 2, "heal": True},
            ]
        )
    )
    assert parse_scenario(s.model_dump(mode="json")).events == s.events


def test_heal_takes_a_node_or_a_link_not_both() -> None:
    event = {"action": "heal", "at_ms": 0, "target": "n1", "link": ["n1", "n2"]}
    assert (
        error_of(scenario(events=[event]))
        == "<scenario>: events[0].link: heal takes a node or a link, not both"
    )


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            {"partition": ["n1", "n2"]},
            "partition: expected a list of groups, such as [[n1, n2], [n3]], got ['n1', 'n2']",
        ),
        ({"partition": "n1"}, "partition: expected a list of groups, such as [[n1, n2], [n3]], got 'n1'"),
        ({"cut": "n1"}, "cut: expected [from, to], such as [n1, n2] (cuts n1 -> n2), got 'n1'"),
        (
            {"cut": [["n1", "n2"]]},
            "cut: expected [from, to], such as [n1, n2] (cuts n1 -> n2), got [['n1', 'n2']]",
        ),
        (
            {"cut": ["n1", "n2", "n3"]},
            "cut: expected [from, to], such as [n1, n2] (cuts n1 -> n2), got ['n1', 'n2', 'n3']",
        ),
        (
            {"heal": ["n1"]},
            "heal: expected true (heal everything), a node such as n1 (every cut touching it) "
            "or a link such as [n1, n2] (both directions), got ['n1']",
        ),
    ],
)
def test_wrong_shapes_are_told_with_a_correct_example(event: dict[str, Any], message: str) -> None:
    assert error_of(scenario(events=[{"at_ms": 0, **event}])) == f"<scenario>: events[0].{message}"


@pytest.mark.parametrize("command", ["x=1", "-x", "key.a=hello world", "x=", "k=a=b"])
def test_write_commands_accepted(command: str) -> None:
    event = parse_scenario(scenario(events=[{"at_ms": 5000, "write": command, "to": "n2"}])).events[0]
    assert (event.command, event.to, event.at_ms) == (command, "n2", 5000.0)


@pytest.mark.parametrize("command", ["x", "=1", "-", "-x=1", "x y=1", "", "x=a\nb", "?x"])
def test_write_commands_refused(command: str) -> None:
    assert error_of(scenario(events=[{"at_ms": 1, "write": command}])) == (
        f'<scenario>: events[0].write: expected "key=value" (set) or "-key" (delete), got {command!r}'
    )


def test_trigger_with_delay() -> None:
    event = parse_scenario(
        scenario(events=[{"when": {"leader": "n2"}, "after_ms": 5, "timeout": "n2"}])
    ).events[0]
    assert (event.at_ms, event.when, event.after_ms, event.target) == (None, When(leader="n2"), 5.0, "n2")


def test_expectation_values_are_normalized() -> None:
    expect = [
        {"leader_elected_within_ms": 1000},
        {"max_leaderless_ms": 250.5},
        {"no_leader_between_ms": [100, 200]},
        {"no_commit_between_ms": [0, 5000]},
        {"final_leader_in": ["n1", "n2"]},
        {"committed_on_live_nodes_at_least": 3},
        {"logs_identical_at_end": True},
        {"safety_violation": "Leader Completeness"},
    ]
    values = [(e.check, e.value) for e in parse_scenario(scenario(expect=expect)).expect]
    assert values == [
        ("leader_elected_within_ms", 1000.0),
        ("max_leaderless_ms", 250.5),
        ("no_leader_between_ms", (100.0, 200.0)),
        ("no_commit_between_ms", (0.0, 5000.0)),
        ("final_leader_in", ("n1", "n2")),
        ("committed_on_live_nodes_at_least", 3),
        ("logs_identical_at_end", True),
        ("safety_violation", "Leader Completeness"),
    ]
    assert isinstance(values[0][1], float)


def test_known_bugs_are_accepted_and_near_misses_get_a_suggestion(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "KNOWN_BUGS", ("figure8_commit", "vote_twice"))
    s = parse_scenario(scenario(cluster={"size": 3, "bugs": ["vote_twice"]}))
    assert s.cluster.bugs == ("vote_twice",)
    assert error_of(scenario(cluster={"size": 3, "bugs": ["figure8_comit"]})) == (
        "<scenario>: cluster.bugs[0]: unknown bug 'figure8_comit' (did you mean 'figure8_commit'?)"
    )
    assert error_of(scenario(cluster={"size": 3, "bugs": ["zzz"]})) == (
        "<scenario>: cluster.bugs[0]: unknown bug 'zzz' (expected one of: figure8_commit, vote_twice)"
    )
    assert error_of(scenario(cluster={"size": 3, "bugs": ["vote_twice", "vote_twice"]})) == (
        "<scenario>: cluster.bugs[1]: bug 'vote_twice' is listed twice"
    )


def test_initial_state_log_may_repeat_terms_up_to_the_node_term() -> None:
    state = {"n2": {"term": 3, "voted_for": "n1", "log": [1, 1, 3, 3]}}
    s = parse_scenario(scenario(cluster={"size": 3, "initial_state": state}))
    assert s.cluster.initial_state["n2"] == InitialState(term=3, voted_for="n1", log=(1, 1, 3, 3))


def test_model_form_validation_refuses_partial_payloads() -> None:
    base = {"name": "t", "duration_ms": 10, "cluster": {"size": 2}}
    with pytest.raises(ValidationError, match="cut takes no target"):
        Scenario.model_validate(
            {
                **base,
                "events": [{"index": 0, "action": "cut", "at_ms": 1, "link": ["n1", "n2"], "target": "n1"}],
            }
        )
    with pytest.raises(ValidationError, match="only goes with write"):
        Scenario.model_validate(
            {**base, "events": [{"index": 0, "action": "crash", "at_ms": 1, "target": "n1", "to": "n2"}]}
        )


def test_bools_are_not_numbers_and_strings_are_not_numbers() -> None:
    assert error_of(scenario(seed=True)) == "<scenario>: seed: expected an integer, got true"
    assert error_of(scenario(duration_ms="5000")) == "<scenario>: duration_ms: expected a number, got '5000'"
    assert error_of(scenario(network={"drop_rate": False})) == (
        "<scenario>: network.drop_rate: expected a number, got false"
    )
    assert error_of(scenario(cluster={"size": 3, "election_timeout_ms": [150, True]})) == (
        "<scenario>: cluster.election_timeout_ms[1]: expected a number, got true"
    )


def test_nan_and_infinity_are_refused_everywhere_numeric() -> None:
    nan, inf = float("nan"), float("inf")
    assert error_of(scenario(duration_ms=nan)) == "<scenario>: duration_ms: must be a finite number, got .nan"
    assert error_of(scenario(storage={"write_ms": inf})) == (
        "<scenario>: storage.write_ms: must be a finite number, got .inf"
    )
    assert error_of(scenario(expect=[{"max_leaderless_ms": inf}])) == (
        "<scenario>: expect[0].max_leaderless_ms: must be a finite number, got .inf"
    )
    assert error_of(scenario(expect=[{"no_leader_between_ms": [0, nan]}])) == (
        "<scenario>: expect[0].no_leader_between_ms: must be a finite number, got .nan"
    )


def test_action_values() -> None:
    assert [a.value for a in Action] == [
        "crash",
        "restart",
        "partition",
        "heal",
        "isolate",
        "cut",
        "timeout",
        "write",
        "transfer",
        "add",
        "promote",
        "remove",
        "change",
    ]


def test_negative_seed_is_refused() -> None:
    assert error_of(scenario(seed=-1)) == "<scenario>: seed: must be at least 0, got -1"
    assert parse_scenario(scenario(seed=0)).seed == 0


@pytest.mark.parametrize("rate", ["writes_per_s", "reads_per_s"])
def test_no_clients_with_a_rate_is_refused(rate: str) -> None:
    message = error_of(scenario(workload={"clients": 0, rate: 5}))
    assert message.startswith("<scenario>: workload.clients: 0 clients cannot send ")
    assert f"or {rate}: 0" in message
    assert (
        parse_scenario(scenario(workload={"clients": 0})).workload.clients == 0
    )  # no clients, no writes: fine


def test_a_misspelt_leader_target_suggests_leader() -> None:
    events = [{"at_ms": 10, "crash": "leadr"}]
    assert (
        error_of(scenario(events=events))
        == "<scenario>: events[0].crash: unknown node leadr (did you mean 'leader'?)"
    )
    restart = [{"at_ms": 10, "restart": "leadr"}]  # restart does not accept leader: no such suggestion
    assert "did you mean 'leader'" not in error_of(scenario(events=restart))
    follower = [{"at_ms": 10, "cut": ["n1", "folower"]}]
    assert error_of(scenario(events=follower)) == (
        "<scenario>: events[0].cut: unknown node folower (did you mean 'follower'?)"
    )


def test_analysis_section_defaults_to_the_election_timeout_and_takes_stall_ms() -> None:
    from raft.analysis.availability import stall_threshold_ms
    from raft.scenario import override_key_problem

    base = {"name": "a", "duration_ms": 1000, "cluster": {"size": 3, "election_timeout_ms": [200, 400]}}
    default = parse_scenario(base)
    assert default.analysis.stall_ms is None
    assert stall_threshold_ms(default.model_dump(mode="json")) == 400.0
    chosen = parse_scenario({**base, "analysis": {"stall_ms": 250}})
    assert chosen.analysis.stall_ms == 250.0
    assert stall_threshold_ms(chosen.model_dump(mode="json")) == 250.0
    assert override_key_problem("analysis.stal") == "analysis.stal: unknown key (did you mean 'stall_ms'?)"
    assert override_key_problem("analysis.stall_ms") is None


def test_unavailability_expectations_normalize_like_the_leaderless_ones() -> None:
    assert Expectation(check="max_unavailable_ms", value=900).value == 900.0
    assert Expectation(check="max_unavailable_ms_after", value=[4000, 1000]).value == (4000.0, 1000.0)


# --- cluster.profile --------------------------------------------------------------------------------------


def test_the_etcd_profile_sets_what_etcd_ships_with() -> None:
    cluster = parse_scenario(scenario(cluster={"size": 3, "profile": "etcd"})).cluster
    assert (cluster.pre_vote, cluster.check_quorum) == (True, True)
    assert (cluster.heartbeat_ms, cluster.election_timeout_ms) == (100.0, (1000.0, 2000.0))
    assert (cluster.timers, cluster.initial_election_tick_advance) == ("ticks", True)


def test_the_paper_profile_is_the_default_and_changes_nothing() -> None:
    default = parse_scenario(scenario()).cluster
    paper = parse_scenario(scenario(cluster={"size": 3, "profile": "paper"})).cluster
    assert default.profile == "paper" and paper == default
    assert (default.pre_vote, default.check_quorum, default.timers) == (False, False, "continuous")


def test_explicit_keys_override_the_profile() -> None:
    cluster = parse_scenario(
        scenario(cluster={"size": 3, "profile": "etcd", "pre_vote": False, "heartbeat_ms": 50})
    ).cluster
    assert cluster.pre_vote is False and cluster.heartbeat_ms == 50.0  # given
    assert cluster.check_quorum is True and cluster.election_timeout_ms == (1000.0, 2000.0)  # the profile's


def test_a_profile_set_as_an_override_fills_only_the_keys_the_file_leaves_out() -> None:
    """``--set cluster.profile=etcd`` on a scenario that names its timing keeps that timing (in ticks)."""
    data = scenario(cluster={"size": 3, "election_timeout_ms": [150, 300], "heartbeat_ms": 50})
    cluster = parse_scenario(apply_overrides(data, {"cluster.profile": "etcd"})).cluster
    assert cluster.profile == "etcd" and cluster.pre_vote and cluster.timers == "ticks"
    assert (cluster.heartbeat_ms, cluster.election_timeout_ms) == (50.0, (150.0, 300.0))


def test_a_model_dump_of_a_profile_parses_back_to_the_same_scenario() -> None:
    original = parse_scenario(scenario(cluster={"size": 3, "profile": "etcd", "pre_vote": False}))
    assert parse_scenario(original.model_dump(mode="json")) == original


@pytest.mark.parametrize(
    ("cluster", "message"),
    [
        ({"profile": "etdc"}, "cluster.profile: unknown profile 'etdc' (did you mean 'etcd'?)"),
        ({"profile": "raft"}, "cluster.profile: unknown profile 'raft' (expected one of: paper, etcd)"),
        ({"timers": "tick"}, "cluster.timers: unknown timers 'tick' (did you mean 'ticks'?)"),
        ({"profil": "etcd"}, "cluster.profil: unknown key (did you mean 'profile'?)"),
        (
            {"profile": "etcd", "heartbeat_ms": 300},
            "cluster.election_timeout_ms: low 1000 is not a whole number of ticks: with timers: ticks, time "
            "passes in ticks of heartbeat_ms 300",
        ),
        (
            {"timers": "ticks", "election_timeout_ms": [150, 275]},
            "cluster.election_timeout_ms: high 275 is not a whole number of ticks: with timers: ticks, time "
            "passes in ticks of heartbeat_ms 50",
        ),
    ],
)
def test_profile_and_timer_mistakes_get_one_line(cluster: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(scenario(cluster={"size": 3, **cluster}))
    assert str(caught.value) == f"<scenario>: {message}"


def test_the_override_key_check_knows_the_new_keys() -> None:
    from raft.scenario.loader import override_key_problem

    for key in ("cluster.profile", "cluster.timers", "cluster.initial_election_tick_advance"):
        assert override_key_problem(key) is None
    assert (
        override_key_problem("cluster.profiles") == "cluster.profiles: unknown key (did you mean 'profile'?)"
    )
