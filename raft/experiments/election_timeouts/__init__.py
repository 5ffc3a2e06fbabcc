"""``raft-sim experiment election-timeouts``: Figure 16 of the extended paper, time without a leader after the
leader crashes, for ten election-timeout ranges.

One module per job, each importing only the ones before it:

- :mod:`~raft.experiments.election_timeouts.paper`: the paper's ranges and numbers, as data;
- :mod:`~raft.experiments.election_timeouts.trials`: the model of one trial and the batch of them, one typed
  row per trial (:class:`~raft.experiments.election_timeouts.trials.Trial`);
- :mod:`~raft.experiments.election_timeouts.analysis`: statistics per range
  (:class:`~raft.experiments.election_timeouts.analysis.RangeResult`),
  :func:`~raft.experiments.election_timeouts.analysis.run_election_timeouts` and the result's DataFrame
  (:meth:`~raft.experiments.election_timeouts.analysis.ElectionTimeoutsResult.frame`);
- :mod:`~raft.experiments.election_timeouts.report`: the text table;
- :mod:`~raft.experiments.election_timeouts.figure`: the two-panel CDF figure.
"""
