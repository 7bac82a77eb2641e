"""The small modules nngraph adds: JustElement, JustTable, ModuleFromCriterion."""

from ..nn.module import Module
from ..torch import Tensor
from ..torch.classes import typename


class JustElement(Module):
    """{x} -> x (what ``node:split(1)`` builds)."""

    __typename__ = "nngraph.JustElement"

    def __init__(self):
        super().__init__()
        self.gradInput = []

    def updateOutput(self, input):
        if not isinstance(input, (list, tuple)) or len(input) != 1:
            raise ValueError("expecting one element")
        self.output = input[0]
        return self.output

    def updateGradInput(self, input, gradOutput):
        if self.gradInput:
            self.gradInput[0] = gradOutput
        else:
            self.gradInput.append(gradOutput)
        return self.gradInput


class JustTable(Module):
    """x -> {x}."""

    __typename__ = "nngraph.JustTable"

    def __init__(self):
        super().__init__()
        self.output = []

    def updateOutput(self, input):
        if self.output:
            self.output[0] = input
        else:
            self.output.append(input)
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput = gradOutput[0]
        return self.gradInput


class ModuleFromCriterion(Module):
    """A criterion as a module: input {prediction, target}, output a 1-element tensor holding
    the loss; the gradient with respect to the target is zero."""

    __typename__ = "nn.ModuleFromCriterion"

    def __init__(self, criterion):
        super().__init__()
        self.criterion = criterion
        self.output = Tensor(1)
        self.gradInput = [Tensor(), Tensor()]

    def _pair(self, input):
        if not isinstance(input, (list, tuple)) or len(input) < 2:
            raise ValueError(f"{typename(self)}: expecting a table {{prediction, target}} as input")
        return input[0], input[1]

    def updateOutput(self, input):
        prediction, target = self._pair(input)
        self.output[1] = self.criterion.updateOutput(prediction, target)
        return self.output

    def updateGradInput(self, input, gradOutput):
        prediction, target = self._pair(input)
        grad = self.criterion.updateGradInput(prediction, target)
        self.gradInput[0].resizeAs(grad).copy(grad).mul(gradOutput[1])
        self.gradInput[1].resizeAs(target).zero()
        return self.gradInput
