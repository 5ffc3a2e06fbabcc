"""Batch runs: the sweep engine (grids of overrides times seeds, on one core, every core or a Dask cluster,
streamed to CSV or Parquet, resumable) that ``raft-sim sweep``, the experiments and the fuzzer run their trials on.
A task is a picklable ``task(run) -> row``; this package knows nothing of any particular experiment.
"""
