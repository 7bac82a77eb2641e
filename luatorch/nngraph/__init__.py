"""nngraph: build networks as graphs of modules (Torch7's torch/nngraph).

Importing this package does what ``require 'nngraph'`` does in Torch7: calling any nn module
with nodes builds a graph node (``nn.Linear(4, 4)(x)``, ``nn.Identity()()``,
``nn.CAddTable()({a, b})``), calling a criterion with nodes wraps it in nn.ModuleFromCriterion,
and ``nn.gModule(inputs, outputs)`` turns a graph into a module whose execution order and
gradient sums are Torch7's (see gmodule.py and graph.py).

Where luatorch differs, and why:

* a call with tensors (``module(x)``, ``criterion(x, y)``) keeps nn's meaning (forward), where
  Torch7 rejects it once nngraph is loaded: importing nngraph must not break other Python code;
* ``node[i]`` is a shorthand for ``nn.SelectTable(i)(node)`` (Torch7's nodes have no indexing);
* a node's ``data`` is an object (nngraph.NodeData) rather than a table, so gModules are saved
  in luatorch's own layout; graph drawing (graph.dot, nngraph.display, the SVG of setDebug)
  is not provided, annotations are stored only; ``annotateNodes`` reads Python locals.
"""

import collections.abc
import os
import sys

from .. import nn
from ..nn.criterion import Criterion
from ..nn.module import Module
from ..torch.classes import typename
from . import graph
from .gmodule import as_sequence, expecting_node_message, gModule
from .modules import JustElement, JustTable, ModuleFromCriterion
from .node import _PACKAGE_DIR, Node, NodeData

__all__ = [
    "JustElement",
    "JustTable",
    "ModuleFromCriterion",
    "Node",
    "NodeData",
    "annotateNodes",
    "gModule",
    "graph",
]

_NO_ARGUMENT = object()
# nn's own calls (forward), kept for calls with tensors; a re-import must not wrap twice
_module_forward_call = getattr(Module.__call__, "_forward_call", Module.__call__)
_criterion_forward_call = getattr(Criterion.__call__, "_forward_call", Criterion.__call__)


def _graph_item(value):
    # a module among the inputs is a forgotten second pair of parentheses: report it as such
    return isinstance(value, (Node, Module))


def _holds_node(value):
    """True when ``value`` is a node, a module, an empty table or a table holding a node or a
    module: a call meant to build the graph (nn's forward call never takes these)."""
    if _graph_item(value):
        return True
    if isinstance(value, (list, tuple)):
        return len(value) == 0 or any(_graph_item(v) for v in value)
    if isinstance(value, collections.abc.Mapping):
        return len(value) == 0 or any(_graph_item(v) for v in value.values())
    return False


def _builds_graph(input, more):
    if input is _NO_ARGUMENT or input is None or _holds_node(input):
        return True
    return any(_holds_node(m) for m in more)


def _module_call(self, input=_NO_ARGUMENT, *more):
    """``module(node)`` / ``module({node1, node2})`` / ``module()``: a new graph node running
    ``module`` on the outputs of the given nodes (nngraph's Module:__call__). A call with
    tensors keeps nn's meaning (forward, and backward when a gradOutput is given), where Torch7
    would reject it once nngraph is loaded."""
    if not _builds_graph(input, more):
        return _module_forward_call(self, input, *more)
    if more:
        raise ValueError("Use {input1, input2} to pass multiple inputs.")
    if input is None:
        raise TypeError(expecting_node_message(None, "inputs", 1))
    if input is _NO_ARGUMENT:
        inputs = []
    elif isinstance(input, (list, tuple, collections.abc.Mapping)):
        if len(input) == 0:  # (a Lua table is true even when empty)
            raise ValueError("cannot pass an empty table of inputs. To indicate no incoming "
                             "connections, leave the second set of parens blank.")
        inputs = as_sequence(input, "inputs")
    else:
        inputs = [input]
    node = Node(NodeData(module=self))
    for i, dnode in enumerate(inputs, 1):
        if typename(dnode) != "nngraph.Node":
            raise TypeError(expecting_node_message(dnode, "inputs", i))
        node.add(dnode, True)
    return node


def _criterion_call(self, input=_NO_ARGUMENT, *more):
    """``criterion({prediction, target})`` with nodes: the criterion as a module node
    (nn.ModuleFromCriterion); with tensors, nn's ``criterion(input, target)``."""
    if not _builds_graph(input, more):
        return _criterion_forward_call(self, input, *more)
    args = () if input is _NO_ARGUMENT else (input,) + more
    return ModuleFromCriterion(self)(*args)


def annotateNodes(stackLevel=1):
    """Name every node held in a local variable of the calling function after that variable
    (names given explicitly are kept). Reads Python frames: from Lua, use node:annotate."""
    frame = sys._getframe(int(stackLevel))
    if os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR + os.sep):
        raise RuntimeError("nngraph.annotateNodes reads the local variables of the calling Python "
                           "function, and cannot see Lua's: name nodes with node:annotate{name = ...}")
    for name, value in list(frame.f_locals.items()):
        if isinstance(value, Node) and not value.data.annotations.get("name"):
            value.annotate({"name": name})


# what `require 'nngraph'` changes in nn
_module_call._forward_call = _module_forward_call
_criterion_call._forward_call = _criterion_forward_call
Module.__call__ = _module_call
Criterion.__call__ = _criterion_call
nn.gModule = gModule
nn.ModuleFromCriterion = ModuleFromCriterion
