"""nn.gModule against the same computations written with nn containers, nn.Jacobian, the LSTM
of conformance 10 (Torch7's golden numbers), errors in Torch7's words, sharing, copies."""

import pytest

from luatorch import nn, nngraph, torch


def same(a, b):
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a.isSameSizeAs(b) and a.equal(b)


def test_mlp_graph_matches_sequential_exactly():
    torch.manualSeed(5)
    l1, l2 = nn.Linear(4, 5), nn.Linear(5, 2)
    seq = nn.Sequential().add(l1.clone()).add(nn.Tanh()).add(l2.clone())
    x = nn.Identity()()
    g = nn.gModule([x], [l2(nn.Tanh()(l1(x)))])
    inp, grad = torch.randn(3, 4), torch.randn(3, 2)
    assert same(g.forward(inp), seq.forward(inp))
    assert same(g.backward(inp, grad), seq.backward(inp, grad))
    gp, sp = g.parameters(), seq.parameters()
    assert same(gp[1], sp[1])  # gradWeight/gradBias in the same order
    assert g.getParameters()[0].nElement() == 4 * 5 + 5 + 5 * 2 + 2


def test_fan_out_sums_gradients_like_concat_table():
    torch.manualSeed(6)
    lin = nn.Linear(3, 3)
    ref = nn.Sequential().add(nn.ConcatTable().add(lin.clone()).add(nn.Tanh()).add(nn.Sigmoid())) \
        .add(nn.CAddTable())
    x = nn.Identity()()
    g = nn.gModule([x], [nn.CAddTable()([lin(x), nn.Tanh()(x), nn.Sigmoid()(x)])])
    inp, grad = torch.randn(2, 3), torch.randn(2, 3)
    assert same(g.forward(inp), ref.forward(inp))
    # three gradients reach x: summed in arrival order (Linear, Tanh, Sigmoid), as ConcatTable
    assert same(g.backward(inp, grad), ref.backward(inp, grad))
    # a second backward reuses the summing buffer
    grad2 = torch.randn(2, 3)
    g.forward(inp)
    ref.forward(inp)
    assert same(g.backward(inp, grad2), ref.backward(inp, grad2))


def test_two_inputs_two_outputs_and_split():
    torch.manualSeed(7)
    a, b = nn.Identity()(), nn.Identity()()
    both = nn.ConcatTable().add(nn.Identity()).add(nn.MulConstant(2))(nn.CMulTable()([a, b]))
    first, second = both.split(2)
    g = nn.gModule([a, b], [nn.Tanh()(first), second])
    ia, ib = torch.randn(4), torch.randn(4)
    out = g.forward([ia, ib])
    prod = torch.cmul(ia, ib)
    assert isinstance(out, list) and len(out) == 2
    assert same(out[0], torch.tanh(prod)) and same(out[1], prod * 2)
    ga, gb = torch.randn(4), torch.randn(4)
    gi = g.backward([ia, ib], [ga, gb])
    d_prod = torch.cmul(ga, 1 - torch.cmul(out[0], out[0])) + gb * 2
    assert len(gi) == 2
    assert (gi[0] - torch.cmul(d_prod, ib)).abs().max() < 1e-14
    assert (gi[1] - torch.cmul(d_prod, ia)).abs().max() < 1e-14


def test_indexing_a_node_selects_an_output():
    x = nn.Identity()()
    pair = nn.ConcatTable().add(nn.Identity()).add(nn.MulConstant(3))(x)
    second = pair[2]
    assert torch.typename(second.data.module) == "nn.SelectTable" and second.data.module.index == 2
    g = nn.gModule([x], [second])
    assert same(g.forward(torch.Tensor([1, 2])), torch.Tensor([3, 6]))
    with pytest.raises(TypeError, match="not iterable"):
        list(x)


def test_jacobian_of_a_gmodule():
    torch.manualSeed(8)
    x = nn.Identity()()
    h = nn.Tanh()(nn.Linear(4, 3)(x))
    out = nn.CMulTable()([h, nn.Sigmoid()(nn.Linear(4, 3)(x))])
    g = nn.gModule([x], [out])
    inp = torch.randn(2, 4)
    assert nn.Jacobian.testJacobian(g, inp) < 1e-5
    params, grads = g.getParameters()
    assert nn.Jacobian.testJacobianParameters(g, inp, params, grads) < 1e-5


def lstm(n):
    """Conformance 10's cell, line for line."""
    x, prev_c, prev_h = nn.Identity()(), nn.Identity()(), nn.Identity()()

    def total():
        return nn.CAddTable()([nn.Linear(n, n)(x), nn.Linear(n, n)(prev_h)])

    in_gate = nn.Sigmoid()(total())
    forget_gate = nn.Sigmoid()(total())
    out_gate = nn.Sigmoid()(total())
    in_transform = nn.Tanh()(total())
    next_c = nn.CAddTable()([nn.CMulTable()([forget_gate, prev_c]),
                             nn.CMulTable()([in_gate, in_transform])])
    next_h = nn.CMulTable()([out_gate, nn.Tanh()(next_c)])
    return nn.gModule([x, prev_c, prev_h], [next_c, next_h])


def test_lstm_gives_torch7_golden_numbers():
    torch.manualSeed(11)
    n = 4
    cell = lstm(n)
    c, h = torch.zeros(2, n), torch.zeros(2, n)
    lines = []
    for t in range(1, 4):
        out = cell.forward([torch.randn(2, n), c, h])
        c, h = out[0].clone(), out[1].clone()
        lines.append(f"t={t} |c|={c.norm():.10f} |h|={h.norm():.10f}")
    grads = cell.backward([torch.randn(2, n), c, h], [torch.ones(2, n), torch.ones(2, n)])
    lines.append(f"{len(grads)} {grads[0].norm():.10f} {grads[1].norm():.10f} {grads[2].norm():.10f}")
    lines.append(str(cell.getParameters()[0].nElement()))
    assert lines == [  # conformance/golden/10_nngraph_lstm.out
        "t=1 |c|=0.8793413128 |h|=0.5330090396",
        "t=2 |c|=1.2512091338 |h|=0.5740343830",
        "t=3 |c|=1.4910307348 |h|=0.6566473802",
        "3 0.7548907664 2.0417529379 0.4758186066",
        "160",
    ]


def test_errors_use_torch7_wording():
    a, b = nn.Identity()(), nn.Identity()()
    with pytest.raises(ValueError, match=r"1 of split\(2\) outputs from the node declared at .* are unused"):
        nn.gModule([a, b], [nn.Tanh()(a)])
    a, b = nn.Identity()(), nn.Identity()()
    with pytest.raises(ValueError, match="expecting the forward innode"):
        nn.gModule([b], [nn.Tanh()(a)])
    a = nn.Identity()()
    dangling = nn.Sigmoid()(a)
    assert dangling is not None
    with pytest.raises(ValueError, match=r"node declared on \[test_gmodule.py\]:\d+_.* does not connect to gmodule output"):
        nn.gModule([a], [nn.Tanh()(a)])
    a, b = nn.Identity()(), nn.Identity()()
    g = nn.gModule([a, b], [nn.CAddTable()([a, b])])
    with pytest.raises(TypeError, match="expecting table of 2 inputs"):
        g.forward(torch.randn(2))
    with pytest.raises(ValueError, match="Got 1 inputs instead of 2"):
        g.forward([torch.randn(2)])
    a = nn.Identity()()
    g = nn.gModule([a], [nn.Tanh()(a), nn.Sigmoid()(a)])
    g.forward(torch.randn(2))
    with pytest.raises(ValueError, match="Got 1 gradOutputs instead of 2"):
        g.backward(torch.randn(2), [torch.randn(2)])
    a = nn.Identity()()
    t = nn.Tanh()(a)
    a.add(t, True)
    with pytest.raises(ValueError, match="Graph has cycles"):
        nn.gModule([a], [t])
    a = nn.Identity()()
    with pytest.raises(ValueError, match="Don't pass the same input twice."):
        nn.CAddTable()([a, a])
    with pytest.raises(ValueError, match=r"Use \{input1, input2\} to pass multiple inputs."):
        nn.CAddTable()(a, a)
    with pytest.raises(TypeError, match=r"inputs\[1\] is nil \(typo / bad index\?\)"):
        nn.Tanh()(None)
    with pytest.raises(ValueError, match="cannot pass an empty table of inputs"):
        nn.Tanh()([])
    with pytest.raises(TypeError, match=r"inputs\[1\] is an nn.Module, specifically a nn.Linear.*second set of parens"):
        nn.Tanh()(nn.Linear(2, 2))
    with pytest.raises(TypeError, match=r"outputs\[2\] should be an nngraph.Node but is of type torch.DoubleTensor"):
        nn.gModule([a], [nn.Tanh()(a), torch.randn(2)])
    with pytest.raises(ValueError, match="no inputs are not supported"):
        nn.gModule([], [nn.Tanh()(a)])


def test_calls_with_tensors_keep_nn_meaning():
    m = nn.Tanh()
    out = m(torch.Tensor([0.0, 1.0]))
    assert out is m.output
    crit = nn.MSECriterion()
    assert crit(torch.Tensor([1.0]), torch.Tensor([0.0]))[0] == 1.0


def test_criterion_node_wraps_module_from_criterion():
    pred, target = nn.Identity()(), nn.Identity()()
    loss = nn.MSECriterion()([pred, target])
    assert torch.typename(loss.data.module) == "nn.ModuleFromCriterion"
    g = nn.gModule([pred, target], [loss])
    p, t = torch.Tensor([1.0, 3.0]), torch.Tensor([0.0, 1.0])
    assert g.forward([p, t])[1] == 2.5
    gp, gt = g.backward([p, t], torch.Tensor([2.0]))
    assert same(gp, torch.Tensor([2.0, 4.0])) and same(gt, torch.zeros(2))


def test_shared_parameters_accumulate_both_uses():
    torch.manualSeed(9)
    lin = nn.Linear(3, 3)
    twin = lin.clone("weight", "bias", "gradWeight", "gradBias")
    x = nn.Identity()()
    g = nn.gModule([x], [twin(nn.Tanh()(lin(x)))])
    ref = nn.Sequential().add(lin.clone()).add(nn.Tanh()).add(lin.clone())
    inp, grad = torch.randn(2, 3), torch.randn(2, 3)
    assert same(g.forward(inp), ref.forward(inp))
    g.zeroGradParameters()
    ref.zeroGradParameters()
    g.backward(inp, grad)
    ref.backward(inp, grad)
    assert (lin.gradWeight - (ref.modules[0].gradWeight + ref.modules[2].gradWeight)).abs().max() < 1e-14
    params, _ = g.getParameters()
    assert params.nElement() == 12  # one copy of the shared weights


def test_a_stateless_module_used_twice():
    ident = nn.Identity()
    x = nn.Identity()()
    g = nn.gModule([x], [nn.CAddTable()([ident(x), ident(nn.MulConstant(2)(x))])])
    assert same(g.forward(torch.Tensor([1, 2])), torch.Tensor([3, 6]))
    assert len(g.modules) == 5  # Torch7 lists the module once per node


def test_training_evaluate_type_clone_save_and_print(tmp_path):
    torch.manualSeed(10)
    x = nn.Identity()()
    g = nn.gModule([x], [nn.Linear(3, 2)(nn.Dropout(0.5)(x))])
    g.evaluate()
    assert all(m.train is False for m in g.modules)
    g.training()
    assert g.modules[1].train is True
    g.evaluate()
    inp = torch.randn(4, 3)
    out = g.forward(inp).clone()
    copy = g.clone()
    copy.modules[2].weight.fill(0)
    assert same(g.forward(inp), out)
    path = str(tmp_path / "g.t7")
    torch.save(path, g)
    back = torch.load(path)
    assert torch.typename(back) == "nn.gModule" and same(back.forward(inp), out)
    f = g.float()
    assert f.forward(inp.float()).type() == "torch.FloatTensor"
    assert str(g) == "nn.gModule"
    g.name = "dropnet"
    assert str(g) == "dropnet"
    g.double().clearState()
    assert (g.forward(inp) - out).abs().max() < 1e-6  # weights went through float precision


def test_annotations_are_stored():
    x = nn.Identity()()
    hidden = nn.Tanh()(x).annotate({"name": "hidden", "description": "the hidden layer"})
    unnamed = nn.Sigmoid()(hidden)
    nngraph.annotateNodes()
    assert hidden.data.annotations["name"] == "hidden"  # an explicit name is kept
    assert unnamed.data.annotations["name"] == "unnamed"
    assert x.data.annotations["name"] == "x"
    g = nn.gModule([x], [unnamed])
    assert hidden.graphNodeName() == f"hidden ({hidden.id})"
    assert "desc = the hidden layer" in hidden.label()
    assert g.forward(torch.Tensor([0.0]))[1] == 0.5


def test_a_gmodule_inside_another_graph():
    torch.manualSeed(12)
    x = nn.Identity()()
    inner = nn.gModule([x], [nn.Tanh()(nn.Linear(3, 3)(x))])
    y = nn.Identity()()
    outer = nn.gModule([y], [nn.CAddTable()([inner(y), y])])
    inp, grad = torch.randn(2, 3), torch.randn(2, 3)
    ref = nn.Sequential().add(nn.ConcatTable().add(inner.clone()).add(nn.Identity())).add(nn.CAddTable())
    assert same(outer.forward(inp), ref.forward(inp))
    assert same(outer.backward(inp, grad), ref.backward(inp, grad))
    assert outer.getParameters()[0].nElement() == 12


def test_clones_sharing_parameters_unroll_a_recurrence():
    torch.manualSeed(13)
    x, prev = nn.Identity()(), nn.Identity()()
    step = nn.gModule([x, prev], [nn.Tanh()(nn.CAddTable()([nn.Linear(2, 2)(x), nn.Linear(2, 2)(prev)]))])
    _, grads = step.getParameters()
    clones = [step.clone("weight", "bias", "gradWeight", "gradBias") for _ in range(3)]
    h = torch.zeros(1, 2)
    inputs = [torch.randn(1, 2) for _ in range(3)]
    states = [h]
    for c, inp in zip(clones, inputs):
        states.append(c.forward([inp, states[-1]]).clone())
    grads.zero()
    grad_h = torch.ones(1, 2)
    for t in range(2, -1, -1):
        grad_h = clones[t].backward([inputs[t], states[t]], grad_h)[1]
    # the shared gradient equals the sum of each step's own gradient
    total = torch.zeros(grads.nElement())
    for t in range(3):
        single = step.clone()
        _, sg = single.getParameters()
        sg.zero()
        single.forward([inputs[t], states[t]])
        upstream = torch.ones(1, 2)
        for u in range(2, t, -1):
            other = step.clone()
            other.forward([inputs[u], states[u]])
            upstream = other.backward([inputs[u], states[u]], upstream)[1].clone()
        single.backward([inputs[t], states[t]], upstream)
        total.add(sg)
    assert (grads - total).abs().max() < 1e-12
