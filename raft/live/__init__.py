"""Live mode: one scenario simulated in scaled real time while people watch it and poke it.

- :mod:`raft.live.session` owns a live session: the real simulation paced by a clock, its trace lines for every
  watcher, the scenario events it is sent (validated as scenario events, stamped with the simulated time at which
  they happen) and "save as scenario".
- :mod:`raft.live.saving` turns a session into a scenario file that ``raft-sim run`` replays to the same trace.
- :mod:`raft.live.server` is the web side (aiohttp): the page, and a WebSocket per browser tab.

The simulation knows nothing of this: the session drives it through its public steps
(:meth:`raft.sim.simulation.Simulation.start`, ``advance_to``, ``schedule``, ``finish``).
"""
