"""nn.Convert: converts between data layouts named by letters ('bchw' -> 'bf', 'chw' -> 'f',
'bf' -> 'fb', ...) and to the module's tensor type, as Torch7's Convert.lua (from dpnn): a
Container whose converter (Transpose, Reshape, Select or Identity) is built on the first input.
"""

from ..torch import Tensor
from ..torch.classes import type_of, typename
from .containers import Container, Sequential
from .simple import Identity, Reshape, Select, Transpose


def _get(obj, name):
    return obj.__dict__.get(name)


def _find(shape, char):
    """Lua's string.find for one character: its 1-based position, or None."""
    i = shape.find(char)
    return None if i < 0 else i + 1


class Convert(Container):
    """Layout conversion between letter-named shapes; the batch letter 'b' is implied when
    missing, and non-batch input gains (then loses) a batch dimension of 1."""

    __typename__ = "nn.Convert"

    def __init__(self, inputShape=None, outputShape=None):
        if outputShape is not None and inputShape is None:
            raise ValueError("Expecting non-nil arg 1 when arg 2 is provided")
        inputShape = "b*" if inputShape is None else inputShape
        outputShape = inputShape if outputShape is None else outputShape
        self.inputShape = inputShape if "b" in inputShape else "b" + inputShape
        self.outputShape = outputShape if "b" in outputShape else "b" + outputShape
        self.inputBatchDim = _find(self.inputShape, "b")
        self.outputBatchDim = _find(self.outputShape, "b")
        if self.inputShape == "b*" or self.outputShape == "b*":
            if not (self.inputShape == "b*" and self.outputShape == "b*"):
                raise ValueError("Both or neither shapes must be b*")
            self.nInputDim = -1
            self.nOutputDim = -1
            self.transposition = True
        else:
            self.nInputDim = len(self.inputShape)
            self.nOutputDim = len(self.outputShape)
            if self.nInputDim == self.nOutputDim:
                self.transposition = all(c in self.outputShape for c in self.inputShape)
        super().__init__()

    # --- the converters, by output shape ------------------------------------------------
    def findAxis(self, axis_char, shape=None, silent=False):
        shape = self.inputShape if shape is None else shape
        pos = _find(shape, axis_char)
        if not silent and pos is None:
            raise ValueError(f"Provided shape '{shape}' has no axis '{axis_char}'")
        return pos

    def bf(self, input):
        b_pos = self.findAxis("b", self.inputShape)
        dim = len(self.inputShape)
        if self.inputShape == "bt":
            raise ValueError("Conversion of shape bt to bf not supported: open an issue on github")
        if dim == 1:
            return Reshape(1)
        modula = None
        if b_pos != 1:
            modula = Transpose([1, b_pos])
        if dim > 2:
            transpose = modula
            sample_size = input.select(self.findAxis("b"), 1).nElement()
            reshape = Reshape(sample_size)
            if transpose is not None:
                modula = Sequential()
                modula.add(transpose)
                modula.add(reshape)
            else:
                modula = reshape
        return modula if modula is not None else Identity()

    def b(self, input):
        if self.inputShape in ("bt", "tb"):
            return Select(self.findAxis("t"), 1)
        if self.inputShape in ("bf", "fb"):
            f_pos = self.findAxis("f")
            if input.size(f_pos) > 1:
                raise ValueError(f"Cannot convert shape {self.inputShape} to b when feature > 1")
            return Select(f_pos, 1)
        raise ValueError(f"Cannot convert shape {self.inputShape} to shape b")

    def default(self, input=None):
        return Identity()

    def bt(self, input=None):
        if self.inputShape == "b":
            return Reshape(1)
        raise ValueError(f"cannot convert shape '{self.inputShape}' to bt")

    def transpose(self, newShape):
        if newShape == self.inputShape:
            return Identity()
        shape = list(self.inputShape)
        transpositions = []
        for i, c in enumerate(newShape, start=1):
            j = shape.index(c) + 1
            if i != j:
                shape[i - 1], shape[j - 1] = shape[j - 1], shape[i - 1]
                transpositions.append([j, i])
        return Transpose(*transpositions)

    def buildConverter(self, input):
        if getattr(self, "transposition", None):
            self.converter = self.transpose(self.outputShape)
        else:
            build = {"bf": self.bf, "b": self.b, "bt": self.bt, "default": self.default}.get(self.outputShape)
            if build is None:
                raise ValueError(f"Unrecognized conversion of shape {self.inputShape} to {self.outputShape}")
            self.converter = build(input)
        if not isinstance(self.output, Tensor):
            raise TypeError("Expecting Tensor output")
        self.converter.type(type_of(self.output))
        if self.modules:
            self.modules[0] = self.converter
        else:
            self.modules.append(self.converter)

    # --- the computations -------------------------------------------------------------
    def updateOutput(self, input):
        if not isinstance(input, Tensor):
            raise TypeError(f"{typename(self)}: expecting Tensor")
        if typename(input) != typename(self.output):  # convert to the module's type
            if _get(self, "_input") is None:
                self._input = self.output.new()
            self._input.resize(input._size).copy(input)
            input = self._input
        self.batchMode = True
        if input.dim() < self.nInputDim:  # a single sample: give it a batch dimension
            size = list(input._size)
            size.insert(self.inputBatchDim - 1, 1)
            if _get(self, "__input") is None:
                setattr(self, "__input", input.new())
            _get(self, "__input").set(input).resize(*size)
            input = _get(self, "__input")
            self.batchMode = False
        if _get(self, "converter") is None:
            self.buildConverter(input)
        self.output = self.converter.updateOutput(input)
        if not self.batchMode:
            size = list(self.output._size)
            del size[self.outputBatchDim - 1]
            if _get(self, "__output") is None:
                setattr(self, "__output", self.output.new())
            _get(self, "__output").set(self.output).resize(*size)
            self.output = _get(self, "__output")
        return self.output

    def updateGradInput(self, input, gradOutput):
        original = input
        if _get(self, "_input") is not None:
            input = self._input
        if not self.batchMode:
            input = _get(self, "__input")
            if _get(self, "__gradOutput") is None:
                setattr(self, "__gradOutput", gradOutput.new())
            _get(self, "__gradOutput").set(gradOutput).resize(*self.converter.output._size)
            gradOutput = _get(self, "__gradOutput")
        gradInput = self.converter.updateGradInput(input, gradOutput)
        if not self.batchMode:
            if _get(self, "__gradInput") is None:
                setattr(self, "__gradInput", gradInput.new())
            _get(self, "__gradInput").set(gradInput).resize(*original._size)
            gradInput = _get(self, "__gradInput")
        if _get(self, "_input") is not None:
            if _get(self, "_gradInput") is None:
                self._gradInput = input.new()
            self._gradInput.resize(input._size).copy(gradInput)
            self.gradInput = self._gradInput
        else:
            self.gradInput = gradInput
        return self.gradInput

    def _inner(self, input, gradOutput):
        # Torch7's choice of tensors for the parameter updates, kept as written
        for candidate in ((_get(self, "__input") if self.batchMode else None), _get(self, "_input")):
            if candidate is not None:
                input = candidate
                break
        if self.batchMode and _get(self, "__gradOutput") is not None:
            gradOutput = _get(self, "__gradOutput")
        return input, gradOutput

    def accGradParameters(self, input, gradOutput, scale=1):
        self.converter.accGradParameters(*self._inner(input, gradOutput), scale)

    def accUpdateGradParameters(self, input, gradOutput, lr):
        self.converter.accUpdateGradParameters(*self._inner(input, gradOutput), lr)

    def clearState(self):
        for name in ("_input", "_gradInput", "__input", "__output", "__gradInput", "__gradOutput"):
            self.__dict__.pop(name, None)
        return self

    def type(self, type=None, tensorCache=None):
        if type is None:
            return Container.type(self)
        self.clearState()
        return Container.type(self, type, tensorCache)
