"""TensorMath: Torch7's math on tensors, as Tensor methods (mixin) and torch.* functions.

Owned by the tensor-math work; see tensor.py for the geometry core.
"""

__all__ = []


class TensorMath:
    """Mixin of Tensor: arithmetic, reductions, comparisons, linear algebra."""
