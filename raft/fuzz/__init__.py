"""Randomized fault testing (``raft-sim fuzz``): generated scenarios, run many at once, failures shrunk.

- :mod:`raft.fuzz.generator` turns a seed into a scenario: a cluster, a swarm of fault types, a workload, a
  fault phase of scripted events and a quiet phase.
- :mod:`raft.fuzz.properties` runs one scenario and names the first property it breaks (safety, liveness,
  linearizability).
- :mod:`raft.fuzz.shrink` cuts a failing scenario down to the fewest faults that still fail, and writes it.
- :mod:`raft.fuzz.runner` runs a range of seeds in parallel.
"""
