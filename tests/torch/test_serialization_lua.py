"""Serialization and the File API from Lua scripts (through ``th``), as Torch7 code uses them."""

import subprocess
import sys
from pathlib import Path

import pytest

TH = Path(sys.executable).parent / "th"
pytestmark = pytest.mark.skipif(not TH.exists(), reason="the th command is not installed")

SCRIPT = r"""
require 'nn'
local dir = arg[1]
local f = torch.DiskFile(dir .. '/x.txt', 'w')
f:writeInt(42); f:writeString('hello\n'); f:writeDouble(torch.DoubleStorage({1.5, 2}))
f:close()
print(f)
local g = torch.DiskFile(dir .. '/x.txt', 'r')
print(g:readInt(), g:readString('*l'))
local s = g:readDouble(2); print(s[1], s[2], s:size(), g:position())
g:close()

local m = torch.MemoryFile():binary()
m:writeObject({a = 1, b = {2, 3}})
m:seek(1)
local o = m:readObject()
print(o.a, o.b[2], #o.b)
print(#torch.serialize({1, 2}), torch.deserialize(torch.serialize({x = 5}, 'ascii'), 'ascii').x)

local Foo = torch.class('Foo')
function Foo:__init(x) self.x = x; self.t = torch.Tensor(2):fill(x) end
function Foo:get() return self.x end
torch.save(dir .. '/foo.t7', {Foo(3), 'tail'})
local back = torch.load(dir .. '/foo.t7')
print(torch.type(back[1]), back[1]:get(), back[1].t[2], back[2])

local ok, err = pcall(torch.load, dir .. '/missing.t7')
print(ok, err:match('cannot open') ~= nil)
local conv = torch.load(os.getenv('LUATORCH_SHARED') .. '/t7/convnet.bin.t7')
print(conv:get(1).weight:size(1), conv:get(5).bias:nElement())
"""

EXPECTED = """torch.DiskFile on <{dir}/x.txt> [status: closed -- mode  w]
42\thello\t
1.5\t2\t2\t16\t
1\t3\t2\t
61\t5\t
Foo\t3\t3\ttail\t
false\ttrue\t
2\t2\t
"""


def test_file_api_and_serialization_from_lua(tmp_path):
    script = tmp_path / "s.lua"
    script.write_text(SCRIPT)
    run = subprocess.run([str(TH), str(script), str(tmp_path)], capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout == EXPECTED.format(dir=tmp_path)


GMODULE_SCRIPT = r"""
local dir = arg[1]
print(torch.DiskFile(dir .. '/no/such/file.t7', 'r', true))
local bytes = {49, 59, 50, 58, 51, 0}
local storage = torch.CharStorage(#bytes)
for i, b in ipairs(bytes) do storage[i] = b end
local mem = torch.MemoryFile(storage, 'r')
print(mem:readInt(), mem:readInt(), mem:readInt(), mem:storage() == storage)
local g = torch.load(dir .. '/torch7_gmodule.t7')
local out = g:forward({torch.ones(2, 3), torch.ones(2, 3)})
print(torch.type(g), #out, out[3]:size(1), out[3]:size(2))
"""


def test_torch7_gmodule_and_quiet_files_from_lua(tmp_path):
    # the Torch7-layout gModule of test_serialization_nngraph (no fixture holds one)
    sys.path.insert(0, str(Path(__file__).parent))
    from test_serialization_nngraph import torch7_layout, two_input_graph

    from luatorch import torch

    torch.save(str(tmp_path / "torch7_gmodule.t7"), torch7_layout(two_input_graph()))
    script = tmp_path / "g.lua"
    script.write_text(GMODULE_SCRIPT)
    run = subprocess.run([str(TH), str(script), str(tmp_path)], capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "nil\t\n1\t2\t3\ttrue\t\nnn.gModule\t3\t2\t4\t\n"
