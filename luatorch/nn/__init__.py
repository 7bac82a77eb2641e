"""luatorch.nn: Torch7's nn (modules, containers, criterions) over luatorch.torch.

Every class is ``nn.<TorchName>`` on this package and is registered under its Torch name
(``__typename__``), so ``torch.classes.find('nn.Linear')`` finds it in one hop. One file per
family: module.py (nn.Module), containers.py, simple.py, transfer.py, table.py, criterion.py
(nn.Criterion) and criterions.py, jacobian.py, training.py. A new family (convolution, pooling,
normalisation) adds its file and one import line below.
"""

# ruff: noqa: F401
# (the package re-exports every class as nn.<TorchName>)

from ..torch import classes as _classes
from . import utils
from .containers import (
    Bottle,
    Concat,
    ConcatTable,
    Container,
    MapTable,
    Maxout,
    Parallel,
    ParallelTable,
    Sequential,
)
from .convert import Convert
from .criterion import Criterion
from .layer_normalization import LayerNormalization
from .criterions import (
    AbsCriterion,
    BCECriterion,
    ClassNLLCriterion,
    ClassSimplexCriterion,
    CosineEmbeddingCriterion,
    CrossEntropyCriterion,
    DistanceRatioCriterion,
    DistKLDivCriterion,
    HingeEmbeddingCriterion,
    L1HingeEmbeddingCriterion,
    MarginCriterion,
    MarginRankingCriterion,
    MSECriterion,
    MultiCriterion,
    MultiLabelMarginCriterion,
    MultiLabelSoftMarginCriterion,
    MultiMarginCriterion,
    ParallelCriterion,
    SmoothL1Criterion,
    SoftMarginCriterion,
    WeightedMSECriterion,
)
from .jacobian import Jacobian
from .module import Module
from .normalization import (
    BatchNormalization,
    SpatialBatchNormalization,
    SpatialContrastiveNormalization,
    SpatialCrossMapLRN,
    SpatialDivisiveNormalization,
    SpatialSubtractiveNormalization,
    VolumetricBatchNormalization,
    WeightNorm,
)
from .padding import (
    PixelShuffle,
    SpatialReflectionPadding,
    SpatialReplicationPadding,
    SpatialUpSamplingBilinear,
    SpatialUpSamplingNearest,
    SpatialZeroPadding,
)
from .pooling import (
    SpatialAdaptiveAveragePooling,
    SpatialAdaptiveMaxPooling,
    SpatialAveragePooling,
    SpatialDilatedMaxPooling,
    SpatialFractionalMaxPooling,
    SpatialMaxPooling,
    SpatialMaxUnpooling,
)
from .simple import (
    MM,
    MV,
    Abs,
    Add,
    AddConstant,
    Bilinear,
    CAdd,
    Clamp,
    CMul,
    Constant,
    Contiguous,
    Copy,
    Cosine,
    CosineDistance,
    DotProduct,
    Dropout,
    Euclidean,
    Exp,
    GatedLinearUnit,
    GradientReversal,
    Identity,
    Index,
    L1Penalty,
    Linear,
    Log,
    LookupTable,
    Max,
    Mean,
    Min,
    Mul,
    MulConstant,
    Narrow,
    Normalize,
    OneHot,
    Padding,
    PairwiseDistance,
    PartialLinear,
    Power,
    Replicate,
    Reshape,
    Select,
    Sqrt,
    Square,
    Squeeze,
    Sum,
    Transpose,
    Unsqueeze,
    View,
    WeightedEuclidean,
)
from .spatial import (
    SpatialConvolution,
    SpatialConvolutionMM,
    SpatialDilatedConvolution,
    SpatialFullConvolution,
)
from .spatial_misc import (
    Collapse,
    SpatialClassNLLCriterion,
    SpatialConvolutionLocal,
    SpatialConvolutionMap,
    SpatialDepthWiseConvolution,
    SpatialDropout,
    SpatialLogSoftMax,
    SpatialLPPooling,
    SpatialSoftMax,
    SpatialSubSampling,
    VolumetricDropout,
    tables,
)
from .table import (
    CAddTable,
    CDivTable,
    CMaxTable,
    CMinTable,
    CMulTable,
    CriterionTable,
    CSubTable,
    FlattenTable,
    JoinTable,
    MixtureTable,
    NarrowTable,
    SelectTable,
    SplitTable,
    ZipTable,
)
from .temporal import (
    TemporalConvolution,
    TemporalMaxPooling,
    TemporalRowConvolution,
    TemporalSubSampling,
)
from .training import StochasticGradient
from .transfer import (
    ELU,
    HardShrink,
    HardTanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftMax,
    PReLU,
    ReLU,
    ReLU6,
    RReLU,
    Sigmoid,
    SoftMax,
    SoftMin,
    SoftPlus,
    SoftShrink,
    SoftSign,
    Tanh,
    TanhShrink,
    Threshold,
)
from .volumetric import (
    VolumetricAveragePooling,
    VolumetricConvolution,
    VolumetricFullConvolution,
    VolumetricMaxPooling,
)


def __getattr__(name):
    """nn.<Name> for classes registered later under 'nn.<Name>' (e.g. defined from Lua)."""
    cls = _classes.find("nn." + name)
    if cls is None:
        raise AttributeError(f"module 'luatorch.nn' has no attribute {name!r}")
    return cls
