"""Experiments built on the batch engine (:mod:`raft.batch`): why odd cluster sizes, the paper's election-time
figure. This layer only reads results; it never reaches into a running simulation except through the event
stream.
"""
