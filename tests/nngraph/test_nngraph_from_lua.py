"""nngraph from Lua through the bridge: require 'nngraph', graph building with Lua tables of
nodes, split's multiple returns, annotations, errors at the Lua line; and conformance 10 run
by `th` against Torch7's golden output."""

import io
import subprocess
import sys
from pathlib import Path

import pytest

from luatorch.lua import LuaError, LuaSession

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run():
    out = io.StringIO()
    session = LuaSession(stdout=out)
    session.execute("require 'nn'; require 'nngraph'")

    def run_lua(code):
        out.seek(0)
        out.truncate()
        session.execute(code, "=snippet")
        return out.getvalue()
    return run_lua


def test_graph_built_from_lua(run):
    out = run("""
torch.manualSeed(3)
local x, y = nn.Identity()(), nn.Identity()()
local pair = nn.ConcatTable():add(nn.Linear(3, 2)):add(nn.Tanh())(x)
local p1, p2 = pair:split(2)
local s = nn.CAddTable()({nn.Linear(2, 3)(p1), p2, y}):annotate{name = 'sum'}
local g = nn.gModule({x, y}, {s, nn.SelectTable(1)(pair)})
print(g)
print(#g.modules, torch.type(g.modules[1]), s.data.annotations.name, torch.type(s))
local out = g:forward({torch.randn(3), torch.randn(3)})
print(#out, out[1]:size(1), out[2]:size(1))
local gi = g:backward({torch.randn(3), torch.randn(3)}, {torch.ones(3), torch.ones(2)})
print(#gi, gi[1]:nElement(), gi[2]:nElement())
local third = nn.Identity()()[3]
print(torch.type(third.data.module), third.data.module.index)
""")
    assert out.splitlines() == [
        "nn.gModule",
        "6\tnn.Identity\tsum\tnngraph.Node\t",
        "2\t3\t2\t",
        "2\t3\t3\t",
        "nn.SelectTable\t3\t",
    ]


@pytest.mark.parametrize("code, message", [
    (("local a, b = nn.Identity()(), nn.Identity()()\n"
      "local g = nn.gModule({a, b}, {nn.CAddTable()({a, b})})\n"
      "g:forward(torch.randn(2))"), "snippet:3: expecting table of 2 inputs"),
    ("local a = nn.Identity()()\nnn.gModule({a}, {nn.Linear(2, 2)})",
     "snippet:2: outputs[1] is an nn.Module, specifically a nn.Linear"),
    ("nn.Tanh()({})", "snippet:1: cannot pass an empty table of inputs"),
    ("nn.Tanh()(nil)", "snippet:1: inputs[1] is nil (typo / bad index?)"),
    ("local a = nn.Identity()()\nlocal b = nn.Identity()()\nnn.gModule({a, b}, {nn.Tanh()(a)})",
     "of split(2) outputs from the node declared at"),
    ("nngraph.annotateNodes()", "name nodes with node:annotate{name = ...}"),
])
def test_errors_reach_lua_with_the_line(run, code, message):
    with pytest.raises(LuaError) as info:
        run(code)
    assert message in str(info.value)


def test_conformance_10_under_th(shared_dir):
    script = shared_dir / "conformance" / "10_nngraph_lstm.lua"
    golden = shared_dir / "conformance" / "golden" / "10_nngraph_lstm.out"
    if not script.is_file() or not golden.is_file():
        pytest.skip("conformance 10 not found")
    th = Path(sys.executable).with_name("th")
    command = [str(th)] if th.is_file() else [sys.executable, "-m", "luatorch.cli", "run"]
    result = subprocess.run(command + [str(script)], capture_output=True, text=True, timeout=120,
                            cwd=script.parent, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == golden.read_text()


def test_lua_subclass_as_a_node_and_nodes_built_by_hand(run):
    out = run("""
local Double, parent = torch.class('nn.NngraphDouble', 'nn.Module')
function Double:updateOutput(input) self.output:resizeAs(input):copy(input):mul(2); return self.output end
function Double:updateGradInput(input, go) self.gradInput:resizeAs(go):copy(go):mul(2); return self.gradInput end
local x = nn.Identity()()
local g = nn.gModule({x}, {nn.NngraphDouble()(nn.MulConstant(3)(x))})
print(g:forward(torch.ones(2))[1], g:backward(torch.ones(2), torch.ones(2))[2])
local n = nngraph.Node({module = nn.Tanh()})
n:add(x, true)
print(torch.type(n.data.module), #n.children, n.data.mapindex[1] == x.data)
""")
    assert out.splitlines() == ["6\t6\t", "nn.Tanh\t1\ttrue\t"]
