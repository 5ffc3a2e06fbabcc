"""raft-sim: a Raft consensus simulator and teaching tool.

Layers, imports pointing one way:

- ``raft.core``: the pure Raft algorithm (no simpy, no clock, no I/O).
- ``raft.sim``: the simpy simulation around the nodes (network, storage, crashes, clients, trace).
- ``raft.scenario``: scenario files, validated before anything runs.
- presentation and analysis (``raft.analysis``, ``raft.plots``, ``raft.batch``, ``raft.experiments``,
  ``raft.fuzz``, ``raft.cli``) read the trace and the results.

The public API lives in :mod:`raft.api`.
"""

__version__ = "0.1.0"

from raft.compiled import choose as _choose_core

_choose_core()  # the compiled Raft core, or its plain source (raft.compiled says when)
