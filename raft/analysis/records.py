"""The typed shapes of the JSON summary (``raft-sim run --json``, :attr:`raft.api.Result.summary`) and its parts.

Each part is a :class:`~typing.TypedDict`, so a misspelt key is a type error; at run time they are plain dicts,
serialized as they are. A new summary key is one line in :class:`Summary` (or in the part that holds it) and one
where :func:`raft.api.summarize` fills it; README.md documents every key.
"""

from typing import Literal, NotRequired, TypedDict

from raft.sim.events import EventType
from raft.sim.safety import Violation


class LeaderSpan(TypedDict):
    """``node`` led ``term`` from ``from_ms`` to ``to_ms`` (``None``: to the end of the run)."""

    term: int
    node: str
    from_ms: float
    to_ms: float | None
    #: Why it stepped down on its own (``check_quorum``), when it did.
    stepped_down: NotRequired[str]


class Election(TypedDict):
    """The election of ``term``: its first candidate's start and its leader (``None``: nobody won it)."""

    term: int
    leader: str | None
    started_ms: float
    elected_ms: float | None


class Latency(TypedDict):
    p50: float | None
    p99: float | None


class Operations(TypedDict):
    """The clients' writes (or reads): how many were submitted, committed, acknowledged and still outstanding."""

    submitted: int
    committed: int
    acknowledged: int
    outstanding: int
    latency_ms: Latency
    #: Reads only, and only when some were answered without the log (thesis §6.4): how many by each
    #: ``read`` event mode (``read_index``, ``lease``).
    answered: NotRequired[dict[str, int]]


#: The event types of faults (and of fault actions skipped, and transfers): a ``Fault``'s ``type``.
FaultEventType = Literal[
    EventType.CRASH,
    EventType.RESTART,
    EventType.PARTITION,
    EventType.ISOLATE,
    EventType.CUT,
    EventType.HEAL,
    EventType.SKIP,
    EventType.TRANSFER,
    EventType.TRANSFER_DONE,
    EventType.TRANSFER_ABORT,
]

#: A fault (or a skipped fault action) as the summary lists it: the event without a restart's ``log`` and
#: ``voted_for``; the other keys those of its event (``from`` is a keyword, hence the functional form). Transfers
#: (their start and outcome) are listed here too.
Fault = TypedDict(
    "Fault",
    {
        "t_ms": float,
        "type": FaultEventType,
        "node": NotRequired[str],
        "term": NotRequired[int],
        "groups": NotRequired[list[list[str]]],
        "link": NotRequired[list[str]],
        "from": NotRequired[str],
        "to": NotRequired[str],
        "action": NotRequired[str],
        "target": NotRequired[str],
        "reason": NotRequired[str],
        "elected_term": NotRequired[int],
        "took_ms": NotRequired[float],
    },
)


class Period(TypedDict):
    """A period of write unavailability."""

    from_ms: float
    to_ms: float


class LeaderWithoutMajorityPeriod(TypedDict):
    """``node``, leader of ``term``, heard from no majority between ``from_ms`` and ``to_ms``."""

    node: str
    term: int
    from_ms: float
    to_ms: float


class ViolationRecord(TypedDict):
    """A violated property, where and when (``nodes`` empty and ``term`` None for Linearizability)."""

    property: str
    t_ms: float
    nodes: list[str]
    term: int | None
    index: int | None
    detail: str


def violation_record(violation: Violation) -> ViolationRecord:
    """The summary's record of a violation the safety checker found."""
    return {
        "property": violation.property,
        "t_ms": violation.t_ms,
        "nodes": list(violation.nodes),
        "term": violation.term,
        "index": violation.index,
        "detail": violation.detail,
    }


class ExpectationResult(TypedDict):
    """One ``expect`` check of the scenario, whether it held, and what was seen."""

    check: str
    ok: bool
    detail: str


class Messages(TypedDict):
    sent: int
    delivered: int
    dropped: int


class SnapshotCounts(TypedDict):
    """One server's snapshots in a run (thesis §5.1): how many it took of its own state machine, how many it
    installed from a leader (InstallSnapshot), and the last included index of its latest one."""

    node: str
    taken: int
    installed: int
    last_index: int


class SummaryParts(TypedDict):
    """What :meth:`raft.analysis.summary.SummaryBuilder.finish` derives from the event stream."""

    leaders: list[LeaderSpan]
    elections: list[Election]
    commit_index: dict[str, int]
    writes: Operations
    reads: Operations
    faults: list[Fault]
    snapshots: list[SnapshotCounts]


class Summary(TypedDict):
    """The JSON summary of a run, in its documented key order."""

    scenario: str
    seed: int
    duration_ms: float
    bugs: list[str]
    nodes: list[str]
    leaders: list[LeaderSpan]
    elections: list[Election]
    final_leader: str | None
    leaderless_ms: list[list[float]]
    unavailable: list[Period]
    unavailable_ms: float
    leader_without_majority: list[LeaderWithoutMajorityPeriod]
    commit_index: dict[str, int]
    writes: Operations
    reads: Operations
    messages: Messages
    faults: list[Fault]
    snapshots: list[SnapshotCounts]
    safety_violations: list[ViolationRecord]
    linearizable: str | None
    expectations: list[ExpectationResult]
    expected_violations: list[str]
    ok: bool
    interrupted: bool
    interrupted_at_ms: float | None
