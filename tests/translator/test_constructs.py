"""One test per Lua construct: the Lua snippet, the Python the translator writes for it
(imports left out), and both run with equal output (Lua on LuaJIT 2.1 through lupa, as th runs
it; plain Lua only here, the torch-using constructs are in test_torch_constructs.py)."""

import pytest
from translator_helpers import assert_same_output_as_luajit, assert_translates_to, body, normalise, run_luajit, run_python

from translator import translate

CASES = {
    'record_keys_nothing_stores_read_nil': (
        "-- a key that nothing can have stored in a record reads nil; a stored or passed-on one reads plainly\nlocal counts = {}\nprint(counts.seen)\nif counts.seen == nil then print('none seen') end\nlocal config = {lr = 0.1}\nconfig.momentum = 0.9\nprint(config.lr, config.momentum, config.decay)\nlocal M = {}\nfunction M.double(x) return 2 * x end\nprint(M.double(4))\nlocal filled = {}\nlocal function fill(t) t.size = 3 end\nfill(filled)\nprint(filled.size)\n-- a key stored after a read, or in a loop that may not run, may be missing at the read\nlocal late = {}\nprint(late.n)\nlate.n = 1\nprint(late.n)\nlocal looped = {}\nfor i = 1, 0 do looped.last = i end\nprint(looped.last)\n-- a nil store removes the key\nlocal cache = {hit = 1}\ncache.hit = nil\nprint(cache.hit)\n",
        '"""a key that nothing can have stored in a record reads nil; a stored or passed-on one reads plainly"""\n\n\ncounts = {}\ncompat.print(counts.get("seen"))\nif counts.get("seen") is None:\n    print("none seen")\nconfig = {"lr": 0.1}\nconfig["momentum"] = 0.9\ncompat.print(config["lr"], config["momentum"], config.get("decay"))\nM = {}\n\n\ndef M_double(x):\n    return 2 * x\n\n\nM["double"] = M_double\ncompat.print(M["double"](4))\nfilled = {}\n\n\ndef fill(t):\n    compat.setindex(t, "size", 3)\n\n\nfill(filled)\ncompat.print(filled["size"])\n# a key stored after a read, or in a loop that may not run, may be missing at the read\nlate = {}\ncompat.print(late.get("n"))\nlate["n"] = 1\nprint(late["n"])\nlooped = {}\nfor i in range(1, 1):\n    looped["last"] = i\ncompat.print(looped.get("last"))\n# a nil store removes the key\ncache = {"hit": 1}\ncache.pop("hit", None)\ncompat.print(cache.get("hit"))',
    ),
    'records_of_records_and_functions_in_tables': (
        'local a = {b = {}}\na.b.c = function(x) return x end\na.b.d = function(...) local n = select(\'#\', ...) return n end\nprint(a.b.c(3), a.b.d(1, 2))\nlocal s = [==[\nlong ]] string]==]\nprint(s, #s, not not s, #a == 0)\nlocal function outer() return function(y) return y * 2 end end\nprint(outer()(4))\nlocal x, y = 1, 2\nprint(x < y == true, (x + y) * 2 ^ -1, -x ^ 2)\nlocal t = {f = function(self, v) return v + 1 end}\nprint(t:f(1), t.f(t, 2))\nwhile x < 10 and y ~= 0 do x = x * 2 end\nprint(x)\nlocal q = {[1] = \'a\', [2] = \'b\', n = 2}\nprint(q[1], q.n, #q)\ndo local z = 5; print(z) end\nlocal r = {}\nr[#r + 1] = \'x\'; r[#r + 1] = \'y\'\nprint(r[#r], #r, r[1] .. r[2])\nif x then elseif y then else end\nprint(string.format(\'%s|%5s|%-5s|\', \'a\', \'b\', \'c\'))\nprint(tostring(1e15), tostring(1e16), 2^63, math.floor(-0.5))\nprint(("%d items"):format(3))\n',
        'a = {"b": {}}\na["b"]["c"] = lambda x: x\n\n\ndef d(*args):\n    n = len(args)\n    return n\n\n\na["b"]["d"] = d\ncompat.print(a["b"]["c"](3), a["b"]["d"](1, 2))\ns = "long ]] string"\ncompat.print(s, len(s), s is not None, compat.length(a) == 0)\n\n\ndef outer():\n    return lambda y: y * 2\n\n\ncompat.print(outer()(4))\nx, y = 1, 2\ncompat.print((x < y) == True, (x + y) * 2 ** (-1), -(x**2))\nt = {"f": lambda self, v: v + 1}\ncompat.print(t["f"](t, 1), t["f"](t, 2))\nwhile x < 10 and y != 0:\n    x = x * 2\nprint(x)\nq = {1: "a", 2: "b", "n": 2}\ncompat.print(q.get(1), q["n"], compat.length(q))\nz = 5\nprint(z)\nr = []\nr.append("x")\nr.append("y")\ncompat.print(r[-1], len(r), r[0] + r[1])\nif x is not None:\n    pass\nelif y is not None:\n    pass\nelse:\n    pass\nprint("%s|%5s|%-5s|" % ("a", "b", "c"))\ncompat.print(compat.tostring(1e15), compat.tostring(1e16), 2**63, math.floor(-0.5))\nprint(compat.format("%d items", 3))',
    ),
    'arrays_filled_in_order_and_with_holes': (
        'local rows = {}\nfor i = 1, 3 do\n  local row = {}\n  for j = 1, 2 do row[j] = i * j end\n  rows[i] = row\nend\nprint(#rows, rows[3][2])\nlocal skip = {}\nfor i = 1, 4 do\n  if i == 2 then goto continue end\n  skip[i] = i\n  ::continue::\nend\nprint(#skip, skip[4])\n',
        'rows = []\nfor i in range(1, 4):\n    row = []\n    for j in range(1, 3):\n        row.append(i * j)\n    rows.append(row)\ncompat.print(len(rows), rows[2][1])\nskip = []\nfor i in range(1, 5):\n    if i == 2:\n        continue\n    compat.setindex(skip, i, i)\ncompat.print(len(skip), skip[3])',
    ),
    'unpack_and_varargs_to_several_targets': (
        "local t = {1, 2, 3}\nlocal a, b = unpack(t)\nlocal function f(x, y, z) return x + y + z end\nprint(a, b, f(unpack(t)), select('#', unpack(t)))\nlocal function g(...) local p, q = ... ; return q end\nprint(g(5, 6, 7), g(5))\n",
        't = [1, 2, 3]\na, b = compat.unpack(t, 1, 2)\n\n\ndef f(x, y, z):\n    return x + y + z\n\n\ncompat.print(a, b, f(*t), len([*t]))\n\n\ndef g(*args):\n    p, q = compat.unpack(list(args), 1, 2)\n    return q\n\n\ncompat.print(g(5, 6, 7), g(5))',
    ),
    'array_append_and_length': (
        'local t = {}\nfor i = 1, 3 do t[#t + 1] = i * 10 end\nprint(#t, t[1], t[#t])',
        't = []\nfor i in range(1, 4):\n    t.append(i * 10)\ncompat.print(len(t), t[0], t[-1])',
    ),
    'loop_over_array_by_index': (
        "local t = {'a', 'b', 'c'}\nfor i = 1, #t do io.write(t[i]) end\nprint()",
        't = ["a", "b", "c"]\nfor i in range(1, len(t) + 1):\n    print(t[i - 1], sep="", end="")\ncompat.print()',
    ),
    'truthiness_zero_and_empty_string': (
        "local n, s = 0, ''\nif n then print('0 is true') end\nif s then print('empty string is true') end\nif not nil then print('nil is false') end",
        'n, s = 0, ""\nif n is not None:\n    print("0 is true")\nif s is not None:\n    print("empty string is true")\nif True:\n    print("nil is false")',
    ),
    'and_or_idiom': (
        "local x = 5\nlocal kind = x > 3 and 'big' or 'small'\nprint(kind, nil or 'default', false or 7)",
        'x = 5\nkind = "big" if x > 3 else "small"\ncompat.print(kind, None or "default", False or 7)',
    ),
    'integer_float_division_and_modulo': (
        'print(7 / 2, 8 / 2, 7 % 3, -7 % 3, 7 % -3, 5.5 % 2, 2 ^ 10)',
        'compat.print(7 / 2, 8 / 2, 7 % 3, -7 % 3, 7 % -3, 5.5 % 2, 2**10)',
    ),
    'concat_numbers': (
        "local i, f = 3, 0.5\nprint('i=' .. i .. ' f=' .. f .. ' ' .. 1 / 4)",
        'i, f = 3, 0.5\nprint("i=" + str(i) + " f=" + format(f, ".14g") + " " + format(1 / 4, ".14g"))',
    ),
    'length_of_string_and_table': (
        "local s = 'hello'\nlocal t = {1, 2, 3}\nprint(#s, #t, s:len())",
        's = "hello"\nt = [1, 2, 3]\ncompat.print(len(s), len(t), len(s))',
    ),
    'multiple_returns': (
        'local function divmod(a, b) return math.floor(a / b), a % b end\nlocal q, r = divmod(17, 5)\nlocal only = divmod(9, 4)\nprint(q, r, only)\nprint(divmod(7, 2))',
        'def divmod(a, b):\n    return math.floor(a / b), a % b\n\n\nq, r = divmod(17, 5)\nonly = divmod(9, 4)[0]\ncompat.print(q, r, only)\ncompat.print(*divmod(7, 2))',
    ),
    'multiple_assignment_swap_and_padding': (
        'local a, b, c = 1, 2\na, b = b, a\nprint(a, b, c)',
        'a, b, c = 1, 2, None\na, b = b, a\ncompat.print(a, b, c)',
    ),
    'varargs_and_select': (
        "local function count(...)\n  local args = {...}\n  return select('#', ...), args[1]\nend\nprint(count(4, 5, 6))",
        'def count(*args):\n    args_ = list(args)\n    return len(args), args_[0]\n\n\ncompat.print(*count(4, 5, 6))',
    ),
    'closure_upvalue_counter': (
        'local function counter()\n  local n = 0\n  return function() n = n + 1; return n end\nend\nlocal c = counter()\nc(); c()\nprint(c())',
        'def counter():\n    n = 0\n\n    def fn():\n        nonlocal n\n        n = n + 1\n        return n\n\n    return fn\n\n\nc = counter()\nc()\nc()\nprint(c())',
    ),
    'global_assigned_in_function': (
        'total = 0\nlocal function add(x) total = total + x end\nadd(2); add(3)\nprint(total)',
        'total = 0\n\n\ndef add(x):\n    global total\n    total = total + x\n\n\nadd(2)\nadd(3)\nprint(total)',
    ),
    'repeat_until_sees_body_local': (
        'local i = 0\nrepeat\n  local done = i >= 2\n  i = i + 1\nuntil done\nprint(i)',
        'i = 0\nwhile True:\n    done = i >= 2\n    i = i + 1\n    if done:\n        break\nprint(i)',
    ),
    'goto_continue': (
        "for i = 1, 5 do\n  if i % 2 == 0 then goto continue end\n  io.write(i, ' ')\n  ::continue::\nend\nprint()",
        'for i in range(1, 6):\n    if i % 2 == 0:\n        continue\n    print(i, " ", sep="", end="")\ncompat.print()',
    ),
    'numeric_for_negative_and_float_steps': (
        "for i = 10, 1, -4 do io.write(i, ' ') end\nfor x = 0, 1, 0.5 do io.write(x, ' ') end\nfor i = 1, 2.5 do io.write(i, ' ') end\nprint()",
        'for i in range(10, 0, -4):\n    print(i, " ", sep="", end="")\nfor x in compat.numeric_for(0, 1, 0.5):\n    compat.write(x, " ")\nfor i in range(1, 3):\n    print(i, " ", sep="", end="")\ncompat.print()',
    ),
    'ipairs_and_pairs_on_array': (
        "local t = {'x', 'y'}\nfor i, v in ipairs(t) do io.write(i, v, ' ') end\nfor _, v in ipairs(t) do io.write(v) end\nprint()",
        't = ["x", "y"]\nfor i, v in enumerate(t, start=1):\n    print(i, v, " ", sep="", end="")\nfor v in t:\n    print(v, sep="", end="")\ncompat.print()',
    ),
    'pairs_on_record': (
        'local r = {a = 1}\nr.b = 2\nlocal sum = 0\nfor k, v in pairs(r) do sum = sum + v end\nprint(sum, r.a, r.c)',
        'r = {"a": 1}\nr["b"] = 2\nsum = 0\nfor v in r.values():\n    sum = sum + v\ncompat.print(sum, r["a"], r.get("c"))',
    ),
    'string_format_conversions': (
        "print(string.format('%5.2f|%d|%s|%-4s|%x|%g|%%', 3.14159, 42, 'hi', 'ab', 255, 1e20))",
        'print("%5.2f|%d|%s|%-4s|%x|%g|%%" % (3.14159, 42, "hi", "ab", 255, 1e20))',
    ),
    'string_format_lua_only_cases': (
        'print(string.format(\'%s %s %d %q\', 1.5, true, 3.9, \'a"b\'))',
        'print(compat.format("%s %s %d %q", 1.5, True, 3.9, \'a"b\'))',
    ),
    'string_methods': (
        "local s = 'Hello'\nprint(s:upper(), s:lower(), s:sub(2, 3), s:sub(-3), ('ab'):rep(3), s:byte(1))",
        's = "Hello"\ncompat.print(s.upper(), s.lower(), s[1:3], compat.sub(s, -3), "ab" * 3, ord(s[0]))',
    ),
    'lua_patterns': (
        "print(string.match('key=val', '(%w+)=(%w+)'))\nprint(string.find('hello world', 'o w'))\nprint(('a1b22c333'):gsub('%d+', '#'))\nfor w in ('one two'):gmatch('%a+') do io.write('[', w, ']') end\nprint()",
        'compat.print(*compat.match("key=val", "(%w+)=(%w+)"))\ncompat.print(*compat.find("hello world", "o w"))\ncompat.print(*compat.gsub("a1b22c333", "%d+", "#"))\nfor w in compat.gmatch("one two", "%a+"):\n    compat.write("[", w, "]")\ncompat.print()',
    ),
    'tostring_tonumber_type': (
        "print(tostring(nil), tostring(true), tostring(12), tonumber('0x10'), tonumber('z'), type('s'), type({}), type(nil))",
        'compat.print(\n    compat.tostring(None),\n    compat.tostring(True),\n    str(12),\n    compat.tonumber("0x10"),\n    compat.tonumber("z"),\n    compat.type("s"),\n    compat.type([]),\n    compat.type(None),\n)',
    ),
    'number_printing': (
        'print(1, 2.0, 1/3, 1e100, 2^53, -0.0, 100 / 10)',
        'compat.print(1, 2.0, 1 / 3, 1e100, 2**53, -0.0, 100 / 10)',
    ),
    'io_write': (
        "io.write('a', 1, ' ', 2.5, '\\n')",
        'compat.write("a", 1, " ", 2.5, "\\n")',
    ),
    'shadowed_local_in_inner_block': (
        'local x = 1\ndo\n  local x = 2\n  print(x)\nend\nprint(x)',
        'x = 1\nx_2 = 2\nprint(x_2)\nprint(x)',
    ),
    'while_break': (
        'local n = 0\nwhile true do\n  n = n + 1\n  if n >= 3 then break end\nend\nprint(n)',
        'n = 0\nwhile True:\n    n = n + 1\n    if n >= 3:\n        break\nprint(n)',
    ),
    'table_library': (
        "local t = {'c', 'a'}\ntable.insert(t, 'b')\ntable.sort(t)\nprint(table.concat(t, ','), table.remove(t), #t)",
        't = ["c", "a"]\nt.append("b")\nt.sort()\ncompat.print(",".join(t), t.pop(), len(t))',
    ),
    'nested_records': (
        "local cfg = {opt = {lr = 0.1}, name = 'run'}\ncfg.opt.lr = cfg.opt.lr * 2\nprint(cfg.name, cfg.opt.lr)",
        'cfg = {"opt": {"lr": 0.1}, "name": "run"}\ncfg["opt"]["lr"] = cfg["opt"]["lr"] * 2\ncompat.print(cfg["name"], cfg["opt"]["lr"])',
    ),
    'math_library': (
        'print(math.floor(-2.5), math.ceil(2.1), math.max(3, 9, 4), math.min(2, -1), math.abs(-3), math.sqrt(16), math.huge)',
        'compat.print(\n    math.floor(-2.5), math.ceil(2.1), max(3, 9, 4), min(2, -1), abs(-3), math.sqrt(16), math.inf\n)',
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_translation_text(name):
    assert_translates_to(*CASES[name])


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_output_as_luajit(name):
    assert_same_output_as_luajit(CASES[name][0])


def test_error_message_names_the_running_python_line():
    # no Lua position is written into the translation: LuaError finds the line of its raise
    # when it runs, as Lua's error() names the line that called it
    lua = "local ok, msg = pcall(function() error('boom') end)\nprint(ok, msg)"
    code = translate(lua, "script.lua").code
    assert "script.lua" not in code
    lines = code.split("\n")
    raise_line = lines.index('    raise compat.LuaError("boom")') + 1
    assert normalise(run_python(code)) == [f"false\t<translated>:{raise_line}: boom"]


MULTI_STORE_LUA = """\
local losses, accs = {}, {}
local function step(i) return i / 2, i * 10 end
for i = 1, 3 do losses[i], accs[i] = step(i) end
local firsts = {0, 0}
firsts[2], accs[1] = step(8)
print(#losses, losses[3], accs[1], firsts[2])
"""

MULTI_STORE_PY = """\
losses, accs = [], []


def step(i):
    return i / 2, i * 10


for i in range(1, 4):
    losses_item, accs_item = step(i)
    losses.append(losses_item)
    accs.append(accs_item)
firsts = [0, 0]
firsts_item, accs_item_2 = step(8)
compat.setindex(firsts, 2, firsts_item)
compat.setindex(accs, 1, accs_item_2)
compat.print(len(losses), losses[2], accs[0], firsts[1])"""


def test_several_targets_storing_into_arrays():
    # Python lists do not grow by assignment: the values go into names, then each store is
    # an append (a list filled in order) or compat.setindex
    assert body(translate(MULTI_STORE_LUA).code) == MULTI_STORE_PY
    assert normalise(run_python(translate(MULTI_STORE_LUA).code)) == normalise(run_luajit(MULTI_STORE_LUA))
