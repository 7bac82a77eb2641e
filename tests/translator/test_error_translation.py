"""Errors in translated code read as Lua's: ``error(msg, level)`` is ``raise compat.LuaError``
with the level (positions are found when it runs, never written into the translation),
library and Python errors caught by ``pcall`` carry the running line and Lua's wording, and a
function handed to the library, or stored in a table whose field is called as a method (by the
script or the library), that names fewer parameters than it is passed gets a ``*_``
catch-all (Lua drops the surplus arguments). Each snippet: the Python the translator
writes (imports left out), and both run (th, python) with equal output; the scripts print
messages without their positions, which name the Lua file under th and the Python one here.
``..`` of an operand the analysis could not type goes through ``compat.concat_text``: only
strings and numbers join, anything else raises Lua's "attempt to concatenate"."""
import pytest
from translator_helpers import assert_same_output_as_th, assert_translates_to


CASES = {
    'error_levels': (
        "local function check(n)\n  if n < 0 then error('negative', 2) end\n  error('positive')\nend\n-- level 2 of a function pcall calls is pcall itself: no position\nlocal ok, err = pcall(check, -1)\nprint(ok, err)\nok, err = pcall(function() check(-1) end)\nprint(ok, (err:gsub('^[^:]+:%d+: ', '')), err:find('^[^:]+:%d+: negative$') ~= nil)\nok, err = pcall(check, 1)\nprint(ok, (err:gsub('^[^:]+:%d+: ', '')), err:find('^[^:]+:%d+: positive$') ~= nil)\nprint(pcall(error, 'bare'))\nprint(pcall(function() error('zero', 0) end))\n",
        'def check(n):\n    if n < 0:\n        raise compat.LuaError("negative", level=2)\n    raise compat.LuaError("positive")\n\n\n# level 2 of a function pcall calls is pcall itself: no position\nok, err = compat.pcall(check, -1)\ncompat.print(ok, err)\n\n\ndef fn():\n    check(-1)\n\n\nok, err = compat.pcall(fn)\ncompat.print(\n    ok,\n    compat.gsub(err, "^[^:]+:%d+: ", "")[0],\n    compat.find(err, "^[^:]+:%d+: negative$")[0] is not None,\n)\nok, err = compat.pcall(check, 1)\ncompat.print(\n    ok,\n    compat.gsub(err, "^[^:]+:%d+: ", "")[0],\n    compat.find(err, "^[^:]+:%d+: positive$")[0] is not None,\n)\ncompat.print(*compat.pcall(compat.error, "bare"))\n\n\ndef fn_2():\n    raise compat.LuaError("zero", level=0)\n\n\ncompat.print(*compat.pcall(fn_2))',
    ),
    'callbacks_with_fewer_parameters': (
        "require 'optim'\n-- Lua drops the arguments a function does not name: optim calls feval(x)\nlocal calls = 0\nlocal ok, err = pcall(function()\n  optim.sgd(function() calls = calls + 1; error({code = 7}) end, torch.Tensor{1}, {})\nend)\nprint(ok, type(err), err.code, calls)\nlocal t = torch.Tensor{1, 2, 3}\nlocal n = 0\nt:apply(function() n = n + 1 end)\nprint(n)\nt:map(torch.Tensor{10, 20, 30}, function(a) return a * 2 end)\nprint(t[1], t[3])\nlocal function keep(a, b) return a + b end\nt:map(torch.Tensor{1, 1, 1}, keep)\nprint(t[1], t[3])\n",
        '# Lua drops the arguments a function does not name: optim calls feval(x)\ncalls = 0\n\n\ndef fn():\n    def feval(*_):\n        global calls\n        calls = calls + 1\n        raise compat.LuaError({"code": 7})\n\n    optim.sgd(feval, torch.Tensor([1]), {})\n\n\nok, err = compat.pcall(fn)\ncompat.print(ok, compat.type(err), compat.index(err, "code"), calls)\nt = torch.Tensor([1, 2, 3])\nn = 0\n\n\ndef fn_2(*_):\n    global n\n    n = n + 1\n\n\nt.apply(fn_2)\nprint(n)\nt.map(torch.Tensor([10, 20, 30]), lambda a, *_: a * 2)\ncompat.print(t[1], t[3])\n\n\ndef keep(a, b):\n    return a + b\n\n\nt.map(torch.Tensor([1, 1, 1]), keep)\ncompat.print(t[1], t[3])',
    ),
    'runtime_errors_in_lua_words': (
        "require 'nn'\nlocal function message(err) return (err:gsub('^[^:]+:%d+: ', '')) end\nlocal ok, err = pcall(function() local t = torch.Tensor(2, 2); t:narrow(1, 2, 5) end)\nprint(ok, message(err))\nlocal lin = nn.Linear(2, 2)\nok, err = pcall(function() lin:noSuchMethod() end)\nprint(ok, message(err))\nlocal w = torch.Tensor(3, 4)\nok, err = pcall(function() return w[1].nothing.more end)\nprint(ok, message(err))\nok, err = pcall(function() return {} + 1 end)\nprint(ok, message(err))\n",
        'def message(err):\n    return compat.gsub(err, "^[^:]+:%d+: ", "")[0]\n\n\ndef fn():\n    t = torch.Tensor(2, 2)\n    t.narrow(1, 2, 5)\n\n\nok, err = compat.pcall(fn)\ncompat.print(ok, message(err))\nlin = nn.Linear(2, 2)\n\n\ndef fn_2():\n    lin.noSuchMethod()\n\n\nok, err = compat.pcall(fn_2)\ncompat.print(ok, message(err))\nw = torch.Tensor(3, 4)\nok, err = compat.pcall(lambda: getattr(w[1], "nothing", None).more)\ncompat.print(ok, message(err))\nok, err = compat.pcall(lambda: [] + 1)\ncompat.print(ok, message(err))',
    ),
    'functions_stored_in_a_table_called_as_methods': (
        "-- a table's functions called as methods: Lua passes the table, and drops what they do not name\nlocal counter = {n = 0}\ncounter.step = function() counter.n = counter.n + 1 end\nfunction counter.get() return counter.n end\nlocal shapes = {area = function() return 12 end, name = function(self) return 'sq' end}\ncounter:step()\ncounter:step()\nprint(counter:get(), shapes:area(), shapes:name(), shapes.area())\n",
        '"""a table\'s functions called as methods: Lua passes the table, and drops what they do not name"""\n\n\ncounter = {"n": 0}\n\n\ndef step(*_):\n    counter["n"] = counter["n"] + 1\n\n\ncounter["step"] = step\n\n\ndef counter_get(*_):\n    return counter["n"]\n\n\ncounter["get"] = counter_get\nshapes = {"area": lambda *_: 12, "name": lambda self: "sq"}\ncounter["step"](counter)\ncounter["step"](counter)\ncompat.print(\n    counter["get"](counter), shapes["area"](shapes), shapes["name"](shapes), shapes["area"]()\n)',
    ),
    'concat_of_nil_booleans_and_tables_raises': (
        "-- only strings and numbers concatenate: nil, booleans and tables raise, as in Lua\nlocal function message(err) return (err:gsub('^[^:]+:%d+: ', '')) end\nlocal function lookup(t, k) return t[k] end\nlocal record = {name = 'w', size = 3.5, flag = true, inner = {}}\nprint('size ' .. lookup(record, 'size') .. ' of ' .. lookup(record, 'name') .. ' ' .. lookup({2^53}, 1))\nlocal ok, err = pcall(function() return 'a' .. lookup(record, 'missing') end)\nprint(ok, message(err))\nok, err = pcall(function() return lookup(record, 'flag') .. 'b' end)\nprint(ok, message(err))\nok, err = pcall(function() return 'c' .. lookup(record, 'inner') end)\nprint(ok, message(err))\nok, err = pcall(function() return 'a' .. nil end)\nprint(ok, message(err))\n",
        '"""only strings and numbers concatenate: nil, booleans and tables raise, as in Lua"""\n\n\n\ndef message(err):\n    return compat.gsub(err, "^[^:]+:%d+: ", "")[0]\n\n\ndef lookup(t, k):\n    return compat.index(t, k)\n\n\nrecord = {"name": "w", "size": 3.5, "flag": True, "inner": []}\nprint(\n    "size "\n    + compat.concat_text(lookup(record, "size"))\n    + " of "\n    + compat.concat_text(lookup(record, "name"))\n    + " "\n    + compat.concat_text(lookup([2**53], 1))\n)\nok, err = compat.pcall(lambda: "a" + compat.concat_text(lookup(record, "missing")))\ncompat.print(ok, message(err))\nok, err = compat.pcall(lambda: compat.concat_text(lookup(record, "flag")) + "b")\ncompat.print(ok, message(err))\nok, err = compat.pcall(lambda: "c" + compat.concat_text(lookup(record, "inner")))\ncompat.print(ok, message(err))\nok, err = compat.pcall(lambda: "a" + compat.concat_text(None))\ncompat.print(ok, message(err))',
    ),
    'dataset_size_called_by_the_library': (
        'require "nn"\n-- nn.StochasticGradient calls dataset:size(), passing the dataset\ntorch.manualSeed(1)\nlocal dataset = {}\nfor i = 1, 4 do dataset[i] = {torch.Tensor{i}, torch.Tensor{2 * i}} end\ndataset.size = function() return 4 end\nlocal m = nn.Linear(1, 1)\nlocal trainer = nn.StochasticGradient(m, nn.MSECriterion())\ntrainer.maxIteration = 1\ntrainer.verbose = false\ntrainer:train(dataset)\nprint(dataset:size())\n',
        '# nn.StochasticGradient calls dataset:size(), passing the dataset\ntorch.manualSeed(1)\ndataset = {}\nfor i in range(1, 5):\n    dataset[i] = [torch.Tensor([i]), torch.Tensor([2 * i])]\ndataset["size"] = lambda *_: 4\nm = nn.Linear(1, 1)\ntrainer = nn.StochasticGradient(m, nn.MSECriterion())\ntrainer.maxIteration = 1\ntrainer.verbose = False\ntrainer.train(dataset)\ncompat.print(dataset["size"](dataset))',
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_translation_text(name):
    assert_translates_to(*CASES[name])


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_output_as_th(name, th, tmp_path):
    assert_same_output_as_th(CASES[name][0], tmp_path, name)
