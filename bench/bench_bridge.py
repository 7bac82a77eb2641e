"""Costs of the Lua bridge, measured from Lua code running in a LuaSession (LuaJIT).

Prints the time per operation and its ratio to a plain Lua operation measured in the same run:
a Lua->Python method call (t:size(1), t:add(0)) against a plain Lua function call, tensor
element reads and writes (x[i], w[i][j], through the FFI path) against a plain Lua table.
Then the resident size of a training loop driven from Lua (forward, backward, optim.sgd with
a Lua feval) over many iterations.

usage: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python bench/bench_bridge.py [--iterations N]
           [--baseline-glue DIR]

--baseline-glue DIR times the same operations in the same run with the Lua glue (bridge.lua,
prelude.lua) from DIR as well, e.g. an earlier commit's:
    mkdir /tmp/old && git show REV:lua/bridge.lua > /tmp/old/bridge.lua
    && git show REV:lua/prelude.lua > /tmp/old/prelude.lua
"""

import argparse
import io
import os
import resource
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from luatorch.lua import LuaSession
from luatorch.lua import session as session_module

TIMING = r"""
-- each measured loop is its own top-level function, timed best of 5
local clock = os.clock
local function best(f, n)
   local b = math.huge
   for r = 1, 5 do
      local t = clock(); f(n); local dt = (clock() - t) / n
      if dt < b then b = dt end
   end
   return b * 1e9
end
local results = {}
local function add(name, ns) results[#results + 1] = {name, ns} end

local tab = {}
for i = 1, 100 do tab[i] = i end
local tab2 = {}
for i = 1, 10 do tab2[i] = {} for j = 1, 10 do tab2[i][j] = 0 end end
local x = torch.Tensor(100)
local w = torch.Tensor(10, 10)

local function table_read(n) local s = 0; for k = 1, n do s = s + tab[k % 100 + 1] end return s end
local function table_write(n) for k = 1, n do tab[k % 100 + 1] = k end end
local function tensor_read(n) local s = 0; for k = 1, n do s = s + x[k % 100 + 1] end return s end
local function tensor_write(n) for k = 1, n do x[k % 100 + 1] = k end end
local function table2_read(n)
   local s = 0; for k = 1, n do s = s + tab2[k % 10 + 1][k % 7 + 1] end return s
end
local function tensor2_read(n)
   local s = 0; for k = 1, n do s = s + w[k % 10 + 1][k % 7 + 1] end return s
end
local function tensor2_write(n) for k = 1, n do w[k % 10 + 1][k % 7 + 1] = k end end
local function table2_write(n) for k = 1, n do tab2[k % 10 + 1][k % 7 + 1] = k end end
add('plain Lua table read tab[i]', best(table_read, 1e6))
add('plain Lua table write tab[i]=v', best(table_write, 1e6))
add('tensor read x[i] (1-D)', best(tensor_read, 1e6))
add('tensor write x[i]=v (1-D)', best(tensor_write, 1e6))
add('plain Lua table read tab[i][j]', best(table2_read, 1e6))
add('tensor read w[i][j] (2-D)', best(tensor2_read, 1e6))
add('plain Lua table write tab[i][j]=v', best(table2_write, 1e6))
add('tensor write w[i][j]=v (2-D)', best(tensor2_write, 1e6))

local function lua_f(a) return a end
local function plain_call(n) local s = 0; for i = 1, n do s = s + lua_f(i) end return s end
local function method_size(n) for i = 1, n do x:size(1) end end
local function method_nelement(n) for i = 1, n do x:nElement() end end
local function function_type(n) for i = 1, n do torch.type(x) end end
require 'nn'
local lin = nn.Linear(2, 2)
local function field_read(n) for i = 1, n do local v = lin.weight end end
local function read_after_call(n) local s = 0; for k = 1, n do x:dim(); s = s + x[1] end return s end
add('plain Lua function call', best(plain_call, 1e6))
add('Lua->Python method x:size(1)', best(method_size, 2e4))
add('Lua->Python method x:nElement()', best(method_nelement, 2e4))
add('Lua->Python function torch.type(x)', best(function_type, 2e4))
add('field read lin.weight', best(field_read, 2e4))
add('x:dim() then x[1] (view refreshed)', best(read_after_call, 2e4))
return results
"""

TRAINING = r"""
require 'nn'; require 'optim'
torch.manualSeed(1)
local model = nn.Sequential():add(nn.Linear(10, 20)):add(nn.Tanh()):add(nn.Linear(20, 2))
model:add(nn.LogSoftMax())
local criterion = nn.ClassNLLCriterion()
local params, grads = model:getParameters()
local x, y = torch.randn(8, 10), torch.Tensor{1, 2, 1, 2, 1, 2, 1, 2}
local state = {learningRate = 0.01}
function train(n)
   for i = 1, n do
      optim.sgd(function(p)
         grads:zero()
         local out = model:forward(x)
         local f = criterion:forward(out, y)
         model:backward(x, criterion:backward(out, y))
         return f, grads
      end, params, state)
   end
   collectgarbage()
   return collectgarbage('count')
end
"""


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=100_000,
                    help="training-loop iterations for the memory check")
    ap.add_argument("--baseline-glue", metavar="DIR",
                    help="also time the Lua glue in DIR (bridge.lua, prelude.lua), same run")
    args = ap.parse_args()
    columns = [("this tree", None)]
    if args.baseline_glue:
        columns.insert(0, ("baseline", Path(args.baseline_glue)))
    tables = []
    for _, glue in columns:
        original = session_module.glue_dir
        if glue is not None:
            session_module.glue_dir = lambda glue=glue: glue
        try:
            s = LuaSession(stdout=io.StringIO())
            results = s.execute(TIMING)
        finally:
            session_module.glue_dir = original
        tables.append(dict(results))
    names = [name for name, _ in results]
    print(f"{'operation (ns/op)':40s}" + "".join(f" {label:>10s}" for label, _ in columns))
    for name in names:
        print(f"{name:40s}" + "".join(f" {t[name]:10.1f}" for t in tables))
    ratios = [
        ("Lua->Python method call / plain Lua call", "Lua->Python method x:size(1)",
         "plain Lua function call"),
        ("x[i] read  / Lua table read", "tensor read x[i] (1-D)", "plain Lua table read tab[i]"),
        ("x[i] write / Lua table write", "tensor write x[i]=v (1-D)",
         "plain Lua table write tab[i]=v"),
        ("w[i][j] read / Lua table-of-tables read", "tensor read w[i][j] (2-D)",
         "plain Lua table read tab[i][j]"),
        ("w[i][j] write / Lua table-of-tables write", "tensor write w[i][j]=v (2-D)",
         "plain Lua table write tab[i][j]=v"),
    ]
    print("\nratios (measured in the same run):")
    for label, num, den in ratios:
        print(f"  {label:42s}" + "".join(f" {t[num] / t[den]:9.2f}x" for t in tables))

    s = LuaSession(stdout=io.StringIO())
    s.execute(TRAINING)
    train = s.eval("train")
    chunk = max(1, args.iterations // 10)
    train(min(chunk, 1000))  # warm up: buffers, proxies, JIT traces
    print(f"\ntraining loop from Lua, {args.iterations} iterations (forward, backward, optim.sgd"
          " with a Lua feval):")
    print(f"{'iterations':>12s} {'RSS KiB':>10s} {'Lua KiB':>10s} {'us/iter':>9s}")
    done = 0
    start_rss = rss_kib()
    while done < args.iterations:
        n = min(chunk, args.iterations - done)
        t0 = time.perf_counter()
        lua_kib = train(n)
        dt = time.perf_counter() - t0
        done += n
        print(f"{done:12d} {rss_kib():10d} {lua_kib:10.0f} {dt / n * 1e6:9.1f}")
    print(f"RSS growth after warm-up: {rss_kib() - start_rss} KiB; peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} KiB")


if __name__ == "__main__":
    main()
