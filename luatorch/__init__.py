"""luatorch: Lua Torch7 (torch, nn, optim, ...) re-implemented in Python over numpy.

Run old Torch7 scripts unmodified with ``th script.lua``, or translate them to Python with
``luatorch translate script.lua``.
"""

__version__ = "0.1.0"
