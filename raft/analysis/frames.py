"""pandas DataFrames of a run, computed from its events (a trace, or ``Result.events``): elections, leaders,
client writes, messages (InstallSnapshot among them), snapshots, write unavailability and leaders without a majority. One row per thing, times in milliseconds, ready for ``groupby`` and plotting.

The rows come from the run's summary (:mod:`raft.analysis.summary`) and from the replay of its events
(:mod:`raft.analysis.replay`, which the plots draw from too); this module only lays them out as tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from raft.analysis import replay
from raft.analysis.availability import availability
from raft.analysis.replay import Events
from raft.analysis.summary import SUMMARY_TYPES, SummaryBuilder
from raft.sim.events import EventType

if TYPE_CHECKING:
    import pandas as pd


def _summary(events: Events) -> SummaryBuilder:
    builder = SummaryBuilder()
    wanted = frozenset(SUMMARY_TYPES)
    for event in events:
        if event["type"] in wanted:
            builder(event)
    return builder


def elections_frame(events: Events) -> pd.DataFrame:
    """One row per term in which somebody stood: ``term``, ``started_ms``, ``leader`` (None if nobody won),
    ``elected_ms``, ``duration_ms``, ``candidates`` (how many stood), ``votes_granted``."""
    import pandas as pd

    elections = _summary(events).finish()["elections"]
    candidates = replay.candidates_by_term(events)
    granted: dict[int, int] = {}
    for event in events:
        if event["type"] == EventType.VOTE and event["granted"]:
            granted[event["term"]] = granted.get(event["term"], 0) + 1
    rows = []
    for e in elections:
        duration = None if e["elected_ms"] is None else e["elected_ms"] - e["started_ms"]
        rows.append(
            {
                **e,
                "duration_ms": duration,
                "candidates": len(candidates.get(e["term"], ())),
                "votes_granted": granted.get(e["term"], 0),
            }
        )
    columns = ["term", "started_ms", "leader", "elected_ms", "duration_ms", "candidates", "votes_granted"]
    return pd.DataFrame(rows, columns=columns)


def leaders_frame(events: Events) -> pd.DataFrame:
    """One row per leadership: ``term``, ``node``, ``from_ms``, ``to_ms`` (the end of the run if it still led),
    ``duration_ms``."""
    import pandas as pd

    rows = [
        {"term": span.term, "node": span.node, "from_ms": span.start_ms, "to_ms": span.end_ms}
        for span in replay.role_spans(events)
        if span.role == "leader"
    ]
    frame = pd.DataFrame(rows, columns=["term", "node", "from_ms", "to_ms"])
    frame["duration_ms"] = frame["to_ms"] - frame["from_ms"]
    return frame


def writes_frame(events: Events) -> pd.DataFrame:
    """One row per client command: ``client``, ``seq``, ``command``, ``submit_ms``, ``ack_ms`` (NaN if never
    acknowledged), ``latency_ms``, ``index`` (its log index), ``acknowledged``."""
    import pandas as pd

    rows: list[dict[str, Any]] = [
        {
            "client": w.client,
            "seq": w.seq,
            "command": w.command,
            "submit_ms": w.submit_ms,
            "ack_ms": w.ack_ms,
            "latency_ms": w.latency_ms,
            "index": w.index,
            "acknowledged": w.ack_ms is not None,
        }
        for w in replay.writes(events)
    ]
    columns = ["client", "seq", "command", "submit_ms", "ack_ms", "latency_ms", "index", "acknowledged"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("submit_ms", "ack_ms", "latency_ms"):
        frame[column] = frame[column].astype(float)
    return frame


def messages_frame(events: Events) -> pd.DataFrame:
    """One row per message arrival (delivered or dropped; its send must be among ``events``): ``id``, ``msg`` (kind), ``from``, ``to``, ``term``,
    ``sent_ms``, ``arrived_ms``, ``delivered``, ``reason`` (of a drop), plus ``entries``, ``success``,
    ``granted`` and ``last_index`` (RequestVote, PreVote, TimeoutNow; an InstallSnapshot's last included index)
    where the kind has them."""
    import pandas as pd

    rows = [
        {
            "id": m["id"],
            "msg": m["msg"],
            "from": m["from"],
            "to": m["to"],
            "term": m["term"],
            "sent_ms": m["sent_ms"],
            "arrived_ms": m["arrived_ms"],
            "delivered": m["dropped"] is None,
            "reason": m["dropped"],
            "entries": m.get("entries"),
            "success": m.get("success"),
            "granted": m.get("granted"),
            "last_index": m.get("last_index"),
        }
        for m in replay.message_arrivals(events)
    ]
    columns = [
        "id",
        "msg",
        "from",
        "to",
        "term",
        "sent_ms",
        "arrived_ms",
        "delivered",
        "reason",
        "entries",
        "success",
        "granted",
        "last_index",
    ]
    return pd.DataFrame(rows, columns=columns)


def snapshots_frame(events: Events) -> pd.DataFrame:
    """One row per snapshot a server took or installed (``snapshot`` events, thesis §5.1): ``t_ms``, ``node``,
    ``index`` and ``term`` (of its last included entry), ``from`` (the leader it was installed from; ``None``
    for a snapshot the server took itself), ``kept`` (log entries kept after an installed snapshot)."""
    import pandas as pd

    rows = [
        {
            "t_ms": e["t_ms"],
            "node": e["node"],
            "index": e["index"],
            "term": e["term"],
            "from": e.get("from"),
            "kept": e.get("kept", 0),
        }
        for e in events
        if e["type"] == EventType.SNAPSHOT
    ]
    return pd.DataFrame(rows, columns=["t_ms", "node", "index", "term", "from", "kept"])


def unavailable_frame(events: Events) -> pd.DataFrame:
    """One row per period of write unavailability (:mod:`raft.analysis.availability`): ``from_ms``, ``to_ms``,
    ``duration_ms``."""
    import pandas as pd

    measured = availability(events, replay.end_ms(events))
    rows = [{**p.to_dict(), "duration_ms": p.duration_ms} for p in measured.unavailable]
    return pd.DataFrame(rows, columns=["from_ms", "to_ms", "duration_ms"], dtype=float)


def leader_without_majority_frame(events: Events) -> pd.DataFrame:
    """One row per period in which a leader had no successful AppendEntries response from a majority
    (:mod:`raft.analysis.availability`): ``node``, ``term``, ``from_ms``, ``to_ms``, ``duration_ms``."""
    import pandas as pd

    measured = availability(events, replay.end_ms(events))
    rows = [{**p.to_dict(), "duration_ms": p.duration_ms} for p in measured.leader_without_majority]
    frame = pd.DataFrame(rows, columns=["node", "term", "from_ms", "to_ms", "duration_ms"])
    for column in ("from_ms", "to_ms", "duration_ms"):
        frame[column] = frame[column].astype(float)
    frame["term"] = frame["term"].astype(int)
    return frame
