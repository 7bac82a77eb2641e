"""nn.gModule: a module whose computation is a directed acyclic graph of nngraph nodes.

The forward pass runs the nodes in the topological order of the forward graph; the backward
pass runs them in the topological order of the backward graph, and a node whose output feeds
several others receives the sum of their gradients, added in the order they arrived. Both
orders come from torch/graph's traversals (see graph.py), so that a graph computes, draws
random numbers and sums gradients exactly as under Torch7.
"""

import collections.abc
import sys

from ..nn.containers import Container
from ..torch.classes import typename
from ..torch.tensor import Tensor
from .node import Node, NodeData, map_position


def expecting_node_message(value, array, index):
    """Torch7's message for something that should have been an nngraph.Node."""
    from ..nn.module import Module

    if value is None:
        return f"{array}[{index}] is nil (typo / bad index?)"
    if isinstance(value, Module):
        return (f"{array}[{index}] is an nn.Module, specifically a {typename(value)}, but the only "
                "valid thing to pass is an instance of nngraph.Node. Did you forget a second set "
                "of parens, which convert a nn.Module to a nngraph.Node?")
    from ..torch.classes import lua_type

    return (f"{array}[{index}] should be an nngraph.Node but is of type "
            f"{typename(value) or lua_type(value)}")


def as_sequence(value, what):
    """A Lua-style array (list, tuple, or int-keyed mapping with holes) as a Python list with
    None in the holes, as ``table.maxn`` would walk it."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, collections.abc.Mapping):
        keys = [k for k in value if isinstance(k, (int, float)) and not isinstance(k, bool)]
        n = int(max(keys)) if keys else 0
        return [value.get(i) if i in value else None for i in range(1, n + 1)]
    raise TypeError(f"nn.gModule: {what} must be a table of nngraph.Node, got "
                    f"{typename(value) or type(value).__name__}")


# --- nested tensors / tables (nngraph's nesting helpers) -------------------------------------
def _clone_nested(obj):
    if isinstance(obj, Tensor):
        return obj.clone()
    return [_clone_nested(x) for x in obj]


def _resize_nested_as(output, input):
    if isinstance(output, Tensor):
        output.resizeAs(input)
        return output
    for i, child in enumerate(input):
        if i < len(output) and output[i] is not None:
            output[i] = _resize_nested_as(output[i], child)
        elif i < len(output):
            output[i] = _clone_nested(child)
        else:
            output.append(_clone_nested(child))
    del output[len(input):]
    return output


def _copy_nested(output, input):
    if isinstance(output, Tensor):
        output.copy(input)
    else:
        for o, i in zip(output, input):
            _copy_nested(o, i)


def _add_nested_to(output, input):
    if isinstance(output, Tensor):
        output.add(input)
    else:
        if len(input) > len(output):
            raise ValueError("missing key")
        for o, i in zip(output, input):
            _add_nested_to(o, i)


def _is_zero_scalar(t):
    """A tensor over a one-element storage holding 0 (a module's "no gradient" marker)."""
    if not isinstance(t, Tensor):
        return False
    st = t._storage
    return st is not None and st.size() == 1 and st.data[0] == 0


def _set_at(lst, position, value):
    """``lst[position] = value`` with Lua's 1-based position, growing the list as needed."""
    while len(lst) < position:
        lst.append(None)
    lst[position - 1] = value


def total_grad_output(node):
    """The sum of the gradients that reached ``node`` (added in arrival order)."""
    grads = node.data.gradOutput
    if not isinstance(grads, list):
        raise TypeError("expecting gradients to sum")
    if len(grads) <= 1:
        return grads[0] if grads else None
    if node.data.gradOutputBuffer is None:
        # when all gradients but one are zero scalars, that one is the sum: no buffer needed
        nonzero = [i for i, g in enumerate(grads) if not _is_zero_scalar(g)]
        if len(nonzero) < 2:
            return grads[nonzero[0] if nonzero else 0]
        node.data.gradOutputBuffer = _clone_nested(grads[0])
    buffer = node.data.gradOutputBuffer
    buffer = node.data.gradOutputBuffer = _resize_nested_as(buffer, grads[0])
    _copy_nested(buffer, grads[0])
    for g in grads[1:]:
        _add_nested_to(buffer, g)
    return buffer


def _node_input(node):
    """The module input of a node: its single input, or the list of its inputs."""
    inputs = node.data.input
    if inputs is None:  # a node without inputs (a parameter node)
        inputs = []
    return inputs[0] if len(inputs) == 1 else inputs


class gModule(Container):
    """``nn.gModule(inputs, outputs)``: the graph from the ``inputs`` nodes to the ``outputs``
    nodes as one module. ``forward`` takes one input (one input node) or a table of inputs;
    ``output`` is one tensor (one output node) or a table."""

    __typename__ = "nn.gModule"
    __nonpersistent__ = ("_plan",)  # derived from the graph, rebuilt when needed

    def __init__(self, inputs, outputs):
        super().__init__()
        inputs = as_sequence(inputs, "inputs")
        outputs = as_sequence(outputs, "outputs")
        for i, node in enumerate(outputs, 1):
            if not isinstance(node, Node):
                raise TypeError(expecting_node_message(node, "outputs", i))
        for i, node in enumerate(inputs, 1):
            if not isinstance(node, Node):
                raise TypeError(expecting_node_message(node, "inputs", i))
        if not inputs:
            raise ValueError("no inputs are not supported")
        if len(inputs) > 1:
            for node in inputs:
                if node.children:
                    raise ValueError("an input should have no inputs")
        # A dummy output node gathers the outputs (the start of the backward graph); a dummy
        # input node, split when there are several inputs, feeds the input nodes.
        outnode = Node(NodeData(input=[]))
        for node in outputs:
            outnode.add(node, True)
        innode = Node(NodeData(input=[]))
        if len(inputs) == 1:
            inputs[0].add(innode, True)
        else:
            for node, split in zip(inputs, innode.split(len(inputs))):
                node.add(split, True)

        # the backward graph (bg) holds the user's nodes, edges pointing to inputs; the
        # forward graph (fg) is its reverse, with new nodes sharing the same data
        self.bg = outnode.graph()
        if self.bg.hasCycle():
            raise ValueError("Graph has cycles")
        self.fg = self.bg.reverse()[0]

        roots = self.fg.roots()
        innode_root = None
        for root in roots:
            if root.data is innode.data:
                innode_root = root
            elif len(roots) > 1:
                module = root.data.module
                if module is None:
                    raise ValueError("Expected nnop.Parameters node, module not found in node")
                if typename(module) != "nnop.Parameters":
                    raise ValueError(f"Expected nnop.Parameters node, found : {typename(module)}")
        if innode_root is None:
            raise ValueError("expecting the forward innode (an input node does not connect to "
                             "the outputs)")
        self.innode = innode_root
        self.outnode = outnode
        self.verbose = False
        self.nInputs = len(inputs)

        self.forwardnodes = self.fg.topsort()[0]
        self.backwardnodes = self.bg.topsort()[0]

        position = {node.data: i for i, node in enumerate(self.forwardnodes)}
        for i, node in enumerate(self.forwardnodes):
            data = node.data
            if data.nSplitOutputs and data.nSplitOutputs != len(node.children):
                unused = data.nSplitOutputs - len(node.children)
                raise ValueError(f"{unused} of split({data.nSplitOutputs}) outputs from the node "
                                 f"declared at {data.annotations.get('_debugLabel')} are unused")
            # a node fed by this one but not reaching the outputs would never run
            for successor in data.reverseMap:
                if position.get(successor.data, -1) <= i:
                    raise ValueError(f"node declared on {successor.data.annotations.get('_debugLabel')} "
                                     "does not connect to gmodule output")
            data.forwardNodeId = node.id
            if data.module is not None:
                self.add(data.module)

        self.output = None
        self.gradInput = None
        if len(self.outnode.children) > 1:
            self.output = self.outnode.data.input

    # --- the computations ---------------------------------------------------------------
    def updateOutput(self, input):
        return self.runForwardFunction("updateOutput", input)

    def runForwardFunction(self, func, input):
        """Run ``func(module, input)`` (or the method named ``func``) through the graph."""
        if isinstance(func, str):
            name = func
            func = lambda module, x: getattr(module, name)(x)
        n_inputs = self.nInputs or len(self.innode.children)
        if n_inputs <= 1:
            input = [input]
        elif not isinstance(input, (list, tuple)):
            raise TypeError(f"expecting table of {n_inputs} inputs")
        if len(input) != n_inputs:
            raise ValueError(f"Got {len(input)} inputs instead of {n_inputs}")
        for node in self.forwardnodes:
            if node.data.input is not None:
                node.data.input.clear()
        innode_input = self.innode.data.input
        if innode_input is None:
            innode_input = self.innode.data.input = []
        innode_input.extend(input)

        verbose = self.verbose
        for node, targets in self._plans()[0]:
            data = node.data
            if data.selectindex:
                inputs = data.input
                if len(inputs) != 1:
                    raise ValueError("only the splitted node should be the input")
                if not isinstance(inputs[0], (list, tuple)):
                    raise ValueError("the input for a split should be a table")
                output = inputs[0][data.selectindex - 1]
            else:
                x = _node_input(node)
                output = x if data.module is None else func(data.module, x)
                if data.nSplitOutputs and (not isinstance(output, (list, tuple))
                                           or data.nSplitOutputs != len(output)):
                    n = len(output) if isinstance(output, (list, tuple)) else 0
                    raise ValueError(f"split({data.nSplitOutputs}) cannot split {n} outputs")
            for cdata, position in targets:
                inputs = cdata.input
                if inputs is None:
                    inputs = cdata.input = []
                if position == len(inputs) + 1:
                    inputs.append(output)
                else:
                    if position <= len(inputs) and inputs[position - 1] is not None:
                        raise ValueError("each input should have one source")
                    _set_at(inputs, position, output)
            if verbose:
                print(" V : " + node.label())

        self.output = self.outnode.data.input
        if len(self.outnode.children) == 1:
            self.output = self.output[0]
        return self.output

    def updateGradInput(self, input, gradOutput):
        outnode = self.outnode
        n_outputs = len(outnode.children)
        if n_outputs > 1 and (not isinstance(gradOutput, (list, tuple)) or len(gradOutput) != n_outputs):
            got = len(gradOutput) if isinstance(gradOutput, (list, tuple)) else 0
            raise ValueError(f"Got {got} gradOutputs instead of {n_outputs}")
        for node in self.backwardnodes:
            if node.data.gradOutput is not None:
                node.data.gradOutput.clear()
        if outnode.data.gradOutput is None:
            outnode.data.gradOutput = []
        outnode.data.gradOutput.append(gradOutput)

        verbose = self.verbose
        for node, sources in self._plans()[1]:
            data = node.data
            if data.selectindex:
                if len(node.children) != 1:
                    raise ValueError("only the splitted node should be the input")
                child = node.children[0]
                go = total_grad_output(node)
                if child.data.gradOutput is None:
                    child.data.gradOutput = []
                pending = child.data.gradOutput
                if len(pending) > 1:
                    raise ValueError("the splitted node should be used only once")
                if not pending:
                    pending.append([])
                slot = pending[0]
                if data.selectindex <= len(slot) and slot[data.selectindex - 1] is not None:
                    raise ValueError("no gradOutput should be assigned yet")
                _set_at(slot, data.selectindex, go)
            else:
                grad = total_grad_output(node)
                if data.module is None:
                    grad_input = grad
                else:
                    grad_input = data.module.updateGradInput(_node_input(node), grad)
                single = len(sources) == 1
                for cdata, position in sources:
                    if cdata.gradOutput is None:
                        cdata.gradOutput = []
                    cdata.gradOutput.append(grad_input if single else grad_input[position - 1])
            if verbose:
                print(" V : " + node.label())

        if len(self.innode.data.gradOutput or ()) != 1:
            raise ValueError("expecting the innode to be used only once")
        self.gradInput = self.innode.data.gradOutput[0]
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        n_outputs = len(self.outnode.children)
        if n_outputs > 1 and (not isinstance(gradOutput, (list, tuple)) or len(gradOutput) != n_outputs):
            got = len(gradOutput) if isinstance(gradOutput, (list, tuple)) else 0
            raise ValueError(f"Got {got} gradOutputs instead of {n_outputs}")
        for node in self.backwardnodes:
            data = node.data
            if data.module is None:
                continue
            grads = data.gradOutput or []
            if len(grads) > 1:
                grad = data.gradOutputBuffer
                if grad is None:  # the sum was one gradient plus zero scalars
                    grad = total_grad_output(node)
            else:
                grad = grads[0] if grads else None
            data.module.accGradParameters(_node_input(node), grad, scale)
            if self.verbose:
                print(" V : " + node.label())

    def _plans(self):
        """For each forward node, where its output goes: (consumer data, input position); for
        each backward node, where its gradInput goes: (producer data, position in its input
        list). Derived once from the graph (it does not change after construction)."""
        plan = self.__dict__.get("_plan")
        if plan is None:
            forward = [(node, [(child.data, map_position(child.data.mapindex, node.data))
                               for child in node.children])
                       for node in self.forwardnodes]
            backward = [(node, [(child.data, map_position(node.data.mapindex, child.data))
                                for child in node.children])
                        for node in self.backwardnodes]
            plan = self._plan = (forward, backward)
        return plan

    # --- container behaviour ------------------------------------------------------------
    def map(self, gm, func):
        """``func(module, other_module)`` over the modules of two gModules of one structure."""
        for i, node in enumerate(self.forwardnodes):
            if i >= len(gm.forwardnodes):
                raise ValueError("trying to map another gModule with a different structure")
            other = gm.forwardnodes[i]
            if node.data.module is not None:
                if other.data.module is None:
                    raise ValueError("trying to map another gModule with a different structure")
                func(node.data.module, other.data.module)

    def type(self, type=None, tensorCache=None):
        if type is None:
            return self._type
        from ..nn.utils import recursiveType

        cache = {} if tensorCache is None else tensorCache

        def convert(value):
            if isinstance(value, Tensor):
                return recursiveType(value, type, cache)
            if isinstance(value, list):
                value[:] = [convert(v) for v in value]
            return value

        for key in ("output", "gradInput"):
            setattr(self, key, convert(getattr(self, key, None)))
        for data in (self.innode.data, self.outnode.data):
            for key, value in list(data.__dict__.items()):
                if key != "mapindex":
                    data.__dict__[key] = convert(value)
        for m in self.modules:
            m.type(type, cache)
        for node in self.backwardnodes:
            if node.data.gradOutputBuffer is not None:
                node.data.gradOutputBuffer = convert(node.data.gradOutputBuffer)
        self._type = type
        return self

    def clearState(self):
        super().clearState()
        for node in self.backwardnodes:
            node.data.gradOutput = None
            node.data.gradOutputBuffer = None
        for node in self.forwardnodes:
            node.data.input = None
        return self

    def clone(self, *names):
        # the copy walks the node graph recursively: allow for deep (unrolled) graphs
        depth = sys.getrecursionlimit()
        needed = 50 * (len(self.forwardnodes) + 50)
        if needed > depth:
            sys.setrecursionlimit(needed)
        try:
            return super().clone(*names)
        finally:
            sys.setrecursionlimit(depth)

    def __tostring__(self):
        return getattr(self, "name", None) or typename(self)
