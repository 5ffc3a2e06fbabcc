"""``raft-sim experiment why-odd``: why Raft clusters have an odd number of servers, computed and simulated.

One module per job, each importing only the ones before it:

- :mod:`~raft.experiments.why_odd.trials`: the scenarios and the batch tasks (crashes, two-way partitions,
  independent failures, and a cluster growing from n to n + 2 with or without learners), one row per trial;
- :mod:`~raft.experiments.why_odd.analysis`: from trial rows to one typed line per cluster size
  (:class:`~raft.experiments.why_odd.analysis.SizeLine`), :func:`~raft.experiments.why_odd.analysis.run_why_odd`
  and the result's DataFrame (:meth:`~raft.experiments.why_odd.analysis.WhyOddResult.frame`);
  and the during-a-change view (``--during-change``):
  :func:`~raft.experiments.why_odd.analysis.run_during_change`, one typed line per configuration in force
  (:class:`~raft.experiments.why_odd.analysis.ChangeStep`);
- :mod:`~raft.experiments.why_odd.report`: the text tables and the CSV files;
- :mod:`~raft.experiments.why_odd.figure`: the four-panel figure, and the during-a-change figure.
"""
