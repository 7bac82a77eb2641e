"""Logistic regression that learns: two classes of points drawn from two
Gaussian blobs, a Linear layer with LogSoftMax, the negative log-likelihood
criterion, and optim.sgd on the whole data set.

Run with a file name to also log the loss per epoch to that file and plot
the loss curve beside it (NAME.png), as optim.Logger does:
  th 02_logistic_regression.lua loss.log
"""

from luatorch import torch, nn, optim
from luatorch.lua import compat

torch.manualSeed(2024)

# Synthetic data: class 1 around (1, 1), class 2 around (-1, -1).
n = 100
X = torch.randn(2 * n, 2)
Y = torch.Tensor(2 * n)
X.narrow(1, 1, n).add(1)
X.narrow(1, n + 1, n).add(-1)
Y.narrow(1, 1, n).fill(1)
Y.narrow(1, n + 1, n).fill(2)

model = nn.Sequential()
model.add(nn.Linear(2, 2))
model.add(nn.LogSoftMax())
criterion = nn.ClassNLLCriterion()

# One flat view of all parameters and of all gradients, as optim expects.
params, gradParams = model.getParameters()


def feval(p):
    if p != params:
        params.copy(p)
    gradParams.zero()
    out = model.forward(X)
    loss = criterion.forward(out, Y)
    model.backward(X, criterion.backward(out, Y))
    return loss, gradParams


def accuracy():
    _, predicted = torch.max(model.forward(X), 2)
    return predicted.double().squeeze().eq(Y).sum() / (2 * n)


print("before training: accuracy %.3f" % accuracy())

logger = compat.arg(1) if compat.arg(1) is None else optim.Logger(compat.arg(1))
if logger is not None:
    logger.setNames(["loss"])
state = {"learningRate": 0.5}
for epoch in range(1, 51):
    _, fs = optim.sgd(feval, params, state)
    if logger is not None:
        logger.add([fs[0]])
    if epoch % 10 == 0:
        print("epoch %2d  loss %.6f" % (epoch, fs[0]))

print("after training:  accuracy %.3f" % accuracy())
compat.print("learned weight", model.get(1).weight)

if logger is not None:
    logger.style(["-"])
    logger.plot()
