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
