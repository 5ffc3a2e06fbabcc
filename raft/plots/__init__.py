"""Pictures of a run, drawn from its trace (a list of event dicts) with matplotlib.

Each plot function takes the events and returns a :class:`matplotlib.figure.Figure` (made without pyplot, so
nothing is shown or kept globally; save it with :func:`raft.plots.files.save_figure`):

- :func:`raft.plots.timeline.timeline`: roles per node over time, commit indexes, write latency.
- :func:`raft.plots.messages.message_diagram`: a message sequence diagram for a window.
- :func:`raft.plots.logs.log_view`: every node's log at a moment, the way the paper draws Figures 7 and 8.
- :func:`raft.plots.topology.topology`: the cluster as a graph at a moment, cut links and the leader marked.

:mod:`raft.analysis.replay` rebuilds the state they draw (roles, partitions, logs) from the events.
"""
