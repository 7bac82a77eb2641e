"""torch/graph's traversal orders, which fix gModule's execution and gradient-summing order.

The expected orders below were derived by hand from torch/graph's algorithms (breadth-first
graph building, edge reversal, depth-first post-order topological sort) for a diamond:
x -> {Linear, Tanh} -> CAddTable.
"""

import pytest

from luatorch import nn, torch
from luatorch.nngraph import gModule, graph


def diamond():
    x = nn.Identity()()
    a = nn.Linear(3, 3)(x)
    b = nn.Tanh()(x)
    c = nn.CAddTable()([a, b])
    return x, a, b, c, gModule([x], [c])


def names(nodes, g):
    out = []
    for n in nodes:
        if n.data is g.innode.data:
            out.append("in")
        elif n.data is g.outnode.data:
            out.append("out")
        else:
            out.append(torch.typename(n.data.module))
    return out


def test_forward_and_backward_orders_follow_torch_graph():
    _, a, b, c, g = diamond()
    assert names(g.forwardnodes, g) == ["in", "nn.Identity", "nn.Linear", "nn.Tanh", "nn.CAddTable", "out"]
    # ids are positions in the forward graph's node list (edges reversed from the BFS order)
    assert [n.id for n in g.forwardnodes] == [6, 5, 3, 4, 1, 2]
    assert names(g.backwardnodes, g) == ["out", "nn.CAddTable", "nn.Linear", "nn.Tanh", "nn.Identity", "in"]
    assert [torch.typename(m) for m in g.modules] == ["nn.Identity", "nn.Linear", "nn.Tanh", "nn.CAddTable"]
    # the backward graph holds the user's own nodes
    assert g.backwardnodes[1] is c and g.backwardnodes[2] is a and g.backwardnodes[3] is b
    assert [n.data.forwardNodeId for n in (a, b, c)] == [3, 4, 1]


def test_node_graph_bfs_dfs_roots_leaves():
    n = {k: graph.Node(k) for k in "abcde"}
    n["a"].add([n["b"], n["c"]])
    n["b"].add(n["d"])
    n["c"].add(n["d"])
    n["c"].add(n["d"])  # no duplicate edge
    n["d"].add(n["e"])
    assert [c.data for c in n["c"].children] == ["d"]
    seen = []
    n["a"].bfs(lambda node: seen.append(node.data))
    assert seen == ["a", "b", "c", "d", "e"]
    seen = []
    n["a"].dfs(lambda node: seen.append(node.data))
    assert seen == ["e", "d", "b", "c", "a"]
    assert not any(v.visited or v.marked for v in n.values())
    g = n["a"].graph()
    assert [v.data for v in g.nodes] == ["a", "b", "c", "d", "e"]
    assert [v.id for v in g.nodes] == [1, 2, 3, 4, 5]
    assert [v.data for v in g.roots()] == ["a"]
    assert [v.data for v in g.leaves()] == ["e"]
    rg, _ = g.reverse()
    assert [v.data for v in rg.roots()] == ["e"]
    assert not g.hasCycle()


def test_topsort_lists_each_node_before_the_nodes_it_points_to():
    n = {k: graph.Node(k) for k in "abcd"}
    n["a"].add([n["b"], n["c"]])
    n["b"].add(n["d"])
    n["c"].add(n["d"])
    g = n["a"].graph()
    # reversed: b -> a, c -> a, d -> b, d -> c; its root is d, and the post-order walk from
    # d (d, b, a, then c) lists a, b, c, d
    order, reversed_graph, roots = g.topsort()
    assert [v.data for v in order] == ["a", "b", "c", "d"]
    assert all(v is g.nodes[i] for i, v in enumerate(order))
    assert [r.data for r in roots] == ["d"]
    assert len(reversed_graph.edges) == 4


def test_cycles_are_reported():
    n = {k: graph.Node(k) for k in "abc"}
    n["a"].add(n["b"])
    n["b"].add(n["c"])
    n["c"].add(n["b"])
    g = n["a"].graph()
    assert g.hasCycle()
    ring = graph.Node("r")
    ring.add(ring)
    with pytest.raises(ValueError, match="Graph has cycles"):
        ring.graph().topsort()


def test_deep_graphs_do_not_hit_the_recursion_limit():
    x = nn.Identity()()
    h = x
    for _ in range(1500):
        h = nn.Tanh()(h)
    g = gModule([x], [h])
    assert len(g.forwardnodes) == 1503
    inp = torch.Tensor([0.5, -0.25])
    out = g.forward(inp).clone()
    assert g.backward(inp, torch.ones(2)).size(1) == 2
    copy = g.clone()
    assert copy.forward(inp).equal(out)
