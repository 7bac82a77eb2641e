"""Pass 6: the line map — which Lua line each line of the formatted Python came from.

The emitter records the Lua line of every statement it builds. Formatting moves lines, but not
statements, so the statements of the libcst tree and of the formatted Python (read back with
``ast``) pair up one to one in document order.
"""

import ast

import libcst as cst


def statement_lines(module, line_of):
    """Lua lines of the module's statements, in document order (None where unknown)."""
    out = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, node):
            if isinstance(node, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
                out.append(line_of.get(id(node)))
            return True

    module.visit(Collect())
    return out


def python_statement_lines(code):
    tree = ast.parse(code)
    out = []

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                out.append(child.lineno)
            visit(child)
    visit(tree)
    return out


def build(module, line_of, code):
    """{python line: lua line} for the formatted ``code`` of ``module``."""
    lua = statement_lines(module, line_of)
    py = python_statement_lines(code)
    mapping = {}
    if len(lua) != len(py):
        return mapping
    last = None
    for p, l in zip(py, lua):
        if l is None:
            l = last
        if l is not None:
            mapping[p] = l
            last = l
    return mapping
