"""The Lua bridge: run Lua Torch7 scripts on an embedded Lua runtime whose ``torch``, ``nn``,
``optim`` are this library. The only part of luatorch that imports lupa.

    >>> from luatorch.lua import LuaSession
    >>> lua = LuaSession()                       # LuaJIT 2.1; LuaSession(lua="5.4") for others
    >>> lua.execute("require 'nn'; m = nn.Linear(2, 3); return m.weight:size(1)")
    3
    >>> m = lua.get_global("m")                  # the Python nn.Linear itself
    >>> lua.set_global("x", m.weight)            # ... and back: Lua sees the same tensor
    >>> lua.eval("x == m.weight")
    True

``th script.lua`` (luatorch.cli) runs a script in such a session. Errors raised in Lua reach
Python as ``LuaError`` (with the Lua traceback); errors raised in Python reach Lua as Lua errors.
"""

__all__ = ["LuaError", "LuaFunction", "LuaMethod", "LuaSession", "LuaTableDict"]


def __getattr__(name):
    # The session (lupa and the Lua runtime) loads on first use: translated Python imports
    # luatorch.lua.compat, the translator's runtime, and never needs Lua.
    if name in __all__:
        from . import session

        return getattr(session, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
