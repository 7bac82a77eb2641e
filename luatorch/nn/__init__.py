"""luatorch.nn: Torch7's nn (modules, containers, criterions) over luatorch.torch.

Every class is ``nn.<TorchName>`` on this package and is registered under its Torch name
(``__typename__``), so ``torch.classes.find('nn.Linear')`` finds it in one hop. One file per
family: module.py (nn.Module), containers.py, simple.py, transfer.py, table.py, criterion.py
(nn.Criterion) and criterions.py, jacobian.py, training.py. A new family (convolution, pooling,
normalisation) adds its file and one import line below.
"""

from ..torch import classes as _classes
from .module import Module
from .containers import (Container, Sequential, Concat, ConcatTable, Parallel, ParallelTable,
                         MapTable, Bottle, Maxout)
from .simple import (Linear, PartialLinear, Bilinear, Identity, Add, Mul, CMul, CAdd, MulConstant,
                     AddConstant, Euclidean, WeightedEuclidean, Cosine, LookupTable, Reshape, View,
                     Select, Narrow, Index, Squeeze, Unsqueeze, Transpose, Replicate, Padding, Copy,
                     Contiguous, Exp, Log, Abs, Square, Sqrt, Power, Clamp, Normalize, Mean, Sum,
                     Max, Min, MM, MV, DotProduct, PairwiseDistance, CosineDistance, Constant,
                     GradientReversal, L1Penalty, Dropout, GatedLinearUnit, OneHot)
from .transfer import (Sigmoid, Tanh, Threshold, ReLU, HardTanh, ReLU6, LeakyReLU, ELU, HardShrink,
                       SoftShrink, SoftPlus, SoftSign, LogSigmoid, TanhShrink, PReLU, RReLU, SoftMax,
                       SoftMin, LogSoftMax)
from .table import (CAddTable, CSubTable, CMulTable, CDivTable, CMaxTable, CMinTable, JoinTable,
                    SplitTable, SelectTable, NarrowTable, FlattenTable, ZipTable, CriterionTable,
                    MixtureTable)
from .criterion import Criterion
from .criterions import (MSECriterion, AbsCriterion, SmoothL1Criterion, DistKLDivCriterion,
                         MarginCriterion, SoftMarginCriterion, HingeEmbeddingCriterion, BCECriterion,
                         ClassNLLCriterion, CrossEntropyCriterion, MultiMarginCriterion,
                         MultiLabelMarginCriterion, MultiLabelSoftMarginCriterion,
                         L1HingeEmbeddingCriterion, CosineEmbeddingCriterion, MarginRankingCriterion,
                         WeightedMSECriterion, ParallelCriterion, MultiCriterion,
                         ClassSimplexCriterion, DistanceRatioCriterion)
from .spatial import (SpatialConvolution, SpatialConvolutionMM, SpatialDilatedConvolution,
                      SpatialFullConvolution)
from .pooling import (SpatialMaxPooling, SpatialDilatedMaxPooling, SpatialAveragePooling,
                      SpatialMaxUnpooling, SpatialAdaptiveMaxPooling, SpatialAdaptiveAveragePooling)
from .jacobian import Jacobian
from .training import StochasticGradient
from . import utils


def __getattr__(name):
    """nn.<Name> for classes registered later under 'nn.<Name>' (e.g. defined from Lua)."""
    cls = _classes.find("nn." + name)
    if cls is None:
        raise AttributeError(f"module 'luatorch.nn' has no attribute {name!r}")
    return cls
