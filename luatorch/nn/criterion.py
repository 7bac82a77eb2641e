"""nn.Criterion: the base of every loss function."""

import copy

from ..torch import Tensor
from ..torch.classes import NilFields, TorchObject, typename
from . import utils
from .module import LuaValue


def weighted_nll_output(crit, out, total):
    """ClassNLLCriterion / SpatialClassNLLCriterion: the summed loss ``out`` averaged over the
    total target weight (when sizeAverage and it is not 0), also kept in Torch7's
    total_weight_tensor / output_tensor fields."""
    if crit.sizeAverage and total != 0:
        out /= total
    crit.total_weight_tensor._a[0] = total
    crit.output_tensor._a[0] = out
    crit.output = out
    return out


class Criterion(LuaValue, NilFields, TorchObject):
    """Base of the losses (Torch7's nn.Criterion).

    ``forward(input, target)`` calls ``self.updateOutput`` and returns the loss (a number, also
    kept in ``self.output``); ``backward(input, target)`` calls ``self.updateGradInput`` and
    returns ``self.gradInput``, a buffer reused across calls. ``backward`` assumes ``forward``
    of the same input and target ran just before. Targets may be tensors, numbers (a class
    index) or tables, as each criterion accepts.
    """

    __typename__ = "nn.Criterion"
    __nonpersistent__ = ()

    def __init__(self):
        self.gradInput = Tensor()
        self.output = 0

    def updateOutput(self, input, target):
        return self.output

    def forward(self, input, target=None):
        return self.updateOutput(input, target)

    def backward(self, input, target=None):
        return self.updateGradInput(input, target)

    def updateGradInput(self, input, target):
        return self.gradInput

    def clone(self):
        return copy.deepcopy(self)

    def type(self, type=None, tensorCache=None):
        if type is None:
            return getattr(self, "_type", None) or Tensor._default.__typename__
        cache = {} if tensorCache is None else tensorCache
        for key, value in list(self.__dict__.items()):
            self.__dict__[key] = utils.recursiveType(value, type, cache)
        return self

    def float(self):
        return self.type("torch.FloatTensor")

    def double(self):
        return self.type("torch.DoubleTensor")

    def __call__(self, input, target=None):
        self.output = self.forward(input, target)
        self.gradInput = self.backward(input, target)
        return self.output, self.gradInput

    def __tostring__(self):
        return typename(self) or "nn.Criterion"
