"""The situations torch/nngraph's own test suite exercises (inputs used as outputs, forks,
nested tables, splits used alongside their source, unused parts), each checked here against
finite differences or known values."""

import pytest

from luatorch import nn, nngraph, torch  # noqa: F401 (importing nngraph makes module calls build nodes)


def flat(obj):
    if isinstance(obj, list):
        return [t for x in obj for t in flat(x)]
    return [obj]


def like(obj, fill=None):
    if isinstance(obj, list):
        return [like(x, fill) for x in obj]
    return obj.clone().fill(fill) if fill is not None else torch.randn(*obj.size().totable())


def dot(a, b):
    return sum(x.dot(y) for x, y in zip(flat(a), flat(b)))


def check_gradients(module, input, eps=1e-6, tol=1e-5):
    """backward's gradInput against central differences of <forward(input), gradOutput>."""
    output = module.forward(input)
    grad_output = like(output)
    grad_input = flat(module.backward(input, grad_output))
    for tensor, grad in zip(flat(input), grad_input):
        values = tensor.view(-1) if tensor.isContiguous() else None
        assert values is not None
        numeric = torch.zeros(tensor.nElement())
        for i in range(1, tensor.nElement() + 1):
            keep = values[i]
            values[i] = keep + eps
            up = dot(module.forward(input), grad_output)
            values[i] = keep - eps
            down = dot(module.forward(input), grad_output)
            values[i] = keep
            numeric[i] = (up - down) / (2 * eps)
        assert (numeric - grad.contiguous().view(-1)).abs().max() < tol


def test_one_output_recomputes_gradinput():
    a = nn.Identity()()
    g = nn.gModule([a], [nn.Identity()(a)])
    assert g.forward(torch.Tensor([1])).equal(torch.Tensor([1]))
    assert g.backward(torch.Tensor([1]), torch.Tensor([-123])).equal(torch.Tensor([-123]))
    g.forward(torch.Tensor([2]))
    assert g.backward(torch.Tensor([2]), torch.Tensor([-2])).equal(torch.Tensor([-2]))


def test_a_fork_sums_gradients():
    a = nn.Identity()()
    g = nn.gModule([a], [nn.Identity()(a), nn.Identity()(a)])
    g.forward(torch.Tensor([1]))
    assert g.backward(torch.Tensor([1]), [torch.Tensor([-2]), torch.Tensor([-3])]).equal(torch.Tensor([-5]))
    check_gradients(g, torch.Tensor([1]))


def test_split_of_a_module_output_into_two_outputs():
    a = nn.Sigmoid()()
    first, second = nn.SplitTable(1)([a]).split(2)
    g = nn.gModule([a], [first, second])
    assert len(g.forward(torch.randn(2, 3))) == 2
    check_gradients(g, torch.randn(2, 3))


def test_nested_table_input_through_split():
    a, b = nn.Identity()(), nn.Identity()()
    prev_h, prev_cell = b.split(2)
    g = nn.gModule([a, b], [nn.CMulTable()([a, prev_h, prev_cell])])
    input = [torch.randn(3), [torch.randn(3), torch.randn(3)]]
    g.forward(input)
    grad_input = g.backward(input, torch.randn(3))
    assert len(grad_input) == 2 and isinstance(grad_input[1], list) and len(grad_input[1]) == 2
    check_gradients(g, input)


@pytest.mark.parametrize("input_module", [nn.Sigmoid, nn.Identity])
def test_inputs_used_as_outputs(input_module):
    a, b = input_module()(), input_module()()
    g = nn.gModule([a, b], [a, b, nn.Sigmoid()(a)])
    input = [torch.randn(3), torch.randn(3)]
    assert len(g.forward(input)) == 3
    check_gradients(g, input)


def test_table_valued_input_node():
    a = nn.SplitTable(1)()
    g = nn.gModule([a], [nn.CAddTable()(a)])
    check_gradients(g, torch.randn(2, 3))


def test_one_input_graph_passes_a_table_through():
    a = nn.Identity()()
    g = nn.gModule([a], [nn.Identity()(a)])
    x = torch.Tensor([123])
    assert g.forward(x) is x
    out = g.forward([x])
    assert isinstance(out, list) and out[0] is x


def test_parameters_of_an_input_node_with_two_outputs():
    a = nn.CMul(10)()
    g = nn.gModule([a], [nn.Identity()(a), nn.Identity()(a)])
    x = torch.randn(10)
    check_gradients(g, x)
    _, grads = g.parameters()
    grads[0].zero()
    g.forward(x)
    g.backward(x, [torch.ones(10), torch.ones(10)])
    assert (grads[0] - x * 2).abs().max() < 1e-14


def test_modules_as_input_nodes_and_containers_as_nodes():
    x1, x2 = nn.Linear(6, 5)(), nn.Linear(4, 4)()
    total = nn.CAddTable()([nn.Linear(5, 1)(nn.Tanh()(x1)), nn.Linear(4, 1)(nn.Tanh()(x2))])
    g = nn.gModule([x1, x2], [nn.Sigmoid()(total), nn.Tanh()(total)])
    check_gradients(g, [torch.rand(6), torch.rand(4)])
    seq = nn.Sequential().add(nn.SplitTable(1)).add(nn.ParallelTable().add(nn.Linear(4, 3)).add(nn.Linear(4, 2)))
    inp = nn.Identity()()
    p1, p2 = seq(inp).split(2)
    g = nn.gModule([inp], [nn.JoinTable(1)([p1, p2])])
    check_gradients(g, torch.rand(2, 4))


def test_skip_connections_with_join_table():
    inp = nn.Identity()()
    l1 = nn.Tanh()(nn.Linear(1, 2)(inp))
    l2 = nn.Tanh()(nn.Linear(3, 6)(nn.JoinTable(1)([inp, l1])))
    l3 = nn.Tanh()(nn.Linear(8, 4)(nn.JoinTable(1)([l1, l2])))
    check_gradients(nn.gModule([inp], [l3]), torch.rand(1))


def test_type_reaches_the_graph_buffers():
    a = nn.Linear(5, 4)()
    g = nn.gModule([a], [nn.Linear(4, 1)(nn.Tanh()(a))])
    x = torch.rand(5)
    out = g.forward(x)
    g.backward(x, out)
    assert torch.typename(g.innode.data.input[0]) == "torch.DoubleTensor"
    g.float()
    out = g.forward(x.float())
    g.backward(x.float(), out)
    for t in (out, g.output, g.gradInput, g.innode.data.input[0], g.outnode.data.input[0],
              g.forwardnodes[0].data.input[0]):
        assert torch.typename(t) == "torch.FloatTensor"


def test_fan_out_of_a_table_sums_nested_gradients():
    x = nn.Identity()()
    h1 = nn.Sequential().add(nn.JoinTable(2)).add(nn.Tanh())
    h2 = nn.Sequential().add(nn.JoinTable(2)).add(nn.Identity())
    g = nn.gModule([x], [nn.CAddTable()([h1(x), h2(x)])])
    check_gradients(g, [torch.randn(3, 3) for _ in range(3)])
    check_gradients(g, [torch.randn(2, 3) for _ in range(3)])  # buffers resized


def test_a_split_node_used_directly_too():
    state = nn.Identity()()
    h, cell = state.split(2)
    g = nn.gModule([state], [h, nn.Identity()(state), nn.Sigmoid()(cell)])
    check_gradients(g, [torch.randn(5), torch.randn(5)])


def test_nested_outputs_change_shape_between_calls():
    a = nn.Identity()()
    g = nn.gModule([a], [nn.Identity()(a), nn.Identity()(a)])
    for sizes in ((3, 4), (3, 4, 5), (3, 4)):
        input = [torch.randn(10), [torch.randn(n) for n in sizes]]
        g.forward(input)
        grad_input = g.backward(input, g.output)
        assert len(grad_input[1]) == len(sizes)
        assert (grad_input[0] - input[0] * 2).abs().max() < 1e-14
        check_gradients(g, input)


def test_unused_parts_are_rejected():
    x, h = nn.Identity()(), nn.Identity()()
    with pytest.raises(ValueError, match="unused"):
        nn.gModule([x, h], [x])
    state = nn.Identity()()
    h, _ = state.split(2)
    with pytest.raises(ValueError, match=r"1 of split\(2\) outputs"):
        nn.gModule([state], [h])
    in1, in2 = nn.Identity()(), nn.Identity()()
    middle = nn.Sigmoid()(in2)
    assert middle is not None
    # in2 reaches no output either: the split feeding the inputs is checked first (forward order)
    with pytest.raises(ValueError, match=r"1 of split\(2\) outputs"):
        nn.gModule([in1, in2], [nn.Sigmoid()(in1)])


def test_split_debug_labels():
    node = nn.Identity()()
    node.data.annotations["_debugLabel"] = "node"
    first, second = node.split(2)
    assert first.data.annotations["_debugLabel"] == "node-1"
    assert second.data.annotations["_debugLabel"] == "node-2"
    single = node.split(1)
    assert torch.typename(single.data.module) == "nngraph.JustElement"
