"""Mini-batch training: the data set is shuffled every epoch and cut into
batches; each batch makes one optim.adam step. A confusion matrix reports
per-class accuracy on the training data at the end.
"""

import math

from luatorch import torch, nn, optim
from luatorch.lua import compat

torch.manualSeed(17)

# Three classes of 2-D points around three centres.
perClass, nClasses = 60, 3
centres = torch.Tensor([[0, 2], [-2, -1], [2, -1]])
N = perClass * nClasses
X = torch.randn(N, 2)
Y = torch.Tensor(N)
for c in range(1, nClasses + 1):
    rows = X.narrow(1, (c - 1) * perClass + 1, perClass)
    rows.add(centres[c].view(1, 2).expandAs(rows))
    Y.narrow(1, (c - 1) * perClass + 1, perClass).fill(c)

model = nn.Sequential()
model.add(nn.Linear(2, 10)).add(nn.ReLU())
model.add(nn.Linear(10, nClasses)).add(nn.LogSoftMax())
criterion = nn.ClassNLLCriterion()
params, grads = model.getParameters()
state = {"learningRate": 0.02}

batchSize = 20
for epoch in range(1, 11):
    order = torch.randperm(N).long()
    total = 0
    for first in range(1, N + 1, batchSize):
        idx = order.narrow(1, first, min(batchSize, N - first + 1))
        inputs, targets = X.index(1, idx), Y.index(1, idx)

        def feval(p, *, inputs=inputs, targets=targets):
            grads.zero()
            out = model.forward(inputs)
            loss = criterion.forward(out, targets)
            model.backward(inputs, criterion.backward(out, targets))
            return loss, grads

        _, fs = optim.adam(feval, params, state)
        total = total + fs[0] * idx.size(1)
    print(
        "epoch %2d  mean loss %.6f  (%d adam steps so far)" % (epoch, total / N, state.get("t"))
    )

confusion = optim.ConfusionMatrix(["top", "left", "right"])
confusion.batchAdd(model.forward(X), Y)
compat.print(confusion)
