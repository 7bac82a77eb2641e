"""Tables used as table keys (Lua keys them by identity), and gModules in Torch7's own layout.

No fixture of ../shared/t7 holds a Torch7-written gModule, so the Torch7 file is built here: the
gModule is constructed with luatorch's nngraph (whose graph algorithms follow torch/graph and
torch/nngraph step for step, so the nodes, ids, orders and edges are those Torch7 builds), then
re-expressed as the exact Lua tables Torch7's nngraph holds (graph/Node.lua, graph/Graph.lua,
graph/Edge.lua, nngraph/node.lua, nngraph/gmodule.lua): a node's ``data`` is a plain table;
``children``, ``graph.nodes`` and ``graph.edges`` are arrays that also map each element to its
position; ``data.mapindex`` maps input data tables to positions; ``data.reverseMap`` is
``{[node] = true}``; an Edge has ``from`` and ``to``. That structure is written with the writer
(whose byte format the fixtures check) and loaded back.
"""

import pytest

from luatorch import nn, nngraph, torch
from luatorch.nngraph.torch7_layout import from_torch7
from luatorch.torch.serialization import T7Object, TableKey


def same(a, b):
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a.isSameSizeAs(b) and a.equal(b)


# --- tables as keys -------------------------------------------------------------------------------
def test_tables_as_keys_load_by_identity_and_write_back_byte_identical():
    key_record, key_array, key_empty = {"a": 1}, [1, 2], []
    table = {TableKey(key_record): "record", TableKey(key_array): "array",
             TableKey(key_empty): "empty", "same": key_record, "arr": key_array}
    for fmt in ("binary", "ascii"):
        data = torch.serialize(table, fmt)
        loaded = torch.deserialize(data, fmt)
        keys = [k for k in loaded if isinstance(k, TableKey)]
        assert len(keys) == 3 and len(loaded) == 5
        by_value = {loaded[k]: k.table for k in keys}
        # the key table and the value table are the same object, as in Lua
        assert by_value["record"] is loaded["same"] and by_value["array"] is loaded["arr"]
        assert by_value["record"] == {"a": 1} and by_value["array"] == [1, 2]
        assert by_value["empty"] == []
        assert loaded[TableKey(loaded["same"])] == "record"  # looked up by identity
        assert TableKey(loaded["same"]) != TableKey({"a": 1})
        assert torch.serialize(loaded, fmt) == data


def test_objects_as_keys_and_a_table_keyed_by_itself():
    t = torch.Tensor(2).fill(3)
    table = {t: "tensor", 1: t}
    loaded = torch.deserialize(torch.serialize(table))
    (key,) = [k for k in loaded if k != 1]
    assert key is loaded[1] and loaded[key] == "tensor"
    selfish = {"name": "loop"}
    selfish[TableKey(selfish)] = True
    back = torch.deserialize(torch.serialize(selfish))
    assert back[TableKey(back)] is True and back["name"] == "loop"


# --- a gModule as Torch7 writes it --------------------------------------------------------------
def torch7_layout(gm):
    """The Lua tables Torch7's nngraph would hold for the gModule ``gm`` (T7Objects and dicts)."""
    made = {}

    def mixed_array(items, convert):
        """A Lua array that also maps each element to its position ({x, [x] = 1})."""
        out = {}
        converted = [convert(x) for x in items]
        for i, x in enumerate(converted, 1):
            out[i] = x
        for i, x in enumerate(converted, 1):
            out[TableKey(x) if isinstance(x, dict) else x] = i
        return out

    def data_table(d):
        if id(d) in made:
            return made[id(d)]
        table = made[id(d)] = {}
        for k, v in d.__dict__.items():
            if v is None or k.startswith("_"):
                continue
            if k == "mapindex":
                table[k] = mixed_array(v, data_table)
            elif k == "reverseMap":
                table[k] = {node(n): True for n in v}
            else:
                table[k] = v
        return table

    def node(n):
        if id(n) in made:
            return made[id(n)]
        obj = made[id(n)] = T7Object(torch.typename(n), 1, {})
        obj.fields.update(data=data_table(n.data), id=n.id, visited=n.visited, marked=n.marked)
        obj.fields["children"] = mixed_array(n.children, node)
        return obj

    def graph(g):
        edges = []
        for e in g.edges:
            edges.append(T7Object("graph.Edge", 1, {"from": node(e.from_), "to": node(e.to)}))
        return T7Object("graph.Graph", 1, {"nodes": mixed_array(g.nodes, node),
                                            "edges": mixed_array(edges, lambda e: e)})

    fields = {}
    for k, v in gm.__dict__.items():
        if k.startswith("_") and k != "_type":
            continue
        if k in ("fg", "bg"):
            v = graph(v)
        elif k in ("innode", "outnode"):
            v = node(v)
        elif k in ("forwardnodes", "backwardnodes"):
            v = [node(n) for n in v]
        fields[k] = v
    return T7Object("nn.gModule", 1, fields)


def two_input_graph():
    torch.manualSeed(9)
    x1, x2 = nn.Identity()(), nn.Identity()()
    a = nn.Linear(3, 4)(x1)
    b = nn.Linear(3, 4)(x2)
    s = nn.CAddTable()([a, b])
    h1, h2 = nn.SplitTable(2)(nn.Reshape(2, 2)(nn.Tanh()(s))).split(2)
    return nn.gModule([x1, x2], [nn.Sigmoid()(h1), h2, a])


def test_a_torch7_layout_gmodule_file_loads_and_runs_like_the_original(tmp_path):
    gm = two_input_graph()
    inputs = [torch.randn(5, 3), torch.randn(5, 3)]
    grads = [torch.randn(5, 2), torch.randn(5, 2), torch.randn(5, 4)]
    gm.forward(inputs)  # a checkpoint of a trained model holds the last inputs in its nodes
    layout = torch7_layout(gm)
    assert isinstance(layout.fields["innode"].fields["data"], dict)
    for fmt in ("binary", "ascii"):
        path = str(tmp_path / f"gmodule_{fmt}.t7")
        torch.save(path, layout, fmt)
        loaded = torch.load(path, fmt)
        assert type(loaded) is nngraph.gModule
        assert all(isinstance(n.data, nngraph.NodeData) and isinstance(n.children, list)
                   for n in loaded.forwardnodes + loaded.backwardnodes)
        assert all(isinstance(e.from_, nngraph.Node) for e in loaded.fg.edges)
        assert [torch.typename(m) for m in loaded.modules] == [torch.typename(m) for m in gm.modules]
        # the nodes of the forward and backward graphs share their data, as Torch7's do
        assert {id(n.data) for n in loaded.forwardnodes} == {id(n.data) for n in loaded.backwardnodes}
        out, ref = loaded.forward(inputs), gm.forward(inputs)
        assert same(out, ref)
        assert same(loaded.backward(inputs, grads), gm.backward(inputs, grads))
        assert same(loaded.parameters()[1], gm.parameters()[1])
        # it is now an ordinary luatorch gModule: saved and loaded in luatorch's layout
        torch.save(str(tmp_path / "again.t7"), loaded)
        again = torch.load(str(tmp_path / "again.t7"))
        assert same(again.forward(inputs), ref)


def test_a_torch7_layout_without_reverse_map_or_n_inputs_loads(tmp_path):
    # files from older nngraph versions: no data.reverseMap, no gModule.nInputs
    gm = two_input_graph()
    layout = torch7_layout(gm)
    del layout.fields["nInputs"]
    for n in layout.fields["forwardnodes"]:
        n.fields["data"].pop("reverseMap", None)
    loaded = torch.deserialize(torch.serialize(layout))
    assert loaded.nInputs == 2
    inputs = [torch.randn(2, 3), torch.randn(2, 3)]
    assert same(loaded.forward(inputs), gm.forward(inputs))


def test_luatorch_layout_is_left_alone():
    gm = two_input_graph()
    loaded = torch.deserialize(torch.serialize(gm))
    data = loaded.innode.data
    assert from_torch7(loaded) is loaded and loaded.innode.data is data


def test_a_broken_torch7_gmodule_names_the_class():
    layout = torch7_layout(two_input_graph())
    layout.fields["innode"].fields["data"] = 5
    with pytest.raises(Exception, match=r"nn.gModule.*data is a int"):
        torch.deserialize(torch.serialize(layout))


# --- BatchNormalization files of version 1 -------------------------------------------------------
def version_1_layout(module):
    """``module`` as old torch/nn wrote it (version 1): ``running_std`` = 1/sqrt(var + eps)
    where version 2 keeps ``running_var``."""
    fields = {k: v for k, v in module.__dict__.items() if k != "running_var"}
    fields["running_std"] = module.running_var.clone().add(module.eps).pow(-0.5)
    return T7Object(torch.typename(module), 1, fields)


@pytest.mark.parametrize("name,shape", [("BatchNormalization", (4, 3)),
                                        ("SpatialBatchNormalization", (2, 3, 2, 2))])
def test_batch_normalization_version_1_files_get_running_var(name, shape):
    torch.manualSeed(3)
    bn = getattr(nn, name)(3)
    for _ in range(3):
        bn.forward(torch.randn(*shape).mul(2).add(1))
    bn.evaluate()
    old = torch.deserialize(torch.serialize(version_1_layout(bn)))
    assert type(old) is type(bn) and "running_std" not in old.__dict__
    assert (old.running_var - bn.running_var).abs().max() < 1e-12
    x = torch.randn(*shape)
    assert (old.forward(x) - bn.forward(x)).abs().max() < 1e-12
    # a version-2 file is read as written
    assert torch.deserialize(torch.serialize(bn)).running_var.equal(bn.running_var)
