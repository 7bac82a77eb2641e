"""The Lua syntax tree the analysis passes work on (lowered from tree-sitter's concrete tree).

Every node has ``line`` (1-based Lua line) and ``end_line``; analysis passes annotate nodes
in place (``ty`` for types, ``sym`` for resolved names) rather than building parallel maps.
"""


class Node:
    __slots__ = ("__dict__", "end_line", "line", "ty")
    fields = ()

    def __init__(self, line=0, end_line=0, **kw):
        self.line = line
        self.end_line = end_line or line
        self.ty = None
        d = self.__dict__
        d.update(self._defaults)
        d.update(kw)

    def __repr__(self):
        inner = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.fields)
        return f"{type(self).__name__}({inner})"


def _node(name, *fields, extra=()):
    # no __slots__: analysis passes attach annotations (scope, sym, ...) as attributes
    return type(name, (Node,), {"fields": fields, "_defaults": dict.fromkeys(fields)})


# --- expressions -------------------------------------------------------------------------
Nil = _node("Nil")
Bool = _node("Bool", "value")
Number = _node("Number", "text", "value")
String = _node("String", "value")
Vararg = _node("Vararg")
Name = _node("Name", "name", extra=("sym",))
Index = _node("Index", "obj", "key", "dot")          # obj.key (dot) or obj[key]
Call = _node("Call", "func", "args")
MethodCall = _node("MethodCall", "obj", "method", "args")
BinOp = _node("BinOp", "op", "left", "right")
UnOp = _node("UnOp", "op", "operand")
Paren = _node("Paren", "expr")
Table = _node("Table", "items")                      # items: [TableItem]
TableItem = _node("TableItem", "key", "value")       # key None: positional; key String for name=
Function = _node("Function", "params", "vararg", "body", "name",
                 extra=("scope", "self_param", "nrets", "method_of"))

# --- statements --------------------------------------------------------------------------
Local = _node("Local", "names", "exprs", "attribs")  # names: [Name]
Assign = _node("Assign", "targets", "exprs")
CallStat = _node("CallStat", "call")
Do = _node("Do", "body")
While = _node("While", "cond", "body")
Repeat = _node("Repeat", "body", "cond")
If = _node("If", "clauses", "orelse")                # clauses: [(cond, Block)]; orelse Block|None
NumFor = _node("NumFor", "var", "start", "stop", "step", "body")
GenFor = _node("GenFor", "names", "exprs", "body")
FuncDecl = _node("FuncDecl", "target", "is_local", "is_method", "func")
Return = _node("Return", "exprs")
Break = _node("Break")
Goto = _node("Goto", "label")
Label = _node("Label", "label")
Block = _node("Block", "stmts")
Chunk = _node("Chunk", "body", "comments", "hashbang", "blank_lines", "source_lines")
Comment = _node("Comment", "text", "block", "own_line")

EXPRESSIONS = (Nil, Bool, Number, String, Vararg, Name, Index, Call, MethodCall, BinOp, UnOp,
               Paren, Table, Function)


def children(node):
    """Direct child nodes, in source order (generic walk used by the analysis passes)."""
    out = []
    d = node.__dict__
    for k in node.fields:
        v = d[k]
        if v is None or v.__class__ in _LEAF_VALUES:
            continue
        if v.__class__ is list:
            for item in v:
                if item.__class__ is tuple:
                    out.extend(x for x in item if x is not None and x.__class__ not in _LEAF_VALUES)
                elif item is not None and item.__class__ not in _LEAF_VALUES:
                    out.append(item)
        else:
            out.append(v)
    return out


_LEAF_VALUES = {str, int, float, bool}


def walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(children(n)))
