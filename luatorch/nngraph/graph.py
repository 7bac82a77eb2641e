"""torch/graph's Node, Edge and Graph: the directed-graph layer nngraph builds on.

The traversal orders (breadth-first from a node, depth-first post-order, the topological sort
through the reversed graph) follow torch/graph exactly, because nngraph's execution order, the
order in which gradients are summed, and the order of ``gModule.modules`` all come from them.
The traversals are iterative so that deep graphs (long unrolled recurrences) do not hit
Python's recursion limit.
"""

from ..torch.classes import TorchObject, typename


class Node(TorchObject):
    """A graph vertex holding ``data`` and an ordered, duplicate-free ``children`` list."""

    __typename__ = "graph.Node"
    __nonpersistent__ = ("_child_set",)  # an index of ``children``, rebuilt after loading

    def __init__(self, data=None):
        self.data = data
        self.id = 0
        self.children = []
        self._child_set = set()
        self.visited = False
        self.marked = False

    @classmethod
    def new(cls, data=None):
        return cls(data)

    def add(self, child):
        if isinstance(child, (list, tuple)):
            for c in child:
                self.add(c)
        else:
            index = self.__dict__.get("_child_set")
            if index is None:
                index = self._child_set = set(self.children)
            if child not in index:
                index.add(child)
                self.children.append(child)

    def visit(self, pre_func=None, post_func=None):
        """Depth-first walk: ``pre_func`` on entering a node not yet ``visited``, then its
        children in order, then ``post_func``. Which nodes are skipped depends on what the
        callbacks do with ``visited`` (as in torch/graph)."""
        if self.visited:
            return
        if pre_func:
            pre_func(self)
        stack = [[self, 0]]
        while stack:
            top = stack[-1]
            node, i = top
            if i < len(node.children):
                top[1] = i + 1
                child = node.children[i]
                if not child.visited:
                    if pre_func:
                        pre_func(child)
                    stack.append([child, 0])
            else:
                stack.pop()
                if post_func:
                    post_func(node)

    def label(self):
        return str(self.data)

    def graph(self):
        """The Graph of every edge reachable from this node (built breadth-first)."""
        g = Graph()

        def build(node):
            for child in node.children:
                g.add(Edge(node, child))

        self.bfs(build)
        return g

    def dfs_dirty(self, func):
        visited = []

        def post(node):
            func(node)
            visited.append(node)

        def pre(node):
            node.visited = True

        self.visit(pre, post)
        return visited

    def dfs(self, func):
        """Post-order depth-first walk calling ``func`` on every reachable node once."""
        for node in self.dfs_dirty(func):
            node.visited = False

    def bfs_dirty(self, func):
        visited = []
        queue = [self]
        head = 0
        self.marked = True
        while head < len(queue):
            node = queue[head]
            head += 1
            visited.append(node)
            func(node)
            for child in node.children:
                if not child.marked:
                    child.marked = True
                    queue.append(child)
        return visited

    def bfs(self, func):
        for node in self.bfs_dirty(func):
            node.marked = False

    def hasCycle(self):
        found = [False]
        explored = []

        def pre(node):
            if found[0]:
                return
            if node.marked:  # still on the current path: a cycle
                node.visited = True
                found[0] = True
                return
            node.marked = True

        def post(node):
            node.marked = False
            node.visited = True
            explored.append(node)

        self.visit(pre, post)
        for node in explored:
            node.visited = False
        return found[0]

    def __tostring__(self):
        return typename(self)

    def __str__(self):
        return self.__tostring__()

    def __repr__(self):
        return f"<{typename(self)} {self.id}>"


class Edge(TorchObject):
    """A directed edge ``from_ -> to`` (Lua's field ``from`` is a Python keyword)."""

    __typename__ = "graph.Edge"

    def __init__(self, from_, to):
        self.from_ = from_
        self.to = to

    @classmethod
    def new(cls, from_, to):
        return cls(from_, to)


class Graph(TorchObject):
    """Ordered lists of nodes and edges; node ``id`` is its 1-based position in ``nodes``."""

    __typename__ = "graph.Graph"
    __nonpersistent__ = ("_node_index", "_edge_set")  # indexes of the lists, rebuilt on load

    def __init__(self):
        self.nodes = []
        self.edges = []
        self._node_index = {}
        self._edge_set = set()

    def _indexes(self):
        if "_node_index" not in self.__dict__:
            self._node_index = {n: i for i, n in enumerate(self.nodes, 1)}
            self._edge_set = set(self.edges)
        return self._node_index, self._edge_set

    def add(self, edge):
        if isinstance(edge, (list, tuple)):
            for e in edge:
                self.add(e)
            return
        self._indexes()
        if not isinstance(edge, Edge):
            raise TypeError("graph.Edge or {graph.Edges} expected")
        if edge not in self._edge_set:
            self._edge_set.add(edge)
            self.edges.append(edge)
        for node in (edge.from_, edge.to):
            if node not in self._node_index:
                self.nodes.append(node)
                self._node_index[node] = len(self.nodes)
        edge.from_.add(edge.to)
        edge.from_.id = self._node_index[edge.from_]
        edge.to.id = self._node_index[edge.to]

    def clone(self):
        """New nodes sharing the data, with the same edges."""
        g = Graph()
        self._indexes()
        nodes = [n.new(n.data) for n in self.nodes]
        for e in self.edges:
            g.add(e.new(nodes[self._node_index[e.from_] - 1], nodes[self._node_index[e.to] - 1]))
        return g

    def reverse(self):
        """(reversed graph, {old node: new node}): new nodes sharing the data."""
        rg = Graph()
        mapnodes = {}
        for e in self.edges:
            for n in (e.from_, e.to):
                if n not in mapnodes:
                    mapnodes[n] = n.new(n.data)
            rg.add(e.new(mapnodes[e.to], mapnodes[e.from_]))
        return rg, mapnodes

    def hasCycle(self):
        roots = self.roots()
        if not roots:
            return True
        return any(root.hasCycle() for root in roots)

    def topsort(self):
        """(nodes in dependency order, the reversed graph, its roots); raises on a cycle."""
        rg, mapnodes = self.reverse()
        original = {new: old for old, new in mapnodes.items()}
        rootnodes = rg.roots()
        if not rootnodes:
            raise ValueError("Graph has cycles")
        if len(rootnodes) > 1:
            start = Node("dummy_root")
            for root in rootnodes:
                start.add(root)
        else:
            start = rootnodes[0]
        sorted_nodes = []

        def collect(node):
            old = original.get(node)
            if old is not None:  # the dummy root stands for nothing
                sorted_nodes.append(old)

        start.dfs(collect)
        if len(sorted_nodes) != len(self.nodes):
            raise ValueError("Graph has cycles")
        return sorted_nodes, rg, rootnodes

    def _ends(self, first, second):
        self._indexes()
        candidates = {getattr(e, first): True for e in self.edges}
        for e in self.edges:
            candidates.pop(getattr(e, second), None)
        return sorted(candidates, key=self._node_index.__getitem__)

    def roots(self):
        """Nodes without incoming edges, in ``nodes`` order."""
        return self._ends("from_", "to")

    def leaves(self):
        """Nodes without outgoing edges, in ``nodes`` order."""
        return self._ends("to", "from_")

    def __tostring__(self):
        return typename(self)

    def __str__(self):
        return self.__tostring__()
