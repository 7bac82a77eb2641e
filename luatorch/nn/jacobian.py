"""nn.Jacobian: finite-difference checks of a module's backward pass, as Torch7's nn.Jacobian.

Each test first fills the input (and parameters) with U(minval, maxval) numbers drawn from
torch.rand, in Torch7's order, so seeded scripts draw the same numbers as under Torch7.
"""

import os
import tempfile

import numpy as np

from ..torch import Tensor
from .module import _rand


def _flat_view(t):
    """A 1-D numpy view of a contiguous tensor's elements (writes reach the tensor)."""
    a = t._a.reshape(-1)
    if t._size and not np.shares_memory(a, t._a):
        raise ValueError("nn.Jacobian: the perturbed tensor must be contiguous")
    return a


def _fill_uniform(t, minval, maxval):
    r = _rand(t.nElement())
    t._a[...] = (r._a * (maxval - minval) + minval).reshape(t._size)


def _scalar_uniform(a, b):
    from .. import torch

    if hasattr(torch, "uniform"):
        return torch.uniform(a, b)
    return float(np.random.uniform(a, b))


class Jacobian:
    """Namespace of Torch7's nn.Jacobian functions (called as nn.Jacobian.testJacobian(...))."""

    @staticmethod
    def backward(module, input, param=None, dparam=None):
        """Jacobian rows by back-propagating each unit output gradient (w.r.t. the input, or
        w.r.t. ``param`` whose gradient accumulates in ``dparam``)."""
        doparam = param is not None
        param = input if param is None else param
        module.forward(input)
        dout = module.output.new().resizeAs(module.output)
        sdout = _flat_view(dout)
        jacobian = np.zeros((param.nElement(), dout.nElement()))
        for i in range(sdout.size):
            sdout[...] = 0
            sdout[i] = 1
            module.zeroGradParameters()
            din = module.updateGradInput(input, dout)
            module.accGradParameters(input, dout, 1)
            src = dparam if doparam else din
            jacobian[:, i] = src._a.reshape(-1)
        return Tensor(jacobian)

    @staticmethod
    def backwardUpdate(module, input, param):
        module.forward(input)
        dout = module.output.new().resizeAs(module.output)
        sdout = _flat_view(dout)
        jacobian = np.zeros((param.nElement(), dout.nElement()))
        params = module.parameters()[0]
        orig = [p._a.copy() for p in params]
        for i in range(sdout.size):
            for p, o in zip(params, orig, strict=True):
                p._a[...] = o
            sdout[...] = 0
            sdout[i] = 1
            module.updateGradInput(input, dout)
            module.accUpdateGradParameters(input, dout, 1)
            jacobian[:, i] = param._a.reshape(-1)
        for p, o in zip(params, orig, strict=True):
            p._a[...] = o
        return Tensor(jacobian)

    @staticmethod
    def forward(module, input, param=None, perturbation=1e-6):
        """Jacobian by central differences, perturbing each element of ``param`` (or input)."""
        param = input if param is None else param
        perturbation = 1e-6 if perturbation is None else perturbation
        sin = _flat_view(param)
        n_out = module.forward(input).nElement()
        jacobian = np.zeros((sin.size, n_out))
        for i in range(sin.size):
            orig = sin[i]
            sin[i] = orig - perturbation
            outa = module.forward(input)._a.reshape(-1).copy()
            sin[i] = orig + perturbation
            outb = module.forward(input)._a.reshape(-1).copy()
            sin[i] = orig
            jacobian[i] = (outb - outa) / (2 * perturbation)
        return Tensor(jacobian)

    @staticmethod
    def forwardUpdate(module, input, param, perturbation=1e-6):
        jac = Jacobian.forward(module, input, param, perturbation)
        sin = param._a.reshape(-1)
        jac._a[...] = sin[:, None] - jac._a
        return jac

    @staticmethod
    def testJacobian(module, input, minval=-2, maxval=2, perturbation=None):
        minval = -2 if minval is None else minval
        maxval = 2 if maxval is None else maxval
        _fill_uniform(input, minval, maxval)
        jac_fprop = Jacobian.forward(module, input, input, perturbation)
        jac_bprop = Jacobian.backward(module, input)
        return float(np.abs(jac_fprop._a - jac_bprop._a).max())

    @staticmethod
    def testJacobianParameters(module, input, param, dparam, minval=-2, maxval=2, perturbation=None):
        minval = -2 if minval is None else minval
        maxval = 2 if maxval is None else maxval
        _fill_uniform(input, minval, maxval)
        _fill_uniform(param, minval, maxval)
        jac_bprop = Jacobian.backward(module, input, param, dparam)
        jac_fprop = Jacobian.forward(module, input, param, perturbation)
        return float(np.abs(jac_fprop._a - jac_bprop._a).max())

    @staticmethod
    def testJacobianUpdateParameters(module, input, param, minval=-2, maxval=2, perturbation=None):
        minval = -2 if minval is None else minval
        maxval = 2 if maxval is None else maxval
        _fill_uniform(input, minval, maxval)
        _fill_uniform(param, minval, maxval)
        params_bprop = Jacobian.backwardUpdate(module, input, param)
        params_fprop = Jacobian.forwardUpdate(module, input, param, perturbation)
        return float(np.abs(params_fprop._a - params_bprop._a).max())

    @staticmethod
    def testIO(module, input, minval=-2, maxval=2):
        """Forward/backward errors between the module and its copy written and read back."""
        from .. import torch

        minval = -2 if minval is None else minval
        maxval = 2 if maxval is None else maxval
        if not hasattr(torch, "DiskFile") and not hasattr(torch, "save"):
            raise NotImplementedError("nn.Jacobian.testIO needs torch serialization (torch.save/load)")
        module.forward(input)
        go = module.output.clone()
        _fill_uniform(go, minval, maxval)
        module.zeroGradParameters()
        module.updateGradInput(input, go)
        module.accGradParameters(input, go, 1)
        fo = module.output.clone()
        bo = module.gradInput.clone()
        fd, filename = tempfile.mkstemp()
        os.close(fd)
        try:
            torch.save(filename, module)
            m = torch.load(filename)
        finally:
            os.remove(filename)
        m.forward(input)
        m.zeroGradParameters()
        m.updateGradInput(input, go)
        m.accGradParameters(input, go, 1)
        errf = float(np.abs(fo._a - m.output._a).max())
        errb = float(np.abs(bo._a - m.gradInput._a).max())
        return errf, errb

    @staticmethod
    def testAllUpdate(module, input, weight, gradWeight):
        """Errors (a dict) between the ways of updating parameter ``weight``: updateParameters,
        accUpdateGradParameters, and both with shared weights."""
        from .. import torch

        lr = _scalar_uniform(0.1, 1)
        errors = {}

        def norm(a):
            return float(np.sqrt((a * a).sum()))

        maccgp = module.clone()
        weightc = getattr(maccgp, weight)._a.copy()
        maccgp.forward(input)
        gradOutput = torch.rand(maccgp.output.size()) if hasattr(torch, "rand") else \
            Tensor(np.random.random_sample(maccgp.output._size))
        maccgp.zeroGradParameters()
        maccgp.updateGradInput(input, gradOutput)
        maccgp.accGradParameters(input, gradOutput, 1)
        maccgp.updateParameters(lr)
        gw = getattr(maccgp, gradWeight)._a
        w_acc = getattr(maccgp, weight)._a
        errors["accGradParameters"] = norm(weightc - gw * lr - w_acc)

        maccugp = module.clone()
        maccugp.forward(input)
        maccugp.updateGradInput(input, gradOutput)
        maccugp.accUpdateGradParameters(input, gradOutput, lr)
        errors["accUpdateGradParameters"] = norm(getattr(maccugp, weight)._a - w_acc)

        m1, m2 = module.clone(), module.clone()
        m2.share(m1, weight)
        for m in (m1, m2):
            m.forward(input)
        for m in (m1, m2):
            m.zeroGradParameters()
        for m in (m1, m2):
            m.updateGradInput(input, gradOutput)
        for m in (m1, m2):
            m.accGradParameters(input, gradOutput, 1)
        for m in (m1, m2):
            m.updateParameters(lr)
        err = norm(weightc - gw * (lr * 2) - getattr(m1, weight)._a)
        err += norm(weightc - gw * (lr * 2) - getattr(m2, weight)._a)
        errors["accGradParameters [shared]"] = err

        u1, u2 = module.clone(), module.clone()
        u2.share(u1, weight)
        for m in (u1, u2):
            m.forward(input)
        for m in (u1, u2):
            m.updateGradInput(input, gradOutput)
        for m in (u1, u2):
            m.accUpdateGradParameters(input, gradOutput, lr)
        err = norm(weightc - gw * (lr * 2) - getattr(u1, weight)._a)
        err += norm(weightc - gw * (lr * 2) - getattr(u2, weight)._a)
        errors["accUpdateGradParameters [shared]"] = err
        return errors
