"""Containers: Container, Sequential, Concat, ConcatTable, Parallel, ParallelTable, MapTable,
Bottle. Children live in the ``modules`` field (a Python list), as in Torch7."""

from ..torch import Tensor
from ..torch.classes import typename
from ..torch.storage import LongStorage
from . import utils
from .module import Module


def _child_str(m):
    return str(m)


def _branch_tree(self):
    """The tree text Torch7 prints for Concat, ConcatTable, ParallelTable, Parallel."""
    tab, line = "  ", "\n"
    s = typename(self) + " {" + line + tab + "input"
    n = len(self.modules)
    for i, m in enumerate(self.modules, 1):
        if i == n:
            s += line + tab + "   `-> " + f"({i}): " + _child_str(m).replace(line, line + tab + "       ")
        else:
            s += line + tab + "  |`-> " + f"({i}): " + _child_str(m).replace(line, line + tab + "  |    ")
    s += line + tab + "   ... -> output" + line + "}"
    return s


class Container(Module):
    """A module holding children in ``self.modules``; parameters and modes reach all of them."""

    __typename__ = "nn.Container"

    def __init__(self, *args):
        super().__init__()
        self.modules = []

    def add(self, module):
        self.modules.append(module)
        return self

    def get(self, index):
        return self.modules[int(index) - 1]

    def size(self):
        return len(self.modules)

    def rethrowErrors(self, module, index, method, *args):
        try:
            return getattr(module, method)(*args)
        except Exception as e:  # name the failing child, as Torch7 does, keeping the type
            msg = str(e.args[0]) if e.args else str(e)
            if "In " in msg and " module of " in msg:
                raise
            text = f"In {index} module of {typename(self)}:\n{msg}"
            try:
                new = type(e)(text)
            except Exception:  # noqa: BLE001 - an exception type that takes other arguments
                raise e from None
            raise new from e

    def applyToModules(self, func):
        for m in self.modules:
            func(m)

    def zeroGradParameters(self):
        for m in self.modules:
            m.zeroGradParameters()

    def updateParameters(self, learningRate):
        for m in self.modules:
            m.updateParameters(learningRate)

    def training(self):
        Module.training(self)
        for m in self.modules:
            m.training()
        return self

    def evaluate(self):
        Module.evaluate(self)
        for m in self.modules:
            m.evaluate()
        return self

    def share(self, mlp, *names):
        for m, other in zip(self.modules, mlp.modules, strict=False):
            m.share(other, *names)
        return self

    def reset(self, stdv=None):
        for m in self.modules:
            m.reset(stdv)
        return self

    def parameters(self):
        w, gw = [], []
        for m in self.modules:
            p = m.parameters()
            if p:
                w.extend(p[0])
                gw.extend(p[1])
        return w, gw

    def clearState(self):
        Module.clearState(self)
        for m in self.modules:
            m.clearState()
        return self


class Sequential(Container):
    """Feeds each child's output to the next."""

    __typename__ = "nn.Sequential"

    def add(self, module):
        if len(self.modules) == 0:
            self.gradInput = module.gradInput
        self.modules.append(module)
        self.output = module.output
        return self

    def insert(self, module, index=None):
        n = len(self.modules)
        index = n + 1 if index is None else int(index)
        if index < 1 or index > n + 1:
            raise IndexError(f"nn.Sequential.insert: index {index} out of range (1 to {n + 1})")
        self.modules.insert(index - 1, module)
        self.output = self.modules[-1].output
        self.gradInput = self.modules[0].gradInput
        return self

    def remove(self, index=None):
        n = len(self.modules)
        index = n if index is None else int(index)
        if index < 1 or index > n:
            raise IndexError(f"nn.Sequential.remove: index {index} out of range (1 to {n})")
        del self.modules[index - 1]
        if self.modules:
            self.output = self.modules[-1].output
            self.gradInput = self.modules[0].gradInput
        else:
            self.output = Tensor()
            self.gradInput = Tensor()
        return self

    def updateOutput(self, input):
        current = input
        for i, m in enumerate(self.modules, 1):
            current = self.rethrowErrors(m, i, "updateOutput", current)
        self.output = current
        return current

    def updateGradInput(self, input, gradOutput):
        mods = self.modules
        grad = gradOutput
        for i in range(len(mods) - 1, 0, -1):
            grad = self.rethrowErrors(mods[i], i + 1, "updateGradInput", mods[i - 1].output, grad)
        if mods:
            grad = self.rethrowErrors(mods[0], 1, "updateGradInput", input, grad)
        self.gradInput = grad
        return grad

    def accGradParameters(self, input, gradOutput, scale=1):
        mods = self.modules
        grad = gradOutput
        for i in range(len(mods) - 1, 0, -1):
            self.rethrowErrors(mods[i], i + 1, "accGradParameters", mods[i - 1].output, grad, scale)
            grad = mods[i].gradInput
        if mods:
            self.rethrowErrors(mods[0], 1, "accGradParameters", input, grad, scale)

    def backward(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        mods = self.modules
        grad = gradOutput
        for i in range(len(mods) - 1, 0, -1):
            grad = self.rethrowErrors(mods[i], i + 1, "backward", mods[i - 1].output, grad, scale)
        if mods:
            grad = self.rethrowErrors(mods[0], 1, "backward", input, grad, scale)
        self.gradInput = grad
        return grad

    def accUpdateGradParameters(self, input, gradOutput, lr):
        mods = self.modules
        grad = gradOutput
        for i in range(len(mods) - 1, 0, -1):
            self.rethrowErrors(mods[i], i + 1, "accUpdateGradParameters", mods[i - 1].output, grad, lr)
            grad = mods[i].gradInput
        if mods:
            self.rethrowErrors(mods[0], 1, "accUpdateGradParameters", input, grad, lr)

    def __tostring__(self):
        tab, line, arrow = "  ", "\n", " -> "
        s = "nn.Sequential {" + line + tab + "[input"
        for i in range(1, len(self.modules) + 1):
            s += arrow + f"({i})"
        s += arrow + "output]"
        for i, m in enumerate(self.modules, 1):
            s += line + tab + f"({i}): " + _child_str(m).replace(line, line + tab)
        return s + line + "}"


def _join_along(output, outs, dimension, size):
    """Resizes ``output`` to ``size`` and copies the child outputs into it one after another
    along ``dimension``."""
    output.resize(size)
    offset = 1
    for o in outs:
        width = o._size[dimension - 1]
        output.narrow(dimension, offset, width).copy(o)
        offset += width


def _output_slices(modules, gradOutput, dimension):
    """(i, child i, the slice of gradOutput along ``dimension`` that its last output filled)."""
    offset = 1
    for i, m in enumerate(modules, 1):
        width = m.output._size[dimension - 1]
        yield i, m, gradOutput.narrow(dimension, offset, width)
        offset += width


class _SlicedBackward:
    """Concat / Parallel: the four backward entry points as one ``_pass`` over the children,
    each given its slice of gradOutput (extra = scale or lr)."""

    def updateGradInput(self, input, gradOutput):
        return self._pass("updateGradInput", input, gradOutput)

    def accGradParameters(self, input, gradOutput, scale=1):
        self._pass("accGradParameters", input, gradOutput, scale)

    def backward(self, input, gradOutput, scale=1):
        return self._pass("backward", input, gradOutput, 1 if scale is None else scale)

    def accUpdateGradParameters(self, input, gradOutput, lr):
        self._pass("accUpdateGradParameters", input, gradOutput, lr)


class Concat(_SlicedBackward, Container):
    """Applies every child to the same input and concatenates their outputs along ``dimension``."""

    __typename__ = "nn.Concat"

    def __init__(self, dimension):
        super().__init__()
        self.outputSize = LongStorage()
        self.dimension = dimension

    def _outputs(self, input):
        outs = [self.rethrowErrors(m, i, "updateOutput", input) for i, m in enumerate(self.modules, 1)]
        return outs

    def updateOutput(self, input):
        outs = self._outputs(input)
        d = self.dimension - 1
        size = list(outs[0]._size)
        for k, o in enumerate(outs[1:], 2):
            if len(o._size) != len(size) or any(
                    a != b for j, (a, b) in enumerate(zip(o._size, size, strict=True)) if j != d):
                raise ValueError(f"{typename(self)}: output {k} of size {'x'.join(map(str, o._size))} "
                                 f"cannot be concatenated with size {'x'.join(map(str, size))} "
                                 f"along dimension {self.dimension}")
            size[d] += o._size[d]
        self.outputSize = LongStorage(size)
        _join_along(self.output, outs, self.dimension, size)
        return self.output

    def _pass(self, method, input, gradOutput, *extra):
        first = True
        for i, m, go in _output_slices(self.modules, gradOutput, self.dimension):
            g = self.rethrowErrors(m, i, method, input, go, *extra)
            if method in ("updateGradInput", "backward") and g is not None and g._size:
                if first:
                    self.gradInput.resizeAs(input)
                    self.gradInput._a[...] = g._a.reshape(input._size)
                    first = False
                else:
                    self.gradInput._a[...] += g._a.reshape(input._size)
        return self.gradInput

    __tostring__ = _branch_tree


class ConcatTable(Container):
    """Applies every child to the same input; the output is the table of their outputs."""

    __typename__ = "nn.ConcatTable"

    def __init__(self):
        super().__init__()
        self.output = []

    def updateOutput(self, input):
        self.output = [self.rethrowErrors(m, i, "updateOutput", input) for i, m in enumerate(self.modules, 1)]
        return self.output

    def _backward(self, method, input, gradOutput, scale=None):
        args = () if method == "updateGradInput" else (scale,)
        if isinstance(input, Tensor):
            gi = self.gradInput if isinstance(self.gradInput, Tensor) else input.clone()
            for i, m in enumerate(self.modules, 1):
                g = self.rethrowErrors(m, i, method, input, gradOutput[i - 1], *args)
                if i == 1:
                    gi.resizeAs(g).copy(g)
                else:
                    gi._a[...] += g._a.reshape(gi._size)
            self.gradInput = gi
        else:
            gi = self.gradInput if not isinstance(self.gradInput, Tensor) else []
            for i, m in enumerate(self.modules, 1):
                g = self.rethrowErrors(m, i, method, input, gradOutput[i - 1], *args)
                if isinstance(g, Tensor):
                    raise TypeError("nn.ConcatTable: currentGradInput is not a table!")
                if len(g) != len(input):
                    raise ValueError(f"nn.ConcatTable: table size mismatch: {len(g)} ~= {len(input)}")
                if i == 1:
                    gi, _ = utils.recursiveCopy(gi, g)
                else:
                    utils.recursiveAdd(gi, 1, g)
            self.gradInput = gi
        return self.gradInput

    def updateGradInput(self, input, gradOutput):
        return self._backward("updateGradInput", input, gradOutput)

    def backward(self, input, gradOutput, scale=1):
        return self._backward("backward", input, gradOutput, 1 if scale is None else scale)

    def accGradParameters(self, input, gradOutput, scale=1):
        for i, m in enumerate(self.modules, 1):
            self.rethrowErrors(m, i, "accGradParameters", input, gradOutput[i - 1], scale)

    def accUpdateGradParameters(self, input, gradOutput, lr):
        for i, m in enumerate(self.modules, 1):
            self.rethrowErrors(m, i, "accUpdateGradParameters", input, gradOutput[i - 1], lr)

    __tostring__ = _branch_tree


class ParallelTable(Container):
    """Applies child i to input[i]; the output is the table of their outputs."""

    __typename__ = "nn.ParallelTable"

    def updateOutput(self, input):
        self.output = [self.rethrowErrors(m, i, "updateOutput", input[i - 1])
                       for i, m in enumerate(self.modules, 1)]
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput = [self.rethrowErrors(m, i, "updateGradInput", input[i - 1], gradOutput[i - 1])
                          for i, m in enumerate(self.modules, 1)]
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        for i, m in enumerate(self.modules, 1):
            self.rethrowErrors(m, i, "accGradParameters", input[i - 1], gradOutput[i - 1], scale)

    def backward(self, input, gradOutput, scale=1):
        scale = 1 if scale is None else scale
        self.gradInput = [self.rethrowErrors(m, i, "backward", input[i - 1], gradOutput[i - 1], scale)
                          for i, m in enumerate(self.modules, 1)]
        return self.gradInput

    def accUpdateGradParameters(self, input, gradOutput, lr):
        for i, m in enumerate(self.modules, 1):
            self.rethrowErrors(m, i, "accUpdateGradParameters", input[i - 1], gradOutput[i - 1], lr)

    __tostring__ = _branch_tree


class Parallel(_SlicedBackward, Container):
    """Child i gets input:select(inputDimension, i); outputs are joined along outputDimension."""

    __typename__ = "nn.Parallel"

    def __init__(self, inputDimension, outputDimension):
        super().__init__()
        self.inputDimension = inputDimension
        self.outputDimension = outputDimension

    def updateOutput(self, input):
        n = len(self.modules)
        if input.size(self.inputDimension) < n:
            raise ValueError(f"nn.Parallel: input has {input.size(self.inputDimension)} slices along "
                             f"dimension {self.inputDimension}, but there are {n} modules")
        outs = [self.rethrowErrors(m, i, "updateOutput", input.select(self.inputDimension, i))
                for i, m in enumerate(self.modules, 1)]
        d = self.outputDimension - 1
        size = list(outs[0]._size)
        size[d] = sum(o._size[d] for o in outs)
        _join_along(self.output, outs, self.outputDimension, size)
        return self.output

    def _pass(self, method, input, gradOutput, *extra):
        if method != "accGradParameters" and method != "accUpdateGradParameters":
            self.gradInput.resizeAs(input)
        for i, m, go in _output_slices(self.modules, gradOutput, self.outputDimension):
            g = self.rethrowErrors(m, i, method, input.select(self.inputDimension, i), go, *extra)
            if method in ("updateGradInput", "backward"):
                self.gradInput.select(self.inputDimension, i).copy(g)
        return self.gradInput

    __tostring__ = _branch_tree


class MapTable(Container):
    """Applies clones of one module (sharing its parameters) to each element of the input table."""

    __typename__ = "nn.MapTable"

    def __init__(self, module=None, shared=None):
        super().__init__()
        self.shared = shared or ["weight", "bias", "gradWeight", "gradBias"]
        self.output = []
        self.gradInput = []
        if module is not None:
            self.add(module)

    def _extend(self, n):
        self.modules[0] = self.module
        for i in range(1, n):
            if i >= len(self.modules) or self.modules[i] is None:
                clone = self.module.clone()
                clone.share(self.module, *self.shared)
                if i < len(self.modules):
                    self.modules[i] = clone
                else:
                    self.modules.append(clone)

    def add(self, module):
        if getattr(self, "module", None) is not None:
            raise ValueError("nn.MapTable: only one base module allowed")
        self.module = module
        self.modules = [module]
        return self

    def resize(self, n):
        self._extend(n)
        del self.modules[n:]
        return self

    def updateOutput(self, input):
        self._extend(len(input))
        self.output = [self.rethrowErrors(self.modules[i], i + 1, "updateOutput", input[i])
                       for i in range(len(input))]
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput = [self.rethrowErrors(self.modules[i], i + 1, "updateGradInput", input[i], gradOutput[i])
                          for i in range(len(input))]
        return self.gradInput

    def accGradParameters(self, input, gradOutput, scale=1):
        for i in range(len(input)):
            self.rethrowErrors(self.modules[i], i + 1, "accGradParameters", input[i], gradOutput[i], scale)

    def accUpdateGradParameters(self, input, gradOutput, lr):
        for i in range(len(input)):
            self.rethrowErrors(self.modules[i], i + 1, "accUpdateGradParameters", input[i], gradOutput[i], lr)

    def zeroGradParameters(self):
        # the clones share gradients with the base module: zeroing it zeroes them all
        self.module.zeroGradParameters()

    def updateParameters(self, learningRate):
        self.module.updateParameters(learningRate)

    def parameters(self):
        return self.module.parameters()

    def clearState(self):
        Module.clearState(self)
        self.modules = [self.module]
        self.module.clearState()
        return self

    def __tostring__(self):
        tab, line = "  ", "\n"
        if getattr(self, "module", None) is None:
            return typename(self) + " { }"
        body = str(self.module).replace(line, line + tab + "      ")
        return typename(self) + " {" + line + tab + body + line + "}"


class Bottle(Container):
    """Applies a module expecting ``nInputDim`` dimensions to input with extra leading
    dimensions, by folding them into the first one."""

    __typename__ = "nn.Bottle"

    def __init__(self, module, nInputDim=2, nOutputDim=None):
        super().__init__()
        self.nInputDim = nInputDim
        self.nOutputDim = nInputDim if nOutputDim is None else nOutputDim
        self.dimDelta = self.nInputDim - self.nOutputDim
        self.modules = [module]

    def updateOutput(self, input):
        idim = input.dim()
        if idim < self.nInputDim:
            raise ValueError(f"nn.Bottle: input has {idim} dimensions, expected at least {self.nInputDim}")
        m = self.modules[0]
        if idim == self.nInputDim:
            self.output = m.updateOutput(input)
            return self.output
        lead = input._size[: idim - self.nInputDim + 1]
        rest = input._size[idim - self.nInputDim + 1:]
        n = 1
        for s in lead:
            n *= s
        squeezed = input.contiguous().view(n, *rest)
        out = m.updateOutput(squeezed)
        osize = out._size
        self.output = out.view(*(lead + osize[1:]))
        return self.output

    def updateGradInput(self, input, gradOutput):
        m = self.modules[0]
        if input.dim() == self.nInputDim:
            self.gradInput = m.updateGradInput(input, gradOutput)
            return self.gradInput
        idim = input.dim()
        lead = input._size[: idim - self.nInputDim + 1]
        n = 1
        for s in lead:
            n *= s
        inp = input.contiguous().view(n, *input._size[idim - self.nInputDim + 1:])
        go = gradOutput.contiguous().view(n, *gradOutput._size[len(lead):])
        g = m.updateGradInput(inp, go)
        self.gradInput = g.view(*input._size)
        return self.gradInput

    def _folded(self, input, gradOutput):
        idim = input.dim()
        lead = input._size[: idim - self.nInputDim + 1]
        n = 1
        for s in lead:
            n *= s
        inp = input.contiguous().view(n, *input._size[idim - self.nInputDim + 1:])
        go = gradOutput.contiguous().view(n, *gradOutput._size[len(lead):])
        return inp, go

    def accGradParameters(self, input, gradOutput, scale=1):
        m = self.modules[0]
        if input.dim() == self.nInputDim:
            m.accGradParameters(input, gradOutput, scale)
            return
        m.accGradParameters(*self._folded(input, gradOutput), scale)

    def accUpdateGradParameters(self, input, gradOutput, lr):
        m = self.modules[0]
        if input.dim() == self.nInputDim:
            m.accUpdateGradParameters(input, gradOutput, lr)
            return
        m.accUpdateGradParameters(*self._folded(input, gradOutput), lr)



class Maxout(Sequential):
    """Linear to outputSize*maxoutNumber units, then the max over each group of maxoutNumber
    (a Sequential, as in Torch7)."""

    __typename__ = "nn.Maxout"

    def __init__(self, inputSize, outputSize, maxoutNumber, preprocess=None):
        from .simple import Linear, Max, View

        super().__init__()
        if preprocess is not None:
            self.add(preprocess)
        self.add(Linear(inputSize, outputSize * maxoutNumber))
        self.add(View(maxoutNumber, outputSize).setNumInputDims(1))
        self.add(Max(1, 2))
