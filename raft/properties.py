"""The properties a run can violate, by the names summaries, traces and scenario expectations use.

Figure 3 of the paper (Election Safety to State Machine Safety), two monotonicity properties the safety
checker adds, two properties of the thesis's PreVote and CheckQuorum that it keeps when they are switched on,
Linearizability of the clients' history, Leadership Transfer (TimeoutNow only to a caught-up target), and Liveness
(a scenario's bound on leaderless time
or on write unavailability broken). Standard library only: every layer may import it.
"""

from enum import StrEnum


class Property(StrEnum):
    """A property by its user-facing name; members compare equal to those names."""

    ELECTION_SAFETY = "Election Safety"
    LEADER_APPEND_ONLY = "Leader Append-Only"
    LOG_MATCHING = "Log Matching"
    LEADER_COMPLETENESS = "Leader Completeness"
    STATE_MACHINE_SAFETY = "State Machine Safety"
    TERM_MONOTONICITY = "Term Monotonicity"
    COMMIT_MONOTONICITY = "Commit Monotonicity"
    PREVOTE_TERM_STABILITY = "PreVote Term Stability"
    LEADER_STICKINESS = "Leader Stickiness"
    LINEARIZABILITY = "Linearizability"
    #: A leader sent TimeoutNow to a server whose log lacked the leader's entries (thesis §3.10), checked by
    #: the simulation when the TimeoutNow arrives.
    LEADERSHIP_TRANSFER = "Leadership Transfer"
    LIVENESS = "Liveness"


#: The properties the incremental safety checker (:mod:`raft.sim.safety`) keeps.
SAFETY_CHECKED: tuple[Property, ...] = (
    Property.ELECTION_SAFETY,
    Property.LEADER_APPEND_ONLY,
    Property.LOG_MATCHING,
    Property.LEADER_COMPLETENESS,
    Property.STATE_MACHINE_SAFETY,
    Property.TERM_MONOTONICITY,
    Property.COMMIT_MONOTONICITY,
)
#: The properties of the thesis's extensions the same checker keeps when a scenario switches them on:
#: PreVote Term Stability with ``cluster.pre_vote`` (every term a server enters was begun by a candidate, so a
#: pre-vote raises no term, thesis §9.6), Leader Stickiness with ``cluster.check_quorum`` (within the minimum election
#: timeout of an AppendEntries from the current leader, no server takes a later term from a candidate or votes in
#: it, §4.2.3).
EXTENSION_CHECKED: tuple[Property, ...] = (Property.PREVOTE_TERM_STABILITY, Property.LEADER_STICKINESS)
