"""The lecture's slide, "Logit Regression Model in Torch", line for line:
a model is specified in layers, and a loss criterion is a module too.
"""

from luatorch import torch, nn
from luatorch.lua import compat

torch.manualSeed(0)

# Logit Regression Model in Torch
model = nn.Sequential()
model.add(nn.Linear(2, 1))
model.add(nn.LogSoftMax())

# Loss criterion in Torch
criterion = nn.ClassNLLCriterion()

print(model)
print(criterion)

# Each layer keeps its parameters as tensors: a 1x2 weight and a bias.
linear = model.get(1)
compat.print("weight", linear.weight)
compat.print("bias", linear.bias)

# forward gives the model's output (log-probabilities); the criterion turns
# it into the loss for the target class. Note what the slide's model does:
# with a single output, LogSoftMax always gives log(1) = 0, so the loss is 0
# whatever the input and the model cannot learn. Two outputs, one per class,
# fix that: see 02_logistic_regression.lua.
x = torch.Tensor([0.5, -1.0])
out = model.forward(x)
compat.print("output", out)
print("loss for class 1: %.6f" % criterion.forward(out, 1))
