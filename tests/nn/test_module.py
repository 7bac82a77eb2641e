"""nn.Module's stateful contract, parameters, copying, types, tree walking and text."""

import numpy as np
import pytest
from nn_helpers import T

from luatorch import nn, torch


def test_forward_reuses_output_buffer_and_backward_reuses_gradInput():
    m = nn.Linear(3, 2)
    out1 = m.forward(T([[1, 2, 3]]))
    out2 = m.forward(T([[4, 5, 6], [1, 1, 1]]))
    assert out1 is out2 is m.output
    assert out2.size(1) == 2
    g1 = m.backward(T([[1, 2, 3]]), T([[1, 0]]))
    g2 = m.backward(T([[4, 5, 6]]), T([[0, 1]]))
    assert g1 is g2 is m.gradInput


def test_gradients_accumulate_until_zeroGradParameters():
    m = nn.Linear(2, 1)
    x, go = T([[1, 2]]), T([[1]])
    m.zeroGradParameters()
    m.forward(x)
    m.backward(x, go)
    m.backward(x, go)
    np.testing.assert_allclose(m.gradWeight._a, [[2, 4]])
    np.testing.assert_allclose(m.gradBias._a, [2])
    m.zeroGradParameters()
    assert not m.gradWeight._a.any() and not m.gradBias._a.any()


def test_backward_is_updateGradInput_then_accGradParameters_with_scale():
    m = nn.Linear(2, 1)
    m.zeroGradParameters()
    x, go = T([1, 2]), T([1])
    m.forward(x)
    m.backward(x, go, 0.5)
    np.testing.assert_allclose(m.gradWeight._a, [[0.5, 1.0]])
    np.testing.assert_allclose(m.gradInput._a, m.weight._a[0])


def test_updateParameters_and_accUpdateGradParameters_agree():
    a = nn.Linear(3, 2)
    b = a.clone()
    x, go = T([[1, -2, 3]]), T([[0.5, -1]])
    a.zeroGradParameters()
    a.forward(x)
    a.backward(x, go)
    a.updateParameters(0.1)
    b.forward(x)
    b.updateGradInput(x, go)
    b.accUpdateGradParameters(x, go, 0.1)
    np.testing.assert_allclose(a.weight._a, b.weight._a)
    np.testing.assert_allclose(a.bias._a, b.bias._a)
    assert "gradWeight" in b.__dict__ and b.gradWeight is not b.weight


class Doubler(nn.Module):
    """A subclass that overrides only updateOutput/updateGradInput, as Lua layers do."""

    def updateOutput(self, input):
        self.output.resizeAs(input).copy(input)
        self.output._a[...] *= 2
        return self.output

    def updateGradInput(self, input, gradOutput):
        self.gradInput.resizeAs(gradOutput).copy(gradOutput)
        self.gradInput._a[...] *= 2
        return self.gradInput


def test_subclass_overrides_are_reached_through_forward_and_containers():
    seq = nn.Sequential().add(Doubler()).add(Doubler())
    out = seq.forward(T([1, 2]))
    np.testing.assert_allclose(out._a, [4, 8])
    g = seq.backward(T([1, 2]), T([1, 1]))
    np.testing.assert_allclose(g._a, [4, 4])
    assert str(Doubler()) == "nn.Module"  # no Torch name of its own: the parent's


def test_train_and_evaluate_propagate_through_containers():
    d = nn.Dropout(0.5)
    seq = nn.Sequential().add(nn.Linear(2, 2)).add(d)
    assert d.train is True
    seq.evaluate()
    assert d.train is False and seq.train is False
    x = T([[1, 2]])
    out = seq.forward(x).clone()
    np.testing.assert_allclose(out._a, seq.modules[0].forward(x)._a)  # v2 dropout: identity
    seq.training()
    assert d.train is True


def test_fields_are_torch7_fields():
    m = nn.Linear(2, 3)
    assert set(m.__dict__) == {"output", "gradInput", "_type", "weight", "bias", "gradWeight", "gradBias"}
    assert m._type == "torch.DoubleTensor"
    assert isinstance(nn.Sequential().modules, list)
    assert nn.MSECriterion().sizeAverage is True
    assert set(nn.Linear(2, 3, False).__dict__) == {"output", "gradInput", "_type", "weight", "gradWeight"}


def test_parameters_of_leaf_and_container():
    assert nn.Tanh().parameters() is None
    m = nn.Linear(2, 3)
    w, g = m.parameters()
    assert w[0] is m.weight and w[1] is m.bias and g[0] is m.gradWeight and g[1] is m.gradBias
    seq = nn.Sequential().add(m).add(nn.Tanh()).add(nn.Linear(3, 1))
    w, g = seq.parameters()
    assert len(w) == 4 and len(g) == 4


def test_getParameters_flattens_and_repoints():
    seq = nn.Sequential().add(nn.Linear(4, 3)).add(nn.Tanh()).add(nn.Linear(3, 2))
    before = np.concatenate([p._a.reshape(-1) for p in seq.parameters()[0]])
    params, grads = seq.getParameters()
    assert params.nElement() == 4 * 3 + 3 + 3 * 2 + 2 == grads.nElement()
    np.testing.assert_array_equal(params._a, before)
    l1 = seq.modules[0]
    assert l1.weight.storage() is params.storage() and l1.gradBias.storage() is grads.storage()
    params._a[0] = 42
    assert l1.weight._a[0, 0] == 42
    # gradients computed by backward land in the flat gradient tensor
    grads.zero()
    x = T([[1, 2, 3, 4]])
    seq.forward(x)
    seq.backward(x, T([[1, 1]]))
    np.testing.assert_array_equal(grads._a[-2:], seq.modules[2].gradBias._a)
    assert grads._a[-2:].tolist() == [1, 1]
    # a second call keeps the same layout
    p2, _ = seq.getParameters()
    np.testing.assert_array_equal(p2._a, params._a)


def test_getParameters_counts_shared_parameters_once():
    a, b = nn.Linear(3, 3), nn.Linear(3, 3)
    b.share(a, "weight", "bias", "gradWeight", "gradBias")
    seq = nn.Sequential().add(a).add(b)
    params, grads = seq.getParameters()
    assert params.nElement() == 12 == grads.nElement()
    assert a.weight.storage() is b.weight.storage() is params.storage()
    params._a[0] = 7
    assert b.weight._a[0, 0] == 7


def test_getParameters_squeezes_out_holes():
    big = torch.Tensor(10).fill(3)
    m = nn.Module()
    m.weight = big.narrow(1, 3, 4)  # a view into a larger storage: 6 unused elements
    m.gradWeight = torch.Tensor(4).zero()
    params, grads = m.getParameters()
    assert params.nElement() == 4 == grads.nElement()
    assert m.weight.storage() is params.storage()
    assert params._a.tolist() == [3, 3, 3, 3]


def test_clone_is_deep_and_clone_with_names_shares():
    m = nn.Sequential().add(nn.Linear(2, 2))
    c = m.clone()
    c.modules[0].weight._a[...] = 0
    assert m.modules[0].weight._a.any()
    s = m.modules[0].clone("weight", "bias")
    s.weight._a[0, 0] = 99
    assert m.modules[0].weight._a[0, 0] == 99
    assert s.gradWeight.storage() is not m.modules[0].gradWeight.storage()


def test_clone_keeps_sharing_inside_the_copy():
    a = nn.Linear(2, 2)
    b = nn.Linear(2, 2)
    b.share(a, "weight")
    seq = nn.Sequential().add(a).add(b)
    c = seq.clone()
    c.modules[0].weight._a[0, 0] = 5
    assert c.modules[1].weight._a[0, 0] == 5
    assert seq.modules[0].weight._a[0, 0] != 5


def test_type_float_double_keep_flattened_sharing():
    seq = nn.Sequential().add(nn.Linear(2, 3)).add(nn.Linear(3, 1))
    _params, _ = seq.getParameters()
    seq.float()
    assert seq.type() == "torch.FloatTensor" == seq.modules[0]._type
    assert seq.modules[0].weight.type() == "torch.FloatTensor"
    assert seq.modules[0].output.type() == "torch.FloatTensor"
    assert seq.modules[0].weight.storage() is seq.modules[1].bias.storage()
    out = seq.forward(torch.FloatTensor(np.ones((2, 2), np.float32)))
    assert out.type() == "torch.FloatTensor"
    seq.double()
    assert seq.modules[1].weight.type() == "torch.DoubleTensor"


def test_findModules_listModules_apply_replace():
    inner = nn.Sequential().add(nn.Linear(2, 2)).add(nn.Tanh())
    net = nn.Sequential().add(inner).add(nn.Linear(2, 1)).add(nn.Tanh())
    nodes, containers = net.findModules("nn.Linear")
    assert [n.weight.size(2) for n in nodes] == [2, 2]
    assert containers[0] is inner and containers[1] is net
    assert [torch.type(m) for m in net.listModules()] == [
        "nn.Sequential", "nn.Sequential", "nn.Linear", "nn.Tanh", "nn.Linear", "nn.Tanh"]
    seen = []
    net.apply(lambda m: seen.append(torch.type(m)))
    assert len(seen) == 6
    net.replace(lambda m: nn.Sigmoid() if torch.type(m) == "nn.Tanh" else m)
    assert torch.type(inner.modules[1]) == "nn.Sigmoid" and torch.type(net.modules[2]) == "nn.Sigmoid"


def test_clearState_empties_buffers():
    m = nn.Linear(3, 2)
    m.forward(T(np.ones((4, 3))))
    m.backward(T(np.ones((4, 3))), T(np.ones((4, 2))))
    m.clearState()
    assert m.output.nElement() == 0 and m.gradInput.nElement() == 0 and m.addBuffer.nElement() == 0
    assert m.weight.nElement() == 6
    m.forward(T(np.ones((4, 3))))


def test_call_runs_forward_and_backward():
    m = nn.Tanh()
    out = m(T([0.5]))
    assert out is m.output
    out, g = m(T([0.5]), T([1]))
    np.testing.assert_allclose(g._a, [1 - np.tanh(0.5) ** 2])


def test_wrong_input_size_names_module_and_sizes_and_keeps_module_usable():
    m = nn.Linear(2, 1)
    w = m.weight._a.copy()
    with pytest.raises(ValueError, match=r"nn\.Linear\(2 -> 1\).*size mismatch.*4 x 3"):
        m.forward(T(np.ones((4, 3))))
    np.testing.assert_array_equal(m.weight._a, w)
    assert m.forward(T([[1, 2]])).size(2) == 1


def test_error_inside_sequential_names_the_child():
    seq = nn.Sequential().add(nn.Linear(2, 3)).add(nn.Linear(4, 1))
    with pytest.raises(ValueError, match=r"In 2 module of nn.Sequential:\nnn.Linear\(4 -> 1\)"):
        seq.forward(T([1, 2]))
    seq.modules[1] = nn.Linear(3, 1)
    assert seq.forward(T([1, 2])).nElement() == 1


def test_registry_finds_every_class_by_its_torch_name():
    from luatorch.torch import classes

    for name in ("Linear", "Sequential", "ClassNLLCriterion", "Tanh", "CAddTable", "Module", "Criterion"):
        cls = getattr(nn, name)
        assert cls.__typename__ == "nn." + name
        assert classes.find("nn." + name) is cls
    assert torch.isTypeOf(nn.Linear(1, 1), "nn.Module")


def test_torch_class_subclass_is_found_on_the_package():
    cls, parent = torch.class_("nn.TestOnlyReQU", "nn.Module")
    assert parent is nn.Module
    assert nn.TestOnlyReQU is cls
    m = cls()
    assert torch.type(m) == "nn.TestOnlyReQU" and str(m) == "nn.TestOnlyReQU"


def test_seeded_inits_match_torch7_golden():
    # golden 08_rng_streams.out and 15_rng_extended.out
    torch.manualSeed(2)
    lin = nn.Linear(3, 2)
    assert f"{lin.weight._a[0, 0]:.17g}" == "-0.073906720397143744"
    assert f"{lin.bias._a[1]:.17g}" == "-0.017610226813724594"
    torch.manualSeed(3)
    seq = nn.Sequential().add(nn.Linear(4, 3)).add(nn.Tanh()).add(nn.Linear(3, 2))
    p = seq.getParameters()[0]._a
    assert f"{p[0]:.17g}" == "0.050797904375940561" and f"{p[-1]:.17g}" == "-0.049844701048302853"
    torch.manualSeed(8)
    l2 = nn.Linear(2, 2)
    l2.reset(0.1)
    assert f"{l2.weight._a[0, 0]:.17g}" == "0.010688723633382163"
    torch.manualSeed(7)
    nn.Linear(4, 3)
    torch.Tensor(52).uniform()  # the two convolutions of the golden script draw 38 + 14 numbers
    lt = nn.LookupTable(5, 2)
    assert f"{lt.weight._a[0, 0]:.17g}" == "-0.55498898424660925"
    bil = nn.Bilinear(2, 2, 1)
    assert f"{bil.weight._a.reshape(-1)[2]:.17g}" == "-0.5890084970397953"
    assert f"{bil.bias._a[0]:.17g}" == "0.06680055304620458"
    d = nn.Dropout(0.5)
    assert d.forward(torch.ones(8))._a.tolist() == [2, 2, 0, 2, 2, 0, 2, 2]


def test_module_text():
    seq = nn.Sequential().add(nn.Linear(3, 4)).add(nn.ReLU()).add(nn.Linear(4, 1))
    assert str(seq) == ("nn.Sequential {\n  [input -> (1) -> (2) -> (3) -> output]\n"
                        "  (1): nn.Linear(3 -> 4)\n  (2): nn.ReLU\n  (3): nn.Linear(4 -> 1)\n}")
    concat = nn.Concat(1).add(nn.Linear(2, 2)).add(nn.Identity())
    assert str(concat) == ("nn.Concat {\n  input\n    |`-> (1): nn.Linear(2 -> 2)\n"
                           "     `-> (2): nn.Identity\n     ... -> output\n}")
    ct = nn.ConcatTable().add(nn.Identity()).add(nn.Identity())
    assert str(ct).startswith("nn.ConcatTable {\n  input\n    |`-> (1): nn.Identity\n")
    pt = nn.ParallelTable().add(nn.Identity()).add(nn.Tanh())
    assert str(pt) == ("nn.ParallelTable {\n  input\n    |`-> (1): nn.Identity\n"
                       "     `-> (2): nn.Tanh\n     ... -> output\n}")
    nested = nn.Sequential().add(nn.Sequential().add(nn.Tanh()))
    assert str(nested) == ("nn.Sequential {\n  [input -> (1) -> output]\n  (1): nn.Sequential {\n"
                           "    [input -> (1) -> output]\n    (1): nn.Tanh\n  }\n}")
    branch = nn.ConcatTable().add(nn.Sequential().add(nn.Tanh())).add(nn.Identity())
    assert str(branch) == ("nn.ConcatTable {\n  input\n    |`-> (1): nn.Sequential {\n"
                           "    |      [input -> (1) -> output]\n    |      (1): nn.Tanh\n    |    }\n"
                           "     `-> (2): nn.Identity\n     ... -> output\n}")
    assert str(nn.Dropout(0)) == "nn.Dropout(0.000000)"
    assert str(nn.View(54)) == "nn.View(54)"
    assert str(nn.View(2, -1)) == "nn.View(2, -1)"
    assert str(nn.Linear(2, 1, False)) == "nn.Linear(2 -> 1) without bias"
    assert str(nn.Bilinear(2, 3, 4)) == "nn.Bilinear(2x3 -> 4)"
    assert str(nn.Reshape(2, 3)) == "nn.Reshape(2x3)"
    assert str(nn.MSECriterion()) == "nn.MSECriterion"
    assert str(nn.LeakyReLU(0.1)) == "nn.LeakyReLU(0.1)"
    assert str(nn.ELU()) == "nn.ELU (alpha:1.000000)"


def test_identity_clearState_keeps_the_callers_tensors():
    x = T([1.0, 2.0])
    m = nn.Identity()
    m.forward(x)
    m.clearState()
    assert x._a.tolist() == [1, 2] and m.output is not x and m.output.nElement() == 0


def test_cuda_is_a_clear_error():
    with pytest.raises(RuntimeError, match=r"nn.Linear\(2 -> 1\): cuda\(\)"):
        nn.Linear(2, 1).cuda()
