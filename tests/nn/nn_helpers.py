"""Shared helpers of the nn tests."""

import numpy as np

from luatorch import nn, torch


def T(a):
    """A DoubleTensor holding a copy of the numpy array / nested list ``a``."""
    return torch.Tensor(np.array(a, dtype=np.float64))


def jacobian_errors(module, input, perturbation=1e-6):
    """Max finite-difference errors of updateGradInput and of every parameter's
    accGradParameters and accUpdateGradParameters (nn.Jacobian)."""
    errs = {"input": nn.Jacobian.testJacobian(module, input)}
    p = module.parameters()
    if p:
        for k, (w, g) in enumerate(zip(p[0], p[1])):
            errs[f"param{k}"] = nn.Jacobian.testJacobianParameters(module, input, w, g)
            errs[f"update{k}"] = nn.Jacobian.testJacobianUpdateParameters(module, input, w)
    return errs


def assert_jacobian(module, input, tol=1e-5):
    errs = jacobian_errors(module, input)
    bad = {k: v for k, v in errs.items() if not v < tol}
    assert not bad, f"{module}: jacobian errors {bad}"
