"""Pass 4: emit — build a Python syntax tree (libcst) from the analysed Lua tree.

Every expression becomes a libcst node (never pasted text); comments and blank lines are put
back at their Lua lines; each emitted statement remembers its Lua line (``line_of``), which
``translator.linemap`` turns into the Python→Lua line map after formatting.
"""

import contextlib
import keyword
import math
import re

import libcst as cst

from . import library as L
from . import luaast as A
from .linemap import marker_comment
from .types import (
    nilable,
    NUMERIC,
    OPEN,
    first,
    is_dict,
    is_int,
    is_list,
    is_number,
    is_str,
    tensor_row,
)

# --- small libcst builders ---------------------------------------------------------------------


def name(s):
    return cst.Name(s)


def attr(value, a):
    return cst.Attribute(value=wrap(value, 16), attr=cst.Name(a))


def dotted(path):
    parts = path.split(".")
    node = name(parts[0])
    for p in parts[1:]:
        node = attr(node, p)
    return node


def arg(v, star=""):
    return cst.Arg(value=v, star=star)


def call(func, *args, **kwargs):
    if isinstance(func, str):
        func = dotted(func)
    func = wrap(func, 16)
    items = [a if isinstance(a, cst.Arg) else arg(a) for a in args]
    for k, v in kwargs.items():
        items.append(cst.Arg(value=v, keyword=cst.Name(k),
                             equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                   whitespace_after=cst.SimpleWhitespace(""))))
    return cst.Call(func=func, args=items)


def py_string(s):
    """A Python string literal for ``s`` (double quotes, escapes as needed)."""
    body = repr(s)
    if body.startswith("'"):
        inner = body[1:-1].replace("\\'", "'").replace('"', '\\"')
        body = '"' + inner + '"'
    return body


def string(s):
    return cst.SimpleString(py_string(s))


def number(value, text=None):
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        node = cst.Integer(str(abs(value)) if text is None or not text.lstrip("-").isdigit()
                           else text.lstrip("-"))
        if text and text.lower().startswith("0x"):
            node = cst.Integer(text.lower())
        return node if value >= 0 else cst.UnaryOperation(operator=cst.Minus(), expression=node)
    if math.isnan(value):
        _MATH_USED.append(True)
        return attr(name("math"), "nan")
    if value in (float("inf"), float("-inf")):
        _MATH_USED.append(True)
        node = attr(name("math"), "inf")
        return node if value > 0 else cst.UnaryOperation(operator=cst.Minus(), expression=node)
    t = text if text and _valid_float_literal(text) else repr(abs(value))
    node = cst.Float(t.lstrip("-"))
    return node if math.copysign(1.0, value) > 0 else cst.UnaryOperation(
        operator=cst.Minus(), expression=node)


_FLOAT_LITERAL = re.compile(r"^(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$")


def lua_number_text(x):
    """A number literal as Lua's ``..`` writes it (``%.14g``: ``2`` for 2.0, ``1e+100``). The
    translator's own copy of compat.number_to_string: translating imports nothing of luatorch."""
    if isinstance(x, int) and abs(x) < 10 ** 14:
        return str(x)
    return "inf" if x == math.inf else "-inf" if x == -math.inf else f"{float(x):.14g}"


def _valid_float_literal(text):
    """Is the Lua numeral also a Python float literal (``1e3``, ``.5``, ``2.``)?"""
    return _FLOAT_LITERAL.match(text) is not None


_MATH_USED = []   # number() needed ``math`` (math.inf / math.nan); the emitter imports it

NONE = cst.Name("None")
TRUE = cst.Name("True")
FALSE = cst.Name("False")

_PREC = {cst.Or: 2, cst.And: 3, cst.BitOr: 6, cst.BitXor: 7, cst.BitAnd: 8, cst.LeftShift: 9,
         cst.RightShift: 9, cst.Add: 10, cst.Subtract: 10, cst.Multiply: 11, cst.Divide: 11,
         cst.FloorDivide: 11, cst.Modulo: 11, cst.MatrixMultiply: 11, cst.Power: 13}


def prec(node):
    """Python precedence of an expression node (atoms and primaries: 20)."""
    t = type(node)
    if t not in _LOW_PRECEDENCE or node.lpar:
        return 20
    if t is cst.BinaryOperation or t is cst.BooleanOperation:
        return _PREC[type(node.operator)]
    if t is cst.UnaryOperation:
        return 4 if type(node.operator) is cst.Not else 12
    return _LOW_PRECEDENCE[t]


_LOW_PRECEDENCE = {cst.Lambda: 0, cst.IfExp: 1, cst.BooleanOperation: None,
                   cst.UnaryOperation: None, cst.Comparison: 5, cst.BinaryOperation: None}


def parens(node):
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def wrap(node, min_prec):
    return parens(node) if prec(node) < min_prec else node


_BINOPS = {"+": cst.Add, "-": cst.Subtract, "*": cst.Multiply, "/": cst.Divide, "%": cst.Modulo,
           "^": cst.Power, "//": cst.FloorDivide, "&": cst.BitAnd, "|": cst.BitOr,
           "~": cst.BitXor, "<<": cst.LeftShift, ">>": cst.RightShift}
_CMPS = {"==": cst.Equal, "~=": cst.NotEqual, "<": cst.LessThan, ">": cst.GreaterThan,
         "<=": cst.LessThanEqual, ">=": cst.GreaterThanEqual}


def binop(left, op, right):
    operator = _BINOPS[op]() if isinstance(op, str) else op
    p = _PREC[type(operator)]
    if isinstance(operator, cst.Power):
        left, right = wrap(left, p + 1), wrap(right, p)
        if isinstance(left, cst.UnaryOperation):
            left = parens(left)
    else:
        left, right = wrap(left, p), wrap(right, p + 1)
    return cst.BinaryOperation(left=left, operator=operator, right=right)


def compare(left, op, right):
    operator = {"is": cst.Is, "is not": cst.IsNot, "in": cst.In}.get(op) or _CMPS[op]
    return cst.Comparison(left=wrap(left, 6), comparisons=[
        cst.ComparisonTarget(operator=operator(), comparator=wrap(right, 6))])


def boolop(left, op, right):
    operator = cst.And() if op == "and" else cst.Or()
    p = _PREC[type(operator)]
    return cst.BooleanOperation(left=wrap(left, p), operator=operator, right=wrap(right, p + 1))


_NEGATED = {cst.Is: cst.IsNot, cst.IsNot: cst.Is, cst.Equal: cst.NotEqual,
            cst.NotEqual: cst.Equal}


def not_(x):
    """``not x``, written ``a is not b`` / ``a != b`` where x is one such comparison."""
    if x is TRUE:
        return FALSE
    if x is FALSE:
        return TRUE
    if isinstance(x, cst.Comparison) and len(x.comparisons) == 1 and not x.lpar and \
            type(x.comparisons[0].operator) in _NEGATED:
        target = x.comparisons[0]
        return x.with_changes(comparisons=[target.with_changes(
            operator=_NEGATED[type(target.operator)]())])
    return cst.UnaryOperation(operator=cst.Not(), expression=wrap(x, 4))


def neg(x):
    return cst.UnaryOperation(operator=cst.Minus(), expression=wrap(x, 12))


def ifexp(test, body, orelse):
    return cst.IfExp(test=wrap(test, 2), body=wrap(body, 2), orelse=wrap(orelse, 1))


def subscript(value, *indices, trailing_comma=False):
    elems = [cst.SubscriptElement(slice=cst.Index(value=i)) for i in indices]
    if trailing_comma:
        elems[-1] = elems[-1].with_changes(comma=cst.Comma())
    return cst.Subscript(value=wrap(value, 16), slice=elems)


def slice_(value, lower=None, upper=None):
    return cst.Subscript(value=wrap(value, 16),
                         slice=[cst.SubscriptElement(slice=cst.Slice(lower=lower, upper=upper))])


def expr_stmt(e):
    return cst.Expr(value=e)


def assign(targets, value):
    if len(targets) == 1:
        target = targets[0]
    else:
        target = cst.Tuple([cst.Element(t) for t in targets], lpar=[], rpar=[])
    return cst.Assign(targets=[cst.AssignTarget(target=target)], value=value)


def tuple_(items):
    if len(items) == 1:
        return cst.Tuple([cst.Element(items[0], comma=cst.Comma())])
    return cst.Tuple([cst.Element(i) for i in items], lpar=[], rpar=[])


def plus_one(e):
    """``e + 1`` simplified for literals."""
    if isinstance(e, cst.Integer):
        return cst.Integer(str(int(e.value, 0) + 1))
    if isinstance(e, cst.BinaryOperation) and isinstance(e.operator, cst.Subtract) and \
            isinstance(e.right, cst.Integer) and e.right.value == "1":
        return e.left
    return binop(e, "+", cst.Integer("1"))


def minus_one(e):
    if isinstance(e, cst.Integer):
        return cst.Integer(str(int(e.value, 0) - 1))
    if isinstance(e, cst.BinaryOperation) and isinstance(e.operator, cst.Add) and \
            isinstance(e.right, cst.Integer) and e.right.value == "1":
        return e.left
    if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Minus) and \
            isinstance(e.expression, cst.Integer):
        return cst.UnaryOperation(operator=cst.Minus(),
                                  expression=cst.Integer(str(int(e.expression.value) + 1)))
    return binop(e, "-", cst.Integer("1"))


@contextlib.contextmanager
def unvalidated_nodes():
    """Build libcst nodes without libcst's per-node validation.

    libcst checks every node as it is constructed, about a third of the emission time. The
    emitter builds nodes from a small set of well-formed shapes, and the formatter parses the
    generated code again (a malformed tree fails there, loudly), so emission skips the check.
    """
    base = cst.CSTNode
    saved = base.__dict__["__post_init__"]
    base.__post_init__ = _no_validation
    try:
        yield
    finally:
        base.__post_init__ = saved


def _no_validation(self):
    return None


_NULL_CONTEXT = contextlib.nullcontext()


def module_code(module):
    """``module.code``, generated without libcst's position bookkeeping.

    libcst wraps each node's code generation in a generator-based context manager that only
    position metadata needs; a plain code state with a shared null context halves the time.
    """
    try:
        from libcst._nodes.internal import CodegenState
    except ImportError:  # a libcst without this internal class: the public way
        return module.code

    class PlainCodegenState(CodegenState):
        def record_syntactic_position(self, node, *, start_node=None, end_node=None):
            return _NULL_CONTEXT

    state = PlainCodegenState(default_indent=module.default_indent,
                              default_newline=module.default_newline)
    # every expression's code runs inside a generator-based context manager for its
    # parentheses; most have none, and a shared null context does the same for those
    parenthesized = getattr(cst._nodes.expression, "_BaseParenthesizedNode", None)
    original = parenthesized.__dict__.get("_parenthesize") if parenthesized else None
    if original is not None:
        parenthesized._parenthesize = lambda node, st: original(node, st) if node.lpar or node.rpar \
            else _NULL_CONTEXT
    try:
        module._codegen(state)
    finally:
        if original is not None:
            parenthesized._parenthesize = original
    return "".join(state.tokens)


def scopes_reserved():
    from .scopes import RESERVED

    return RESERVED


def _set(node, **fields):
    """Set fields of a libcst node this emitter has just built and not yet shared (libcst
    nodes are frozen dataclasses; ``with_changes`` would copy and re-validate each time)."""
    for k, v in fields.items():
        object.__setattr__(node, k, v)


def _ieee_divide(x):
    if x == 0 or math.isnan(x):
        return float("nan")
    return float("inf") if x > 0 else float("-inf")


def _side_effect_free(e):
    """Can evaluating ``e`` be left out without changing what the program does?"""
    if isinstance(e, (A.Number, A.String, A.Bool, A.Nil, A.Name, A.Function)):
        return True
    if isinstance(e, A.Table):
        return all(_side_effect_free(it.value) and (it.key is None or _side_effect_free(it.key))
                   for it in e.items)
    if isinstance(e, A.Paren):
        return _side_effect_free(e.expr)
    return False


def _library_class_of(ty, script_classes):
    """The library class (Torch name) of a value of type ``ty``, when it is one."""
    if ty is None:
        return None
    if ty.kind == "tensor":
        return "torch.Tensor"
    if ty.kind == "module" and ty.cls and ty.cls.isidentifier():
        if any(info.typename and info.typename.split(".")[-1] == ty.cls
               for info in script_classes.values()):
            return None   # a class this script defines: its own methods
        return "nn." + ty.cls
    return None


def closed_record_keys(chunk):
    """{local Symbol: the constant keys its tables are built or stored with} for each local
    whose every value is a table constructor of the script and that is used only as ``t.k`` or
    ``t["k"]`` (read or stored): nothing else can fill its tables. A local used any other way
    (passed to a function or the library, aliased, returned, iterated, ``t[k]`` with a computed
    key, a method called on it, assigned anything but a constructor) is left out."""
    keys, built, open_syms = {}, {}, set()

    def constructor_keys(sym, table):
        made = {it.key.value for it in table.items if isinstance(it.key, A.String)}
        keys.setdefault(sym, set()).update(made)
        built[sym] = built[sym] & made if sym in built else made

    for node in A.walk(chunk.body):
        cls = node.__class__
        if cls is A.Name:
            continue   # each name is judged by the node that holds it (below)
        if cls is A.Index and isinstance(node.key, A.String):
            used = [node.key]   # the object of t.k: only its key is recorded (a store, below)
            if not isinstance(node.obj, A.Name):
                used.append(node.obj)
        elif cls in (A.Local, A.Assign):
            targets = node.names if cls is A.Local else node.targets
            exprs = node.exprs or []
            used = list(exprs)
            for i, target in enumerate(targets):
                if isinstance(target, A.Name):
                    value = exprs[i] if i < len(exprs) else None
                    if isinstance(value, A.Table) and target.sym is not None:
                        constructor_keys(target.sym, value)
                    elif target.sym is not None and (cls is A.Assign or value is not None
                                                     or i < len(exprs) or exprs):
                        open_syms.add(target.sym)   # a value other than a constructor
                else:
                    used.append(target)
                    if isinstance(target, A.Index) and isinstance(target.key, A.String) and \
                            isinstance(target.obj, A.Name) and target.obj.sym is not None:
                        keys.setdefault(target.obj.sym, set()).add(target.key.value)
        elif cls is A.FuncDecl:
            used = [node.func]
            target = node.target
            if isinstance(target, A.Index) and isinstance(target.obj, A.Name) and \
                    target.obj.sym is not None and isinstance(target.key, A.String):
                keys.setdefault(target.obj.sym, set()).add(target.key.value)
            elif isinstance(target, A.Name) and target.sym is not None:
                open_syms.add(target.sym)
            else:
                used.append(target)
        else:
            used = A.children(node)
        for child in used:
            if child.__class__ is A.Name and child.sym is not None:
                open_syms.add(child.sym)   # a use that can pass the table on or fill it
    return {sym: (k, built.get(sym, set())) for sym, k in keys.items()
            if sym not in open_syms and sym.kind == "local"}


def reads_after_stores(chunk):
    """ids of the reads ``t.k`` (``t`` a name assigned once) that run after a store of ``t.k``
    for certain: the store is a statement of an enclosing block, before the statement holding
    the read (a function defined after it runs after it too). Python's dict has the key there."""
    certain = set()

    def field(node):
        if node.__class__ is A.Index and isinstance(node.key, A.String) and \
                node.obj.__class__ is A.Name and node.obj.sym is not None and \
                node.obj.sym.assign_count == 1:
            return node.obj.sym, node.key.value
        return None

    def visit(node, stored):
        if node.__class__ is A.Block:
            stored = set(stored)
            for stmt in node.stmts:
                visit(stmt, stored)   # t.k = t.k + 1 reads before it stores
                targets = stmt.targets if stmt.__class__ is A.Assign else \
                    [stmt.target] if stmt.__class__ is A.FuncDecl else ()
                stored.update(f for f in map(field, targets) if f is not None)
            return
        if stored and field(node) in stored:
            certain.add(id(node))
        for child in A.children(node):
            visit(child, stored)

    visit(chunk.body, set())
    return certain


def nil_stored_keys(chunk):
    """(Symbol, key) of each ``t.k = nil`` in the script: the store removes the key
    (``t.pop("k", None)``), so no read of ``t.k`` finds it for certain."""
    out = set()
    for node in A.walk(chunk.body):
        if node.__class__ is not A.Assign:
            continue
        exprs = node.exprs or []
        spread = bool(exprs) and exprs[-1].__class__ in (A.Call, A.MethodCall, A.Vararg)
        for i, target in enumerate(node.targets):
            value_is_nil = exprs[i].__class__ is A.Nil if i < len(exprs) else not spread
            if value_is_nil and target.__class__ is A.Index and isinstance(target.key, A.String) \
                    and target.obj.__class__ is A.Name and target.obj.sym is not None:
                out.add((target.obj.sym, target.key.value))
    return out


class TranslatorError(Exception):
    """A bug in the translator, located at the Lua statement it was translating."""


class Unsupported(Exception):
    """A construct that cannot be translated faithfully (becomes a TODO at its line)."""


class ClassInfo:
    def __init__(self, sym, typename, parent, parent_sym):
        self.sym, self.typename, self.parent, self.parent_sym = sym, typename, parent, parent_sym
        self.methods = []   # FuncDecl nodes
        self.emitted = False
        self.lua_base = None   # a metatable class: its base class's symbol (or None)
        self.metatable = False


# --- the emitter ---------------------------------------------------------------------------------

class Emitter:
    def __init__(self, chunk, inference, filename="<stdin>"):
        self.chunk = chunk
        self.inf = inference
        self.filename = filename
        self.imports = set()
        self.lib_imports = set()
        self.statement_call = None   # the call of the call statement being emitted
        self.todos = []
        self.pending = []
        self.comments = sorted(chunk.comments, key=lambda c: c.line)
        self.ci = 0
        self.line_of = {}
        self.classes = {}          # Symbol -> ClassInfo
        self.class_methods = set() # ids of FuncDecl emitted inside a class
        self.func_stack = []       # Function nodes being emitted
        self.class_stack = []      # ClassInfo being emitted
        self.fn_counter = 0
        self.last_line = 0
        self.loop_labels = []
        self._record_keys = None   # closed_record_keys(chunk), computed at the first need
        self._certain_reads = set()   # reads_after_stores(chunk), likewise
        self._nil_stored = set()      # nil_stored_keys(chunk), likewise
        self.loop_places = []        # (loop, its block's statements, its index) being emitted
        self._place = ([], 0)
        self.structured_labels = set()   # ids of labels reached by a break
        self.break_outer = set()     # ids of inner loops that a goto leaves with the outer one
        self.pending_todos = []
        self._carry = []           # comment lines of statements that emitted nothing (require)
        self._footer = []          # comment lines after a block's last statement
        self.chunkname = filename
        self._extra_names = set()

    # --- bookkeeping -----------------------------------------------------------------------
    def todo(self, line, reason):
        self.todos.append((line, reason))
        return cst.EmptyLine(comment=cst.Comment(f"# TODO(translate): {reason}"))

    def inline_todo(self, line, reason):
        """A TODO found inside an expression: its comment goes before the statement."""
        self.pending_todos.append(self.todo(line, reason))


    def need(self, module):
        self.imports.add(module)

    def library(self, package):
        """The name of one of the library's packages, imported from luatorch (torch's sys as
        ``torch_sys``, Python's ``sys`` being another module)."""
        self.lib_imports.add(package)
        return name(L.LIBRARY_PYNAMES.get(package, package))

    def compat(self, fname):
        self.imports.add("compat")
        return attr(name("compat"), fname)

    def _comment_lines(self, c):
        text = c.text
        if c.block:
            lines = text.strip("\n").split("\n")
            lines[0] = lines[0].strip()
            return [cst.EmptyLine(comment=cst.Comment(("# " + l.rstrip()) if l.strip() else "#"))
                    for l in lines]
        t = text.rstrip()
        if t and not t.startswith(" "):
            t = " " + t
        return [cst.EmptyLine(comment=cst.Comment("#" + t))]

    def _blank_between(self, a, b):
        blanks = self.chunk.blank_lines
        return any(l in blanks for l in range(a + 1, b))

    def leading(self, line):
        """Empty lines and comments that come before Lua line ``line``."""
        out = []
        while self.ci < len(self.comments) and self.comments[self.ci].line < line:
            c = self.comments[self.ci]
            self.ci += 1
            if self.last_line and self._blank_between(self.last_line, c.line):
                out.append(cst.EmptyLine())
            out.extend(self._comment_lines(c))
            self.last_line = c.end_line
        if self.last_line and self._blank_between(self.last_line, line):
            out.append(cst.EmptyLine())
        return out

    def trailing_comments(self, start, end):
        """Comments inside lines [start, end]: (same-line text for a trailing comment, own-line
        comments to put before)."""
        same, own = [], []
        while self.ci < len(self.comments) and self.comments[self.ci].line <= end:
            c = self.comments[self.ci]
            self.ci += 1
            if c.own_line or c.block and "\n" in c.text:
                own.extend(self._comment_lines(c))
            else:
                same.append(c.text.strip())
        return " ".join(same), own

    def marked_ws(self, lua_line, text=""):
        return cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "),
                                      comment=cst.Comment(marker_comment(lua_line, text)))

    def trailing_ws(self, text):
        if not text:
            return cst.TrailingWhitespace()
        return cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "),
                                      comment=cst.Comment("# " + text))

    # --- module ----------------------------------------------------------------------------
    def module(self):
        self._nil_when_missing()
        body_stmts = self.chunk.body.stmts
        first_line = body_stmts[0].line if body_stmts else 10 ** 9
        header = []
        doc = []
        start = 2 if self.chunk.hashbang else 1
        expect = start
        while self.ci < len(self.comments):
            c = self.comments[self.ci]
            if c.line != expect or not c.own_line or c.line >= first_line:
                break
            doc.append(c)
            self.ci += 1
            expect = c.end_line + 1
        self._collect_classes(self.chunk.body)
        self.module_table = self._module_table()
        self.first_require = self._first_requires(self.chunk.body.stmts)
        statements = self.block(self.chunk.body.stmts, self.chunk.body, end_line=None)
        statements = self._globals_set_in_functions() + statements
        footer = []
        while self.ci < len(self.comments):
            c = self.comments[self.ci]
            self.ci += 1
            footer.extend(self._comment_lines(c))
        top = []
        if doc:
            lines = []
            for c in doc:
                for l in c.text.strip("\n").split("\n") if c.block else [c.text]:
                    lines.append(l.removeprefix(" "))
            text = "\n".join(l.rstrip() for l in lines).strip("\n")
            text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
            if text.endswith('"'):
                text += " "
            top.append(cst.SimpleStatementLine([expr_stmt(cst.SimpleString('"""' + text + ('\n"""' if "\n" in text else '"""')))]))
            self.line_of[id(top[-1].body[0])] = doc[0].line
        if _MATH_USED:
            self.imports.add("math")
            _MATH_USED.clear()
        std = sorted(m for m in self.imports if m in ("math", "sys", "os", "time", "gc"))
        for m in std:
            top.append(cst.SimpleStatementLine([cst.Import(names=[cst.ImportAlias(name=name(m))])],
                                               leading_lines=[cst.EmptyLine()] if m == std[0] and doc else []))
        libs = [m for m in L.LIBRARY_MODULES if m in self.lib_imports]
        first_lib = True
        if libs:
            top.append(cst.SimpleStatementLine([cst.ImportFrom(
                module=name("luatorch"), names=[cst.ImportAlias(
                    name=name(m), asname=cst.AsName(name=name(L.LIBRARY_PYNAMES[m]))
                    if m in L.LIBRARY_PYNAMES else None) for m in libs])],
                leading_lines=[cst.EmptyLine()] if (doc or std) else []))
            first_lib = False
        if "compat" in self.imports:
            top.append(cst.SimpleStatementLine([cst.ImportFrom(
                module=attr(name("luatorch"), "lua"), names=[cst.ImportAlias(name=name("compat"))])],
                leading_lines=[cst.EmptyLine()] if first_lib and (doc or std) else []))
        for m in sorted(self.imports):
            if m.startswith("local:"):
                _, mod, alias = m.split(":")
                package, _, last = mod.rpartition(".")
                asname = cst.AsName(name=name(alias)) if alias not in (last, "*") else None
                if mod.startswith("."):   # th's './x' from a module file: beside it
                    node = cst.ImportFrom(module=dotted(package[1:]) if package[1:] else None,
                                          relative=[cst.Dot()],
                                          names=cst.ImportStar() if alias == "*" else
                                          [cst.ImportAlias(name=name(last), asname=asname)])
                elif alias == "*":
                    node = cst.ImportFrom(module=dotted(mod), names=cst.ImportStar())
                elif package:
                    node = cst.ImportFrom(module=dotted(package),
                                          names=[cst.ImportAlias(name=name(last), asname=asname)])
                else:
                    node = cst.Import(names=[cst.ImportAlias(name=name(mod), asname=asname)])
                top.append(cst.SimpleStatementLine([node]))
        if statements and top:
            first = statements[0]
            ll = list(first.leading_lines)
            if not ll or ll[0].comment is not None:
                ll.insert(0, cst.EmptyLine())
            statements[0] = first.with_changes(leading_lines=ll)
        header = []
        if self.chunk.hashbang:
            header.append(cst.EmptyLine(comment=cst.Comment("#!/usr/bin/env python3")))
        return cst.Module(body=top + statements, header=header, footer=footer)

    def _globals_set_in_functions(self):
        """``g = None`` for each global that only functions assign: Lua reads nil before the
        first assignment (``n = (n or 0) + 1``), Python would raise NameError."""
        out = []
        for sym in sorted(getattr(self.chunk, "globals", {}).values(), key=lambda g: g.pyname):
            read = sym.refs > sym.assign_count   # refs counts the stores too
            if read and sym.assigned_from and \
                    all(fs.node is not self.chunk for fs in sym.assigned_from):
                out.append(cst.SimpleStatementLine([assign([name(sym.pyname)], NONE)]))
        return out

    # --- module files: local M = {} ... return M --------------------------------------------
    def _module_table(self):
        """The symbol of a Lua module's export table, when the file is a module written
        ``local M = {}; function M.f() ... end; return M``: its fields become the Python
        module's own names (``M.f`` -> ``f``), so ``import mod as M; M.f()`` works as in Lua."""
        stmts = self.chunk.body.stmts
        if not stmts or not isinstance(stmts[-1], A.Return) or len(stmts[-1].exprs) != 1 or \
                not isinstance(stmts[-1].exprs[0], A.Name):
            return None
        sym = stmts[-1].exprs[0].sym
        decl = next((st for st in stmts if isinstance(st, A.Local) and len(st.names) == 1 and
                     st.names[0].sym is sym), None)
        if sym is None or sym.kind == "global" or decl is None or len(decl.exprs) != 1 or \
                not isinstance(decl.exprs[0], A.Table) or decl.exprs[0].items:
            return None
        module_names = {other.pyname for other in self.chunk.symbols if other is not sym}
        fields = set()
        uses = field_uses = 0
        for n in A.walk(self.chunk.body):
            if isinstance(n, A.FuncDecl) and n.is_method and isinstance(n.target, A.Index) \
                    and isinstance(n.target.obj, A.Name) and n.target.obj.sym is sym:
                return None   # function M:f(): self would be the module
            if isinstance(n, A.Name) and n.sym is sym:
                uses += 1
            if isinstance(n, A.Index) and isinstance(n.obj, A.Name) and n.obj.sym is sym:
                if not (isinstance(n.key, A.String) and n.key.value.isidentifier() and
                        not keyword.iskeyword(n.key.value)):
                    return None
                fields.add(n.key.value)
                field_uses += 1
        if fields & module_names or fields & scopes_reserved():
            return None
        # every other use of M must be one of those field accesses, its declaration or the return
        if uses != field_uses + 2:
            return None
        decl.module_table_decl = True
        stmts[-1].module_export = True
        return sym

    def _module_field(self, e):
        """``M.f`` of the module table as the module-level name ``f`` (else None)."""
        if self.module_table is not None and isinstance(e, A.Index) and \
                isinstance(e.obj, A.Name) and e.obj.sym is self.module_table:
            return e.key.value
        return None

    # --- classes (torch.class) ---------------------------------------------------------------
    def _torch_class_call(self, e):
        if isinstance(e, A.Call) and isinstance(e.func, A.Index) and isinstance(e.func.obj, A.Name) \
                and e.func.obj.name == "torch" and e.func.obj.sym.kind == "global" \
                and isinstance(e.func.key, A.String) and e.func.key.value == "class" \
                and e.args and isinstance(e.args[0], A.String):
            parent = e.args[1].value if len(e.args) > 1 and isinstance(e.args[1], A.String) else None
            return e.args[0].value, parent
        return None

    def _collect_classes(self, block):
        stmts = block.stmts
        # Foo.__index = Foo statements of this block, by Foo (metatable class candidates)
        self._index_self = {st.targets[0].obj.sym: k for k, st in enumerate(stmts)
                            if isinstance(st, A.Assign) and len(st.targets) == 1 and len(st.exprs) == 1
                            and isinstance(st.targets[0], A.Index) and isinstance(st.targets[0].obj, A.Name)
                            and isinstance(st.targets[0].key, A.String)
                            and st.targets[0].key.value == "__index" and isinstance(st.exprs[0], A.Name)
                            and st.exprs[0].sym is st.targets[0].obj.sym}
        for i, s in enumerate(stmts):
            found = None
            if isinstance(s, (A.Local, A.Assign)) and len(s.exprs) == 1:
                tc = self._torch_class_call(s.exprs[0])
                targets = s.names if isinstance(s, A.Local) else s.targets
                if tc and isinstance(targets[0], A.Name):
                    found = (targets, tc)
            if found is None and isinstance(s, A.Local) and len(s.names) == 1 and len(s.exprs) == 1 \
                    and self._index_self.get(s.names[0].sym, -1) > i:
                meta = self._metatable_class(s, stmts[self._index_self[s.names[0].sym]])
                if meta is not None:
                    self.classes[s.names[0].sym] = meta
                    s.class_info = meta
                    for later in stmts[i + 1:]:
                        if isinstance(later, A.FuncDecl) and isinstance(later.target, A.Index) and \
                                isinstance(later.target.obj, A.Name) and later.target.obj.sym is meta.sym:
                            meta.methods.append(later)
                            self.class_methods.add(id(later))
                    continue
            if found:
                targets, (typename, parent) = found
                info = ClassInfo(targets[0].sym, typename, parent,
                                 targets[1].sym if len(targets) > 1 and isinstance(targets[1], A.Name) else None)
                s.class_info = info
                self.classes[targets[0].sym] = info
                for later in stmts[i + 1:]:
                    if isinstance(later, A.FuncDecl) and isinstance(later.target, A.Index) and \
                            isinstance(later.target.obj, A.Name) and later.target.obj.sym is info.sym:
                        info.methods.append(later)
                        self.class_methods.add(id(later))
        for s in stmts:
            for b in self._sub_blocks(s):
                self._collect_classes(b)

    # Lua's class idiom: local Foo = {}; Foo.__index = Foo; function Foo.new(...) local self =
    # setmetatable({}, Foo) ... end; function Foo:m() ... end  (a base: setmetatable({}, {__index = Base}))
    _METAMETHODS = {"__tostring": "__str__", "__call": "__call__", "__add": "__add__",
                    "__sub": "__sub__", "__mul": "__mul__", "__div": "__truediv__",
                    "__mod": "__mod__", "__pow": "__pow__", "__unm": "__neg__",
                    "__eq": "__eq__", "__lt": "__lt__", "__le": "__le__"}

    def _metatable_class(self, decl, index_stmt):
        sym = decl.names[0].sym
        value = decl.exprs[0]
        base = None
        if isinstance(value, A.Call) and self._is_global_call(value, "setmetatable") and \
                len(value.args) == 2 and isinstance(value.args[0], A.Table) and not value.args[0].items:
            meta = value.args[1]      # setmetatable({}, {__index = Base})
            if not (isinstance(meta, A.Table) and len(meta.items) == 1 and
                    isinstance(meta.items[0].key, A.String) and meta.items[0].key.value == "__index"
                    and isinstance(meta.items[0].value, A.Name) and meta.items[0].value.sym in self.classes
                    and self.classes[meta.items[0].value.sym].metatable):
                return None
            base = meta.items[0].value.sym
        elif not (isinstance(value, A.Table) and not value.items):
            return None
        if sym is None or sym.kind == "global":
            return None
        # every use of Foo: Foo.name (string keys, no metamethod stored as a value), the
        # metatable argument of setmetatable(x, Foo), {__index = Foo} of a subclass, Foo.__index = Foo
        uses = field_uses = meta_uses = 0
        for n in A.walk(self.chunk.body):
            if isinstance(n, A.Name) and n.sym is sym:
                uses += 1
            elif isinstance(n, A.Index) and isinstance(n.obj, A.Name) and n.obj.sym is sym:
                if not isinstance(n.key, A.String):
                    return None
                field_uses += 1
            elif isinstance(n, A.Call) and self._is_global_call(n, "setmetatable") and \
                    len(n.args) == 2 and isinstance(n.args[1], A.Name) and n.args[1].sym is sym:
                meta_uses += 1
            elif isinstance(n, A.Table) and len(n.items) == 1 and isinstance(n.items[0].key, A.String) \
                    and n.items[0].key.value == "__index" and isinstance(n.items[0].value, A.Name) \
                    and n.items[0].value.sym is sym:
                meta_uses += 1
        if uses != field_uses + meta_uses + 2:
            return None
        info = ClassInfo(sym, None, None, None)
        info.metatable = True
        info.lua_base = base
        self.class_methods.add(id(index_stmt))
        return info

    def _method_call_names(self):
        if not hasattr(self, "_method_names"):
            self._method_names = {n.method for n in A.walk(self.chunk.body) if isinstance(n, A.MethodCall)}
        return self._method_names

    def _is_global_call(self, e, fname):
        return isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.name == fname \
            and e.func.sym is not None and e.func.sym.kind == "global"

    def _sub_blocks(self, s):
        if isinstance(s, (A.Do, A.While, A.Repeat, A.NumFor, A.GenFor)):
            return [s.body]
        if isinstance(s, A.If):
            return [b for _, b in s.clauses] + ([s.orelse] if s.orelse else [])
        return []

    def metatable_class_def(self, s, info):
        bases = [arg(name(info.lua_base.pyname))] if info.lua_base is not None else []
        body = []
        self.class_stack.append(info)
        for m in info.methods:
            key = m.target.key.value
            f = m.func
            # a dot function is a method when it is ever called with ':' (Lua passes the object)
            static = not m.is_method and key not in self._METAMETHODS and \
                not (f.params and f.params[0].name == "self") and key not in self._method_call_names()
            reason = None
            if key == "__len":
                reason = "metamethod __len (LuaJIT, as Lua 5.1, never calls it for tables)"
            elif key.startswith("__") and key not in self._METAMETHODS:
                reason = f"metamethod {key} (no faithful Python spelling)"
            if reason is not None:   # left out of the class, marked at its line
                body.append(self.simple(cst.Pass(), m).with_changes(leading_lines=[self.todo(m.line, reason)]))
                continue
            defs = self.function_def(f, self._METAMETHODS.get(key, key), m, method=m.is_method)
            if static:
                defs[0] = defs[0].with_changes(decorators=[cst.Decorator(name("staticmethod"))])
            if key == "__eq":   # Lua tables stay usable as keys (by identity) with __eq
                defs.append(cst.SimpleStatementLine([assign([name("__hash__")],
                                                            attr(name("object"), "__hash__"))]))
            body.extend(defs)
            if key == "__lt" and not any(o.target.key.value == "__le" for o in info.methods):
                # Lua 5.1 takes a <= b as not (b < a) when only __lt is given
                body.append(cst.parse_statement("def __le__(a, b):\n    return not b < a\n"))
        self.class_stack.pop()
        if not body:
            body = [cst.SimpleStatementLine([cst.Pass()])]
        cls = cst.ClassDef(name=name(info.sym.pyname), bases=bases,
                           body=cst.IndentedBlock(body=body, header=self.marked_ws(s.line)))
        return [cls]

    # --- tables with metatables other than a class's (compat.Table) --------------------------
    def _is_lua_table(self, e):
        """A value that is a compat.Table: a name types.py found a setmetatable on, or a value
        whose type is a Table's (a function's result, a metamethod's parameter)."""
        t = first(e.ty)
        return isinstance(e, A.Name) and e.sym in self.inf.lua_tables or \
            is_dict(t) and t.cls == "Table"

    def lua_table_constructor(self, e, metatable=None):
        """``{...}`` of a table that gets a metatable: ``compat.Table({...})`` (keys as Lua's:
        positional items are keys 1, 2, ...)."""
        elems, pos = [], 0
        for it in e.items:
            if it.key is None:
                if isinstance(it.value, A.Vararg) or isinstance(it.value, (A.Call, A.MethodCall)) \
                        and it.value.ty is not None and it.value.ty.kind == "tuple":
                    raise Unsupported("several values at the end of a table given a metatable")
                pos += 1
                key = cst.Integer(str(pos))
            else:
                key = self.dict_key(it.key)
            elems.append(cst.DictElement(key=key, value=self.ex(it.value)))
        args = [cst.Dict(elems)] if elems or metatable is not None else []
        if metatable is not None:
            args.append(metatable)
        return call(self.compat("Table"), *args)

    def lua_table_library(self, field, args, values):
        """Lua's table library on a Table (raw access, as Lua's): an append, else a TODO."""
        if field == "insert" and len(args) == 2:   # table.insert(t, v): t[#t + 1] = v, raw
            return call(attr(values[0], "rawset"), plus_one(call(self.compat("length"), values[0])),
                        values[1])
        raise Unsupported(f"{'table.' if field != 'unpack' else ''}{field} on a table with a metatable")

    def metatable_call(self, fname, e):
        args = e.args
        if fname == "getmetatable":
            if len(args) != 1:
                raise Unsupported("getmetatable without exactly one argument")
            if is_str(first(args[0].ty)):
                raise Unsupported("getmetatable of a string (Lua's string metatable)")
            return call(self.compat("getmetatable"), self.ex(args[0]))
        if not getattr(e, "lua_table", False):
            raise Unsupported("setmetatable on a table the translation cannot build as a compat.Table "
                              "(a parameter, or a value from elsewhere) or with a class's metatable")
        if isinstance(args[0], A.Table):   # setmetatable({...}, mt): built with its metatable
            return self.lua_table_constructor(args[0], self.ex(args[1]))
        return call(self.compat("setmetatable"), self.ex(args[0]), self.ex(args[1]))

    def class_def(self, s, info):
        if info.metatable:
            return self.metatable_class_def(s, info)
        parent = info.parent
        if parent:
            base = dotted(parent) if "." in parent else name(parent)
            if "." in parent and parent.split(".")[0] in L.LIBRARY_MODULES:
                self.lib_imports.add(parent.split(".")[0])
            for other in self.classes.values():
                if other.typename == parent:
                    base = name(other.sym.pyname)
        else:
            self.lib_imports.add("torch")
            base = attr(name("torch"), "TorchObject")
        body = [cst.SimpleStatementLine([assign([name("__typename__")], string(info.typename))])]
        self.class_stack.append(info)
        for m in info.methods:
            body.extend(self.function_def(m.func, self.method_name(m.target.key.value), m,
                                          method=m.is_method))
        self.class_stack.pop()
        cls = cst.ClassDef(name=name(info.sym.pyname), bases=[arg(base)],
                           body=cst.IndentedBlock(body=body, header=self.marked_ws(s.line)))
        out = [cls]
        if info.parent_sym is not None and self._used_outside_methods(info.parent_sym, info):
            # ``local Foo, parent = torch.class(...)``: parent is used as a value too
            out.append(self.simple(assign([name(info.parent_sym.pyname)], base), s))
        return out

    def _used_outside_methods(self, sym, info):
        methods = {id(m) for m in info.methods}
        stack = [self.chunk.body]
        while stack:
            n = stack.pop()
            if id(n) in methods:
                continue
            if isinstance(n, A.Name) and n.sym is sym and n is not sym.decl:
                return True
            stack.extend(A.children(n))
        return False

    def method_name(self, n):
        return {"__init": "__init__", "__tostring": "__str__", "__call__": "__call__"}.get(n, n)

    # --- blocks and statements -----------------------------------------------------------------
    def block(self, stmts, block_node, end_line=None):
        out = []
        for i, s in enumerate(stmts):
            if id(s) in self.class_methods:
                # emitted in its class; keep its comments in order
                lead = self.leading(s.line)
                self.trailing_comments(s.line, s.end_line)
                self.last_line = s.end_line
                continue
            lead = self.leading(s.line)
            if isinstance(s, A.NumFor):
                self._mark_sequential_fills(s, stmts[:i])
            self._place = (stmts, i)
            try:
                nodes = self.statement(s, last=(i == len(stmts) - 1))
            except Unsupported as exc:
                nodes = [cst.SimpleStatementLine([cst.Pass()], leading_lines=[self.todo(s.line, str(exc))])]
            except TranslatorError:
                raise
            except Exception as exc:  # a translator bug: say where, not just what
                raise TranslatorError(f"{self.filename}:{s.line}: internal error translating "
                                      f"this statement: {type(exc).__name__}: {exc}") from exc
            nodes = self.pending + nodes
            self.pending = []
            if self.pending_todos and nodes:
                nodes[0] = nodes[0].with_changes(
                    leading_lines=self.pending_todos + list(nodes[0].leading_lines))
            self.pending_todos = []
            if not nodes:
                if lead:
                    self._carry = self._carry + lead
                self.trailing_comments(s.line, s.end_line)
                self.last_line = s.end_line
                continue
            carry = self._carry
            self._carry = []
            lead = carry + lead
            # trailing comments of a simple statement / header comment of a compound one
            last = nodes[-1]
            same = ""
            if isinstance(last, cst.SimpleStatementLine):
                same, own = self.trailing_comments(s.line, s.end_line)
                lead = lead + own
            # every simple statement line ends with its Lua line marker (see linemap.py)
            for k, node in enumerate(nodes):
                if isinstance(node, cst.SimpleStatementLine):
                    lua_line = self.line_of.get(id(node.body[0]), s.line)
                    text = same if k == len(nodes) - 1 else ""
                    _set(node, trailing_whitespace=self.marked_ws(lua_line, text))
            first_node = nodes[0]
            if lead:
                _set(first_node, leading_lines=list(lead) + list(first_node.leading_lines))
            self.last_line = max(self.last_line, s.end_line)
            out.extend(nodes)
        if end_line is not None:
            tail = []
            while self.ci < len(self.comments) and self.comments[self.ci].line < end_line:
                c = self.comments[self.ci]
                self.ci += 1
                tail.extend(self._comment_lines(c))
            if tail:
                self._footer = tail
        carry = self._carry
        if carry and end_line is not None:
            self._footer = carry + self._footer
            self._carry = []
        return out

    def suite(self, block_node, end_line, header_line=None):
        """An indented block for a Lua block ending before ``end_line``."""
        header_comment = ""
        if header_line is not None:
            while self.ci < len(self.comments) and self.comments[self.ci].line == header_line \
                    and not self.comments[self.ci].own_line:
                header_comment += (" " if header_comment else "") + self.comments[self.ci].text.strip()
                self.ci += 1
        self._footer = []
        if header_line is not None:
            self.last_line = header_line  # no blank line between a header and its body
        saved_carry = self._carry
        self._carry = []
        stmts = self.block(block_node.stmts, block_node, end_line=end_line)
        footer = self._footer
        self._footer = []
        self._carry = saved_carry
        if not stmts:
            stmts = [cst.SimpleStatementLine([cst.Pass()])]
        header = self.marked_ws(header_line, header_comment) if header_line is not None else \
            self.trailing_ws(header_comment)
        return cst.IndentedBlock(body=stmts, footer=footer, header=header)

    def simple(self, small, s):
        """One Python simple statement line for Lua statement ``s``."""
        line = cst.SimpleStatementLine(body=small if isinstance(small, list) else [small])
        for node in line.body:
            self.line_of[id(node)] = s.line
        return line

    def compound(self, node, s):
        self.line_of[id(node)] = s.line
        return node

    def statement(self, s, last=False):
        t = type(s)
        if t is A.Local:
            return self.local_stmt(s)
        if t is A.Assign:
            return self.assign_stmt(s)
        if t is A.CallStat:
            return self.call_stmt(s)
        if t is A.Do:
            # a do-block only scopes locals, which the scope pass has already renamed
            stmts = self.block(s.body.stmts, s.body)
            return stmts
        if t in (A.While, A.Repeat, A.NumFor, A.GenFor):
            self.loop_places.append((s,) + self._place)
            try:
                nodes = self.loop_statement(s, t)
            finally:
                self.loop_places.pop()
            if id(s) in self.break_outer:
                # goto to a label just after the enclosing loop: leave both loops
                loop = nodes[-1].with_changes(orelse=cst.Else(body=cst.IndentedBlock(
                    [cst.SimpleStatementLine([cst.Continue()])])))
                self.line_of[id(loop)] = s.line
                nodes = nodes[:-1] + [loop, self.simple(cst.Break(), s)]
            return nodes
        if t is A.Goto:
            return [self.goto_stmt(s)]
        if t is A.Label:
            if self.loop_labels and s.label == self.loop_labels[-1] or id(s) in self.structured_labels:
                return []
            raise Unsupported(f"label ::{s.label}:: used by a goto that is not a loop 'continue'")
        return self.other_statement(s, t)

    def goto_stmt(self, s):
        """``goto`` where the target is structured: ``continue`` (label ending this loop's body),
        ``break`` (label just after this loop), or out of two nested loops (label just after the
        outer one, the inner loop ending the outer body) with Python's for-else."""
        if self.loop_labels and s.label == self.loop_labels[-1]:
            return self.simple(cst.Continue(), s)
        if self.loop_places:
            inner, stmts, i = self.loop_places[-1]
            after = stmts[i + 1] if i + 1 < len(stmts) else None
            if isinstance(after, A.Label) and after.label == s.label:
                self.structured_labels.add(id(after))
                return self.simple(cst.Break(), s)
            if len(self.loop_places) >= 2 and not isinstance(inner, A.Repeat) and \
                    not self._breaks_itself(inner):
                outer, ostmts, oi = self.loop_places[-2]
                oafter = ostmts[oi + 1] if oi + 1 < len(ostmts) else None
                rest = [x for x in stmts[i + 1:] if not isinstance(x, A.Label)]
                if isinstance(oafter, A.Label) and oafter.label == s.label and not rest \
                        and stmts is outer.body.stmts:
                    self.structured_labels.add(id(oafter))
                    self.break_outer.add(id(inner))
                    return self.simple(cst.Break(), s)
        raise Unsupported(f"goto {s.label} (only gotos to a label ending a loop body or just after "
                          f"a loop are translated)")

    def _breaks_itself(self, loop):
        """Does ``loop`` hold a ``break`` of its own (not one of a loop nested in it)?"""
        stack = list(loop.body.stmts)
        while stack:
            n = stack.pop()
            if isinstance(n, A.Break):
                return True
            if isinstance(n, (A.While, A.Repeat, A.NumFor, A.GenFor, A.Function)):
                continue
            stack.extend(A.children(n))
        return False

    def loop_statement(self, s, t):
        if t is A.While:
            body = self.loop_suite(s.body, s.end_line, s.line)
            return [self.compound(cst.While(test=self.cond(s.cond), body=body), s)]
        if t is A.Repeat:
            body = self.loop_suite(s.body, s.end_line, s.line)
            brk = cst.If(test=self.cond(s.cond),
                         body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Break()])]))
            self.line_of[id(brk)] = s.end_line
            body = body.with_changes(body=list(body.body) + [brk])
            return [self.compound(cst.While(test=TRUE, body=body), s)]
        if t is A.NumFor:
            return [self.numeric_for(s)]
        if t is A.GenFor:
            return [self.generic_for(s)]

    def other_statement(self, s, t):
        if t is A.If:
            return [self.if_stmt(s)]
        if t is A.FuncDecl:
            return self.func_decl(s)
        if t is A.Return:
            ret = self.return_stmt(s)
            return [ret] if ret is not None else []
        if t is A.Break:
            return [self.simple(cst.Break(), s)]
        raise Unsupported(f"statement {t.__name__}")

    def loop_suite(self, body, end_line, header_line):
        # ``goto continue`` with ``::continue::`` as the body's last statement is Python's continue
        label = None
        if body.stmts and isinstance(body.stmts[-1], A.Label):
            label = body.stmts[-1].label
        self.loop_labels.append(label)
        try:
            return self.suite(body, end_line, header_line)
        finally:
            self.loop_labels.pop()

    def if_stmt(self, s):
        clauses = s.clauses
        built = []
        for i, (cond, body) in enumerate(clauses):
            next_line = clauses[i + 1][0].line if i + 1 < len(clauses) else (
                self._else_line(s) or s.end_line)
            test = self.cond(cond)
            built.append((test, self.suite(body, next_line, cond.line)))
        orelse = cst.Else(body=self.suite(s.orelse, s.end_line)) if s.orelse is not None else None
        node = None
        for test, suite in reversed(built):   # elif chains nest from the last clause out
            node = cst.If(test=test, body=suite, orelse=orelse)
            orelse = node
        return self.compound(node, s)

    def _else_line(self, s):
        if s.orelse is None:
            return None
        if getattr(s.orelse, "else_line", None):
            return s.orelse.else_line
        if s.orelse.stmts:
            return s.orelse.stmts[0].line
        return s.orelse.line or None

    # --- local / assignment -------------------------------------------------------------------
    def local_stmt(self, s):
        if getattr(s, "module_table_decl", False):
            return []   # local M = {}: M's fields are this module's names
        if len(s.exprs) == 1 and hasattr(s, "class_info"):
            return self.class_def(s, s.class_info)
        req = self.require_stmt(s.names, s.exprs)
        if req is not None:
            return req
        if len(s.names) == 1 and len(s.exprs) == 1 and isinstance(s.exprs[0], A.Function):
            return self.function_def(s.exprs[0], s.names[0].sym.pyname, s)
        targets = [name(n.sym.pyname) for n in s.names]
        if not s.exprs:
            return [self.simple(assign(targets, NONE if len(targets) == 1 else
                                       tuple_([NONE] * len(targets))), s)]
        return [self.simple(self.multi_assign(targets, s.exprs, s.names), s)]

    def require_stmt(self, targets, exprs):
        if len(exprs) != 1 or not self._is_require(exprs[0]):
            return None
        modname = exprs[0].args[0].value
        root = modname.split(".")[0]
        if root in L.LIBRARY_MODULES:
            package = self.library(root)
            if targets and isinstance(targets[0], A.Name) and targets[0].sym.pyname != package.value:
                return [self.simple(assign([name(targets[0].sym.pyname)], package), targets[0])]
            return []
        modname = self.python_module(modname)
        alias = targets[0].sym.pyname if targets and isinstance(targets[0], A.Name) else "*"
        self.imports.add(f"local:{modname}:{alias}")
        return []

    def _first_requires(self, stmts):
        """{package: line of the top-level ``require`` that first loads it}, for the packages th
        does not preload. Python's imports sit at the top of the file, so code that reads such a
        package before that line (Lua sees nil there) cannot be translated faithfully. A require
        of a local module or a computed one may load anything: every package not required before
        it counts as loaded there (key None)."""
        first = {}
        for s in stmts:
            exprs = s.exprs if isinstance(s, A.Local) else [s.call] if isinstance(s, A.CallStat) else []
            for e in exprs:
                if not self._calls_require(e):
                    continue
                root = e.args[0].value.split(".")[0] if self._is_require(e) else None
                if root not in L.LIBRARY_MODULES:
                    first[None] = s.line
                    return first
                for package in (root, *L.PACKAGES_BROUGHT.get(root, ())):
                    first.setdefault(package, s.line)
        return first

    def check_loaded(self, package, line):
        """A TODO when top-level code reads ``package`` before the require that loads it."""
        loaded_at = self.first_require.get(package, self.first_require.get(None))
        if package in L.PRELOADED_BY_TH or self.func_stack or loaded_at is None or line >= loaded_at:
            return
        self.inline_todo(line, f"reads {package} before the require on line {loaded_at} loads it; "
                               "Lua sees nil there, Python imports it at the top")

    def require_value(self, e):
        """``require 'mod'`` inside an expression: the library package, or the translated local
        module imported at the top under a name of its own."""
        if len(e.args) != 1 or not isinstance(e.args[0], A.String):
            return call(self.compat("require"), *self.args(e.args))   # found when it runs
        modname = e.args[0].value
        root = modname.split(".")[0]
        if root in L.LIBRARY_MODULES:
            return self.library(root)
        modname = self.python_module(modname)
        for imp in self.imports:   # already imported under a name
            if imp.startswith(f"local:{modname}:") and not imp.endswith(":*"):
                return name(imp.rsplit(":", 1)[1])
        base = modname.rsplit(".", 1)[-1]
        alias, k = base, 2
        taken = self._names_in_use()
        while alias in taken or alias in scopes_reserved():
            alias, k = f"{base}_{k}", k + 1
        self._extra_names.add(alias)
        self.imports.add(f"local:{modname}:{alias}")
        return name(alias)

    def python_module(self, modname):
        """The Python module for a Lua module name: ``a.b`` is ``a.b``; th's path names
        (``'./x/y'``, relative to the requiring file) are ``x.y`` from a script (its folder is
        on Python's path) and ``.x.y`` (a relative import) from a module file."""
        relative = modname.startswith("./")
        path = modname[2:] if relative else modname
        if path.endswith(".lua"):
            path = path[:-4]
        dotted_name = path.replace("/", ".") if relative or "/" in path else path
        if not all(part.isidentifier() and not keyword.iskeyword(part)
                   for part in dotted_name.split(".")):
            raise Unsupported(f"require of {modname!r} (not a module name Python can import)")
        stmts = self.chunk.body.stmts
        is_module = self.module_table is not None or bool(stmts) and isinstance(stmts[-1], A.Return)
        return "." + dotted_name if relative and is_module else dotted_name

    def _is_require(self, e):
        return self._calls_require(e) and len(e.args) == 1 and isinstance(e.args[0], A.String)

    def _calls_require(self, e):
        """A call of Lua's global ``require``, whatever its argument."""
        return isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.name == "require" \
            and e.func.sym.kind == "global"

    def multi_assign(self, targets, exprs, target_nodes):
        """Python for Lua's ``a, b = e1, e2`` with its truncation and nil-padding rules."""
        n = len(targets)
        if len(exprs) == 1 and n > 1:
            e = exprs[0]
            ty = e.ty
            if isinstance(e, A.Vararg):
                return assign(targets, call(self.compat("unpack"), call("list", name("args")),
                                            cst.Integer("1"), cst.Integer(str(n))))
            if self._is_unpack(e):   # exactly n values, nil-padded, as Lua assigns them
                return assign(targets, call(self.compat("unpack"), self.ex(e.args[0]),
                                            cst.Integer("1"), cst.Integer(str(n))))
            if ty is not None and ty.kind == "tuple":
                k = len(ty.items)
                value = self.ex_multi(e)
                if ty.cls == "open" and k >= n:   # at least k values: keep the first n
                    return assign(targets, slice_(value, upper=cst.Integer(str(n))))
                if k == n:
                    return assign(targets, value)
                if k > n:
                    return assign(targets, slice_(value, upper=cst.Integer(str(n))))
                return assign(targets, binop(value, "+", tuple_([NONE] * (n - k))))
            if self._single_valued(e):
                return assign(targets, tuple_([self.ex(e)] + [NONE] * (n - 1)))
            # an unknown call: assume it returns exactly as many values as asked for
            return assign(targets, self.ex_multi(e))
        values = []
        for i, e in enumerate(exprs):
            if i == len(exprs) - 1 and len(exprs) < n and not self._single_valued(e):
                missing = n - len(exprs) + 1
                value = self.ex_multi(e)
                ty = e.ty
                if ty is not None and ty.kind == "tuple" and len(ty.items) >= missing:
                    if len(ty.items) > missing:
                        value = slice_(value, upper=cst.Integer(str(missing)))
                    values.append(cst.StarredElement(value=value))
                else:
                    values.append(cst.StarredElement(value=value))
                break
            values.append(self.ex(e))
        while len(values) < n and not any(isinstance(v, cst.StarredElement) for v in values):
            values.append(NONE)
        values = values[:n]
        if len(targets) == 1:
            return assign(targets, values[0])
        elems = [cst.Element(v) if not isinstance(v, cst.StarredElement) else v for v in values]
        return assign(targets, cst.Tuple(elems, lpar=[], rpar=[]))

    def _one_value(self, e):
        """Is ``e`` surely one Python value (not a tuple of several results)?"""
        if isinstance(e, A.Vararg):
            return False
        if isinstance(e, (A.Call, A.MethodCall)):
            if e.ty is not None:
                return e.ty.kind != "tuple"
            return isinstance(e, A.MethodCall) and e.method in L.SINGLE_VALUE_METHODS
        return True

    def _single_valued(self, e):
        if isinstance(e, (A.Call, A.MethodCall)):
            return e.ty is not None and e.ty.kind != "tuple"
        return not isinstance(e, A.Vararg)

    def assign_stmt(self, s):
        if len(s.exprs) == 1 and hasattr(s, "class_info"):
            return self.class_def(s, s.class_info)
        req = self.require_stmt(s.targets, s.exprs)
        if req is not None:
            return req
        if len(s.targets) == 1 and len(s.exprs) == 1:
            target, value = s.targets[0], s.exprs[0]
            special = self.single_assign(target, value, s)
            if special is not None:
                return special
        if len(s.targets) > 1 and any(self._is_list_store(t) for t in s.targets):
            return self.assign_through_names(s)
        targets = [self.target(t) for t in s.targets]
        return [self.simple(self.multi_assign(targets, s.exprs, s.targets), s)]

    def _is_list_store(self, t):
        return isinstance(t, A.Index) and is_list(first(t.obj.ty)) and not isinstance(t.key, A.String)

    def assign_through_names(self, s):
        """``a[i], b[j] = f()`` storing into Lua arrays (which Python lists do not let grow by
        assignment): the values into names first, as Lua evaluates them all before storing,
        then each store as its own assignment would make it."""
        taken = self._names_in_use()
        names = []
        for t in s.targets:
            if not self._is_list_store(t):
                names.append(None)
                continue
            base = f"{t.obj.sym.pyname}_item" if isinstance(t.obj, A.Name) else "item"
            py, k = base, 2
            while py in taken or py in names:
                py, k = f"{base}_{k}", k + 1
            self._extra_names.add(py)
            names.append(py)
        targets = [name(n) if n else self.target(t) for n, t in zip(names, s.targets)]
        out = [self.simple(self.multi_assign(targets, s.exprs, s.targets), s)]
        for n, t in zip(names, s.targets):
            if n:
                out.extend(self.list_store(t, None, s, value_node=name(n)) or
                           [self.simple(assign([self.target(t)], name(n)), s)])
        return out

    def single_assign(self, target, value, s):
        if isinstance(target, A.Name) and isinstance(value, A.Function):
            return self.function_def(value, target.sym.pyname, s)
        if isinstance(target, A.Index):
            ot = first(target.obj.ty)
            key = target.key
            if isinstance(value, A.Function) and isinstance(key, A.String) and key.value.isidentifier():
                value.suggested_name = key.value
            if isinstance(value, A.Function) and not is_dict(ot) and not is_list(ot) and \
                    not (isinstance(target.obj, A.Name) and target.obj.sym in self.classes):
                return self.object_function_field(target, value, s)
            # t[#t + 1] = v  ->  t.append(v)
            if is_list(ot) and isinstance(key, A.BinOp) and key.op == "+" and \
                    isinstance(key.left, A.UnOp) and key.left.op == "#" and \
                    self._same(key.left.operand, target.obj) and isinstance(key.right, A.Number) \
                    and key.right.value == 1:
                return [self.simple(expr_stmt(call(attr(self.ex(target.obj), "append"), self.ex(value))), s)]
            if is_list(ot) and not isinstance(value, A.Nil) and not isinstance(key, A.String):
                stored = self.list_store(target, value, s)
                if stored is not None:
                    return stored
            if isinstance(value, A.Nil) and not self._is_lua_table(target.obj):
                if is_dict(ot):
                    return [self.simple(expr_stmt(call(attr(self.ex(target.obj), "pop"),
                                                       self.dict_key(key), NONE)), s)]
                if is_list(ot) and isinstance(key, A.UnOp) and key.op == "#" and \
                        self._same(key.operand, target.obj):
                    return [self.simple(expr_stmt(call(attr(self.ex(target.obj), "pop"))), s)]
            if ot is None and self._maybe_table(target.obj, key):
                # an untyped value that may be a Lua table: a list 1-based, a dict by key
                return [self.simple(expr_stmt(call(self.compat("setindex"), self.ex(target.obj),
                                                   self.dict_key(key), self.ex(value))), s)]
        return None

    def _maybe_table(self, obj, key):
        """Could ``obj`` (of no known type) be a Lua table where ``obj[key]`` is used? A name
        could where a table is assigned to it somewhere; for an element (``obj[i]``), also where
        nothing says it is a library object (methods called on it, a method's result). A field
        could in a record (``rec.f[1]``), or where a torch.class's methods store a table."""
        if isinstance(obj, A.Name):
            if obj.sym in self.inf.maybe_tables:
                return True
            return not isinstance(key, A.String) and not self._has_methods(obj) and \
                obj.sym not in self.inf.method_results
        if isinstance(obj, A.Index) and isinstance(obj.key, A.String):
            cls = self.inf.class_of_self(obj.obj)
            if cls is not None:
                return (cls, obj.key.value) in self.inf.maybe_table_fields
            # a record's field of unknown type (what torch.load gave, say) may be a table
            return is_dict(first(obj.obj.ty)) or is_list(first(obj.obj.ty))
        return False

    def object_function_field(self, target, f, s):
        """``obj.f = function(self, ...) ... end`` on an object: a method of that object alone
        (the library calls ``obj.f(x)``, Lua code ``obj:f(x)``); extra arguments are dropped
        as Lua drops them. ``obj.cb = function(x) ... end``: a plain attribute."""
        if not isinstance(target.key, A.String) or keyword.iskeyword(target.key.value):
            raise Unsupported("a function stored under a computed or keyword field of an object")
        field = target.key.value
        pyname = self._fresh_function_name(f)
        takes_self = bool(f.params) and f.params[0].name == "self"
        if takes_self:
            dot_calls = [n for n in A.walk(self.chunk.body) if isinstance(n, A.Call) and
                         isinstance(n.func, A.Index) and isinstance(n.func.key, A.String) and
                         n.func.key.value == field]
            if dot_calls:
                raise Unsupported(f"a method stored in an object's field {field!r} and also called "
                                  f"with '.' (Lua passes self explicitly there)")
            f.drops_extra_args = True
        defs = self.function_def(f, pyname, s)
        value = call(self.compat("method"), self.ex(target.obj), name(pyname)) if takes_self \
            else name(pyname)
        defs.append(self.simple(assign([attr(self.ex(target.obj), field)], value), s))
        return defs

    def _same(self, a, b):
        if isinstance(a, A.Name) and isinstance(b, A.Name):
            return a.sym is b.sym
        if isinstance(a, A.Index) and isinstance(b, A.Index):
            return self._same(a.obj, b.obj) and isinstance(a.key, A.String) and \
                isinstance(b.key, A.String) and a.key.value == b.key.value
        return False

    def target(self, t):
        if isinstance(t, A.Name):
            return name(t.sym.pyname)
        return self.index(t, store=True)

    def _mark_sequential_fills(self, loop, before):
        """``local t = {}`` then ``for i = 1, n do ... t[i] = v ... end``: when the store runs
        on every iteration, before anything else touches ``t``, iteration i finds ``#t == i - 1``
        and the store is exactly ``t.append(v)``."""
        if not (isinstance(loop.start, A.Number) and loop.start.value == 1) or \
                not (loop.step is None or isinstance(loop.step, A.Number) and loop.step.value == 1):
            return
        var = loop.var.sym
        for k, st in enumerate(loop.body.stmts):
            if not (isinstance(st, A.Assign) and (len(st.targets) == 1 and len(st.exprs) == 1
                                                  or len(st.targets) > 1)):
                continue
            for target in st.targets:
                if not (isinstance(target, A.Index) and isinstance(target.obj, A.Name) and
                        isinstance(target.key, A.Name) and target.key.sym is var):
                    continue
                table = target.obj.sym
                earlier = loop.body.stmts[:k]
                if any(isinstance(n, (A.Goto, A.Break, A.Return)) or
                       isinstance(n, A.Name) and n.sym is table
                       for e in earlier for n in A.walk(e)):
                    continue
                if any(isinstance(n, A.Name) and n.sym is table and n is not target.obj
                       for n in A.walk(st)):
                    continue
                if self._declared_empty_just_before(table, before):
                    target.sequential_fill = True   # each of a, b in a[i], b[i] = f()

    def _declared_empty_just_before(self, sym, before):
        for j in range(len(before) - 1, -1, -1):
            st = before[j]
            if isinstance(st, A.Local) and any(n.sym is sym for n in st.names):
                k = next(i for i, n in enumerate(st.names) if n.sym is sym)
                value = st.exprs[k] if k < len(st.exprs) else None
                return isinstance(value, A.Table) and not value.items
            if any(isinstance(n, A.Name) and n.sym is sym for n in A.walk(st)):
                return False
        return False

    def list_store(self, target, value, s, value_node=None):
        """``t[i] = v`` on a Lua array: Python lists do not grow by assignment, so unless the
        index is provably inside the list, the store goes through ``compat.setindex``."""
        key = target.key
        if isinstance(key, A.UnOp) and key.op == "#" and self._same(key.operand, target.obj):
            return None  # t[#t] = v: the last element, always inside
        v = value_node if value_node is not None else self.ex(value)
        if getattr(s, "sequential_fill", False) or getattr(target, "sequential_fill", False):
            return [self.simple(expr_stmt(call(attr(self.ex(target.obj), "append"), v)), s)]
        return [self.simple(expr_stmt(call(self.compat("setindex"), self.ex(target.obj),
                                           self.ex(key), v)), s)]

    # --- calls as statements -----------------------------------------------------------------------
    def call_stmt(self, s):
        c = s.call
        self.statement_call = c   # its results are dropped (one value or several alike)
        if self._is_require(c):
            return self.require_stmt([], [c])
        if isinstance(c, A.Call) and isinstance(c.func, A.Name) and c.func.sym.kind == "global":
            fname = c.func.name
            if fname == "assert" and len(c.args) == 1 and isinstance(c.args[0], (A.Call, A.MethodCall)) \
                    and c.args[0].ty is not None and c.args[0].ty.kind == "tuple":
                # assert(io.open(path)): the call's message (its second value) is the error's
                return [self.simple(expr_stmt(self.builtin_call("assert", c)), s)]
            if fname == "assert" and c.args:
                msg = self.ex(c.args[1]) if len(c.args) > 1 else None
                return [self.simple(cst.Assert(test=self.cond(c.args[0]), msg=msg), s)]
            if fname == "error":
                # LuaError prefixes a text with the position of the running Python line (or
                # the caller's, at level 2), found at run time as Lua finds its own
                value = self.ex(c.args[0]) if c.args else NONE
                level = c.args[1] if len(c.args) > 1 else None
                kwargs = {}
                if level is not None and not (isinstance(level, A.Number) and level.value == 1):
                    kwargs["level"] = self.ex(level)
                return [self.simple(cst.Raise(exc=call(self.compat("LuaError"), value, **kwargs)), s)]
            if fname == "setmetatable" and len(c.args) == 2 and isinstance(c.args[1], A.Name) and \
                    c.args[1].sym in self.classes and self.classes[c.args[1].sym].metatable and \
                    isinstance(c.args[0], A.Name):
                # setmetatable(obj, Sub) on an object made by the base class: it becomes a Sub
                return [self.simple(assign([attr(self.ex(c.args[0]), "__class__")],
                                           name(c.args[1].sym.pyname)), s)]
        return [self.simple(expr_stmt(self.ex_multi(c)), s)]

    # --- loops -------------------------------------------------------------------------------
    def numeric_for(self, s):
        var = name(s.var.sym.pyname)
        start_t, stop_t = first(s.start.ty), first(s.stop.ty)
        start, stop = self.ex(s.start), self.ex(s.stop)
        step = self.ex(s.step) if s.step is not None else None
        step_value = None
        if s.step is None:
            step_value = 1
        elif isinstance(s.step, A.Number):
            step_value = s.step.value
        elif isinstance(s.step, A.UnOp) and s.step.op == "-" and isinstance(s.step.operand, A.Number):
            step_value = -s.step.operand.value
        elif isinstance(s.step, A.Name) and s.step.sym.assign_count == 1 and \
                isinstance(s.step.sym.const_value, int) and s.step.sym.kind != "global":
            step_value = s.step.sym.const_value   # a local assigned once, from a literal
        if is_int(start_t) and isinstance(step_value, int) and step_value != 0:
            if stop_t is not None and stop_t.kind == "num" and not isinstance(s.stop, A.Number):
                self.need("math")
                stop = call(attr(name("math"), "floor" if step_value > 0 else "ceil"), stop)
            elif isinstance(s.stop, A.Number) and isinstance(s.stop.value, float):
                import math as _m
                stop = number(_m.floor(s.stop.value) if step_value > 0 else _m.ceil(s.stop.value))
            bound = plus_one(stop) if step_value > 0 else minus_one(stop)
            args = [start, bound] if step_value == 1 else [start, bound, step]
            if step_value == 1 and isinstance(start, cst.Integer) and start.value == "0":
                args = [bound]
            it = call("range", *args)
        else:
            args = [start, stop] + ([step] if step is not None else [])
            it = call(self.compat("numeric_for"), *args)
        body = self.loop_suite(s.body, s.end_line, s.line)
        return self.compound(cst.For(target=var, iter=it, body=body), s)

    def generic_for(self, s):
        names = [n.sym for n in s.names]
        e = s.exprs[0] if len(s.exprs) == 1 else None
        target = None
        it = None
        next_pairs = len(s.exprs) == 2 and isinstance(s.exprs[0], A.Name) and \
            s.exprs[0].name == "next" and s.exprs[0].sym.kind == "global"
        if next_pairs or isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.sym.kind == "global" \
                and len(e.args) == 1 and e.func.name in ("ipairs", "pairs"):
            tbl = s.exprs[1] if next_pairs else e.args[0]
            is_ipairs = not next_pairs and e.func.name == "ipairs"
            tt = first(tbl.ty)
            seq = self.ex(tbl)
            if is_ipairs and self._is_lua_table(tbl):   # a Table is a dict: ipairs reads it raw
                seq = call(self.compat("array_part"), seq)
            key_used = names[0].refs > 1 or names[0].name != "_"
            key_used = self._used(s.names[0], s.body)
            if is_ipairs or is_list(tt):
                if len(names) == 1:
                    it = call("range", cst.Integer("1"), plus_one(call("len", seq)))
                    target = name(names[0].pyname)
                elif not key_used:
                    it, target = seq, name(names[1].pyname)
                else:
                    it = call("enumerate", seq, start=cst.Integer("1"))
                    target = tuple_([name(names[0].pyname), name(names[1].pyname)])
            elif is_dict(tt):
                if len(names) == 1:
                    it, target = seq, name(names[0].pyname)
                elif not key_used:
                    it, target = call(attr(seq, "values")), name(names[1].pyname)
                else:
                    it = call(attr(seq, "items"))
                    target = tuple_([name(names[0].pyname), name(names[1].pyname)])
            else:
                it = call(self.compat("pairs"), seq)
                target = tuple_([name(n.pyname) for n in names]) if len(names) > 1 else \
                    name(names[0].pyname)
                if len(names) == 1:
                    target = tuple_([name(names[0].pyname), name("_")])
        elif isinstance(e, A.MethodCall) and e.method == "gmatch" and is_str(first(e.obj.ty)) \
                or isinstance(e, A.Call) and isinstance(e.func, A.Index) and \
                isinstance(e.func.obj, A.Name) and e.func.obj.name == "string" and \
                isinstance(e.func.key, A.String) and e.func.key.value == "gmatch":
            it = self.ex(e)
            target = tuple_([name(n.pyname) for n in names]) if len(names) > 1 else name(names[0].pyname)
        if it is None and len(s.exprs) == 1 and isinstance(e, A.Call) and \
                first(e.func.ty) is not None and first(e.func.ty).cls in L.PATHS_ITERATORS:
            it = self.ex(e)   # paths.files(d): a Python iterator over the names
        if it is None and len(s.exprs) == 1 and self._lualib_field(e) == ("io", "lines") and len(e.args) == 1:
            # for line in io.lines(path): the file's lines without their newlines
            it = call(self.compat("lines"), self.ex(e.args[0]))
            target = name(names[0].pyname) if len(names) == 1 else None
        if it is None and len(s.exprs) == 1 and isinstance(e, A.MethodCall) and e.method == "lines" \
                and getattr(first(e.obj.ty), "cls", None) == "io.file" and len(names) == 1:
            it = self.ex(e)   # for line in f:lines(): a compat.LuaFile's lines iterate in Python
        if it is None and len(s.exprs) >= 1 and not (len(s.exprs) == 1 and isinstance(e, A.Table)):
            # Lua's generic for over an iterator function: f(state, control) until the first
            # value is nil; compat.iterate runs that protocol (closures, next, stateful iterators)
            if len(s.exprs) == 1 and isinstance(e, (A.Call, A.MethodCall)) and \
                    e.ty is not None and e.ty.kind == "tuple":
                values = [arg(self.ex_multi(e), star="*")]
            else:
                values = [arg(self.ex(x)) for x in s.exprs[:3]]
            kwargs = {"width": cst.Integer(str(len(names)))} if len(names) > 1 else {}
            it = call(self.compat("iterate"), *values, **kwargs)
        if target is None and it is not None:
            target = tuple_([name(n.pyname) for n in names]) if len(names) > 1 else name(names[0].pyname)
        if it is None:
            raise Unsupported("generic 'for' over this expression (not an iterator function)")
        body = self.loop_suite(s.body, s.end_line, s.line)
        return self.compound(cst.For(target=target, iter=it, body=body), s)

    def _lualib_field(self, e):
        """(lib, field) when ``e`` calls Lua's standard library ``lib.field(...)``."""
        if isinstance(e, A.Call) and isinstance(e.func, A.Index) and isinstance(e.func.obj, A.Name) \
                and e.func.obj.sym.kind == "global" and isinstance(e.func.key, A.String):
            return e.func.obj.name, e.func.key.value
        return None

    def _used(self, name_node, body):
        sym = name_node.sym
        for n in A.walk(body):
            if isinstance(n, A.Name) and n.sym is sym:
                return True
        return False

    # --- functions --------------------------------------------------------------------------------
    def func_decl(self, s):
        target = s.target
        f = s.func
        if isinstance(target, A.Name):
            return self.function_def(f, target.sym.pyname, s)
        field = self._module_field(target)
        if field is not None:
            return self.function_def(f, field, s)
        # function a.b(...) / function a:b(...) outside a class: define, then store
        obj_t = first(target.obj.ty)
        field = target.key.value
        base = self._flat_name(target)
        defs = self.function_def(f, base, s, method=s.is_method)
        if is_dict(obj_t):
            store = assign([subscript(self.ex(target.obj), string(field))], name(base))
        elif keyword.iskeyword(field):
            store = expr_stmt(call("setattr", self.ex(target.obj), string(field), name(base)))
        else:
            store = assign([attr(self.ex(target.obj), self.method_name(field))], name(base))
        defs.append(self.simple(store, s))
        return defs

    def _flat_name(self, target):
        parts = []
        t = target
        while isinstance(t, A.Index) and isinstance(t.key, A.String):
            parts.append(t.key.value)
            t = t.obj
        if isinstance(t, A.Name):
            parts.append(t.sym.pyname if t.sym else t.name)
        return "_".join(reversed(parts))

    def params(self, f, method=False):
        ps = []
        if method:
            ps.append(cst.Param(name=name("self")))
        optional_from = self._first_optional_param(f)
        for i, p in enumerate(f.params):
            if optional_from is not None and i >= optional_from:
                # Lua's optional parameter (``stdv = stdv or 1``): callers may leave it out
                ps.append(cst.Param(name=name(p.sym.pyname), default=NONE,
                                    equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                          whitespace_after=cst.SimpleWhitespace(""))))
            else:
                ps.append(cst.Param(name=name(p.sym.pyname)))
        star = cst.Param(name=name("args")) if f.vararg else cst.MaybeSentinel.DEFAULT
        if getattr(f, "drops_extra_args", False) and not f.vararg:
            star = cst.Param(name=name("_"))   # Lua drops arguments beyond the parameters
        kwonly = []
        if self._bind_loop_locals(f):
            # Lua gives each loop iteration fresh locals and the closure keeps this iteration's;
            # keyword-only defaults capture them the Python way (never filled positionally)
            kwonly = [cst.Param(name=name(s.pyname), default=name(s.pyname),
                                equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                      whitespace_after=cst.SimpleWhitespace("")))
                      for s in f.captures_loop_locals]
            if not f.vararg:
                star = cst.ParamStar()
        return cst.Parameters(params=ps, star_arg=star, kwonly_params=kwonly)

    def _first_optional_param(self, f):
        """The index of the first parameter the body treats as optional (``p or default``,
        ``if p``/``if not p``, ``p == nil``, ``p ~= nil``), or None."""
        syms = {p.sym: i for i, p in enumerate(f.params) if p.sym is not None}
        if not syms:
            return None
        found = []

        def param(e):
            while isinstance(e, A.Paren):
                e = e.expr
            if isinstance(e, A.UnOp) and e.op == "not":
                return param(e.operand)
            return syms.get(e.sym) if isinstance(e, A.Name) else None

        stack = list(f.body.stmts)
        while stack:
            n = stack.pop()
            if isinstance(n, A.Function):
                continue   # a nested function's own parameters are its business
            if isinstance(n, A.BinOp) and n.op in ("or", "and"):
                found.append(param(n.left))
            elif isinstance(n, A.BinOp) and n.op in ("==", "~=") and \
                    (isinstance(n.right, A.Nil) or isinstance(n.left, A.Nil)):
                found.append(param(n.left if isinstance(n.right, A.Nil) else n.right))
            elif isinstance(n, A.If):
                found.extend(param(cond) for cond, _ in n.clauses)
            stack.extend(A.children(n))
        found = [i for i in found if i is not None]
        return min(found) if found else None

    def _bind_loop_locals(self, f):
        """Can the loop locals ``f`` captures be bound when it is made (each is assigned once,
        by its declaration, and not by ``f``)?"""
        captured = getattr(f, "captures_loop_locals", None)
        return bool(captured) and all(s.assign_count == 1 and f.scope not in s.assigned_from
                                      for s in captured)

    def function_def(self, f, pyname, s, method=False):
        self.func_stack.append(f)
        decls = []
        scope = f.scope
        if scope.global_:
            decls.append(cst.SimpleStatementLine([cst.Global(names=[cst.NameItem(name(n)) for n in sorted(scope.global_)])]))
        if scope.nonlocal_:
            decls.append(cst.SimpleStatementLine([cst.Nonlocal(names=[cst.NameItem(name(n)) for n in sorted(scope.nonlocal_)])]))
        saved_pending = self.pending
        self.pending = []
        body = self.suite(f.body, f.end_line, f.line)
        self.pending = saved_pending
        self.func_stack.pop()
        if decls:
            body = body.with_changes(body=decls + list(body.body))
        lead = []
        node = cst.FunctionDef(name=name(pyname), params=self.params(f, method), body=body,
                               leading_lines=lead)
        if getattr(f, "captures_loop_locals", None) and not self._bind_loop_locals(f):
            names = ", ".join(s.name for s in f.captures_loop_locals)
            lead.append(self.todo(f.line, f"closure created in a loop captures per-iteration "
                                          f"local(s) {names} that change after it is made "
                                          f"(Python closures share one variable)"))
        return [self.compound(node, s)]

    def lambda_or_def(self, f):
        """An anonymous function: a lambda when its body is ``return <one value>``, else a
        ``def`` placed before the current statement."""
        body = f.body.stmts
        if len(body) == 1 and isinstance(body[0], A.Return) and len(body[0].exprs) == 1 \
                and not f.vararg and not f.scope.nonlocal_ and not f.scope.global_ \
                and not any(isinstance(n, A.Function) for n in A.walk(body[0])) \
                and not any(c.line >= f.line and c.line <= f.end_line for c in self.comments[self.ci:]):
            self.func_stack.append(f)
            value = self.ex_multi(body[0].exprs[0])
            self.func_stack.pop()
            return cst.Lambda(params=self.params(f), body=value)
        self.fn_counter += 1
        pyname = self._fresh_function_name(f)
        saved_last = self.last_line
        defs = self.function_def(f, pyname, f)
        self.pending.extend(defs)
        self.last_line = saved_last
        return name(pyname)

    def _fresh_function_name(self, f):
        base = getattr(f, "suggested_name", None) or "fn"
        taken = self._names_in_use()
        py = base
        k = 2
        while py in taken:
            py = f"{base}_{k}"
            k += 1
        self._extra_names.add(py)
        return py

    def _names_in_use(self):
        if not hasattr(self, "_all_names"):
            self._all_names = {sym.pyname for sym in self.chunk.symbols}
            self._extra_names = set()
        return self._all_names | self._extra_names

    def module_exports(self, s):
        """A module ending ``return {name = value, ...}``: each field a name of this Python
        module (``import mod as M; M.name`` reads it as Lua's ``M.name``)."""
        taken = self._names_in_use()
        stores = []
        for item in s.exprs[0].items:
            key, value = item.key, item.value
            if not (isinstance(key, A.String) and key.value.isidentifier() and
                    not keyword.iskeyword(key.value)):
                raise Unsupported("a module's returned table with a key that is not a Python name")
            if isinstance(value, A.Name) and value.sym is not None and value.sym.pyname == key.value:
                continue   # return {helper = helper}: the module-level name already
            if key.value in taken or key.value in scopes_reserved():
                raise Unsupported(f"a module's export {key.value!r} shadows a name of the module")
            stores.append(assign([name(key.value)], self.ex(value)))
        if not stores:
            return None
        return self.simple(stores, s) if len(stores) == 1 else cst.SimpleStatementLine(stores)

    def return_stmt(self, s):
        f = self.func_stack[-1] if self.func_stack else None
        if f is None and getattr(s, "module_export", False):
            return None   # return M: this Python module is M
        if f is None and s is self.chunk.body.stmts[-1] and len(s.exprs) == 1 and \
                isinstance(s.exprs[0], A.Table):
            return self.module_exports(s)
        if f is None:
            raise Unsupported("'return' at the top level of a script (a module's export)")
        n = f.nrets or 0
        exprs = s.exprs
        if not exprs:
            if n > 1:
                return self.simple(cst.Return(value=tuple_([NONE] * n)), s)
            return self.simple(cst.Return(), s)
        if len(exprs) == 1:
            value = self.ex_multi(exprs[0])
            if n > 1 and self._single_valued(exprs[0]):
                value = tuple_([value] + [NONE] * (n - 1))
            return self.simple(cst.Return(value=value), s)
        items = [self.ex(e) for e in exprs[:-1]]
        lastv = exprs[-1]
        if self._single_valued(lastv):
            items.append(self.ex(lastv))
            items += [NONE] * (n - len(items))
            return self.simple(cst.Return(value=tuple_(items)), s)
        elems = [cst.Element(i) for i in items] + [cst.StarredElement(self.ex_multi(lastv))]
        return self.simple(cst.Return(value=cst.Tuple(elems, lpar=[], rpar=[])), s)

    # --- conditions (Lua truth) ---------------------------------------------------------------------
    def cond(self, e):
        """``e`` as a Python condition with Lua's truth (only nil and false are false)."""
        if isinstance(e, A.Paren):
            return self.cond(e.expr)
        if isinstance(e, A.UnOp) and e.op == "not":
            inner = e.operand
            if isinstance(inner, A.Paren):
                inner = inner.expr
            t = first(inner.ty)
            if isinstance(inner, (A.Nil, A.Number, A.String, A.Table, A.Function, A.Bool)):
                return FALSE if self.cond(inner) is TRUE else TRUE
            if t is not None and t.kind not in ("bool",) and not isinstance(inner, A.BinOp):
                return compare(self.ex(inner), "is", NONE)
            return not_(self.cond(inner))
        if isinstance(e, A.BinOp) and e.op in ("and", "or"):
            return boolop(self.cond(e.left), e.op, self.cond(e.right))
        if isinstance(e, (A.Number, A.String, A.Table, A.Function)):
            return TRUE   # every value but nil and false is true in Lua
        if isinstance(e, A.Nil):
            return FALSE
        t = first(e.ty)
        if t is None and not isinstance(e, A.BinOp | A.UnOp):
            # an untyped value might be 0, "" or an empty table, all true in Lua
            return call(self.compat("truthy"), self.ex(e))
        if t is None or t.kind == "bool" or isinstance(e, A.Bool):
            return self.ex(e)
        if t.kind == "nil":
            return FALSE
        return compare(self.ex(e), "is not", NONE)

    # --- expressions --------------------------------------------------------------------------------
    def ex(self, e):
        """``e`` in a one-value context (Lua truncates a call's results to the first)."""
        node = self.ex_multi(e)
        if isinstance(e, (A.Call, A.MethodCall)) and e.ty is not None and e.ty.kind == "tuple" \
                and not getattr(e, "_no_first", False):
            return subscript(node, cst.Integer("0"))
        if isinstance(e, A.Vararg):   # the first of the varargs, or nil
            return ifexp(name("args"), subscript(name("args"), cst.Integer("0")), NONE)
        return node

    def ex_multi(self, e):
        t = type(e)
        if t is A.Number:
            return number(e.value, e.text)
        if t is A.String:
            return string(e.value)
        if t is A.Nil:
            return NONE
        if t is A.Bool:
            return TRUE if e.value else FALSE
        if t is A.Vararg:
            return name("args")
        if t is A.Name:
            return self.name_ref(e)
        if t is A.Paren:
            return self.ex(e.expr)
        if t is A.Index:
            return self.index(e)
        if t is A.Call:
            return self.call(e)
        if t is A.MethodCall:
            return self.method_call(e)
        if t is A.BinOp:
            return self.binop(e)
        if t is A.UnOp:
            return self.unop(e)
        if t is A.Table:
            return self.table(e)
        if t is A.Function:
            return self.lambda_or_def(e)
        raise Unsupported(f"expression {t.__name__}")

    def name_ref(self, e):
        sym = e.sym
        if sym.kind == "global":
            n = e.name
            for info in self.classes.values():   # torch.class('Foo') also makes a global Foo
                if info.typename == n:
                    return name(info.sym.pyname)
            if n in L.LIBRARY_MODULES:
                self.check_loaded(n, e.line)
                return self.library(n)
            if n == "arg":   # the script's arguments (Lua's arg[1..n]; arg[i] is compat.arg(i))
                self.need("sys")
                return slice_(attr(name("sys"), "argv"), lower=cst.Integer("1"))
            if n in ("math",):
                self.need("math")
                return name("math")
            if n in ("print", "tostring", "tonumber", "type", "pairs", "unpack", "pcall", "error",
                     "require", "dofile", "loadstring", "load", "loadfile", "rawget", "rawset",
                     "rawequal", "rawlen"):
                return self.compat(n)
            if n in ("ipairs",):
                return self.compat("pairs")
        return name(sym.pyname)

    def args(self, args):
        """Call arguments with Lua's rule: the last one expands all its values."""
        out = []
        for i, a in enumerate(args):
            last = i == len(args) - 1
            if last and isinstance(a, A.Vararg):
                out.append(arg(name("args"), star="*"))
            elif last and self._is_unpack(a):
                out.append(arg(self.ex(a.args[0]), star="*"))
            elif last and isinstance(a, (A.Call, A.MethodCall)) and a.ty is not None and a.ty.kind == "tuple":
                out.append(arg(self.ex_multi(a), star="*"))
            elif last and self._is_unpack(a):
                out.append(arg(self.ex(a.args[0]), star="*"))
            else:
                out.append(arg(self.ex(a)))
        return out

    def _is_unpack(self, a):
        if isinstance(a, A.Call) and a.args and self._is_lua_table(a.args[0]):
            return False   # a Table is a dict: *t would give its keys (unpack of it is a TODO)
        if isinstance(a, A.Call):
            f = a.func
            if isinstance(f, A.Name) and f.name == "unpack" and f.sym.kind == "global" and len(a.args) == 1:
                return True
            if isinstance(f, A.Index) and isinstance(f.obj, A.Name) and f.obj.name == "table" and \
                    isinstance(f.key, A.String) and f.key.value == "unpack" and len(a.args) == 1:
                return True
        return False

    # --- indexing -------------------------------------------------------------------------------------
    def dict_key(self, key):
        if isinstance(key, A.String):
            return string(key.value)
        return self.ex(key)

    def index(self, e, store=False):
        field = self._module_field(e)
        if field is not None:
            return name(field)
        obj, key = e.obj, e.key
        ot = first(obj.ty)
        # method-table access on a class: Foo.__init -> Foo.__init__
        if isinstance(obj, A.Name) and obj.sym in self.classes and isinstance(key, A.String):
            return attr(self.ex(obj), self.method_name(key.value))
        if isinstance(obj, A.Name) and obj.sym.kind == "global" and obj.name == "nn" and \
                isinstance(key, A.String) and not store:
            for info in self.classes.values():   # nn.ReQU for a class defined in this script
                if info.typename == "nn." + key.value:
                    return name(info.sym.pyname)
        if isinstance(obj, A.Name) and obj.sym.kind == "global" and obj.name in ("math", "string", "table", "os", "io") \
                and not store:
            return self.lualib_value(obj.name, key.value if isinstance(key, A.String) else None, e)
        if is_list(ot):
            return subscript(self.ex(obj), self.list_index(obj, key))
        if ot is not None and ot.kind == "lib" and not isinstance(key, A.String) and not store:
            return call("getattr", self.ex(obj), self.ex(key))   # optim[name]: by a computed name
        if ot is not None and ot.kind == "arg":
            if store:
                raise Unsupported("assignment into the script's arg table")
            return call(self.compat("arg"), self.ex(key))
        if is_dict(ot):
            # a field it is known to have (any field, when none are known, unless the dict is
            # the library's open record, whose missing keys read nil); a Table's missing key
            # reads nil (or __index)
            known = isinstance(key, A.String) and self._has_key(e, ot)
            if store or known or self._is_lua_table(obj):
                return subscript(self.ex(obj), self.dict_key(key))
            return call(attr(self.ex(obj), "get"), self.dict_key(key))
        value = self.ex(obj)
        if isinstance(key, A.String) and not store:
            # x["k"] (brackets: a table's key) or x.f of a value that may be a table
            if ot is None and (not e.dot and not self._has_methods(obj) or
                               self._maybe_table(obj, key)):
                # a value the analysis could not type that is sometimes a Lua table (a dict)
                return call(self.compat("index"), value, string(key.value))
            if ot is not None and ot.kind == "tensor" and not L.tensor_has_field(key.value) \
                    or tensor_row(obj) and not L.tensor_has_field(key.value):
                return call("getattr", value, string(key.value), NONE)   # Lua reads nil
        if isinstance(key, A.String) and e.dot or isinstance(key, A.String) and key.value.isidentifier():
            field = key.value
            if field in ("__init", "__typename"):   # Torch's names for Python's dunders
                field += "__"
            if field == "class" and isinstance(obj, A.Name) and obj.name == "torch":
                field = "class_"
            import keyword
            if keyword.iskeyword(field):
                if store:
                    raise Unsupported(f"field named {field!r} (a Python keyword)")
                return call("getattr", value, string(field))
            return attr(value, field)
        if isinstance(key, A.Table):
            return self.tensor_index(value, key)
        if ot is None and not store and not self._has_methods(obj):
            # a value the analysis could not type: a Lua array (a list, 0-based), a record (a
            # dict) or a library object (1-based) -- compat.index decides at run time
            return call(self.compat("index"), value, self.ex(key))
        return subscript(value, self.ex(key))

    def _nil_when_missing(self):
        """A record read that may not find its key (``t.get("k")``) may give nil whatever the
        field's type: its type becomes nilable, so ``print`` and ``..`` treat it as Lua's nil."""
        stores = set()
        for node in A.walk(self.chunk.body):
            if node.__class__ is A.Assign:
                stores.update(id(t) for t in node.targets)
            elif node.__class__ is A.FuncDecl:
                stores.add(id(node.target))
        for node in A.walk(self.chunk.body):
            if node.__class__ is not A.Index or id(node) in stores or \
                    not isinstance(node.key, A.String):
                continue
            ot, t = first(node.obj.ty), first(node.ty)
            if is_dict(ot) and t is not None and not t.nilable and \
                    not self._is_lua_table(node.obj) and not self._has_key(node, ot):
                node.ty = nilable(t)

    def _has_key(self, e, ot):
        """Whether the record read ``e`` (``t.k``, a constant key) finds its key for certain, so
        ``t["k"]`` reads it (else ``t.get("k")``: Lua's nil when missing). Never when the script
        stores nil there (that removes the key); else certain when a store of ``t.k`` runs
        before it (straight-line code), or ``t`` is a local only ever built by
        constructors that all name ``k``. A local that nothing else can fill (see
        closed_record_keys) has no other key for certain; any other record has the keys its type
        knows, or any key when it knows none (the library's dicts, optim's state)."""
        if self._record_keys is None:
            self._record_keys = closed_record_keys(self.chunk)
            self._certain_reads = reads_after_stores(self.chunk)
            self._nil_stored = nil_stored_keys(self.chunk)
        key = e.key.value
        if isinstance(e.obj, A.Name) and (e.obj.sym, key) in self._nil_stored:
            return False   # a nil store removes the key
        if id(e) in self._certain_reads:
            return True
        if isinstance(e.obj, A.Name) and e.obj.sym in self._record_keys:
            return key in self._record_keys[e.obj.sym][1]
        return key in ot.fields if ot.fields else ot.cls != OPEN

    def _has_methods(self, obj):
        """A name that methods are called on (``p:nElement()``) holds a library object: a Lua
        array or record has no methods (an object of a Lua class is translated as one)."""
        if isinstance(obj, A.Index) and not isinstance(obj.key, A.String):   # t[2][1] of a tensor t
            while isinstance(obj, A.Index) and not isinstance(obj.key, A.String) and first(obj.ty) is None:
                obj = obj.obj
            inner = first(obj.ty)
            if inner is None:   # r[1] of a name r that methods are called on: a row of it
                return self._has_methods(obj)
            return inner.kind in ("tensor", "obj")
        return isinstance(obj, A.Name) and obj.sym is not None and "method" in obj.sym.index_use

    def list_index(self, obj, key):
        """A 1-based Lua array index as a 0-based Python one."""
        if isinstance(key, A.UnOp) and key.op == "#" and self._same(key.operand, obj):
            return neg(cst.Integer("1"))
        if isinstance(key, A.BinOp) and key.op == "-" and isinstance(key.left, A.UnOp) and \
                key.left.op == "#" and self._same(key.left.operand, obj) and \
                isinstance(key.right, A.Number) and isinstance(key.right.value, int):
            return neg(cst.Integer(str(key.right.value + 1)))
        return minus_one(self.ex(key))

    def tensor_index(self, value, key):
        """Torch's index table ``t[{2, {1, 3}, {}}]`` as the library's ``t[2, [1, 3], []]``."""
        items = []
        for it in key.items:
            if it.key is not None:
                raise Unsupported("keyed entry in a tensor index table")
            items.append(self.ex(it.value))
        if not items:
            raise Unsupported("empty tensor index table")
        return subscript(value, *items, trailing_comma=len(items) == 1)

    # --- Lua's standard library -----------------------------------------------------------------------
    def lualib_value(self, lib, field, e):
        if lib == "math":
            self.need("math")
            if field == "huge":
                return attr(name("math"), "inf")
            if field == "pi":
                return attr(name("math"), "pi")
            if field in ("floor", "ceil", "sqrt", "exp", "log", "sin", "cos", "tan", "asin",
                         "acos", "atan", "sinh", "cosh", "tanh", "fmod", "log10"):
                return attr(name("math"), field)
            if field in ("max", "min", "abs"):
                return name(field)
        if lib == "io" and field in ("stdout", "stderr", "stdin", "write", "read", "lines", "open"):
            return self.compat(field)   # Lua's file objects and io functions, as values
        if lib == "os" and field in ("tmpname", "remove", "rename", "execute", "date"):
            return self.compat(field)
        raise Unsupported(f"{lib}.{field} used as a value")

    def lualib_call(self, lib, field, e):
        args = e.args
        A_ = [self.ex(a) for a in args]
        line = e.line
        if lib == "math":
            self.need("math")
            if field in ("floor", "ceil", "sqrt", "exp", "sin", "cos", "tan", "asin", "acos",
                         "sinh", "cosh", "tanh", "fmod", "log10", "atan"):
                if field == "atan" and len(A_) == 2:
                    return call(attr(name("math"), "atan2"), *A_)
                return call(attr(name("math"), field), *A_)
            if field == "log":
                return call(attr(name("math"), "log"), *A_)
            if field in ("max", "min"):
                if len(A_) == 1:
                    return A_[0]
                return call(field, *self.args(args))
            if field == "abs":
                return call("abs", *A_)
            if field == "pow":
                return binop(A_[0], "^", A_[1])
            if field == "modf":
                return call(self.compat("modf"), *A_)
            if field == "random":
                return call(self.compat("math_random"), *A_)
            if field == "randomseed":
                return call(self.compat("math_randomseed"), *A_)
        if lib == "string":
            return self.string_call(field, args, e)
        if lib == "table" and args and self._is_lua_table(args[0]):
            return self.lua_table_library(field, args, A_)
        if lib == "table":
            if field == "insert":
                if len(args) == 2:
                    return call(attr(A_[0], "append"), A_[1])
                if len(args) == 3:
                    return call(attr(A_[0], "insert"), minus_one(A_[1]), A_[2])
            if field == "remove":
                if len(args) == 1:
                    return call(attr(A_[0], "pop"))
                return call(attr(A_[0], "pop"), minus_one(A_[1]))
            if field == "concat":
                tt = first(args[0].ty)
                sep = A_[1] if len(A_) > 1 else string("")
                if is_list(tt) and is_str(tt.elem) and len(A_) <= 2:
                    return call(attr(sep, "join"), A_[0])
                return call(self.compat("concat"), *A_)
            if field == "sort":
                if len(A_) == 1:
                    return call(attr(A_[0], "sort"))
                return call(self.compat("sort"), *A_)
            if field == "unpack":
                return call(self.compat("unpack"), *A_)
            if field == "getn":
                return call("len", A_[0])
            if field == "maxn":
                return call(self.compat("maxn"), A_[0])
        if lib == "os":
            if field == "time" and not args:
                self.need("time")
                return call("int", call(attr(name("time"), "time")))
            if field == "clock":
                self.need("time")
                return call(attr(name("time"), "process_time"))
            if field == "getenv":   # None when unset, as Lua's nil
                self.need("os")
                return call(attr(name("os"), field), *A_)
            if field in ("tmpname", "remove", "rename", "execute"):
                # tmpname creates the file; remove/rename give (true) or (nil, message, errno)
                # instead of raising; execute gives the shell's status
                return call(self.compat(field), *A_)
            if field == "difftime":
                return binop(A_[0], "-", A_[1]) if len(A_) > 1 else A_[0]
            if field == "exit":
                self.need("sys")
                if args and isinstance(args[0], A.Bool):   # os.exit(true): success
                    return call(attr(name("sys"), "exit"), cst.Integer("0" if args[0].value else "1"))
                return call(attr(name("sys"), "exit"), *A_)
            if field == "date":
                return call(self.compat("date"), *A_)
        if lib == "io":
            if field == "write":
                types = [first(a.ty) for a in args]
                if all(is_str(t) or is_int(t) for t in types):
                    return call("print", *A_, sep=string(""), end=string(""))
                return call(self.compat("write"), *A_)
            if field == "flush":
                self.need("sys")
                return call(attr(attr(name("sys"), "stdout"), "flush"))
            if field in ("open", "lines", "read"):
                # open: (file, nil, nil) or (nil, message, errno) -- a compat.LuaFile with Lua's
                # methods (f:write(...) is f.write(...)); lines: an iterator over the lines
                return call(self.compat(field), *A_)
            if field == "type":
                return call(self.compat("io_type"), *A_)
            if field == "close" and len(A_) == 1:
                return call(attr(A_[0], "close"))
        raise Unsupported(f"{lib}.{field} has no translation yet")

    def string_call(self, field, args, e, receiver=None):
        """string.X(s, ...) or s:X(...) (receiver given)."""
        all_args = ([receiver] if receiver is not None else []) + list(args)
        A_ = [self.ex(a) for a in all_args]
        if field == "format":
            return self.format_call(all_args)
        if field == "rep" and len(A_) == 2:
            return binop(A_[0], "*", A_[1])
        if field == "rep":   # with a separator between the copies
            return call(self.compat("rep"), *A_)
        if field == "len":
            return call("len", A_[0])
        if field in ("upper", "lower"):
            return call(attr(A_[0], field))
        if field == "reverse":
            return slice_(A_[0]).with_changes(slice=[cst.SubscriptElement(slice=cst.Slice(
                lower=None, upper=None, step=neg(cst.Integer("1"))))])
        if field == "sub":
            lits = [a.value if isinstance(a, A.Number) and isinstance(a.value, int) else None
                    for a in all_args[1:]]
            if len(lits) >= 1 and lits[0] is not None and lits[0] >= 1 and \
                    (len(lits) == 1 or (lits[1] is not None and lits[1] >= lits[0])):
                lower = cst.Integer(str(lits[0] - 1)) if lits[0] > 1 else None
                upper = cst.Integer(str(lits[1])) if len(lits) > 1 else None
                return slice_(A_[0], lower, upper)
            return call(self.compat("sub"), *A_)
        if field == "byte":
            if len(A_) == 1:
                return call("ord", subscript(A_[0], cst.Integer("0")))
            if len(A_) == 2 and isinstance(all_args[1], A.Number) and all_args[1].value >= 1:
                return call("ord", subscript(A_[0], minus_one(A_[1])))
            if len(A_) == 2:   # from the end, or past it (no code: nil)
                return subscript(call(self.compat("byte"), *A_), cst.Integer("0"))
            return call(self.compat("byte"), *A_)   # a range: as many codes as it covers
        if field == "char":
            if len(A_) == 1:
                return call("chr", A_[0])
            return call(self.compat("char"), *A_)
        if field in ("find", "match", "gmatch", "gsub"):
            return call(self.compat(field), *A_)
        raise Unsupported(f"string.{field} has no translation yet")

    def format_call(self, args):
        """``string.format``: Python's ``%`` where it formats exactly as Lua does."""
        import re
        A_ = [self.ex(a) for a in args[1:]]
        fmt = args[0]
        if isinstance(fmt, A.String):
            specs = re.findall(r"%[-+ #0]*\d*(?:\.\d*)?([a-zA-Z%])", fmt.value)
            convs = [c for c in specs if c != "%"]
            ok = len(convs) == len(args) - 1 and all(c in "diouxXeEfFgGs" for c in convs)
            if ok:
                for c, a in zip(convs, args[1:]):
                    t = first(a.ty)
                    if c == "s" and not (is_str(t) or is_int(t) or (t is not None and t.kind in ("tensor", "module"))):
                        ok = False
                    if c in "ouxX" and not is_int(t):
                        ok = False
                    if c in "dieEfFgG" and t is not None and t.kind not in NUMERIC:
                        ok = False
                    if isinstance(a, (A.Call, A.MethodCall)) and a.ty is not None and a.ty.kind == "tuple":
                        ok = False
                    if isinstance(a, A.Vararg):
                        ok = False
            if ok:
                if not A_:
                    return string(fmt.value.replace("%%", "%"))
                rhs = A_[0] if len(A_) == 1 and self._one_value(args[1]) else None
                if rhs is None:
                    rhs = tuple_(A_) if len(A_) > 1 else cst.Tuple([cst.Element(A_[0], comma=cst.Comma())])
                    if len(A_) > 1:
                        rhs = rhs.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
                return binop(string(fmt.value), "%", rhs)
        return call(self.compat("format"), self.ex(fmt), *self.args(args[1:]))

    # --- calls --------------------------------------------------------------------------------------
    def call(self, e):
        f = e.func
        if isinstance(f, A.Name) and f.sym.kind == "global":
            special = self.builtin_call(f.name, e)
            if special is not None:
                return special
        if isinstance(f, A.Index) and isinstance(f.obj, A.Name) and f.obj.sym.kind == "global" \
                and f.obj.name in ("math", "string", "table", "os", "io") and isinstance(f.key, A.String):
            return self.lualib_call(f.obj.name, f.key.value, e)
        if isinstance(f, A.Index) and isinstance(f.obj, A.Name) and f.obj.sym.kind == "global" \
                and f.obj.name == "sys" and isinstance(f.key, A.String) \
                and f.key.value == "clock" and not e.args:   # torch's sys.clock(): wall-clock seconds
            self.need("time")
            return call(attr(name("time"), "time"))
        ft = first(f.ty)
        if ft is not None and ft.kind == "libfunc" and ft.cls in L.PATHS_STATUS_FUNCS \
                and e is not self.statement_call:
            raise Unsupported(f"the result of {ft.cls} (true, or nil, a message and an errno)")
        if ft is not None and ft.kind == "libfunc" and ft.cls == "paths.dofile" and len(e.args) == 1:
            # torch's paths.dofile: dofile of a path relative to this script's folder
            return call(self.compat("dofile"), self.beside_this_file(self.ex(e.args[0])))
        # parent.__init(self, ...) / parent.method(self, ...) inside a class -> super()
        if isinstance(f, A.Index) and isinstance(f.obj, A.Name) and self.class_stack and \
                isinstance(f.key, A.String) and e.args and isinstance(e.args[0], A.Name) and \
                e.args[0].name == "self" and self._is_parent(f.obj):
            meth = self.method_name(f.key.value)
            return call(attr(call("super"), meth), *self.args(e.args[1:]))
        # torch.Tensor{...}: a table constructor argument is a (nested) list
        if isinstance(f, A.Index) and isinstance(f.obj, A.Name) and f.obj.sym.kind == "global" \
                and f.obj.name == "nn" and isinstance(f.key, A.String):
            for info in self.classes.values():
                if info.typename == "nn." + f.key.value:
                    return call(name(info.sym.pyname), *self.args(e.args))
        if isinstance(f, A.Function):
            f.suggested_name = "fn"
        for a in e.args:
            if isinstance(a, A.Function) and isinstance(f, A.Index) and isinstance(f.obj, A.Name) \
                    and f.obj.name == "optim":
                a.suggested_name = "feval"
        args = e.args
        if isinstance(f, A.Index) and isinstance(f.obj, A.Name) and f.obj.sym.kind == "global" \
                and f.obj.name in L.LIBRARY_MODULES and isinstance(f.key, A.String):
            qualified = f"{f.obj.name}.{f.key.value}"   # a library constructor: nn.Sigmoid(...)
            args = self.within_arity(args, qualified, None, qualified)
        return call(self.ex(f), *self.args(args))

    def within_arity(self, args, qualified, method, what):
        """Lua drops the arguments a function does not name; Python raises TypeError. The
        library's own signature (looked up at translation time) says how many it takes."""
        if not args or isinstance(args[-1], A.Vararg) or not self._single_valued(args[-1]) or \
                self._is_unpack(args[-1]):
            return args   # how many values the last argument gives is not known here
        limit = L.positional_limit(qualified, method)
        if limit is None or len(args) <= limit:
            return args
        if not all(_side_effect_free(a) for a in args[limit:]):
            raise Unsupported(f"{what} takes {limit} argument(s); the extra ones have effects "
                              "(Lua evaluates them, then drops them)")
        takes = "no arguments" if limit == 0 else "1 argument" if limit == 1 \
            else f"{limit} arguments"
        self.pending_todos.append(cst.EmptyLine(comment=cst.Comment(
            f"# {what}() takes {takes}; Lua ignores extra ones")))
        return args[:limit]

    def _is_parent(self, obj):
        info = self.class_stack[-1]
        return bool(info.parent_sym is not None and obj.sym is info.parent_sym)

    def builtin_call(self, fname, e):
        args = e.args
        if fname == "print":
            types = [first(a.ty) for a in args]
            simple = all(is_str(t) or is_int(t) or (t is not None and t.kind in ("tensor", "module"))
                         for t in types)
            multi = any(isinstance(a, (A.Call, A.MethodCall)) and a.ty is not None and a.ty.kind == "tuple" or isinstance(a, A.Vararg) for a in args[-1:])
            if simple and not multi and len(args) == 1:   # th's print() alone writes nothing
                return call("print", *self.args(args))
            return call(self.compat("print"), *self.args(args))
        if fname == "tostring" and len(args) == 1:
            t = first(args[0].ty)
            if is_str(t):
                return self.ex(args[0])
            if is_int(t) or (t is not None and t.kind in ("tensor", "module")):
                return call("str", self.ex(args[0]))
            return call(self.compat("tostring"), self.ex(args[0]))
        if fname == "tonumber":
            return call(self.compat("tonumber"), *self.args(args))
        if fname == "type" and len(args) == 1:
            return call(self.compat("type"), self.ex(args[0]))
        if fname == "select" and len(args) == 2 and isinstance(args[0], A.String) and \
                args[0].value == "#" and isinstance(args[1], A.Vararg):
            return call("len", name("args"))
        if fname == "select" and args and len(args) == 2 and isinstance(args[1], A.Vararg):
            return slice_(name("args"), minus_one(self.ex(args[0])))
        if fname == "select" and args:
            if isinstance(args[0], A.String) and args[0].value == "#":
                return call("len", cst.List([cst.Element(a.value, star=a.star) if not a.star else
                                             cst.StarredElement(a.value) for a in self.args(args[1:])]))
            return call(self.compat("select"), *self.args(args))
        if fname == "unpack" and args and self._is_lua_table(args[0]):
            return self.lua_table_library("unpack", args, None)
        if fname in ("unpack",):
            return call(self.compat("unpack"), *self.args(args))
        if fname == "pcall":
            return call(self.compat("pcall"), *self.args(args))
        if fname == "error":
            return call(self.compat("error"), *self.args(args))
        if fname == "assert":   # LuaJIT puts the assert's position before a text message
            return call(self.compat("lua_assert"), *self.args(args))
        if fname == "require":
            return self.require_value(e)
        if fname == "setmetatable" and len(args) == 2 and isinstance(args[1], A.Name) and \
                args[1].sym in self.classes and self.classes[args[1].sym].metatable:
            if isinstance(args[0], A.Table) and not args[0].items:
                return call(name(args[1].sym.pyname))
            raise Unsupported("setmetatable on an existing table inside an expression")
        if fname in ("setmetatable", "getmetatable"):
            return self.metatable_call(fname, e)
        raw = self.raw_access(fname, args)
        if raw is not None:
            return raw
        if fname in ("loadstring", "load", "loadfile", "dofile") and args:
            # the Lua source is translated when the script runs (compat, with the translator)
            return call(self.compat(fname), *self.args(args))
        if fname == "include" and len(args) == 1:   # torch's include: dofile beside this file
            return call(self.compat("dofile"), self.beside_this_file(self.ex(args[0])))
        if fname in ("setfenv", "getfenv", "module", "newproxy"):
            raise Unsupported(f"{fname} (metatables and dynamic code have no faithful Python spelling here)")
        if fname == "collectgarbage" and (not args or isinstance(args[0], A.String) and
                                          args[0].value == "collect"):
            self.need("gc")
            return call(attr(name("gc"), "collect"))
        if fname == "collectgarbage":   # "count" (kilobytes in use) and the other options
            return call(self.compat("collectgarbage"), *self.args(args))
        if fname == "next":
            raise Unsupported("next()")
        if fname in ("ipairs", "pairs"):
            return call(self.compat("pairs"), *self.args(args))
        return None

    def raw_access(self, fname, args):
        """``rawget``/``rawset``/``rawequal``/``rawlen``: plain indexing, ``is`` and ``len`` on a
        table the analysis knows to be a plain list or dict; else compat's (which defer to a
        table object's own raw access)."""
        if fname not in ("rawget", "rawset", "rawequal", "rawlen") or not args:
            return None
        t = first(args[0].ty)
        if isinstance(args[0], A.Name) and args[0].name == "_G" and args[0].sym.kind == "global" \
                and fname == "rawget" and len(args) == 2:   # Lua's globals: this module's
            if isinstance(args[1], A.String):
                self.check_loaded(args[1].value, args[1].line)
            return call(attr(call("globals"), "get"), self.ex(args[1]))
        if fname == "rawequal" and len(args) == 2:
            kinds = {x.kind if x is not None else None for x in (t, first(args[1].ty))}
            if kinds <= {"list", "dict", "table"}:
                return cst.Comparison(self.ex(args[0]), [cst.ComparisonTarget(cst.Is(), self.ex(args[1]))])
        if fname == "rawlen" and len(args) == 1 and (is_list(t) or is_str(t)):
            return call("len", self.ex(args[0]))
        if fname == "rawget" and len(args) == 2 and is_dict(t):
            return call(attr(self.ex(args[0]), "get"), self.dict_key(args[1]))
        if fname == "rawget" and len(args) == 2 and is_list(t):
            return call(self.compat("index"), self.ex(args[0]), self.ex(args[1]))
        return call(self.compat(fname), *self.args(args))

    def beside_this_file(self, path):
        """``path`` relative to this script's folder (torch's include, paths.dofile)."""
        self.need("os")
        return call(attr(attr(name("os"), "path"), "join"),
                    call(attr(attr(name("os"), "path"), "dirname"), name("__file__")), path)

    def method_call(self, e):
        ot = first(e.obj.ty)
        m = e.method
        o = e.obj
        if m == "write" and isinstance(o, A.Index) and isinstance(o.obj, A.Name) and \
                o.obj.name == "io" and o.obj.sym.kind == "global" and \
                isinstance(o.key, A.String) and o.key.value in ("stdout", "stderr"):
            if o.key.value == "stdout":
                return self.lualib_call("io", "write", e)
            self.need("sys")
            return call(attr(attr(name("sys"), "stderr"), "write"),
                        call(self.compat("concat"), cst.List([cst.Element(self.ex(a)) for a in e.args])))
        if is_str(ot) or isinstance(e.obj, A.String) or \
                ot is None and m in L.STRING_ONLY_METHODS:
            return self.string_call(m, e.args, e, receiver=e.obj)
        obj = self.ex(e.obj)
        for a in e.args:
            if isinstance(a, A.Function):
                a.suggested_name = "fn"
        if is_dict(ot):   # a record holding functions: t:f(x) is t.f(t, x)
            if isinstance(e.obj, (A.Name, A.Index)):
                return call(subscript(obj, string(m)), obj, *self.args(e.args))
            raise Unsupported("method call on a record built by an expression")
        args = e.args
        receiver = _library_class_of(ot, self.classes)
        if receiver is not None:
            args = self.within_arity(args, receiver, m, m)
        if m in ("__init",):
            m = "__init__"
        elif keyword.iskeyword(m):
            m += "_"   # the library's spelling of a method named by a Python keyword (assert_)
        return call(attr(obj, m), *self.args(args))

    # --- operators ----------------------------------------------------------------------------------
    def binop(self, e):
        op = e.op
        if op == "..":
            return self.concat(e)
        if op in ("and", "or"):
            return self.logic(e)
        lt, rt = first(e.left.ty), first(e.right.ty)
        if op in ("==", "~="):
            if isinstance(e.right, A.Nil) or isinstance(e.left, A.Nil):
                other = e.left if isinstance(e.right, A.Nil) else e.right
                return compare(self.ex(other), "is" if op == "==" else "is not", NONE)
            if self._is_lua_table(e.left) or self._is_lua_table(e.right):
                return compare(self.ex(e.left), op, self.ex(e.right))   # __eq (Table.__eq__)
            if (is_list(lt) or is_dict(lt) or is_list(rt) or is_dict(rt)):
                return compare(self.ex(e.left), "is" if op == "==" else "is not", self.ex(e.right))
            return compare(self.ex(e.left), op, self.ex(e.right))
        if op in _CMPS:
            return compare(self.ex(e.left), op, self.ex(e.right))
        if op == "/" and self._literal(e.right) == 0 and self._literal(e.left) is not None:
            # Lua divides by zero as IEEE does (inf, nan); Python would raise
            return number(_ieee_divide(self._literal(e.left)))
        if op in ("+", "-", "*", "/", "%", "^"):
            return binop(self.ex(e.left), op, self.ex(e.right))
        raise Unsupported(f"operator {op}")

    def _literal(self, e):
        if isinstance(e, A.Number):
            return e.value
        if isinstance(e, A.UnOp) and e.op == "-" and isinstance(e.operand, A.Number):
            return -e.operand.value
        if isinstance(e, A.Paren):
            return self._literal(e.expr)
        return None

    def logic(self, e):
        op = e.op
        lt = first(e.left.ty)
        # a and b or c  ->  b if a else c  (when b can never be nil/false)
        if op == "or" and isinstance(e.left, A.BinOp) and e.left.op == "and":
            a, b, c = e.left.left, e.left.right, e.right
            bt = first(b.ty)
            if bt is not None and bt.kind not in ("bool", "nil") and not bt.nilable or \
                    isinstance(b, A.Bool) and b.value:
                test = self.cond(a)
                if test is TRUE:
                    return self.ex(b)
                return ifexp(test, self.ex(b), self.ex(c))
        if lt is None and isinstance(e.left, (A.Name, A.Index)) and not isinstance(e.left, A.Bool):
            # an untyped value might be 0, "" or an empty table: true in Lua, false in Python
            left = self.ex(e.left)
            test = call(self.compat("truthy"), left)
            return ifexp(test, left, self.ex(e.right)) if op == "or" else \
                ifexp(test, self.ex(e.right), left)
        if lt is None or lt.kind == "bool":
            return boolop(self.ex(e.left), op, self.ex(e.right))
        if op == "or" and isinstance(e.left, (A.Name, A.Index)):
            left = self.ex(e.left)
            if lt.kind in ("tensor", "module", "func", "obj", "list", "dict") or lt.nilable:
                return ifexp(compare(left, "is not", NONE), left, self.ex(e.right))
        if op == "and" and isinstance(e.left, (A.Name, A.Index)) and lt.kind != "bool":
            left = self.ex(e.left)
            return ifexp(compare(left, "is", NONE), left, self.ex(e.right))
        return boolop(self.ex(e.left), op, self.ex(e.right))

    def concat(self, e):
        parts = []

        def flatten(x):
            if isinstance(x, A.BinOp) and x.op == "..":
                flatten(x.left)
                flatten(x.right)
            elif isinstance(x, A.Paren) and isinstance(x.expr, A.BinOp) and x.expr.op == "..":
                flatten(x.expr)
            else:
                parts.append(x)
        flatten(e)
        if any(self._is_lua_table(p) for p in parts):
            # a table's __concat: Lua joins right to left, a metamethod for each table operand
            out = self.ex(parts[-1])
            for p in reversed(parts[:-1]):
                out = call(self.compat("lua_concat"), self.ex(p), out)
            return out
        pieces = []
        for p in parts:
            t = first(p.ty)
            if isinstance(p, A.String):
                pieces.append(string(p.value))
            elif isinstance(p, A.Number):
                pieces.append(string(lua_number_text(p.value)))
            elif is_str(t):
                pieces.append(self.ex(p))
            elif is_int(t):
                pieces.append(call("str", self.ex(p)))
            elif is_number(t):
                pieces.append(call("format", self.ex(p), string(".14g")))
            else:
                pieces.append(call(self.compat("concat_text"), self.ex(p)))
        # merge adjacent literals
        merged = []
        for p in pieces:
            if merged and isinstance(p, cst.SimpleString) and isinstance(merged[-1], cst.SimpleString):
                merged[-1] = string(merged[-1].evaluated_value + p.evaluated_value)
            else:
                merged.append(p)
        out = merged[0]
        for p in merged[1:]:
            out = binop(out, "+", p)
        return out

    def unop(self, e):
        op = e.op
        if op == "-":
            operand = self.ex(e.operand)
            if isinstance(e.operand, A.Number):
                return number(-e.operand.value, "-" + e.operand.text)
            return neg(operand)
        if op == "not":
            return self.cond(e)
        if op == "#":
            t = first(e.operand.ty)
            if t is not None and t.kind == "tensor":
                return call(attr(self.ex(e.operand), "size"))
            if t is not None and t.kind == "arg":
                return call("len", self.ex(e.operand))   # sys.argv[1:]: the arguments
            if is_dict(t) or t is None and (self._has_methods(e.operand) or
                                            tensor_row(e.operand)):
                # a record's border; a value with methods: a tensor's size or a string's length
                return call(self.compat("length"), self.ex(e.operand))
            return call("len", self.ex(e.operand))
        raise Unsupported(f"unary operator {op}")

    def table(self, e):
        if getattr(e, "lua_table", False):
            return self.lua_table_constructor(e)
        keyed = [i for i in e.items if i.key is not None]
        if not e.items and getattr(e, "settled", None) == "dict":
            return cst.Dict([])
        if len(e.items) == 1 and not keyed and isinstance(e.items[0].value, A.Vararg):
            return call("list", name("args"))
        if not keyed:
            elems = []
            for k, it in enumerate(e.items):
                last = k == len(e.items) - 1
                v = it.value
                if last and (isinstance(v, A.Vararg) or isinstance(v, (A.Call, A.MethodCall)) and
                             v.ty is not None and v.ty.kind == "tuple"):
                    elems.append(cst.StarredElement(self.ex_multi(v)))
                else:
                    elems.append(cst.Element(self.ex(v)))
            return cst.List(elems)
        elems = []
        pos = 0
        for it in e.items:
            if it.key is None:
                pos += 1
                key = cst.Integer(str(pos))
            else:
                key = self.dict_key(it.key)
                if isinstance(it.value, A.Function) and isinstance(it.key, A.String) and \
                        it.key.value.isidentifier() and not keyword.iskeyword(it.key.value):
                    it.value.suggested_name = it.key.value   # {mul = function ...}: def mul
            elems.append(cst.DictElement(key=key, value=self.ex(it.value)))
        return cst.Dict(elems)
