"""``raft-sim experiment why-odd``: why Raft clusters have an odd number of servers, computed and simulated.

One module per job, each importing only the ones before it:

- :mod:`~raft.experiments.why_odd.trials`: the scenarios and the batch tasks (crashes, two-way partitions,
  independent failures), one row per trial;
- :mod:`~raft.experiments.why_odd.analysis`: from trial rows to one typed line per cluster size
  (:class:`~raft.experiments.why_odd.analysis.SizeLine`), :func:`~raft.experiments.why_odd.analysis.run_why_odd`
  and the result's DataFrame (:meth:`~raft.experiments.why_odd.analysis.WhyOddResult.frame`);
- :mod:`~raft.experiments.why_odd.report`: the text table and the CSV file;
- :mod:`~raft.experiments.why_odd.figure`: the four-panel figure.
"""
