"""Switchable bugs: each one removes a rule of the paper so that a lesson can show what the rule prevents.

They are off by default. A scenario switches one on with ``cluster.bugs: [NAME]``, the CLI with ``--bug NAME``,
and every output of such a run names it.
"""

from enum import Enum


class Bug(Enum):
    """A rule switched off. The value is the user-facing name; the docstring of each member is in ``BUG_HELP``."""

    COMMIT_OLD_TERM = "commit-old-term"
    VOTE_WITHOUT_LOG_CHECK = "vote-without-log-check"
    FORGET_VOTE_ON_RESTART = "forget-vote-on-restart"
    TRUNCATE_ON_STALE_APPEND = "truncate-on-stale-append"
    NO_STEP_DOWN = "no-step-down"
    COMMIT_WITHOUT_MIN = "commit-without-min"
    VOTE_TWICE = "vote-twice"
    ACCEPT_STALE_APPEND = "accept-stale-append"
    MAJORITY_OFF_BY_ONE = "majority-off-by-one"
    FIXED_ELECTION_TIMEOUT = "fixed-election-timeout"
    LOCAL_READ = "local-read"


BUG_HELP: dict[Bug, str] = {
    Bug.COMMIT_OLD_TERM: "a leader commits an entry of an earlier term by counting replicas (Figure 8, §5.4.2)",
    Bug.VOTE_WITHOUT_LOG_CHECK: "votes are granted without the up-to-date log check (§5.4.1)",
    Bug.FORGET_VOTE_ON_RESTART: "votedFor is not persisted: a restarted server can vote twice in a term (Figure 2)",
    Bug.TRUNCATE_ON_STALE_APPEND: "a follower truncates its log after prevLogIndex even when the entries match (Figure 2, receiver rule 3)",
    Bug.NO_STEP_DOWN: "a leader that sees a higher term adopts it but keeps leading (§5.1)",
    Bug.COMMIT_WITHOUT_MIN: "a follower sets commitIndex from leaderCommit (up to its own last entry) without the min with the last new entry, even before the consistency check (Figure 2, receiver rule 5)",
    Bug.VOTE_TWICE: "a server grants more than one vote in a term (§5.2)",
    Bug.ACCEPT_STALE_APPEND: "a server accepts AppendEntries from a leader of an older term (Figure 2, receiver rule 1)",
    Bug.MAJORITY_OFF_BY_ONE: "a majority is computed as floor(n/2) instead of floor(n/2) + 1 (§5.2)",
    Bug.FIXED_ELECTION_TIMEOUT: "election timeouts are not randomized: every server waits the range's low end (§5.2)",
    Bug.LOCAL_READ: "a leader answers reads from its own state machine at once, not through the log: a deposed or "
    "newly elected leader returns stale data (§8)",
}

