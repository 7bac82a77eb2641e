"""Writing a new layer: only its local rules are needed. Here the
rectified quadratic unit z = max(0, x)^2, defined with torch.class on top
of nn.Module, checked with nn.Jacobian, then used inside a network.
"""

from luatorch import torch, nn
from luatorch.lua import compat


class ReQU(nn.Module):
    __typename__ = "nn.ReQU"

    def __init__(self):
        super().__init__()

    def updateOutput(self, input):
        # forward: z = max(0, x)^2
        self.output.resizeAs(input).copy(input).cmax(0).pow(2)
        return self.output

    def updateGradInput(self, input, gradOutput):
        # backward: dC/dx = dC/dz * 2 max(0, x)
        self.gradInput.resizeAs(input).copy(input).cmax(0).mul(2).cmul(gradOutput)
        return self.gradInput


torch.manualSeed(8)
layer = ReQU()
print(layer)
compat.print(torch.type(layer), torch.isTypeOf(layer, "nn.Module"))

x = torch.Tensor([-1, -0.5, 0.5, 2])
compat.print("forward", layer.forward(x))
compat.print("backward", layer.backward(x, torch.ones(4)))

# nn.Jacobian compares the backward pass with finite differences of the
# forward pass, for one sample and for a mini-batch.
err1 = nn.Jacobian.testJacobian(layer, torch.randn(5))
err2 = nn.Jacobian.testJacobian(layer, torch.randn(3, 5))
print(
    "Jacobian error, one sample %s, mini-batch %s"
    % (compat.tostring(err1 < 1e-6), compat.tostring(err2 < 1e-6))
)

# The new layer composes with the built-in ones.
net = nn.Sequential().add(nn.Linear(3, 4)).add(ReQU()).add(nn.Linear(4, 2))
print(net)
y = net.forward(torch.randn(6, 3))
compat.print("network output size", y.size(1), y.size(2))
errNet = nn.Jacobian.testJacobian(net, torch.randn(2, 3))
print("Jacobian error of the network %s" % compat.tostring(errNet < 1e-6))
