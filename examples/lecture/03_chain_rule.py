"""Local rules give the global rule. Each layer knows only its own forward
(z_l = f_l(z_{l-1})) and backward (dC/dz_{l-1} = dC/dz_l * dz_l/dz_{l-1});
chaining them backwards is back-propagation. We check every layer's local
rule, and the whole chain, against finite differences.
"""

from luatorch import torch, nn
from luatorch.lua import compat

torch.manualSeed(11)

layers = [nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2), nn.Sigmoid()]
criterion = nn.MSECriterion()
x = torch.randn(3)
target = torch.Tensor([0, 1])

# Forward, layer by layer: z[0] = x, z[l] = layer_l(z[l-1]).
z = {0: x}
for l in range(1, len(layers) + 1):
    z[l] = layers[l - 1].forward(z.get(l - 1)).clone()
C = criterion.forward(z.get(len(layers)), target)
print("loss C = %.8f" % C)


# Numerical derivative of a scalar function g at point p, one coordinate at a time.
def numericalGradient(g, p):
    eps = 1e-6
    grad = p.clone().zero()
    for i in range(1, p.nElement() + 1):
        old = p[i]
        p[i] = old + eps
        gp = g(p)
        p[i] = old - eps
        gm = g(p)
        p[i] = old
        grad[i] = (gp - gm) / (2 * eps)
    return grad


# Backward, layer by layer, from dC/dz_L down to dC/dx.
delta = criterion.backward(z.get(len(layers)), target).clone()
for l in range(len(layers), 0, -1):
    # the loss as a function of this layer's input, through the layers above it
    def lossFromInput(input, *, l=l):
        h = input
        for k in range(l, len(layers) + 1):
            h = layers[k - 1].forward(h)
        return criterion.forward(h, target)

    numeric = numericalGradient(lossFromInput, z.get(l - 1).clone())
    # the layers above may have been re-run by the check: restore their state
    for k in range(l, len(layers) + 1):
        layers[k - 1].forward(z.get(k - 1))
    delta = layers[l - 1].backward(z.get(l - 1), delta).clone()
    print(
        "layer %d %-12s |dC/dz| = %.8f  max error vs numeric = %.1e"
        % (l, torch.type(layers[l - 1]), delta.norm(), (delta - numeric).abs().max())
    )

# The same chain in one container call gives the same gradient.
net = nn.Sequential()
for layer in layers:
    net.add(layer)
out = net.forward(x)
gradInput = net.backward(x, criterion.backward(out, target))
print(
    "container dC/dx equals the chained one: %s"
    % compat.tostring((gradInput - delta).abs().max() < 1e-12)
)
