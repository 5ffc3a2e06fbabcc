"""``raft-sim experiment control-plane``: how many control-plane nodes, stacked or external etcd, in how many
zones, for an API that stays up. Simulated on the Kubernetes layer (:mod:`raft.kubernetes`) and set beside the
binomial arithmetic.

One module per job, each importing only the ones before it:

- :mod:`~raft.experiments.control_plane.arithmetic`: the computed answers (binomial availability, which zone
  losses leave a quorum and an API server);
- :mod:`~raft.experiments.control_plane.trials`: the batch tasks, one row per simulated cluster;
- :mod:`~raft.experiments.control_plane.analysis`: rows to lines with 95 % intervals, and the result;
- :mod:`~raft.experiments.control_plane.report` and :mod:`~raft.experiments.control_plane.figure`: the table,
  the CSV file and the slide.
"""
