"""LuaSession: the bridge's contract, checked with small Python classes of the tests' own."""

import gc
import io

import numpy as np
import pytest

from luatorch.lua import LuaError, LuaSession, LuaTableDict
from luatorch.torch.classes import TorchObject


class Box(TorchObject):
    """A Torch-named class whose __getitem__ must not hide its methods from Lua."""

    __typename__ = "test.Box"

    def __init__(self, *sizes):
        self.sizes = list(sizes)
        self.calls = []
        self.items = []
        self.record = {}

    def size(self, dim=None):
        self.calls.append(("size", dim))
        return self.sizes[dim - 1] if dim is not None else tuple(self.sizes)

    def __getitem__(self, key):
        return ("item", key)

    def same(self):
        return self

    def pair(self):
        return 7, "seven"

    def listed(self):
        return [self, 1, "x"]

    def mapping(self):
        return {"a": 1, "b": [1, 2]}

    def fail(self, what):
        raise ValueError(f"Box.fail: bad {what}")

    def twice(self):
        return 2 * self.compute(3)

    def compute(self, x):
        return x

    def numpy_scalars(self):
        return np.float64(1.5), np.int64(3), np.bool_(True)


@pytest.fixture
def lua():
    out = io.StringIO()
    s = LuaSession(stdout=out)
    s.out = out
    s.set_global("Box", Box)
    return s


def test_methods_are_reached_even_when_the_class_has_getitem(lua):
    b = Box(4, 5)
    lua.set_global("b", b)
    assert lua.eval("b:size(2)") == 5
    assert b.calls == [("size", 2)]  # called once, with self = b
    assert lua.eval("b[3]") == lua.eval("b[3]")  # items still reach __getitem__


def test_missing_field_reads_nil_and_fields_write_through(lua):
    b = Box()
    lua.set_global("b", b)
    assert lua.eval("b.nothing == nil")
    lua.execute("b.extra = 12; b.sizes = {3, 4}")
    assert b.extra == 12 and b.sizes == [3, 4]


def test_one_identity_per_object(lua):
    b = Box()
    lua.set_global("b", b)
    assert lua.eval("b:same() == b")
    assert lua.eval("rawequal(b:same(), b)")
    assert lua.eval("Box() ~= Box()")
    assert lua.get_global("b") is b


def test_tuples_return_as_multiple_values_and_lists_as_tables(lua):
    lua.set_global("b", Box())
    assert lua.execute("local n, s = b:pair(); return n, s") == (7, "seven")
    assert lua.execute("""
        local t = b:listed()
        local count = 0
        for i, v in ipairs(t) do count = count + i end
        table.insert(t, 'more')
        local a, one, x = unpack(t)
        return type(t), #t, count, a == b, one, x
    """) == ("table", 4, 6, True, 1, "x")
    assert lua.execute("local m = b:mapping(); return m.a, #m.b, m.b[2]") == (1, 2, 2)


def test_numpy_scalars_become_lua_values(lua):
    lua.set_global("b", Box())
    assert lua.execute("local a, b, c = b:numpy_scalars(); return type(a), type(b), c") == \
        ("number", "number", True)


def test_lua_tables_reach_python_as_lists_and_live_dicts(lua):
    seen = []
    lua.set_global("keep", lambda x: seen.append(x))
    lua.execute("box = Box(); keep({1, 2, {3, 4}}); keep({box, box}); keep({lr = 0.1}); keep({})")
    assert seen[0] == [1, 2, [3, 4]]
    assert seen[1][0] is seen[1][1] and isinstance(seen[1][0], Box)
    state = seen[2]
    assert isinstance(state, dict) and state["lr"] == 0.1 and state.get("t") is None
    assert isinstance(seen[3], LuaTableDict) and bool(seen[3])  # a Lua table is always true


def test_state_written_by_python_is_seen_by_lua(lua):
    def step(state):
        state["counter"] = state.get("counter", 0) + 1
        state.setdefault("history", []).append(state["counter"])
        state["box"] = state.get("box") or Box()

    lua.set_global("step", step)
    assert lua.execute("""
        local state = {}
        step(state); step(state)
        return state.counter, torch.type(state.box), state.box == state.box
    """) == (2, "test.Box", True)


def test_list_fields_are_live_in_both_directions(lua):
    b = Box()
    b.items = [Box(), Box()]
    lua.set_global("b", b)
    lua.execute("""
        items = b.items
        assert(#items == 2 and items == b.items)
        table.insert(b.items, Box(9))
    """)
    b.size()  # any call: the Lua change has reached Python before it
    lua.execute("b:same()")
    assert len(b.items) == 3 and b.items[2].sizes == [9]
    lua.execute("b.items[#b.items] = nil; b:same()")
    assert len(b.items) == 2
    lua.set_global("grow", lambda box: box.items.append(Box()))
    assert lua.eval("(function() grow(b); return #items end)()") == 3


def test_python_error_is_a_lua_error_at_the_calling_line(lua):
    lua.set_global("b", Box())
    ok, msg = lua.execute("""local ok, err = pcall(function()
        b:fail('thing')
    end)
    return ok, err""", "=snippet")
    assert ok is False
    assert msg == "snippet:2: Box.fail: bad thing"
    with pytest.raises(LuaError) as info:
        lua.execute("local x = 1\nb:fail('input')", "@script.lua")
    assert str(info.value.value) == "script.lua:2: Box.fail: bad input"
    assert "Traceback" not in str(info.value)


def test_debug_mode_adds_the_python_traceback():
    s = LuaSession(debug=True)
    s.set_global("b", Box())
    ok, msg = s.execute("return pcall(function() b:fail('x') end)")
    assert not ok and "Python traceback" in msg and "ValueError" in msg


def test_lua_error_in_a_callback_surfaces_in_python_with_its_traceback(lua):
    f = lua.eval("function(x) if x > 1 then error('too big: ' .. x) end return x, x + 1 end")
    assert f(1) == (1, 2)
    with pytest.raises(LuaError) as info:
        f(5)
    assert "too big: 5" in str(info.value.value)
    assert "stack traceback" in info.value.lua_traceback


def test_lua_subclass_overrides_reach_python_code(lua):
    lua.execute("""
        local Sub, parent = torch.class('test.SubBox', 'test.Box')
        function Sub:__init(n)
           parent.__init(self, n, n)
           self.tag = 'sub'
        end
        function Sub:compute(x) return parent.compute(self, x) * 10 end
    """)
    obj = lua.eval("test.SubBox(3)")
    assert isinstance(obj, Box) and obj.sizes == [3, 3] and obj.tag == "sub"
    assert obj.twice() == 60  # Python's twice() called the Lua compute()
    assert lua.eval("test.SubBox(2):compute(4)") == 40
    assert lua.eval("torch.type(test.SubBox(1))") == "test.SubBox"


def test_other_lua_runtimes_without_ffi():
    s = LuaSession(lua="5.1")
    assert s.execute("local t = torch.Tensor(3); t[2] = 5; return t[2], (#t)[1], t:size(1)") == \
        (5, 3, 3)
    with pytest.raises(ValueError):
        LuaSession(lua="6.0")


def test_ffi_views_follow_resize_and_views(lua):
    assert lua.execute("""
        local x = torch.Tensor(2):fill(1)
        x[2] = 3
        x:resize(1000)          -- may move the storage
        x[1000] = 7
        local y = x:narrow(1, 999, 2)
        y[1] = 5
        local s = 0
        for i = 1, 1000 do s = s + (i == 2 and 0 or 0) end
        return x[2], x[999], y[2], x:storage():size()
    """) == (3, 5, 7, 1000)


def _lua_memory(s):
    return s.execute("collectgarbage(); collectgarbage(); return collectgarbage('count')")


def test_training_loop_from_lua_keeps_a_flat_memory():
    s = LuaSession(stdout=io.StringIO())
    s.execute("""
        require 'nn'; require 'optim'
        model = nn.Sequential():add(nn.Linear(4, 8)):add(nn.Tanh()):add(nn.Linear(8, 2))
        model:add(nn.LogSoftMax())
        criterion = nn.ClassNLLCriterion()
        params, grads = model:getParameters()
        x = torch.randn(5, 4); y = torch.Tensor{1, 2, 1, 2, 2}
        state = {learningRate = 0.01}
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
        end
    """)
    train = s.eval("train")
    train(200)
    gc.collect()
    lua_before, py_before = _lua_memory(s), len(gc.get_objects())
    train(600)
    gc.collect()
    lua_after, py_after = _lua_memory(s), len(gc.get_objects())
    assert lua_after - lua_before < 64  # KB
    assert py_after - py_before < 200


class Keyed(TorchObject):
    __typename__ = "test.Keyed"

    def __init__(self):
        self.keys = []
        self.stored = []

    def __getitem__(self, key):
        self.keys.append(key)
        return 0

    def __setitem__(self, key, value):
        self.stored.append((key, value))


def test_index_tables_become_key_tuples(lua):
    k = Keyed()
    lua.set_global("k", k)
    lua.execute("local a = k[{2, {1, 3}, {}}]; a = k[{{1, 2}}]; a = k[3]; a = k[{}]; a = k[k]")
    assert k.keys == [(2, [1, 3], []), ([1, 2],), 3, (), k]
    lua.execute("k[{{1, 2}, 3}] = 7")
    assert k.stored == [(([1, 2], 3), 7)]


def test_live_dict_behaves_as_a_dict(lua):
    d = lua.eval("{a = 1, b = {1, 2}, [3] = 'x'}")
    assert set(d.keys()) == {"a", "b", 3} and len(d) == 3 and "a" in d and "z" not in d
    assert d["b"] == [1, 2] and d.pop("a") == 1 and "a" not in d
    d.update(c=4)
    assert d.setdefault("c", 9) == 4 and lua.eval("true")
    with pytest.raises(KeyError):
        d["missing"]


def test_redefining_a_class_in_one_session_is_an_error(lua):
    lua.execute("torch.class('test.Once', 'test.Box')")
    with pytest.raises(LuaError) as info:
        lua.execute("torch.class('test.Once', 'test.Box')", "=redefine")
    assert "redefine:1:" in str(info.value) and "test.Once" in str(info.value)
    # a new session defines its own class of that name
    other = LuaSession()
    other.execute("local C = torch.class('test.Once', 'test.Box'); function C:compute(x) return -x end")
    assert other.eval("test.Once():compute(2)") == -2


def test_strings_that_are_not_utf8_reach_python_as_bytes(lua):
    got = []
    lua.set_global("take", got.append)
    lua.execute(r'take("\255abc"); take("h\195\169llo"); take({"\254"}); take("plain")')
    assert got == [b"\xffabc", "héllo", [b"\xfe"], "plain"]
    assert lua.execute(r'return "\200\1"') == b"\xc8\x01"
    # and bytes from Python come back as the same Lua string
    lua.set_global("give", lambda: b"\xff\x00z")
    assert lua.execute(r'local s = give(); return #s, s:byte(1), s:byte(2), s == "\255\0z"') == \
        (3, 255, 0, True)


def test_containers_that_python_stores_in_lua_tables_keep_their_identity(lua):
    kept = {}

    def store(state):
        state["dirs"] = kept.setdefault("dirs", [])
        state["dirs"].append(len(state["dirs"]) + 1)
        state["info"] = kept.setdefault("info", {"name": "x"})

    lua.set_global("store", store)
    assert lua.execute("""
        local state = {}
        store(state); store(state)
        return #state.dirs, state.dirs[2], state.info.name
    """) == (2, 2, "x")
    assert kept["dirs"] == [1, 2]


def test_package_docstring_example():
    import doctest

    import luatorch.lua

    assert doctest.testmod(luatorch.lua).failed == 0


def test_read_only_buffers_are_not_written_through_the_ffi(lua):
    from luatorch import torch

    a = np.arange(3.0)
    a.flags.writeable = False
    t = torch.Tensor(a)
    lua.set_global("t", t)
    assert lua.eval("t[2]") == 1
    ok, _ = lua.execute("return pcall(function() t[2] = 5 end)")
    assert ok is False or t._a[1] == 5  # an error, or (if the library copied) a real write
    assert a[1] == 1


def test_dict_fields_are_live_in_both_directions(lua):
    b = Box()
    b.record = {"a": 1, "nested": {"x": 1}}
    nested = b.record["nested"]
    lua.set_global("b", b)
    lua.set_global("python_sets", lambda box: box.record.__setitem__("c", 3))
    got = lua.execute("""
        local r = b.record
        assert(r == b.record, 'one table on every read')
        r.b = 2; r.a = nil
        python_sets(b)                  -- a call: Lua's change reaches Python before it
        return r.c, r.a, b.record.nested.x
    """)
    assert got == (3, None, 1)
    assert b.record == {"nested": {"x": 1}, "b": 2, "c": 3}
    assert b.record["nested"] is nested  # values Lua did not touch keep their identity
    lua.execute("b.record.d = 'last'")  # no call after it: synced when the chunk ends
    assert b.record["d"] == "last"
    lua.execute("for k in pairs(b.record) do b.record[k] = nil end")
    assert b.record == {}


def test_nngraph_annotations_written_from_lua_reach_the_node(lua):
    lua.execute("""require 'nngraph'
        node = nn.Identity()()
        node.data.annotations.name = 'input'
        node:annotate({description = 'the data'})
    """)
    node = lua.get_global("node")
    assert node.data.annotations["name"] == "input"
    assert lua.eval("node.data.annotations.description") == "the data"


def test_collected_bound_fields_are_unbound_at_the_next_call(lua):
    lua.execute("""require 'nn'
        for i = 1, 3 do
           local m = nn.Sequential():add(nn.Linear(2, 2))
           local mods, rec = m.modules, Box().record
        end
        for i = 1, 4 do collectgarbage() end
    """)
    assert lua.eval("torch.Tensor(2):size(1)") == 2
    assert lua._bound == {}


def test_element_views_made_in_a_callback_do_not_outlive_it(lua):
    from luatorch import torch

    x = torch.Tensor(3).fill(1)

    def repoint_after(callback):
        callback()                          # reads x[1] through an FFI view
        x.set(torch.Tensor(5).fill(7))      # then Python re-points x at another storage
        return 0

    lua.set_global("x", x)
    lua.set_global("repoint_after", repoint_after)
    assert lua.execute("repoint_after(function() return x[1] end); return x[1]") == 7


def test_lua_error_values_reach_python_as_python_values(lua):
    from luatorch import torch

    t = torch.Tensor(2)
    lua.set_global("t", t)
    with pytest.raises(LuaError) as info:
        lua.eval("function() error(t) end")()
    assert info.value.value is t  # the tensor itself, not its Lua proxy
    with pytest.raises(LuaError) as info:
        lua.eval("function() error({code = 7}) end")()
    assert isinstance(info.value.value, LuaTableDict) and info.value.value["code"] == 7
    # crossing Python on the way back up, a value stays the same Lua value
    lua.set_global("call", lambda f: f())
    assert lua.execute("""
        local e = {code = 8}
        local ok, err = pcall(call, function() error(e) end)
        local ok2, err2 = pcall(call, function() error(t) end)
        return err == e, err2 == t""") == (True, True)


def test_bound_fields_holding_arrays_still_sync(lua):
    b = Box()
    b.items = [np.zeros(2), np.ones(2)]
    lua.set_global("b", b)
    lua.set_global("swap", lambda box: box.items.reverse())
    assert lua.execute("local items = b.items; swap(b); return #items, items == b.items") == (2, True)
    assert lua.execute("swap(b); return b.items[1] ~= nil") is True
    assert b.items[0][0] == 0


def test_python_changes_between_chunks_reach_lua(lua):
    from luatorch import torch

    x = torch.Tensor(3).fill(1)
    w = torch.Tensor(2, 2).fill(1)
    b = Box()
    lua.set_global("x", x)
    lua.set_global("w", w)
    lua.set_global("b", b)
    assert lua.execute("row = w[2]; items = b.items; return x[1], row[1]") == (1, 1)
    x.set(torch.Tensor(5).fill(7))      # x now points at another storage
    w.resize(40, 40).fill(3)            # w's storage is reallocated
    b.items.append(Box())
    assert lua.execute("return x[1], x:size(1), row[1], #items") == (7, 5, 3, 1)


def test_sub_tensor_proxies_do_not_pile_up_across_calls(lua):
    # every call into Python starts a new view epoch, and w[i] makes a new sub-proxy in each
    grow = lua.execute("""
        local w, x = torch.Tensor(10, 10):fill(1), torch.Tensor(2)
        local c = torch.Tensor(3, 3, 3):fill(1)
        local function run()
           local s = 0
           for it = 1, 20000 do
              s = s + w[it % 10 + 1][1] + c[it % 3 + 1][2][1]
              x:add(0)
           end
           collectgarbage(); collectgarbage()
           return collectgarbage('count')
        end
        local first = run()
        return run() - first""")
    assert grow < 1024, f"Lua memory grew by {grow:.0f} KiB"
