"""The Lua bridge: run Lua Torch7 scripts on an embedded Lua runtime whose ``torch``, ``nn``,
``optim`` are this library. The only part of luatorch that imports lupa."""

from .session import LuaError, LuaFunction, LuaMethod, LuaSession, LuaTableDict

__all__ = ["LuaSession", "LuaError", "LuaFunction", "LuaMethod", "LuaTableDict"]
