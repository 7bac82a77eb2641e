"""Torch constructs: torch.class definitions, tensor index tables, tables of tensors, multiple
returns from the library. Each checks the Python text, and runs both sides — the Lua through the
project's ``th`` (skipped while it is absent), the Python directly — with equal output."""

import textwrap

import pytest
from translator_helpers import assert_same_output_as_th, assert_translates_to, body, normalise, run_python

from translator import translate

CLASS_LUA = """\
require 'nn'
local Scale, parent = torch.class('nn.Scale2', 'nn.Module')
function Scale:__init(k)
  parent.__init(self)
  self.k = k
end
function Scale:updateOutput(input)
  self.output:resizeAs(input):copy(input):mul(self.k)
  return self.output
end
local m = nn.Scale2(3)
print(torch.type(m), m.k, torch.isTypeOf(m, 'nn.Module'))
print(m:forward(torch.Tensor{1, 2}))
"""

CLASS_PY = '''\
class Scale(nn.Module):
    __typename__ = "nn.Scale2"

    def __init__(self, k):
        super().__init__()
        self.k = k

    def updateOutput(self, input):
        self.output.resizeAs(input).copy(input).mul(self.k)
        return self.output


m = Scale(3)
compat.print(torch.type(m), m.k, torch.isTypeOf(m, "nn.Module"))
print(m.forward(torch.Tensor([1, 2])))'''

INDEX_LUA = """\
local t = torch.range(1, 12):view(3, 4)
print(t[{2, {2, 3}}])
print(t[{{1, 2}}]:size(1), t[2][3])
t[1][1] = -1
t[{3, {}}]:fill(0)
print(t)
"""

INDEX_PY = """\
t = torch.range(1, 12).view(3, 4)
compat.print(t[2, [2, 3]])
compat.print(t[[1, 2],].size(1), t[2][3])
t[1][1] = -1
t[3, []].fill(0)
print(t)"""

TABLES_LUA = """\
require 'nn'
local outs = nn.ConcatTable():add(nn.Identity()):add(nn.MulConstant(2)):forward(torch.ones(2))
print(#outs, outs[1][1], outs[2][2])
local joined = nn.JoinTable(1):forward({torch.ones(1), torch.zeros(2)})
print(joined:size(1))
local v, i = torch.max(torch.Tensor{3, 9, 4}, 1)
print(v[1], i[1])
local params, grads = nn.Linear(2, 3):getParameters()
local p = nn.Linear(2, 3):getParameters()
print(params:nElement(), p:nElement())
"""

TABLES_PY = """\
outs = nn.ConcatTable().add(nn.Identity()).add(nn.MulConstant(2)).forward(torch.ones(2))
compat.print(len(outs), outs[0][1], outs[1][2])
joined = nn.JoinTable(1).forward([torch.ones(1), torch.zeros(2)])
print(joined.size(1))
v, i = torch.max(torch.Tensor([3, 9, 4]), 1)
compat.print(v[1], i[1])
params, grads = nn.Linear(2, 3).getParameters()
p = nn.Linear(2, 3).getParameters()[0]
compat.print(params.nElement(), p.nElement())"""

# a function stored in a library object's field: a method of that object (the library calls
# it, with more arguments than it names) or a plain attribute (no self)
FIELD_FUNCTIONS_LUA = """\
require 'nn'
local frozen = nn.Linear(2, 2)
frozen.accGradParameters = function(self) end
frozen:zeroGradParameters()
frozen:forward(torch.ones(2))
frozen:backward(torch.ones(2), torch.ones(2))
print(frozen.gradWeight:sum(), frozen.gradBias:sum())
local m = nn.Identity()
m.describe = function(self, prefix) return prefix .. torch.type(self) end
m.double = function(x) return 2 * x end
print(m:describe('a '), m.double(4))
"""

FIELD_FUNCTIONS_PY = """\
frozen = nn.Linear(2, 2)


def accGradParameters(self, *_):
    pass


frozen.accGradParameters = compat.method(frozen, accGradParameters)
frozen.zeroGradParameters()
frozen.forward(torch.ones(2))
frozen.backward(torch.ones(2), torch.ones(2))
compat.print(frozen.gradWeight.sum(), frozen.gradBias.sum())
m = nn.Identity()


def describe(self, prefix, *_):
    return compat.concat_text(prefix) + torch.type(self)


m.describe = compat.method(m, describe)


def double(x):
    return 2 * x


m.double = double
compat.print(m.describe("a "), m.double(4))"""

CASES = {"torch_class": (CLASS_LUA, CLASS_PY), "tensor_index_tables": (INDEX_LUA, INDEX_PY),
         "tables_and_multiple_returns": (TABLES_LUA, TABLES_PY),
         "functions_in_object_fields": (FIELD_FUNCTIONS_LUA, FIELD_FUNCTIONS_PY)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_translation_text(name):
    assert_translates_to(*CASES[name])


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_output_as_th(name, th, tmp_path):
    assert_same_output_as_th(CASES[name][0], tmp_path, name)


def test_nn_class_is_registered_under_its_torch_name():
    code = translate(CLASS_LUA).code
    from luatorch.torch import classes

    run_python(code)
    assert classes.find("nn.Scale2").__name__ == "Scale"


def test_method_defined_with_a_dot_and_explicit_self():
    lua = textwrap.dedent("""\
        require 'nn'
        local Twice = torch.class('nn.Twice', 'nn.Module')
        function Twice.updateOutput(self, input)
          self.output = input * 2
          return self.output
        end
        print(nn.Twice():forward(torch.Tensor{1, 2}))
        """)
    code = translate(lua).code
    assert "    def updateOutput(self, input):" in code
    assert "Twice().forward(" in code


CMDLINE_LUA = """\
require 'torch'
local cmd = torch.CmdLine()
cmd:option('-lr', 0.1, 'learning rate')
cmd:option('-name', 'run', 'run name')
local opt = cmd:parse(arg)
print(opt.lr * 2, opt.name, #arg)
"""


def test_cmdline_options_are_a_dict_and_arg_the_arguments():
    code = body(translate(CMDLINE_LUA).code)
    assert "opt = cmd.parse(sys.argv[1:])" in code
    assert 'compat.print(opt["lr"] * 2, opt["name"], len(sys.argv[1:]))' in code


def test_cmdline_same_output_as_th(th, tmp_path):
    script = tmp_path / "cmd.lua"
    script.write_text(CMDLINE_LUA)
    py = tmp_path / "cmd.py"
    py.write_text(translate(CMDLINE_LUA).code)
    import subprocess
    import sys

    ran = subprocess.run([sys.executable, str(py), "-lr", "0.5"], capture_output=True,
                         text=True, check=False)
    lua = subprocess.run([str(th), str(script), "-lr", "0.5"], capture_output=True, text=True,
                         check=False)
    assert ran.returncode == 0, ran.stderr
    assert normalise(ran.stdout) == normalise(lua.stdout) == ["1\trun\t2"]
