"""Multi-layer perceptrons: a single Linear + LogSoftMax layer cannot separate
XOR, one hidden layer of tanh units can. The same recipe then learns the
two-spirals problem with a wider and deeper network.
"""

import math

from luatorch import torch, nn, optim

torch.manualSeed(3)


def train(model, X, Y, config, epochs, report):
    global _
    criterion = nn.ClassNLLCriterion()
    params, grads = model.getParameters()

    def feval(p):
        if p != params:
            params.copy(p)
        grads.zero()
        out = model.forward(X)
        loss = criterion.forward(out, Y)
        model.backward(X, criterion.backward(out, Y))
        return loss, grads

    fs = None
    for epoch in range(1, epochs + 1):
        _, fs = optim.sgd(feval, params, config)
        if epoch % report == 0:
            print("  epoch %4d  loss %.6f" % (epoch, fs[0]))
    __2, predicted = torch.max(model.forward(X), 2)
    return predicted.double().squeeze().eq(Y).sum() / Y.size(1)


# XOR: class 2 when exactly one input is 1.
X = torch.Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
Y = torch.Tensor([1, 2, 2, 1])

print("XOR with a linear model")
linear = nn.Sequential().add(nn.Linear(2, 2)).add(nn.LogSoftMax())
print("  accuracy %.2f" % train(linear, X, Y, {"learningRate": 0.5}, 200, 100))

print("XOR with one hidden layer of 4 tanh units")
mlp = nn.Sequential()
mlp.add(nn.Linear(2, 4))
mlp.add(nn.Tanh())
mlp.add(nn.Linear(4, 2))
mlp.add(nn.LogSoftMax())
print(
    "  accuracy %.2f" % train(mlp, X, Y, {"learningRate": 0.5, "momentum": 0.9}, 200, 100)
)

# Two spirals: 2 x 50 points winding around the origin.
n = 50
S = torch.Tensor(2 * n, 2)
T = torch.Tensor(2 * n)
for i in range(1, n + 1):
    r = i / n * 5
    a = i / n * 3 * math.pi
    S[i][1], S[i][2] = r * math.cos(a), r * math.sin(a)
    S[n + i][1], S[n + i][2] = -r * math.cos(a), -r * math.sin(a)
    T[i], T[n + i] = 1, 2

print("two spirals with two hidden layers of 16 tanh units")
deep = nn.Sequential()
deep.add(nn.Linear(2, 16)).add(nn.Tanh())
deep.add(nn.Linear(16, 16)).add(nn.Tanh())
deep.add(nn.Linear(16, 2)).add(nn.LogSoftMax())
print(deep)
print(
    "  accuracy %.2f" % train(deep, S, T, {"learningRate": 0.1, "momentum": 0.9}, 2000, 500)
)
