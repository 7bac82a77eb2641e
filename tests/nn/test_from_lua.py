"""nn used from Lua through the bridge, as Torch7 scripts use it: Lua subclasses of nn.Module
inside containers, getParameters, clone, type conversion, tables, errors, StochasticGradient."""

import io
import itertools

import pytest

from luatorch.lua import LuaError, LuaSession

_ids = itertools.count()


@pytest.fixture(scope="module")
def run():
    out = io.StringIO()
    session = LuaSession(stdout=out)
    session.execute("require 'nn'")

    def run_lua(code):
        out.seek(0)
        out.truncate()
        session.execute(code)
        return out.getvalue()
    return run_lua


def lua_scale_class():
    """Lua source defining a fresh nn.Module subclass (class names are global, so unique)."""
    name = f"LuaScale{next(_ids)}"
    return name, f"""
local Scale, parent = torch.class('nn.{name}', 'nn.Module')
function Scale:__init(n)
  parent.__init(self)
  self.weight = torch.Tensor(n):fill(2)
  self.gradWeight = torch.Tensor(n):zero()
  self.tag = 'hello'
end
function Scale:updateOutput(input)
  self.output:resizeAs(input):copy(input):cmul(self.weight:view(1, -1):expandAs(input))
  return self.output
end
function Scale:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):copy(gradOutput):cmul(self.weight:view(1, -1):expandAs(input))
  return self.gradInput
end
function Scale:accGradParameters(input, gradOutput, scale)
  self.gradWeight:add(scale or 1, torch.cmul(input, gradOutput):sum(1):view(-1))
end
function Scale:__tostring__() return 'nn.{name}(' .. self.weight:size(1) .. ')' end
"""


def test_lua_subclass_in_a_container(run):
    name, cls = lua_scale_class()
    out = run(cls + f"""
torch.manualSeed(1)
local net = nn.Sequential():add(nn.Linear(3, 3)):add(nn.{name}(3))
print(net)
local p, g = net:getParameters()
print(p:nElement(), g:nElement(), net:get(2).weight:storage() == p:storage())
local x = torch.ones(2, 3)
net:zeroGradParameters()
net:forward(x)
net:backward(x, torch.ones(2, 3))
-- the Lua accGradParameters wrote into the flat gradient: 3 weights, sum of 2 * output of Linear
print(g:narrow(1, 13, 3):sum() == net:get(1).output:sum())
print(nn.Jacobian.testJacobian(nn.{name}(3), torch.randn(2, 3)) < 1e-6)
""")
    lines = out.splitlines()
    assert lines[:5] == ["nn.Sequential {", "  [input -> (1) -> (2) -> output]",
                         "  (1): nn.Linear(3 -> 3)", f"  (2): nn.{name}(3)", "}"]
    assert lines[5:] == ["15\t15\ttrue\t", "true\t", "true\t"]


def test_clone_and_type_of_lua_subclass(run):
    name, cls = lua_scale_class()
    out = run(cls + f"""
local net = nn.Sequential():add(nn.Linear(3, 3)):add(nn.{name}(3))
local c = net:clone()
print(c:get(2).tag, torch.type(c:get(2)))
c:get(2).weight:fill(5)
print(net:get(2).weight[1], c:get(2).weight[1])
local s = net:get(2):clone('weight')
s.weight:fill(7)
print(net:get(2).weight[1])
net:float()
print(net:get(2).weight:type(), net:get(1).output:type(), net:type())
""")
    assert out.splitlines() == [f"hello\tnn.{name}\t", "2\t5\t", "7\t",
                                "torch.FloatTensor\ttorch.FloatTensor\ttorch.FloatTensor\t"]


def test_tables_from_lua(run):
    out = run("""
local x = torch.ones(2, 3)
local r = nn.ParallelTable():add(nn.Identity()):add(nn.MulConstant(2)):forward({x, x})
print(#r, r[2][1][1])
local j = nn.JoinTable(2):forward({x, torch.zeros(2, 1)})
print(j:size(1), j:size(2))
local g = nn.CAddTable():backward({x, x}, torch.ones(2, 3))
print(#g, g[2]:sum())
local c = nn.ParallelCriterion():add(nn.MSECriterion()):add(nn.ClassNLLCriterion())
print(c:forward({torch.ones(2), torch.Tensor{-1, -2}}, {torch.zeros(2), 2}))
local m = nn.Sequential():add(nn.Linear(2, 2)):add(nn.Tanh())
print(#m.modules, torch.type(m.modules[2]), m:size())
print(nn.SelectTable(-1):forward({x, torch.zeros(4)}):size(1))
""")
    assert out.splitlines() == ["2\t2\t", "2\t4\t", "2\t6\t", "3\t", "2\tnn.Tanh\t2\t", "4\t"]


def test_errors_from_lua_name_the_module(run):
    out = run("""
local net = nn.Sequential():add(nn.Linear(3, 2))
local ok, err = pcall(function() return net:forward(torch.ones(2, 4)) end)
print(ok)
print(err)
print(net:forward(torch.ones(2, 3)):size(2))
""")
    lines = out.splitlines()
    assert lines[0] == "false\t"
    assert "In 1 module of nn.Sequential:" in lines[1]
    assert "nn.Linear(3 -> 2): size mismatch, m1: [2 x 4], m2: [3 x 2]" in lines[2]
    assert lines[-1] == "2\t"
    with pytest.raises(LuaError, match="nn.ClassNLLCriterion: target 5 out of range"):
        run("nn.ClassNLLCriterion():forward(torch.Tensor{-1, -2}, 5)")


def test_stochastic_gradient_on_a_lua_dataset(run, capsys):
    run("""
torch.manualSeed(1)
local dataset = {}
function dataset:size() return 4 end
local X = {{0, 0}, {0, 1}, {1, 0}, {1, 1}}
for i = 1, 4 do dataset[i] = {torch.Tensor(X[i]), torch.Tensor{X[i][1] + X[i][2]}} end
local mlp = nn.Sequential():add(nn.Linear(2, 1))
local trainer = nn.StochasticGradient(mlp, nn.MSECriterion())
trainer.maxIteration = 3
trainer:train(dataset)
""")
    lines = capsys.readouterr().out.splitlines()  # library text goes to sys.stdout, as th's
    assert lines[0] == "# StochasticGradient: training\t"
    assert len([ln for ln in lines if ln.startswith("# current error = ")]) == 3
    assert lines[-2] == "# StochasticGradient: you have reached the maximum number of iterations\t"
