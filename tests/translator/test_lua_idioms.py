"""Lua idioms beyond the basic constructs (test_constructs.py): iterator functions, LuaJIT's
math.random, values the analysis cannot type, metatable classes, functions in tables, goto
out of nested loops. Each case: the Lua snippet, the Python the translator writes (imports left
out), and both run with equal output (LuaJIT 2.1 through lupa, as th runs it)."""

import pytest
from translator_helpers import assert_same_output_as_luajit, assert_translates_to

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
    'metatable_class_idiom_to_python_class': (
        "-- a Lua class through metatables\nlocal Point = {}\nPoint.__index = Point\n\nfunction Point.new(x, y)\n  local self = setmetatable({}, Point)\n  self.x = x\n  self.y = y\n  return self\nend\n\nfunction Point:norm2()\n  return self.x * self.x + self.y * self.y\nend\n\nfunction Point.__add(a, b)\n  return Point.new(a.x + b.x, a.y + b.y)\nend\n\nfunction Point.__eq(a, b)\n  return a.x == b.x and a.y == b.y\nend\n\nfunction Point.__lt(a, b)\n  return a:norm2() < b:norm2()\nend\n\nfunction Point:__tostring()\n  return '(' .. self.x .. ', ' .. self.y .. ')'\nend\n\nfunction Point.size(p)\n  return 2\nend\n\nfunction Point.__call(self, k)\n  return self.x * k\nend\n\nlocal p = Point.new(1, 2)\nlocal q = Point.new(3, 4)\nlocal r = p + q\nprint(r.x, r.y, p:norm2(), tostring(r), p:size(), p(10))\nprint(p == Point.new(1, 2), p < q, q < p, p <= q)\nprint(r)\n\nlocal Point3 = setmetatable({}, {__index = Point})\nPoint3.__index = Point3\n\nfunction Point3.new(x, y, z)\n  local self = Point.new(x, y)\n  setmetatable(self, Point3)\n  self.z = z\n  return self\nend\n\nfunction Point3:norm2()\n  return Point.norm2(self) + self.z * self.z\nend\n\nlocal s = Point3.new(1, 2, 2)\nprint(s:norm2(), s.x, s.z)\n",
        '"""a Lua class through metatables"""\n\n\n\nclass Point:\n    @staticmethod\n    def new(x, y):\n        self = Point()\n        self.x = x\n        self.y = y\n        return self\n\n    def norm2(self):\n        return self.x * self.x + self.y * self.y\n\n    def __add__(a, b):\n        return Point.new(a.x + b.x, a.y + b.y)\n\n    def __eq__(a, b):\n        return a.x == b.x and a.y == b.y\n\n    __hash__ = object.__hash__\n\n    def __lt__(a, b):\n        return a.norm2() < b.norm2()\n\n    def __le__(a, b):\n        return not b < a\n\n    def __str__(self):\n        return "(" + compat.concat_text(self.x) + ", " + compat.concat_text(self.y) + ")"\n\n    def size(p):\n        return 2\n\n    def __call__(self, k):\n        return self.x * k\n\n\np = Point.new(1, 2)\nq = Point.new(3, 4)\nr = p + q\ncompat.print(r.x, r.y, p.norm2(), compat.tostring(r), p.size(), p(10))\ncompat.print(p == Point.new(1, 2), p < q, q < p, p <= q)\ncompat.print(r)\n\n\nclass Point3(Point):\n    @staticmethod\n    def new(x, y, z):\n        self = Point.new(x, y)\n        self.__class__ = Point3\n        self.z = z\n        return self\n\n    def norm2(self):\n        return Point.norm2(self) + self.z * self.z\n\n\ns = Point3.new(1, 2, 2)\ncompat.print(s.norm2(), s.x, s.z)',
    ),
    'goto_out_of_nested_loops': (
        "local found\nfor i = 1, 5 do\n  for j = 1, 5 do\n    if i * j == 6 then\n      found = i .. 'x' .. j\n      goto done\n    end\n  end\nend\n::done::\nprint(found)\n-- skip the rest of a row: the label just after the inner loop ends the outer body\nfor i = 1, 3 do\n  for j = 1, 3 do\n    if j > i then goto next_row end\n    io.write(i * j, ' ')\n  end\n  ::next_row::\nend\nprint()\nlocal n = 0\nwhile true do\n  n = n + 1\n  if n > 4 then goto stop end\nend\n::stop::\nprint(n)\n",
        'found = None\nfor i in range(1, 6):\n    for j in range(1, 6):\n        if i * j == 6:\n            found = str(i) + "x" + str(j)\n            break\n    else:\n        continue\n    break\ncompat.print(found)\n# skip the rest of a row: the label just after the inner loop ends the outer body\nfor i in range(1, 4):\n    for j in range(1, 4):\n        if j > i:\n            break\n        print(i * j, " ", sep="", end="")\ncompat.print()\nn = 0\nwhile True:\n    n = n + 1\n    if n > 4:\n        break\nprint(n)',
    ),
    'untyped_and_or_keep_luas_truth': (
        "local function pick(x, fallback)\n  local v = x or fallback\n  local w = x and 'set'\n  return v, w\nend\nprint(pick(0, 'd'))\nprint(pick('', 'd'))\nprint(pick(nil, 'd'))\nprint(pick(false, 'd'))\n",
        'def pick(x=None, fallback=None):\n    v = x if compat.truthy(x) else fallback\n    w = "set" if compat.truthy(x) else x\n    return v, w\n\n\ncompat.print(*pick(0, "d"))\ncompat.print(*pick("", "d"))\ncompat.print(*pick(None, "d"))\ncompat.print(*pick(False, "d"))',
    ),
    'tables_and_records_of_functions': (
        "local ops = {\n  add = function(a, b) return a + b end,\n  mul = function(a, b)\n    local p = a * b\n    return p\n  end,\n}\nops.sub = function(a, b) return a - b end\nlocal M = {}\nM.square = function(x) return x * x end\nlocal handlers = {function(x) return x + 1 end, function(x) return x * 10 end}\nprint(ops.add(1, 2), ops.mul(2, 3), ops.sub(5, 1), M.square(4), handlers[2](3), #handlers)\nfor _, name in ipairs({'add', 'mul', 'sub'}) do io.write(ops[name](6, 2), ' ') end\nprint()\n",
        'def mul(a, b):\n    p = a * b\n    return p\n\n\nops = {"add": lambda a, b: a + b, "mul": mul}\nops["sub"] = lambda a, b: a - b\nM = {}\nM["square"] = lambda x: x * x\nhandlers = [lambda x: x + 1, lambda x: x * 10]\ncompat.print(\n    ops["add"](1, 2),\n    ops["mul"](2, 3),\n    ops["sub"](5, 1),\n    M["square"](4),\n    handlers[1](3),\n    len(handlers),\n)\nfor name in ["add", "mul", "sub"]:\n    compat.write(ops.get(name)(6, 2), " ")\ncompat.print()',
    ),
    'optional_parameters_default_to_none': (
        "local function scaled(x, k)\n  k = k or 2\n  return x * k\nend\nlocal function greet(name, loud)\n  if loud then return 'HELLO ' .. name end\n  return 'hello ' .. name\nend\nprint(scaled(3), scaled(3, 0), greet('ann'), greet('bob', true))\n",
        'def scaled(x, k=None):\n    k = k if k is not None else 2\n    return x * k\n\n\ndef greet(name, loud=None):\n    if loud:\n        return "HELLO " + name\n    return "hello " + name\n\n\ncompat.print(scaled(3), scaled(3, 0), greet("ann"), greet("bob", True))',
    ),
    'methods_of_a_record_see_self_as_the_record': (
        "local dataset = {data = {1, 2, 3}, name = 'toy'}\nfunction dataset:size() return #self.data end\nfunction dataset:describe(prefix) return prefix .. self.name .. ' ' .. self:size() end\nprint(dataset:size(), dataset:describe('set '))\n",
        'dataset = {"data": [1, 2, 3], "name": "toy"}\n\n\ndef dataset_size(self):\n    return len(self["data"])\n\n\ndataset["size"] = dataset_size\n\n\ndef dataset_describe(self, prefix):\n    return (\n        compat.concat_text(prefix) + self["name"] + " " + compat.concat_text(self["size"](self))\n    )\n\n\ndataset["describe"] = dataset_describe\ncompat.print(dataset["size"](dataset), dataset["describe"](dataset, "set "))',
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_translation_text(name):
    assert_translates_to(*CASES[name])


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_output_as_luajit(name):
    assert_same_output_as_luajit(CASES[name][0])


def test_metatables_without_a_python_spelling_are_todos():
    lua = ("local function f(t) return setmetatable(t, {__index = function(t, k) return k end}) end\n"
           "local S = {}\nS.__index = S\nfunction S.__concat(a, b) return 'ab' end\n"
           "local F = {}\nF.__index = F\nfunction F.__len(f) return 2 end\n")
    todos = translate(lua).todos
    assert [line for line, _ in todos] == [1, 4, 7]
    assert "setmetatable" in todos[0][1] and "__concat" in todos[1][1] and "__len" in todos[2][1]


def test_reading_a_package_before_its_require_is_a_todo():
    # Lua sees nil there; the Python import sits at the top of the file
    lua = ("print(nn == nil, rawget(_G, 'nngraph'))\nlocal function later() return nn end\n"
           "require 'nngraph'\nprint(nn ~= nil, later() ~= nil, paths ~= nil)\n")
    todos = translate(lua).todos
    assert [line for line, _ in todos] == [1, 1]
    reasons = " | ".join(reason for _, reason in todos)
    assert "reads nn before the require on line 3" in reasons     # nngraph brings nn
    assert "reads nngraph before the require on line 3" in reasons
    # a local module may load anything: reads after its require are not judged
    assert translate("require 'mymodel'\nprint(nn ~= nil)\nrequire 'nn'\n").todos == []
    assert translate("print(optim)\nrequire 'mymodel'\n").todos[0][0] == 1


def test_goto_without_a_structured_target_is_a_todo():
    lua = "local i = 0\n::again::\ni = i + 1\nif i < 3 then goto again end\nprint(i)\n"
    todos = translate(lua).todos
    assert [line for line, _ in todos] == [2, 4]
