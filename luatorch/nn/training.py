"""nn.StochasticGradient: Torch7's plain SGD trainer over a dataset of {input, target} pairs."""

from ..torch.classes import TorchObject


def _lua_number(x):
    """A number as Lua's tostring prints it (%.14g)."""
    if float(x) == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.14g}"


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
        print("# StochasticGradient: training")
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
                print("# current error = " + _lua_number(current))
            iteration += 1
            lr = self.learningRate / (1 + iteration * self.learningRateDecay)
            if self.maxIteration > 0 and iteration > self.maxIteration:
                print("# StochasticGradient: you have reached the maximum number of iterations")
                print("# training error = " + _lua_number(current))
                break
