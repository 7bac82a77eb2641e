"""Torch7's random number generator (MT19937 as in TH's THRandom.c), bit for bit."""

__all__ = []


class TensorRandom:
    """Mixin of Tensor: in-place random fills (uniform, normal, bernoulli, ...)."""
