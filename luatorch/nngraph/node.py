"""nngraph.Node: a graph node wrapping one nn module (or an input, split or select point)."""

import os
import sys

from ..torch.classes import TorchObject
from .graph import Node as GraphNode

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_BRIDGE_DIR = os.path.join(_PACKAGE_DIR, "lua") + os.sep

# Where a node was declared, for error messages (Torch7 reads it from Lua's debug.getinfo).
# The library cannot see the Lua stack; a runtime that can may install a function here that
# returns the '[file]:line' text of the caller (with '_function' when asked), or None.
location_hook = None


def caller_location(with_function=True):
    """'[file]:line_function' of the innermost caller outside the luatorch package."""
    if location_hook is not None:
        where = location_hook(with_function)
        if where:
            return where
    frame = sys._getframe(1)
    while frame is not None:
        path = os.path.abspath(frame.f_code.co_filename)
        if path.startswith(_BRIDGE_DIR):
            break  # called from Lua: the Python frames further out say nothing about the script
        if not path.startswith(_PACKAGE_DIR + os.sep):
            name = frame.f_code.co_name
            name = "" if name.startswith("<") else name
            where = f"[{os.path.basename(path)}]:{frame.f_lineno}"
            return where + "_" + name if with_function else where
        frame = frame.f_back
    return "[?]:0_" if with_function else "[?]:0"


class NodeData(TorchObject):
    """The ``data`` record of a node (a Lua table in Torch7): ``module``, ``input`` (inputs
    gathered during forward), ``gradOutput`` (gradients to sum), ``mapindex`` (the input nodes'
    data in connection order), ``reverseMap`` (the nodes fed by this one), ``annotations``,
    and for split points ``nSplitOutputs`` / ``selectindex``. A missing field reads as None,
    as a missing field of a Lua table reads as nil. It is an object rather than a dict because
    nodes find their inputs by the identity of this record (Lua keys tables by identity)."""

    __typename__ = "nngraph.NodeData"

    # the fields gModule reads on every pass: class defaults are cheaper than __getattr__
    module = input = gradOutput = gradOutputBuffer = None
    selectindex = nSplitOutputs = forwardNodeId = None

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def __getattr__(self, name):
        # only reached for fields never set: Lua's nil
        if name.startswith("__"):
            raise AttributeError(name)

    def __repr__(self):
        keys = ", ".join(sorted(k for k in self.__dict__ if not k.startswith("_")))
        return f"<nngraph node data: {keys}>"


def map_position(mapindex, data):
    """1-based position of ``data`` in a ``mapindex`` list, or None."""
    for i, d in enumerate(mapindex, 1):
        if d is data:
            return i
    return None


class Node(GraphNode):
    """A vertex of an nngraph: ``children`` are the nodes whose outputs feed this one, in the
    order they were given (``data.mapindex`` remembers that order)."""

    __typename__ = "nngraph.Node"

    def __init__(self, data=None):
        if data is None:
            data = NodeData()
        elif isinstance(data, dict):
            data = NodeData(**data)
        super().__init__(data)
        if data.annotations is None:
            data.annotations = {}
        elif not isinstance(data.annotations, dict):
            data.annotations = dict(data.annotations)
        if data.mapindex is None:
            data.mapindex = []
        if data.reverseMap is None:
            data.reverseMap = {}
        if not data.annotations.get("_debugLabel"):
            data.annotations["_debugLabel"] = caller_location()

    def add(self, child, domap=False):
        """Connect ``child`` as an input; with ``domap`` its position is remembered."""
        if domap and map_position(self.data.mapindex, child.data) is not None:
            raise ValueError("Don't pass the same input twice.")
        if domap and self in child.data.reverseMap:
            raise ValueError("this connection has already been made!")
        super().add(child)
        if domap:
            self.data.mapindex.append(child.data)
            # the input learns that this node is downstream of it (dangling-node detection)
            child.data.reverseMap[self] = True

    def split(self, noutput):
        """``noutput`` nodes, the i-th taking element i of this node's (table) output."""
        noutput = int(noutput)
        if noutput == 1:
            from .modules import JustElement

            return JustElement()(self)
        if noutput < 1:
            raise ValueError(f"split({noutput}): the number of outputs must be at least 1")
        label = self.data.annotations.get("_debugLabel", "")
        split_at = " split at " + caller_location(False)
        mnode = Node(NodeData(nSplitOutputs=noutput,
                              annotations={"_debugLabel": label + split_at + "-mnode"}))
        mnode.add(self, True)
        selects = []
        for i in range(1, noutput + 1):
            node = Node(NodeData(selectindex=i, input=[],
                                 annotations={"_debugLabel": f"{label}-{i}"}))
            node.add(mnode, True)
            selects.append(node)
        return tuple(selects)

    def __getitem__(self, index):
        """``node[i]``: a node selecting element ``i`` of this node's table output, as
        ``nn.SelectTable(i)(node)`` (a luatorch shorthand; Torch7's nodes have no indexing)."""
        from ..nn import SelectTable

        if isinstance(index, bool) or not isinstance(index, (int, str)):
            raise TypeError(f"nngraph.Node: index must be an integer or a string key, got {index!r}")
        return SelectTable(index)(self)

    def __iter__(self):
        raise TypeError("nngraph.Node is not iterable: use node:split(n) to take n outputs")

    def annotate(self, annotations):
        """Store ``annotations`` (name, description, graphAttributes ...) on the node."""
        for k, v in dict(annotations).items():
            self.data.annotations[k] = v
        return self

    def graphNodeName(self):
        name = self.data.annotations.get("name")
        if name:
            return f"{name} ({self.id})"
        return f"Node{self.id}"

    def graphNodeAttributes(self):
        attrs = self.data.annotations.setdefault("graphAttributes", {})
        attrs.setdefault("tooltip", self.data.annotations.get("_debugLabel"))
        return attrs

    def label(self):
        """The node's description as Torch7 writes it into graph drawings."""
        from ..torch.tensor import Tensor

        def describe(value):
            if value is None:
                return ""
            if isinstance(value, Tensor):
                kind = "Tensor" if value.type() == "torch.DoubleTensor" else value.type()
                return kind + "[" + "x".join(str(s) for s in value._size) + "]"
            if isinstance(value, (list, tuple)):
                return "{" + ",".join(describe(v) for v in value) + "}"
            return str(value).replace("\n", "\\l")

        parts = []
        for key in sorted(k for k in self.data.__dict__ if not k.startswith("_")):
            value = self.data.__dict__[key]
            if key == "mapindex":
                if len(value) > 1:
                    ids = ",".join("Node" + str(d.forwardNodeId or "") for d in value)
                    parts.append(f"mapindex = {{{ids}}}")
            elif key in ("forwardNodeId", "annotations", "reverseMap"):
                continue
            else:
                parts.append(f"{key} = {describe(value)}")
        desc = self.data.annotations.get("description")
        prefix = f"desc = {desc}\\n" if desc else ""
        return prefix + "\\l".join(parts)
