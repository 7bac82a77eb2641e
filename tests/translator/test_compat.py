"""The translator's runtime (``luatorch.lua.compat``) against LuaJIT 2.1 itself (through lupa):
math.random's generator, the generic-for protocol, run-time indexing of untyped values."""

import pytest

from luatorch.lua import compat


@pytest.mark.parametrize("seed", [0, 42, 1.5, -7, 2 ** 40 + 0.25])
def test_math_random_draws_luajits_numbers(seed):
    from lupa import luajit21

    lua = luajit21.LuaRuntime()
    lua.execute(f"math.randomseed({seed!r})")
    draw = lua.eval("function() return math.random(), math.random(7), math.random(-3, 3), "
                    "math.random(2.5) end")
    compat.math_randomseed(seed)
    for _ in range(50):
        expected = tuple(draw())
        got = (compat.math_random(), compat.math_random(7), compat.math_random(-3, 3),
               compat.math_random(2.5))
        assert got == expected


def test_math_random_rejects_a_non_number():
    with pytest.raises(compat.LuaError, match="bad argument #1 to 'random'"):
        compat.math_random("x")


def test_iterate_follows_luas_protocol():
    # a closure ignoring (state, control), a stateless f(s, ctl), several values per step
    count = iter(range(3))
    assert list(compat.iterate(lambda: next(count, None))) == [0, 1, 2]
    step = lambda s, i: (i + 1, s[i]) if i < len(s) else None  # noqa: E731
    assert list(compat.iterate(step, "abc", 0, width=2)) == [(1, "a"), (2, "b"), (3, "c")]
    assert list(compat.iterate(lambda s, i: None, None, None)) == []
    with pytest.raises(compat.LuaError, match="attempt to call a number value"):
        list(compat.iterate(3))


def test_next_walks_a_table_as_pairs_does():
    t = {"a": 1, "b": 2}
    assert compat.next(t) == ("a", 1) and compat.next(t, "a") == ("b", 2)
    assert compat.next(t, "b") is None and compat.next({}) is None
    assert compat.next([10, 20], 1) == (2, 20)


def test_index_dispatches_on_the_runtime_type():
    assert compat.index([5, 6], 2) == 6 and compat.index([5, 6], 2.0) == 6
    assert compat.index([5, 6], 3) is None and compat.index({"k": 0}, "k") == 0
    assert compat.index({1: "x"}, 1) == "x"
    with pytest.raises(compat.LuaError, match="attempt to index a nil value"):
        compat.index(None, 1)


def test_method_binds_to_one_object():
    class Obj:
        pass

    a, b = Obj(), Obj()
    a.name = compat.method(a, lambda self, x, *_: (self is a, x))
    assert a.name(3, "extra") == (True, 3) and not hasattr(b, "name")


def test_tostring_of_a_lua_class_object():
    class Plain:
        pass

    class Shown:
        def __str__(self):
            return "shown"

    assert compat.tostring(Plain()).startswith("table: 0x") and compat.tostring(Shown()) == "shown"


def test_translated_code_runs_without_the_lua_runtime():
    # compat is all a translation needs from luatorch.lua: the bridge's session stays unloaded
    import subprocess
    import sys

    code = ("import sys\nfrom luatorch.lua import compat\ncompat.print('x', 1)\n"
            "print('luatorch.lua.session' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[-2] == "False"
