"""nn.LayerNormalization: normalise each sample over its features (Ba, Kiros & Hinton 2016).

Like torch/nn's, it is a Sequential of existing modules: the input minus its per-sample
mean, scaled to unit L2 norm and by sqrt(nOutput) (so to unit variance), then an optional
learned gain (CMul, starting at 1) and bias (Add, starting at ``bias``). Being a Sequential,
it prints, saves and returns parameters as one.
"""

import math

from .containers import ConcatTable, Sequential
from .simple import Add, CMul, Identity, Mean, MulConstant, Normalize, Replicate
from .table import CSubTable


class LayerNormalization(Sequential):
    __typename__ = "nn.LayerNormalization"

    def __init__(self, nOutput, bias=0, eps=1e-10, affine=True):
        super().__init__()
        eps = 1e-10 if eps is None else eps
        affine = True if affine is None else affine
        bias = bias or 0
        # the mean over the last (feature) dimension, repeated back to nOutput features: a
        # B x nOutput tensor for a batch, 1 x nOutput for one sample (CSubTable then works on
        # equal element counts, as TH's element-wise ops do)
        mean = Sequential().add(Mean(-1)).add(Replicate(nOutput, 2))
        self.add(ConcatTable().add(Identity()).add(mean))
        self.add(CSubTable())
        self.add(Normalize(2, eps))
        self.add(MulConstant(math.sqrt(nOutput)))
        if affine:
            bias_transform = Add(nOutput, False)
            bias_transform.bias.fill(bias)
            gain_transform = CMul(nOutput)
            gain_transform.weight.fill(1)
            self.add(gain_transform)
            self.add(bias_transform)
