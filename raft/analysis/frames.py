"""pandas DataFrames of a run, computed from its events (a trace, or ``Result.events``): elections, leaders,
client writes and messages. One row per thing, times in milliseconds, ready for ``groupby`` and plotting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from raft.analysis.summary import SUMMARY_TYPES, SummaryBuilder
from raft.plots import history
from raft.plots.history import Events

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
    candidates: dict[int, set[str]] = {}
    granted: dict[int, int] = {}
    for event in events:
        if event["type"] == "role" and event["role"] == "candidate":
            candidates.setdefault(event["term"], set()).add(event["node"])
        elif event["type"] == "vote" and event["granted"]:
            granted[event["term"]] = granted.get(event["term"], 0) + 1
    rows = []
    for e in elections:
        duration = None if e["elected_ms"] is None else e["elected_ms"] - e["started_ms"]
        rows.append({**e, "duration_ms": duration, "candidates": len(candidates.get(e["term"], ())),
                     "votes_granted": granted.get(e["term"], 0)})  # fmt: skip
    columns = ["term", "started_ms", "leader", "elected_ms", "duration_ms", "candidates", "votes_granted"]
    return pd.DataFrame(rows, columns=columns)


def leaders_frame(events: Events) -> pd.DataFrame:
    """One row per leadership: ``term``, ``node``, ``from_ms``, ``to_ms`` (the end of the run if it still led),
    ``duration_ms``."""
    import pandas as pd

    end = history.end_ms(events)
    rows = [
        {**span, "to_ms": end if span["to_ms"] is None else span["to_ms"]}
        for span in _summary(events).finish()["leaders"]
    ]
    frame = pd.DataFrame(rows, columns=["term", "node", "from_ms", "to_ms"])
    frame["duration_ms"] = frame["to_ms"] - frame["from_ms"]
    return frame


def writes_frame(events: Events) -> pd.DataFrame:
    """One row per client command: ``client``, ``seq``, ``command``, ``submit_ms``, ``ack_ms`` (NaN if never
    acknowledged), ``latency_ms``, ``index`` (its log index), ``acknowledged``."""
    import pandas as pd

    rows: list[dict[str, Any]] = [
        {"client": w.client, "seq": w.seq, "command": w.command, "submit_ms": w.submit_ms, "ack_ms": w.ack_ms,
         "latency_ms": w.latency_ms, "index": w.index, "acknowledged": w.ack_ms is not None}
        for w in history.writes(events)
    ]  # fmt: skip
    columns = ["client", "seq", "command", "submit_ms", "ack_ms", "latency_ms", "index", "acknowledged"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("submit_ms", "ack_ms", "latency_ms"):
        frame[column] = frame[column].astype(float)
    return frame


def messages_frame(events: Events) -> pd.DataFrame:
    """One row per message arrival (delivered or dropped): ``id``, ``msg`` (kind), ``from``, ``to``, ``term``,
    ``sent_ms``, ``arrived_ms``, ``delivered``, ``reason`` (of a drop), plus ``entries``, ``success`` and
    ``granted`` where the kind has them."""
    import pandas as pd

    sent: dict[int, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    for event in events:
        kind = event["type"]
        if kind == "send":
            sent[event["id"]] = event
        elif kind in ("deliver", "drop"):
            origin = sent.get(event["id"], event)
            rows.append({
                "id": event["id"], "msg": event["msg"], "from": event["from"], "to": event["to"],
                "term": event["term"], "sent_ms": origin["t_ms"], "arrived_ms": event["t_ms"],
                "delivered": kind == "deliver", "reason": event.get("reason"),
                "entries": event.get("entries"), "success": event.get("success"), "granted": event.get("granted"),
            })  # fmt: skip
    columns = ["id", "msg", "from", "to", "term", "sent_ms", "arrived_ms", "delivered", "reason", "entries",
               "success", "granted"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)
