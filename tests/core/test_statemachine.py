"""The key-value state machine (raft/core/statemachine.py) and at-most-once application (thesis §6.3)."""

from __future__ import annotations

import pytest

from raft.core.statemachine import Command, KeyValueStore, OpKind, ParsedOp, parse_op


def test_set_delete_read() -> None:
    store = KeyValueStore()
    assert store.apply(1, Command("c", 1, "x=1")).value == "1"
    store.apply(2, Command("c", 2, "y=a=b"))
    assert store.data == {"x": "1", "y": "a=b"}
    read = store.apply(3, Command("c", 3, "?x"))
    assert (read.index, read.value, read.duplicate) == (3, "1", False)
    store.apply(4, Command("c", 4, "-x"))
    assert store.data == {"y": "a=b"}
    assert store.apply(5, Command("c", 5, "?x")).value is None
    store.apply(6, Command("c", 6, "-nothing"))  # deleting a missing key is fine
    assert store.data == {"y": "a=b"}


def test_retried_command_applies_at_most_once() -> None:
    store = KeyValueStore()
    first = store.apply(3, Command("c1", 7, "x=1"))
    store.apply(4, Command("c2", 1, "x=2"))
    again = store.apply(5, Command("c1", 7, "x=1"))
    assert store.data == {"x": "2"}  # the retry did not overwrite the later write
    assert again.duplicate and again.index == first.index == 3 and again.value == "1"


def test_same_seq_of_different_clients_are_distinct() -> None:
    store = KeyValueStore()
    store.apply(1, Command("a", 1, "x=1"))
    result = store.apply(2, Command("b", 1, "x=2"))
    assert not result.duplicate and store.data == {"x": "2"}


@pytest.mark.parametrize(
    ("op", "kind", "key"),
    [("x=1", OpKind.SET, "x"), ("-x", OpKind.DELETE, "x"), ("?key", OpKind.READ, "key")],
)
def test_command_kind_and_key(op: str, kind: OpKind, key: str) -> None:
    command = Command("c", 1, op)
    assert command.kind is kind and command.key == key


@pytest.mark.parametrize(
    ("op", "valid"),
    [
        ("x=1", True),
        ("x=", True),
        ("-x", True),
        ("?x", True),
        ("=1", False),
        ("x", False),
        ("-", False),
        ("?", False),
        ("-x=1", False),
        ("-=1", False),
        ("x y=1", False),
        ("x=a\nb", False),
        ("?x=1", False),
    ],
)
def test_parse_op_accepts_only_well_formed_commands(op: str, valid: bool) -> None:
    if valid:
        assert parse_op(op).kind in OpKind
    else:
        with pytest.raises(ValueError, match="not a command"):
            parse_op(op)


@pytest.mark.parametrize(
    ("op", "parsed"),
    [
        ("x=1", ParsedOp(OpKind.SET, "x", "1")),
        ("k=a=b", ParsedOp(OpKind.SET, "k", "a=b")),
        ("x=", ParsedOp(OpKind.SET, "x", "")),
        ("-x", ParsedOp(OpKind.DELETE, "x", None)),
        ("?key", ParsedOp(OpKind.READ, "key", None)),
    ],
)
def test_parse_op_takes_a_command_apart(op: str, parsed: ParsedOp) -> None:
    assert parse_op(op) == parsed


def _session_size(store: KeyValueStore, client: str) -> int:
    return len(store.image().sessions[0][1]) if store.image().sessions else 0


def test_a_session_forgets_the_answered_writes_below_the_clients_lowest_unanswered() -> None:
    store = KeyValueStore()
    for seq in range(1, 1001):  # one write in flight at a time: each command says all before it were answered
        store.apply(seq, Command("c", seq, f"k=v{seq}", lowest_unanswered=seq))
    assert _session_size(store, "c") == 1  # bounded by the writes in flight, not by the writes ever made
    assert store.image().floors == (("c", 1000),)


def test_a_copy_of_a_forgotten_write_is_still_a_duplicate() -> None:
    store = KeyValueStore()
    store.apply(1, Command("c", 1, "x=1", lowest_unanswered=1))
    store.apply(2, Command("c", 2, "x=2", lowest_unanswered=2))  # the answer to 1 arrived: its result goes
    again = store.apply(3, Command("c", 1, "x=1", lowest_unanswered=1))  # a late copy of 1 in the log
    assert again.duplicate and again.value == "1" and store.data == {"x": "2"}
    deleted = store.apply(4, Command("c", 3, "-x", lowest_unanswered=3))
    store.apply(5, Command("c", 4, "x=4", lowest_unanswered=4))
    assert store.apply(6, Command("c", 3, "-x", lowest_unanswered=3)).duplicate and store.data == {"x": "4"}
    assert deleted.value is None


def test_reads_and_writes_still_in_flight_are_kept() -> None:
    store = KeyValueStore()
    store.apply(1, Command("c", 1, "x=1", lowest_unanswered=1))
    store.apply(2, Command("c", 2, "?x", lowest_unanswered=1))
    store.apply(3, Command("c", 3, "x=3", lowest_unanswered=1))  # 1 unanswered yet: nothing forgotten
    assert _session_size(store, "c") == 3
    store.apply(4, Command("c", 4, "x=4", lowest_unanswered=3))
    assert [seq for seq, _ in store.image().sessions[0][1]] == [2, 3, 4]  # the read's answer stays
    assert store.apply(5, Command("c", 2, "?x", lowest_unanswered=2)).value == "1"  # still its first answer


def test_a_store_from_an_image_keeps_the_floors() -> None:
    store = KeyValueStore()
    store.apply(1, Command("c", 1, "x=1", lowest_unanswered=1))
    store.apply(2, Command("c", 2, "x=2", lowest_unanswered=2))
    restored = KeyValueStore.from_image(store.image())
    assert restored.apply(3, Command("c", 1, "x=1", lowest_unanswered=1)).duplicate
    assert restored.data == {"x": "2"} and restored.image() == store.image()
    restored.apply(4, Command("c", 3, "x=3", lowest_unanswered=3))
    assert _session_size(restored, "c") == 1


def test_a_store_from_an_image_forgets_as_the_live_one_does_when_writes_land_out_of_order() -> None:
    live = KeyValueStore()
    live.apply(1, Command("c", 6, "x=6", lowest_unanswered=5))  # seq 6 lands before seq 5 (a redirect)
    live.apply(2, Command("c", 5, "x=5", lowest_unanswered=5))
    restored = KeyValueStore.from_image(live.image())
    for store in (live, restored):
        store.apply(3, Command("c", 7, "x=7", lowest_unanswered=6))  # 5 answered: forget it, keep 6 and 7
    assert live.image() == restored.image()
    assert [seq for seq, _ in live.image().sessions[0][1]] == [6, 7]
