"""Lua idioms beyond the basic constructs (test_constructs.py): iterator functions, LuaJIT's
math.random, values the analysis cannot type, metatable classes, functions in tables, goto
out of nested loops. Each case: the Lua snippet, the Python the translator writes (imports left
out), and both run with equal output (LuaJIT 2.1 through lupa, as th runs it)."""

import pytest
from translator_helpers import body, normalise, run_luajit, run_python

from translator import translate

CASES = {
    'iterator_functions': (
        "local function range(n)\n  local i = 0\n  return function()\n    i = i + 1\n    if i <= n then return i end\n  end\nend\nfor x in range(3) do io.write(x, ' ') end\nprint()\nlocal t = {10, 20, 30}\nfor k, v in next, t do print(k, v) end\nlocal function iter(a, i)\n  i = i + 1\n  local v = a[i]\n  if v then return i, v end\nend\nlocal function myipairs(a) return iter, a, 0 end\nfor i, v in myipairs(t) do print(i, v) end\nfor i, v in iter, t, 1 do print(i, v) end\n",
        'def range_(n):\n    i = 0\n\n    def fn():\n        nonlocal i\n        i = i + 1\n        if i <= n:\n            return i\n\n    return fn\n\n\nfor x in compat.iterate(range_(3)):\n    compat.write(x, " ")\ncompat.print()\nt = [10, 20, 30]\nfor k, v in enumerate(t, start=1):\n    compat.print(k, v)\n\n\ndef iter(a, i):\n    i = i + 1\n    v = compat.index(a, i)\n    if compat.truthy(v):\n        return i, v\n\n\ndef myipairs(a):\n    return iter, a, 0\n\n\nfor i, v in compat.iterate(*myipairs(t), width=2):\n    compat.print(i, v)\nfor i, v in compat.iterate(iter, t, 1, width=2):\n    compat.print(i, v)',
    ),
    'untyped_values_index_and_truth_at_run_time': (
        "local function get(t, k)\n  local v = t[k]\n  if v then return v end\n  return 'missing'\nend\nprint(get({0, ''}, 1), get({0, ''}, 2), get({a = 0}, 'a'), get({}, 1))\n",
        'def get(t, k):\n    v = compat.index(t, k)\n    if compat.truthy(v):\n        return v\n    return "missing"\n\n\ncompat.print(get([0, ""], 1), get([0, ""], 2), get({"a": 0}, "a"), get([], 1))',
    ),
    'math_random_as_luajit_draws_it': (
        'math.randomseed(42)\nprint(math.random(), math.random(6), math.random(10, 20))\nmath.randomseed(1.5)\nlocal xs = {}\nfor i = 1, 3 do xs[i] = math.random(100) end\nprint(xs[1], xs[2], xs[3])\n',
        'compat.math_randomseed(42)\ncompat.print(compat.math_random(), compat.math_random(6), compat.math_random(10, 20))\ncompat.math_randomseed(1.5)\nxs = []\nfor i in range(1, 4):\n    xs.append(compat.math_random(100))\ncompat.print(xs[0], xs[1], xs[2])',
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_translation_text(name):
    lua, expected = CASES[name]
    assert body(translate(lua).code) == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_output_as_luajit(name):
    lua, _ = CASES[name]
    translation = translate(lua)
    assert translation.todos == []
    assert normalise(run_python(translation.code)) == normalise(run_luajit(lua))
