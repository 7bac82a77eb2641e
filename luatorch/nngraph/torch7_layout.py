"""Reading gModules that Torch7 wrote (char-rnn checkpoints and the like).

Torch7's nngraph keeps a node's ``data`` as a plain Lua table and indexes its tables both ways:
``children``, ``graph.nodes`` and ``graph.edges`` are arrays that also map each element to its
position (``children[child] = i``), ``data.mapindex`` is the array of the input nodes' data
tables plus ``mapindex[data] = i``, ``data.reverseMap`` is ``{[node] = true}``, and an Edge has the
field ``from``. The reader gives those tables as dicts (table keys wrapped in TableKey); this
module turns them, in place, into the layout of this package (NodeData records, plain lists,
``Edge.from_``), so that the loaded gModule runs as one built here. gModules written by
luatorch are left as they are.

Importing it registers the conversion as the reader's hook for ``nn.gModule``.
"""

from ..torch.serialization import TableKey, register_read_hook
from .graph import Edge, Graph
from .graph import Node as GraphNode
from .node import Node, NodeData


def _array_part(table):
    """The elements at 1..n of a Lua table read as a list or as a dict (its array part)."""
    if table is None:
        return []
    if isinstance(table, list):
        return table
    if not isinstance(table, dict):
        raise TypeError(f"expected a table, found {type(table).__name__}")
    out = []
    while len(out) + 1 in table:
        out.append(table[len(out) + 1])
    return out


class _Converter:
    def __init__(self):
        self.data = {}  # id(Lua data table) -> NodeData
        self.seen = set()  # ids of objects converted

    def node_data(self, data):
        if isinstance(data, NodeData):
            return data
        if isinstance(data, TableKey):
            data = data.table
        if not isinstance(data, dict):
            raise TypeError(f"a node's data is a {type(data).__name__}, expected a table")
        converted = self.data.get(id(data))
        if converted is None:
            converted = self.data[id(data)] = NodeData()
            fields = dict(data)
            fields["mapindex"] = [self.node_data(d) for d in _array_part(fields.get("mapindex"))]
            reverse = fields.get("reverseMap")
            fields["reverseMap"] = dict(reverse) if isinstance(reverse, dict) else {}
            annotations = fields.get("annotations")
            fields["annotations"] = dict(annotations) if isinstance(annotations, dict) else {}
            converted.__dict__.update(fields)
        return converted

    def node(self, node):
        """Convert ``node`` and every node reachable through its children (iteratively)."""
        stack = [node]
        while stack:
            n = stack.pop()
            if id(n) in self.seen or not isinstance(n, GraphNode):
                continue
            self.seen.add(id(n))
            n.__dict__.pop("_child_set", None)
            n.children = list(_array_part(n.__dict__.get("children")))
            if isinstance(n, Node):  # an nngraph node's data is a table
                n.data = self.node_data(n.__dict__.get("data"))
            n.__dict__.setdefault("id", 0)
            n.__dict__.setdefault("visited", False)
            n.__dict__.setdefault("marked", False)
            stack.extend(n.children)

    def graph(self, g):
        if not isinstance(g, Graph) or id(g) in self.seen:
            return
        self.seen.add(id(g))
        for name in ("_node_index", "_edge_set"):
            g.__dict__.pop(name, None)
        g.nodes = list(_array_part(g.__dict__.get("nodes")))
        g.edges = list(_array_part(g.__dict__.get("edges")))
        for e in g.edges:
            self.edge(e)
        for n in g.nodes:
            self.node(n)

    def edge(self, e):
        if isinstance(e, Edge) and "from" in e.__dict__:
            e.from_ = e.__dict__.pop("from")
        for n in (getattr(e, "from_", None), getattr(e, "to", None)):
            self.node(n)


def _is_torch7_layout(gmodule):
    innode = gmodule.__dict__.get("innode")
    if isinstance(innode, GraphNode) and not isinstance(innode.__dict__.get("data"), NodeData):
        return True
    for key in ("forwardnodes", "backwardnodes"):
        if isinstance(gmodule.__dict__.get(key), dict):
            return True
    fg = gmodule.__dict__.get("fg")
    return isinstance(fg, Graph) and (isinstance(fg.__dict__.get("edges"), dict) or any(
        "from" in e.__dict__ for e in fg.__dict__.get("edges", [])[:1] if isinstance(e, Edge)))


def from_torch7(gmodule, version=None):
    """Convert a gModule read from a Torch7 file to this package's node layout, in place."""
    if not _is_torch7_layout(gmodule):
        return gmodule
    convert = _Converter()
    fields = gmodule.__dict__
    for key in ("fg", "bg"):
        convert.graph(fields.get(key))
    for key in ("forwardnodes", "backwardnodes"):
        fields[key] = list(_array_part(fields.get(key)))
        for n in fields[key]:
            convert.node(n)
    for key in ("innode", "outnode"):
        convert.node(fields.get(key))
    if not isinstance(fields.get("modules"), list):
        # nngraph's gModule was an nn.Module before it was an nn.Container: no modules field
        fields["modules"] = [n.data.module for n in fields["forwardnodes"]
                             if n.data is not None and n.data.module is not None]
    if fields.get("nInputs") is None:
        # files from before nngraph stored it: Torch7 counts the innode's children, which is
        # right when the inputs hang off the innode, and 1 when it feeds a split of the inputs
        children = gmodule.innode.children
        split = children[0].data.nSplitOutputs if len(children) == 1 else None
        fields["nInputs"] = split or len(children)
    fields.setdefault("verbose", False)
    fields.pop("_plan", None)
    return gmodule


register_read_hook("nn.gModule", from_torch7)
