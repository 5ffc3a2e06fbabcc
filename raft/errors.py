"""The two kinds of error, never mixed.

Expected outcomes that a caller handles derive from :class:`RaftSimError` (bad scenario, bad option, not the
leader). A broken invariant of the algorithm is not an error of this kind: the safety checker reports it as a
:class:`raft.sim.safety.Violation` and stops the run.
"""


class RaftSimError(Exception):
    """Base class of every expected, user-facing error: one clear line, never a traceback."""


class ScenarioError(RaftSimError):
    """A scenario (file or mapping) is invalid. ``str()`` is one line: ``file: key.path: problem``."""


class TraceError(RaftSimError):
    """A trace file cannot be read (missing, corrupt, wrong schema version)."""
