"""nn.StochasticGradient: Torch7's plain SGD trainer over a dataset of {input, target} pairs.
Its progress lines go through th's print (lua_print), as Torch7's Lua print did."""

from ..torch.classes import TorchObject
from ..torch.printing import lua_print, lua_tostring


def _dataset_size(dataset):
    size = getattr(dataset, "size", None)
    if callable(size):
        return int(size())
    if isinstance(dataset, dict) and callable(dataset.get("size")):
        return int(dataset["size"](dataset))
    raise TypeError("nn.StochasticGradient: the dataset needs a size() method")


def _example(dataset, i):
    """dataset[i] with Lua's 1-based index (a Python list is indexed from 0)."""
    if isinstance(dataset, (list, tuple)):
        return dataset[i - 1]
    return dataset[i]


class StochasticGradient(TorchObject):
    """Trains ``module`` on ``criterion`` one example at a time with accUpdateGradParameters,
    visiting examples in one random order (torch.randperm) drawn at the start."""

    __typename__ = "nn.StochasticGradient"

    def __init__(self, module, criterion):
        self.learningRate = 0.01
        self.learningRateDecay = 0
        self.maxIteration = 25
        self.shuffleIndices = True
        self.module = module
        self.criterion = criterion
        self.verbose = True

    def train(self, dataset):
        from .. import torch

        iteration = 1
        lr = self.learningRate
        module, criterion = self.module, self.criterion
        n = _dataset_size(dataset)
        if hasattr(torch, "randperm"):
            order = [int(v) for v in torch.randperm(n)._a.reshape(-1)]
        else:
            order = list(range(1, n + 1))
        if not self.shuffleIndices:
            order = list(range(1, n + 1))
        lua_print("# StochasticGradient: training")
        while True:
            current = 0.0
            for t in range(n):
                example = _example(dataset, order[t])
                input, target = example[0], example[1]
                current += criterion.forward(module.forward(input), target)
                module.updateGradInput(input, criterion.updateGradInput(module.output, target))
                module.accUpdateGradParameters(input, criterion.gradInput, lr)
                hook = getattr(self, "hookExample", None)
                if hook is not None:
                    hook(self, example)
            current /= n
            hook = getattr(self, "hookIteration", None)
            if hook is not None:
                hook(self, iteration, current)
            if self.verbose:
                lua_print("# current error = " + lua_tostring(current))
            iteration += 1
            lr = self.learningRate / (1 + iteration * self.learningRateDecay)
            if self.maxIteration > 0 and iteration > self.maxIteration:
                lua_print("# StochasticGradient: you have reached the maximum number of iterations")
                lua_print("# training error = " + lua_tostring(current))
                break
