"""Translate Lua Torch7 scripts into equivalent, readable Python that uses ``luatorch``.

    >>> from translator import translate
    >>> print(translate("local x = torch.Tensor{1, 2}\\nprint(x:size(1))").code)

The passes and their order are listed once, in ``PASSES`` below:

1. ``parse``    tree-sitter-lua → the Lua syntax tree (``luaast``), comments kept aside
2. ``scopes``   names → symbols (locals, upvalues, globals), Python names, nonlocal/global
3. ``types``    arrays vs records, tensors, numbers, strings; function return counts
4. ``emit``     the Python syntax tree (libcst), comments and blank lines at their lines
5. ``format``   a standard formatter: ruff's (black's style, ~100× faster) or black
6. ``linemap``  Python line → Lua line for every statement (``Translation.line_map``), read
                from the ``# @lua:N`` markers the emitter put on each statement, then removed

What cannot be translated faithfully becomes ``# TODO(translate): <reason>`` at its line and is
listed in ``Translation.todos`` (the command exits non-zero for them unless ``--allow-todo``).
"""

import functools
import gc
from dataclasses import dataclass, field

__all__ = ["PASSES", "LuaSyntaxError", "Translation", "translate"]


@dataclass
class Translation:
    code: str                                   # the Python source
    filename: str = "<stdin>"
    todos: list = field(default_factory=list)   # [(lua line, reason)]
    line_map: dict = field(default_factory=dict)  # {python line: lua line}

    def lua_line(self, python_line):
        """The Lua line that Python line ``python_line`` was translated from (or None): that of
        the statement ending at or after it (markers sit on a statement's last line)."""
        later = [p for p in self.line_map if p >= python_line]
        return self.line_map[min(later)] if later else None


def _parse(state):
    from .parse import parse

    state["chunk"] = parse(state["source"], state["filename"])


def _scopes(state):
    from .scopes import resolve

    state["resolver"] = resolve(state["chunk"])


def _types(state):
    from .types import infer

    state["inference"] = infer(state["chunk"])


def _emit(state):
    from .emit import Emitter, unvalidated_nodes

    emitter = Emitter(state["chunk"], state["inference"], state["filename"])
    with unvalidated_nodes():
        state["module"] = emitter.module()
    state["emitter"] = emitter
    from .emit import module_code

    state["raw_code"] = module_code(state["module"])


def _format(state):
    from .formatting import format_code

    state["marked_code"] = format_code(state["raw_code"])


def _linemap(state):
    from . import linemap

    state["code"], state["line_map"] = linemap.strip_markers(state["marked_code"])


def _without_cyclic_gc(run):
    """Run a pass with Python's cyclic garbage collector paused (as it was, afterwards).

    The passes build large trees that live until the translation ends and leave almost no
    cyclic garbage, yet each of the collector's full sweeps walks all of them: a quarter of
    a long file's translation time. Freed objects are still freed at once (reference counts).
    """
    @functools.wraps(run)
    def paused(state):
        enabled = gc.isenabled()
        gc.disable()
        try:
            run(state)
        finally:
            if enabled:
                gc.enable()
    return paused


PASSES = [(name, _without_cyclic_gc(run)) for name, run in [
    ("parse", _parse),
    ("scopes", _scopes),
    ("types", _types),
    ("emit", _emit),
    ("format", _format),
    ("linemap", _linemap),
]]


def translate(source, filename="<stdin>"):
    """Translate Lua source text; raises ``LuaSyntaxError`` for bad Lua."""
    state = {"source": source, "filename": filename}
    for _name, run in PASSES:
        run(state)
    todos = sorted(set(state["emitter"].todos))
    return Translation(code=state["code"], filename=filename, todos=todos,
                       line_map=state["line_map"])


from .parse import LuaSyntaxError
