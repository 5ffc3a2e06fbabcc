"""Which servers can send to which: the network's links as a directed networkx graph.

An edge a -> b means messages from a reach b. Partitions, isolation, one-way cuts and healing edit the graph;
the set of cut links is recomputed from it once per change, so asking about one message is a set lookup. The
simulated network keeps one of these, and the plots replay a trace's topology events into one, so both see the
same links. networkx is imported only once a link is cut: a run without faults never needs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from raft.sim.events import Event, EventType

if TYPE_CHECKING:
    import networkx as nx


class Topology:
    """The links between ``nodes``; all of them work until a partition, isolation or cut.

    Invariant: ``cut`` holds exactly the ordered pairs (a, b), a != b, with no edge a -> b in the graph.
    """

    def __init__(self, nodes: Sequence[str]) -> None:
        self.nodes = tuple(nodes)
        self._graph: nx.DiGraph | None = None  # None: every link works
        self.cut: frozenset[tuple[str, str]] = frozenset()
        # Links cut by cut_link and not since by a partition or isolation (may keep healed links: read it
        # through ``cut_one_way``, which keeps only those still cut).
        self._cut_by_link: frozenset[tuple[str, str]] = frozenset()

    def _complete(self) -> nx.DiGraph:
        import networkx as nx

        return nx.complete_graph(self.nodes, create_using=nx.DiGraph)

    @property
    def graph(self) -> nx.DiGraph:
        """The directed graph of working links (a copy to read, not to edit)."""
        return self._complete() if self._graph is None else self._graph.copy()

    def partition(self, groups: Iterable[Iterable[str]]) -> None:
        """Replace all cuts: servers talk only within their own group."""
        import networkx as nx

        graph: nx.DiGraph = nx.DiGraph()
        graph.add_nodes_from(self.nodes)
        for group in groups:
            members = list(group)
            graph.add_edges_from((a, b) for a in members for b in members if a != b)
        self._cut_by_link = frozenset()
        self._set(graph)

    def heal(self) -> None:
        """Remove all cuts."""
        self._graph = None
        self.cut = frozenset()
        self._cut_by_link = frozenset()

    def heal_link(self, a: str, b: str) -> None:
        """Restore the link between ``a`` and ``b``, both ways, keeping the other cuts."""
        if (a, b) in self.cut or (b, a) in self.cut:
            graph = self.graph
            graph.add_edges_from([(a, b), (b, a)])
            self._set(graph)

    def heal_node(self, node: str) -> None:
        """Restore every link into and out of ``node``, keeping the other cuts."""
        if any(node in pair for pair in self.cut):
            graph = self.graph
            others = [other for other in self.nodes if other != node]
            graph.add_edges_from([(node, other) for other in others] + [(other, node) for other in others])
            self._set(graph)

    def isolate(self, node: str) -> None:
        """Cut every link into and out of ``node``, keeping the other cuts."""
        graph = self.graph
        graph.remove_edges_from(list(graph.in_edges(node)) + list(graph.out_edges(node)))
        self._cut_by_link = frozenset(link for link in self._cut_by_link if node not in link)
        self._set(graph)

    def cut_link(self, src: str, dst: str) -> None:
        """Cut the one-way link ``src`` -> ``dst``."""
        graph = self.graph
        if graph.has_edge(src, dst):
            graph.remove_edge(src, dst)
            self._cut_by_link |= {(src, dst)}
        self._set(graph)

    @property
    def cut_one_way(self) -> frozenset[tuple[str, str]]:
        """The cut links that a one-way ``cut`` took down (not a partition or an isolation, which came later
        or were there already): a message on one of them is dropped for reason ``cut``, not ``partition``."""
        return self._cut_by_link & self.cut

    def apply(self, event: Event) -> bool:
        """Replay a trace event (``partition``, ``heal``, ``isolate`` or ``cut``); ``False`` for any other.

        A ``heal`` with ``link`` heals that link, one with ``node`` every cut touching that node, one with
        neither (as every trace before partial heals) everything.
        """
        if event["type"] == EventType.PARTITION:
            self.partition(event["groups"])
        elif event["type"] == EventType.HEAL:
            if "link" in event:
                a, b = event["link"]
                self.heal_link(a, b)
            elif "node" in event:
                self.heal_node(event["node"])
            else:
                self.heal()
        elif event["type"] == EventType.ISOLATE:
            self.isolate(event["node"])
        elif event["type"] == EventType.CUT:
            self.cut_link(event["from"], event["to"])
        else:
            return False
        return True

    def _set(self, graph: nx.DiGraph) -> None:
        self._graph = graph
        self.cut = frozenset(
            (a, b) for a in self.nodes for b in self.nodes if a != b and not graph.has_edge(a, b)
        )

    def connected(self, a: str, b: str) -> bool:
        """Can ``a`` and ``b`` exchange messages both ways right now?"""
        return a == b or ((a, b) not in self.cut and (b, a) not in self.cut)

    def groups(self) -> list[list[str]]:
        """The servers grouped by two-way connectivity, each group and the groups in node order."""
        if not self.cut:
            return [list(self.nodes)]
        import networkx as nx

        graph = self.graph
        undirected = nx.Graph()
        undirected.add_nodes_from(self.nodes)
        undirected.add_edges_from((a, b) for a, b in graph.edges if graph.has_edge(b, a))
        order = {name: i for i, name in enumerate(self.nodes)}
        groups = [sorted(c, key=order.__getitem__) for c in nx.connected_components(undirected)]
        return sorted(groups, key=lambda g: order[g[0]])
