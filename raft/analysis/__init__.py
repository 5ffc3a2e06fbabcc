"""Analysis of a run, computed from what it recorded (its events or its client history), never from the live
objects of a running simulation: summaries, DataFrames, quorum arithmetic, scenario expectations, and the
linearizability checker (:mod:`raft.analysis.linearizability`).
"""
