"""The simpy world around the Raft nodes: timers, network, storage, crashes, clients, and the event stream.

Nothing here decides anything Raft decides; it carries out what the nodes' Ready values ask for and reports
what happened as events (plain dicts, the trace format) on one :class:`~raft.sim.events.EventBus`.
"""
