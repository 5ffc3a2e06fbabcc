"""Experiments at scale: the sweep engine (grids of overrides times seeds, on one core, every core or a Dask
cluster, streamed to CSV or Parquet, resumable) and the experiments built on it (why odd cluster sizes, the
paper's election-time figure). This layer only reads results; it never reaches into a running simulation
except through the event stream.
"""
