"""Pass 3: types — a small flow-insensitive inference over the whole chunk.

It decides what the emitter needs: which tables are arrays (Python lists, 0-based) and which
are records (dicts), which values are tensors or modules (1-based indexing passes through to
the library), which are numbers, strings or booleans (printing, truthiness, ``..``), and how
many values each local function returns. Unknown stays ``None``; the emitter then picks the
spelling that is exact for every type Lua allows there.
"""

from . import library as L
from . import luaast as A


class Ty:
    __slots__ = ("cls", "elem", "fields", "func", "items", "kind", "nilable", "ret")

    def __init__(self, kind, elem=None, items=None, fields=None, cls=None, ret=None, func=None):
        self.kind, self.elem, self.items, self.fields = kind, elem, items, fields
        self.cls, self.ret, self.func = cls, ret, func
        self.nilable = False

    def __repr__(self):
        extra = self.cls or (self.elem and f"[{self.elem!r}]") or ""
        return f"{self.kind}{extra}{'?' if self.nilable else ''}"

    def __eq__(self, other):
        return (isinstance(other, Ty) and self.kind == other.kind and self.cls == other.cls
                and self.elem == other.elem and self.items == other.items
                and self.ret == other.ret and self.nilable == other.nilable
                and self.fields == other.fields)

    __hash__ = None


INT, NUM, STR, BOOL, NIL = Ty("int"), Ty("num"), Ty("str"), Ty("bool"), Ty("nil")
TENSOR = Ty("tensor")
LUA_FILE = Ty("obj", cls="io.file")   # io.open's file (compat.LuaFile)
OPEN = "open"   # a tuple of at least its items' values; a dict with keys beyond its fields
NUMERIC = ("int", "num")


def join(a, b):
    """The least type covering both (None: unknown)."""
    if a is None or b is None:
        return None
    if a.kind == "nil":
        return b if b.nilable else nilable(b)
    if b.kind == "nil":
        return a if a.nilable else nilable(a)
    if a == b:
        return a
    if a.kind == "table" and b.kind in ("list", "dict"):
        return b
    if b.kind == "table" and a.kind in ("list", "dict"):
        return a
    nil = a.nilable or b.nilable
    if a.kind in NUMERIC and b.kind in NUMERIC:
        out = Ty("num")
    elif a.kind != b.kind:
        return None
    elif a.kind == "list":
        items = None
        if a.items is not None and b.items is not None and len(a.items) == len(b.items):
            items = [join(x, y) for x, y in zip(a.items, b.items)]
        out = Ty("list", elem=join(a.elem, b.elem) if a.elem and b.elem else (a.elem or b.elem),
                 items=items)
    elif a.kind == "dict":
        fields = dict(a.fields or {})
        for k, v in (b.fields or {}).items():
            fields[k] = join(fields[k], v) if k in fields else v
        out = Ty("dict", fields=fields, cls=a.cls if a.cls == b.cls else None)   # "Table": a compat.Table
    elif a.kind == "module":
        out = Ty("module", cls=a.cls if a.cls == b.cls else None)
    elif a.kind == "func":
        out = Ty("func", ret=a.ret if a.ret == b.ret else None,
                 func=a.func if a.func is b.func else None)
    elif a.kind == "tuple":
        if len(a.items) != len(b.items):
            return None
        out = Ty("tuple", items=[join(x, y) for x, y in zip(a.items, b.items)])
    elif a.kind == "libfunc" and a.cls and b.cls and a.cls.split(".")[0] == b.cls.split(".")[0]:
        out = Ty("libfunc", cls=a.cls.split(".")[0] + ".*")
    else:
        out = Ty(a.kind, cls=a.cls if a.cls == b.cls else None)
    if nil:
        out.nilable = True
    return out


def nilable(t):
    """A copy of ``t`` that may also be nil."""
    c = Ty(t.kind, t.elem, t.items, t.fields, t.cls, t.ret, t.func)
    c.nilable = True
    return c


def _match_type(pattern):
    """string.match gives one value per capture (the whole match when there is none)."""
    if not isinstance(pattern, A.String):
        return None
    p = pattern.value.replace("%%", "").replace("%(", "")
    n = p.count("(")
    return nilable(STR) if n <= 1 else Ty("tuple", items=[nilable(STR)] * n)


def first(t):
    """The first value of a possibly multi-valued type (Lua truncation to one value)."""
    if t is not None and t.kind == "tuple":
        return t.items[0] if t.items else NIL
    return t


_RESULT_KINDS = {"tensor": TENSOR, "indices": Ty("tensor", cls="torch.LongTensor"),
                 "tensors": Ty("list", elem=TENSOR)}


def library_results(method, nargs):
    """The tuple type of a library method that gives several values (library.py knows which),
    called with ``nargs`` arguments; None when it gives one."""
    kinds = L.MULTI_VALUE_METHODS.get(method)
    if kinds is None and nargs > 0:
        kinds = L.MULTI_VALUE_WITH_DIM.get(method)
    if kinds is None:
        return None
    return Ty("tuple", items=[_RESULT_KINDS[k] for k in kinds])


def _raises_table(fn):
    """Does ``fn`` (or a function inside it: a callback's error crosses the library) call
    ``error`` with a table?"""
    found = getattr(fn, "_raises_table", None)
    if found is None:
        found = any(isinstance(n, A.Call) and isinstance(n.func, A.Name) and
                    n.func.name == "error" and n.func.sym is not None and
                    n.func.sym.kind == "global" and n.args and isinstance(n.args[0], A.Table)
                    for n in _nodes(fn.body))
        fn._raises_table = found
    return found


def _nodes(node):
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, A.Node):
            yield n
            stack.extend(A.children(n))


def _is_table(t):
    return t is not None and t.kind in ("dict", "list", "table", "loaded")


def tensor_row(e):
    """Is ``e`` ``t[i]`` (or ``t[i][j]``, ...) of a tensor ``t``: a row of it, or a number?"""
    if not isinstance(e, A.Index) or isinstance(e.key, A.String):
        return False
    while isinstance(e, A.Index) and not isinstance(e.key, A.String) and first(e.ty) is None:
        e = e.obj
    return first(e.ty) is not None and first(e.ty).kind == "tensor"


def library_field(cls, field):
    """The type of field ``field`` of a library object of class ``cls`` (library.py's
    OBJECT_FIELDS), or None when not known."""
    desc = L.OBJECT_FIELDS.get(cls, {}).get(field)
    return _described(desc) if desc else None


def _described(desc):
    if desc.startswith("list of "):
        return Ty("list", elem=_described(desc[len("list of "):]))
    if desc == "record":   # a dict whose keys are not known: a missing key reads nil
        return Ty("dict", fields={}, cls=OPEN)
    if desc in ("module", "tensor"):
        return Ty(desc)
    return Ty("obj", cls=desc)


def is_str(t):
    return t is not None and t.kind == "str" and not t.nilable


def is_int(t):
    return t is not None and t.kind == "int" and not t.nilable


def is_number(t):
    return t is not None and t.kind in NUMERIC and not t.nilable


def is_list(t):
    return t is not None and t.kind == "list"


def is_dict(t):
    return t is not None and t.kind == "dict"


def is_tensorish(t):
    """Tensors, modules and other library objects: 1-based indexing and attribute access."""
    return t is not None and t.kind in ("tensor", "module", "obj", "storage")


class Inference:
    def __init__(self, chunk):
        self.chunk = chunk
        self.changed = False
        self.params = {}          # Function -> list of arg types seen at call sites
        self.func_of_sym = {}     # Symbol -> Function when bound to exactly one function
        self.class_syms = {}      # Symbol -> torch class name
        self.lua_tables = set()   # Symbols of tables that get a metatable (not a class's)
        self.maybe_tables = set() # Symbols assigned a Lua table somewhere (whatever their type)
        self.maybe_table_fields = set()   # (torch.class, field): its methods store a table there
        self.method_results = set()   # Symbols assigned what a method call gives
        self.class_methods = {}   # torch.class short name -> {method name: its func type}
        self.class_parents = {}   # torch.class short name -> its parent's short name
        self.method_class = {}    # Function -> short name of the torch.class it is a method of
        self.class_fields = {}    # short name -> {field: type of what its methods store there}
        self._fields_before = {}  # the same, from the previous round

    def run(self, rounds=4):
        self._bind_functions()
        self._mark_field_functions_called_with_more_arguments()
        self._find_lua_tables()
        symbols = self.chunk.symbols
        for _ in range(rounds):
            # each round recomputes every symbol's type; until a symbol is assigned in this
            # round, reads see the previous round's type
            before = [sym.ty for sym in symbols]
            for sym in symbols:
                sym._typed = False
            self._fields_before, self.class_fields = self.class_fields, {}
            self.block(self.chunk.body)
            for f, args in self.params.items():
                for p, t in zip(f.params, args):
                    self.set_sym(p.sym, t, replace=True)
            # settled when a round ends where the last one did (a symbol may pass through other
            # types within a round: int, then num once a later assignment joins in)
            if all(sym.ty == old for sym, old in zip(symbols, before)):
                break

    def _is_metatable(self, e):
        """Is ``e`` a table used as a metatable class (``Foo.__index = ...`` somewhere)?"""
        if not hasattr(self, "_metatables"):
            self._metatables = {st.targets[0].obj.sym for st in self.chunk.bindings
                                 if isinstance(st, A.Assign) and any(
                                     isinstance(t, A.Index) and isinstance(t.obj, A.Name) and
                                     isinstance(t.key, A.String) and t.key.value == "__index"
                                     for t in st.targets[:1])}
        return isinstance(e, A.Name) and e.sym in self._metatables

    # --- tables with a metatable other than a class's ------------------------------------------
    def _self_indexed(self, e):
        """``Foo`` of the class idiom (``Foo.__index = Foo`` somewhere): the emitter's business."""
        return isinstance(e, A.Name) and e.sym is not None and any(
            isinstance(st, A.Assign) and len(st.targets) == 1 and len(st.exprs) == 1 and
            isinstance(st.targets[0], A.Index) and isinstance(st.targets[0].obj, A.Name) and
            st.targets[0].obj.sym is e.sym and isinstance(st.targets[0].key, A.String) and
            st.targets[0].key.value == "__index" and isinstance(st.exprs[0], A.Name) and
            st.exprs[0].sym is e.sym for st in self.chunk.bindings)

    def _setmetatable_call(self, e):
        """``setmetatable(x, mt)`` with a metatable that is not a class's (else None)."""
        if isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.name == "setmetatable" \
                and e.func.sym is not None and e.func.sym.kind == "global" and len(e.args) == 2 \
                and not self._self_indexed(e.args[1]) and not self._class_fallback(e.args[1]):
            return e
        return None

    def _class_fallback(self, mt):
        """``{__index = Base}`` with ``Base`` of the class idiom: a subclass (the emitter's)."""
        return isinstance(mt, A.Table) and any(
            isinstance(it.key, A.String) and it.key.value == "__index" and self._self_indexed(it.value)
            for it in mt.items)

    def _built_here(self, sym):
        """The table constructors that are every value ``sym`` is ever given (None when it
        is also given anything else: a Python dict cannot become a Table afterwards)."""
        if sym is None or sym.kind not in ("local", "global"):
            return None
        made, count = [], 0
        for st in self.chunk.bindings:
            if isinstance(st, A.FuncDecl):
                if isinstance(st.target, A.Name) and st.target.sym is sym:
                    return None
                continue
            targets = st.names if isinstance(st, A.Local) else st.targets
            for i, t in enumerate(targets):
                if not (isinstance(t, A.Name) and t.sym is sym):
                    continue
                count += 1
                value = st.exprs[i] if i < len(st.exprs) else None
                if value is None and st.exprs and isinstance(st.exprs[-1], (A.Call, A.MethodCall, A.Vararg)):
                    return None   # local a, t = f(): t is f's second value
                call = self._setmetatable_call(value)
                if call is not None and isinstance(call.args[0], A.Table):
                    made.append(call.args[0])
                    continue
                if isinstance(value, A.Table):
                    made.append(value)
                elif not (value is None or isinstance(value, A.Nil)):
                    return None
        return made if count == sym.assign_count else None

    def _find_lua_tables(self):
        """Mark what ``setmetatable`` reaches beyond the class idiom: the call
        (``call.lua_table``), the tables it applies to (their constructors become
        ``compat.Table``), and their symbols (records keyed as Lua keys them)."""
        calls = []   # every setmetatable call, in source order (one walk, none without one)
        if "setmetatable" in getattr(self.chunk, "globals", {"setmetatable": None}):
            calls = [n for n in A.walk(self.chunk.body) if self._setmetatable_call(n) is not None]
        for call in calls:
            target = call.args[0]
            if isinstance(target, A.Table):
                target.lua_table = call.lua_table = True
            elif isinstance(target, A.Name):
                made = self._built_here(target.sym)
                if made is not None:
                    call.lua_table = True
                    self.lua_tables.add(target.sym)
                    for table in made:
                        table.lua_table = True
            if getattr(call, "lua_table", False):
                for _f, tables, _operands in self._metamethod_params(call):
                    self.lua_tables.update(p.sym for p in tables if p.sym is not None)
        self._built = {}           # Symbol -> its constructors (see _built_here), once asked
        self._metatables_of = {}   # Symbol -> the metatables setmetatable gives it
        for n in calls:
            if getattr(n, "lua_table", False) and isinstance(n.args[0], A.Name):
                self._metatables_of.setdefault(n.args[0].sym, []).append(n.args[1])
        for st in self.chunk.bindings:   # local t = setmetatable({}, mt)
            if isinstance(st, (A.Local, A.Assign)):
                targets = st.names if isinstance(st, A.Local) else st.targets
                for t, e in zip(targets, st.exprs):
                    if isinstance(t, A.Name) and getattr(self._setmetatable_call(e), "lua_table", False) \
                            and self._built_here(t.sym) is not None:
                        self.lua_tables.add(t.sym)
                        self._metatables_of.setdefault(t.sym, []).append(e.args[1])

    def _function_of(self, v):
        if isinstance(v, A.Function):
            return v
        return self.func_of_sym.get(v.sym) if isinstance(v, A.Name) else None

    def _lua_table_index_type(self, e, ot):
        """``t[i]`` of a Table whose only integer-keyed values come from its ``__index``
        function (the tutorial's dataset: ``{data[i], label[i]}``): what that function returns."""
        if isinstance(e.key, A.String):
            return self.index_type(e, ot)
        sym = e.obj.sym
        if sym not in self._built:
            self._built[sym] = self._built_here(sym) or []
        built = self._built[sym]
        mts = self._metatables_of.get(sym, [])
        if "[]" in sym.fields or any(it.key is None for table in built for it in table.items) or \
                len(mts) != 1:
            return None
        index = [f for event, f in self._metamethods(mts[0]) if event == "__index"]
        if len(index) != 1 or index[0].ty is None or index[0].ty.kind != "func":
            return None
        ret = first(index[0].ty.ret)
        return ret if ret is not None and ret.kind in ("list", "dict", "tensor") else None

    def _metamethods(self, mt):
        """(event, Function) of a metatable (see _table_fields)."""
        found = []
        for event, v in self._table_fields(mt):
            f = self._function_of(v)
            if f is not None:
                found.append((event, f))
        return found

    def _table_fields(self, mt):
        """(key, value) of a table written as a constructor or a local table whose fields
        are assigned (``mt.__index = function ... end``, ``function mt.f() ... end``)."""
        items = []
        if isinstance(mt, A.Table):
            items = [(it.key.value, it.value) for it in mt.items if isinstance(it.key, A.String)]
        elif isinstance(mt, A.Name) and mt.sym is not None:
            for st in self.chunk.bindings:
                if isinstance(st, A.Local):
                    for name, v in zip(st.names, st.exprs):
                        if name.sym is mt.sym and isinstance(v, A.Table):
                            items += [(it.key.value, it.value) for it in v.items
                                      if isinstance(it.key, A.String)]
                targets = [st.target] if isinstance(st, A.FuncDecl) else \
                    st.targets if isinstance(st, A.Assign) else []
                values = [st.func] if isinstance(st, A.FuncDecl) else \
                    st.exprs if isinstance(st, A.Assign) else []
                for t, v in zip(targets, values):
                    if isinstance(t, A.Index) and isinstance(t.obj, A.Name) and \
                            t.obj.sym is mt.sym and isinstance(t.key, A.String):
                        items.append((t.key.value, v))
        return items

    # the parameters of a metamethod that hold the table (or, for an operator, an operand)
    _TABLE_PARAMS = {"__index": 1, "__newindex": 1, "__call": 1, "__tostring": 1, "__unm": 1,
                     "__len": 1, "__eq": 2, "__lt": 2, "__le": 2}
    _OPERAND_PARAMS = {"__add": 2, "__sub": 2, "__mul": 2, "__div": 2, "__mod": 2, "__pow": 2,
                       "__concat": 2}

    def _metamethod_params(self, call):
        """(parameters that surely hold a Table, parameters that may) of the metamethods
        in ``call``'s metatable: a comparison's operands are both tables (LuaJIT compares
        two tables only), an arithmetic operand may be a number."""
        for event, v in self._table_fields(call.args[1]):
            f = self._function_of(v)
            if f is None:
                if event == "__index":   # a fallback table's methods: self is the table
                    for _name, m in self._table_fields(v):
                        m = self._function_of(m)
                        if m is not None and m.params and m.params[0].name == "self":
                            yield m, m.params[:1], []
                continue
            if getattr(f, "self_param", None) is not None:
                continue
            n = self._TABLE_PARAMS.get(event, 0)
            yield f, f.params[:n], f.params[n:n + self._OPERAND_PARAMS.get(event, 0)]

    def _type_metamethod_params(self, call, table_type):
        """The table a metamethod is called on is its first parameter (``__index(t, k)``):
        give it the table's type, so that ``t.data`` inside reads the record's field."""
        if table_type is None or table_type.kind != "dict":
            return
        # an arithmetic operand may be a number: read as a record, not spelled as a Table
        operand_type = Ty("dict", fields=table_type.fields)
        for f, tables, operands in self._metamethod_params(call):
            typed = len(tables) + len(operands)
            if not typed:
                continue
            argt = [table_type] * len(tables) + [operand_type] * len(operands) + \
                [None] * (len(f.params) - typed)
            seen = self.params.get(f)
            self.params[f] = argt if seen is None else [join(x, y) for x, y in zip(seen, argt)]

    def _mark_field_functions_called_with_more_arguments(self):
        """A function stored in a table's field (``t.size = function() ... end``) that is called
        as a method (``t:size()`` passes t) or by the library the table is handed to
        (nn.StochasticGradient calls ``dataset:size()``) with more arguments than it names:
        Lua drops the surplus, so its def gets a ``*_`` catch-all (``drops_extra_args``)."""
        passed = {}   # (table symbol, method) -> most arguments t:method(...) passes, self included
        handed = set()   # symbols of tables given to a call as an argument
        stored = []   # (table symbol, field, function)
        for n in _nodes(self.chunk.body):
            if isinstance(n, A.MethodCall) and isinstance(n.obj, A.Name):
                key = (n.obj.sym, n.method)
                passed[key] = max(passed.get(key, 0), len(n.args) + 1)
            if isinstance(n, (A.Call, A.MethodCall)):
                handed.update(a.sym for a in n.args if isinstance(a, A.Name) and a.sym is not None)
            targets = []
            if isinstance(n, A.Assign):
                targets = list(zip(n.targets, n.exprs))
            elif isinstance(n, A.FuncDecl) and not n.is_method:
                targets = [(n.target, n.func)]
            elif isinstance(n, A.Local):
                targets = [(name, value) for name, value in zip(n.names, n.exprs)
                           if isinstance(value, A.Table)]
            for target, value in targets:
                if isinstance(target, A.Index) and isinstance(target.obj, A.Name) and \
                        isinstance(target.key, A.String) and isinstance(value, A.Function):
                    stored.append((target.obj.sym, target.key.value, value))
                elif isinstance(target, A.Name) and isinstance(value, A.Table):
                    stored.extend((target.sym, item.key.value, item.value) for item in value.items
                                  if isinstance(item.key, A.String) and isinstance(item.value, A.Function))
        for sym, field, fn in stored:
            needed = passed.get((sym, field), 0)
            if sym in handed:
                needed = max(needed, L.LIBRARY_CALLED_FIELDS.get(field, 0))
            if len(fn.params) < needed and not fn.vararg:
                fn.drops_extra_args = True

    def _bind_functions(self):
        counts = {}
        for n in self.chunk.bindings:
            if isinstance(n, A.FuncDecl) and isinstance(n.target, A.Name):
                counts.setdefault(n.target.sym, []).append(n.func)
            elif isinstance(n, A.Local):
                for name, e in zip(n.names, n.exprs):
                    if isinstance(e, A.Function):
                        counts.setdefault(name.sym, []).append(e)
            elif isinstance(n, A.Assign):
                for t in n.targets:
                    if isinstance(t, A.Name):
                        counts.setdefault(t.sym, []).append(None)
        for sym, funcs in counts.items():
            if len(funcs) == 1 and funcs[0] is not None:
                self.func_of_sym[sym] = funcs[0]

    # --- symbols ---------------------------------------------------------------------------
    def set_sym(self, sym, t, replace=False):
        if sym is None:
            return
        if _is_table(t):
            self.maybe_tables.add(sym)
        if getattr(sym, "_typed", False) and not replace:
            new = join(sym.ty, t)
        else:
            new = t
        sym._typed = True
        if new != sym.ty:
            sym.ty = new
            self.changed = True

    # --- statements ------------------------------------------------------------------------
    def block(self, b):
        for s in b.stmts:
            self.stmt(s)

    def stmt(self, s):
        t = type(s)
        if t is A.Local:
            self.assign(s.names, s.exprs, local=True)
        elif t is A.Assign:
            for target in s.targets:
                if not isinstance(target, A.Name):
                    self.expr(target)
            self.assign(s.targets, s.exprs)
        elif t is A.CallStat:
            self.expr(s.call)
        elif t is A.Do:
            self.block(s.body)
        elif t is A.While:
            self.expr(s.cond)
            self.block(s.body)
        elif t is A.Repeat:
            self.block(s.body)
            self.expr(s.cond)
        elif t is A.If:
            for cond, body in s.clauses:
                self.expr(cond)
                self.block(body)
            if s.orelse:
                self.block(s.orelse)
        elif t is A.NumFor:
            start, _, step = [first(self.expr(e)) if e is not None else INT
                              for e in (s.start, s.stop, s.step)]
            all_int = is_int(start) and is_int(step)
            self.set_sym(s.var.sym, INT if all_int else NUM, replace=True)
            self.block(s.body)
        elif t is A.GenFor:
            ts = [self.expr(e) for e in s.exprs]
            self.generic_for(s, ts)
            self.block(s.body)
        elif t is A.FuncDecl:
            self_param = getattr(s.func, "self_param", None)
            if s.is_method and self_param is not None and self_param.sym is not None:
                # function rec:m() on a record: self is that record (a dict) inside m
                ot = first(self.expr(s.target.obj))
                if is_dict(ot) and not self._is_metatable(s.target.obj):
                    self.set_sym(self_param.sym, ot, replace=True)
            cls = self.class_syms.get(getattr(getattr(s.target, "obj", None), "sym", None))
            if cls is not None:
                self.method_class[s.func] = cls.split(".")[-1]
            ft = self.function(s.func)
            if isinstance(s.target, A.Name):
                self.set_sym(s.target.sym, ft)
            else:
                self.expr(s.target.obj)
                self.note_index(s.target.obj, s.target.key, store=True, value=ft)
                if cls is not None and isinstance(s.target.key, A.String):
                    # function Foo:m() on a torch.class: calls of m get its results
                    self.class_methods.setdefault(cls.split(".")[-1], {})[s.target.key.value] = ft
        elif t is A.Return:
            for e in s.exprs:
                self.expr(e)

    def generic_for(self, s, ts):
        call = s.exprs[0] if s.exprs else None
        names = [n.sym for n in s.names]
        if isinstance(call, A.Call) and len(s.exprs) == 1:
            ft = first(call.func.ty)   # typed with s.exprs just before
            if ft is not None and ft.kind == "libfunc" and ft.cls in L.PATHS_ITERATORS:
                self.set_sym(names[0], STR, replace=True)   # paths.files(d): file names
                for n in names[1:]:
                    self.set_sym(n, NIL, replace=True)
                return
        if isinstance(call, A.Call) and isinstance(call.func, A.Name) and call.args:
            fn = call.func.name
            arg_t = first(self.expr(call.args[0]))
            if fn == "ipairs":
                self.set_sym(names[0], INT, replace=True)
                if len(names) > 1:
                    self.set_sym(names[1], arg_t.elem if is_list(arg_t) else None, replace=True)
                self.mark_use(call.args[0], "array")
                return
            if fn == "pairs":
                if is_list(arg_t):
                    self.set_sym(names[0], INT, replace=True)
                    if len(names) > 1:
                        self.set_sym(names[1], arg_t.elem, replace=True)
                    return
                if is_dict(arg_t) and arg_t.fields:
                    vals = list(arg_t.fields.values())
                    vt = vals[0]
                    for v in vals[1:]:
                        vt = join(vt, v)
                    self.set_sym(names[0], None, replace=True)
                    if len(names) > 1:
                        self.set_sym(names[1], vt, replace=True)
                    return
        for n in names:
            self.set_sym(n, None, replace=True)

    def assign(self, targets, exprs, local=False):
        types = [self.expr(e) for e in exprs]
        values = []
        for i, t in enumerate(types):
            if i == len(types) - 1 and t is not None and t.kind == "tuple":
                values.extend(t.items)
            else:
                values.append(first(t))
        if len(targets) > 1 and exprs and getattr(exprs[-1], "raises_table", False) and \
                isinstance(targets[1], A.Name) and len(exprs) == 1:
            self.maybe_tables.add(targets[1].sym)   # ok, err = pcall(f): err may be a table
        for i, target in enumerate(targets):
            t = values[i] if i < len(values) else (None if types and types[-1] is None else NIL)
            if isinstance(target, A.Name):
                self.set_sym(target.sym, t)
                if i < len(exprs) and isinstance(exprs[i], A.Call):
                    self._note_class(target.sym, exprs[i])
                if i < len(exprs) and isinstance(exprs[i], A.MethodCall) and target.sym:
                    self.method_results.add(target.sym)
            else:
                self.note_index(target.obj, target.key, store=True, value=t)

    def _note_class(self, sym, call):
        f = call.func
        if (isinstance(f, A.Index) and isinstance(f.obj, A.Name) and f.obj.name == "torch"
                and isinstance(f.key, A.String) and f.key.value == "class" and call.args
                and isinstance(call.args[0], A.String)):
            self.class_syms[sym] = call.args[0].value
            if len(call.args) > 1 and isinstance(call.args[1], A.String):
                self.class_parents[call.args[0].value.split(".")[-1]] = \
                    call.args[1].value.split(".")[-1]

    # --- index use: arrays vs records ------------------------------------------------------
    def mark_use(self, e, use):
        if isinstance(e, A.Name) and e.sym is not None:
            e.sym.index_use.add(use)

    def note_index(self, obj, key, store=False, value=None):
        ot = first(obj.ty) if obj.ty is not None else None
        # how a record's field is used (``a.b.c``, ``a.b[1]``): decides an empty ``a.b = {}``
        if isinstance(obj, A.Index) and obj.dot and isinstance(obj.obj, A.Name) and \
                obj.obj.sym is not None:
            use = "field" if isinstance(key, A.String) else "array"
            obj.obj.sym.path_uses.setdefault(obj.key.value, set()).add(use)
        if isinstance(key, A.String):
            self.mark_use(obj, "field")
            cls = self.class_of_self(obj)
            if store and cls is not None:   # self.f = v in a method of a torch.class
                if _is_table(value):
                    self.maybe_table_fields.add((cls, key.value))
                stored = self.class_fields.setdefault(cls, {})
                stored[key.value] = join(stored[key.value], value) if key.value in stored \
                    else value
            if store and isinstance(obj, A.Name) and obj.sym is not None and ot is not None \
                    and ot.kind == "dict":
                f = obj.sym.fields
                f[key.value] = join(f[key.value], value) if key.value in f else value
        else:
            kt = first(self.expr(key))
            if kt is not None and kt.kind in NUMERIC:
                self.mark_use(obj, "array")
            elif isinstance(key, A.Table):
                self.mark_use(obj, "tensor-index")
            else:
                self.mark_use(obj, "key")
            if store and isinstance(obj, A.Name) and obj.sym is not None and value is not None:
                obj.sym.fields.setdefault("[]", value)

    # --- expressions -----------------------------------------------------------------------
    def expr(self, e):
        t = self._expr(e)
        e.ty = t
        return t

    def function(self, f):
        for s in f.body.stmts:
            self.stmt(s)
        rets = []
        nrets = 0
        cls = self.method_class.get(f)
        for n in self._returns_of(f):
            nrets = max(nrets, len(n.exprs))
            ts = [first(x.ty) for x in n.exprs]
            if cls is not None:   # return self.output: what the class keeps there
                ts = [self.class_field(cls, x.key.value) if t is None and isinstance(x, A.Index)
                      and isinstance(x.key, A.String) and self.class_of_self(x.obj) == cls
                      else t for t, x in zip(ts, n.exprs)]
            if len(n.exprs) == 1 and n.exprs[0].ty is not None and n.exprs[0].ty.kind == "tuple":
                ts = list(n.exprs[0].ty.items)
                nrets = max(nrets, len(ts))
            rets.append(ts)
        f.nrets = nrets
        if not rets:
            ret = NIL
        else:
            width = max(len(r) for r in rets)
            cols = []
            for i in range(width):
                col = None
                for r in rets:
                    ti = r[i] if i < len(r) else NIL
                    col = ti if col is None and r is rets[0] else join(col, ti)
                cols.append(col)
            ret = cols[0] if width == 1 else Ty("tuple", items=cols)
        return Ty("func", ret=ret, func=f)

    def class_of_self(self, e):
        """The torch.class whose method's ``self`` ``e`` is (None when it is not one)."""
        if not isinstance(e, A.Name) or e.sym is None:
            return None
        fn = getattr(e.sym.func, "node", None)   # the function whose local it is
        self_param = getattr(fn, "self_param", None) if fn is not None else None
        if fn in self.method_class and (self_param is not None and self_param.sym is e.sym or
                                        fn.params and fn.params[0].sym is e.sym and
                                        e.name == "self"):
            return self.method_class[fn]
        return None

    def class_field(self, cls, field):
        """What ``self.field`` holds in a method of torch.class ``cls``: what the class's methods
        store there, else the library's field (a module's tensors, a criterion's number)."""
        seen, top = set(), cls
        while cls is not None and cls not in seen:
            seen.add(cls)
            for stored in (self.class_fields, self._fields_before):
                if field in stored.get(cls, {}):
                    t = stored[cls][field]
                    return None if t is None or t.kind == "table" else t
            top, cls = cls, self.class_parents.get(cls)
        if field == "output" and top and self.class_parents.get(top, "").endswith("Criterion"):
            return NUM
        return TENSOR if field in L.MODULE_TENSOR_FIELDS else None

    def _returns_of(self, f):
        """The return statements of ``f`` itself (not of functions nested in it)."""
        found = getattr(f, "_returns", None)
        if found is None:
            found = []
            stack = [f.body]
            while stack:
                n = stack.pop()
                if isinstance(n, A.Function):
                    continue
                if isinstance(n, A.Return):
                    found.append(n)
                stack.extend(A.children(n))
            f._returns = found
        return found

    def _expr(self, e):
        t = type(e)
        if t is A.Number:
            return INT if isinstance(e.value, int) else NUM
        if t is A.String:
            return STR
        if t is A.Bool:
            return BOOL
        if t is A.Nil:
            return NIL
        if t is A.Vararg:
            return None
        if t is A.Name:
            sym = e.sym
            if sym is None:
                return None
            if sym.kind == "global" and sym.name in L.LIBRARY_MODULES and not sym.assigned_from:
                return Ty("lib", cls=sym.name)
            if sym.kind == "global" and sym.name in ("math", "string", "table", "os", "io"):
                return Ty("lualib", cls=sym.name)
            if sym.name == "arg" and sym.kind == "global":
                return Ty("arg")
            if sym in self.class_syms:
                return Ty("class", cls=self.class_syms[sym])
            t = sym.ty
            if t is not None and t.kind == "table":
                return self.table_kind(sym, t)
            if t is not None and t.kind == "loaded":
                uses = sym.index_use
                if "method" in uses or "tensor-index" in uses or not uses:
                    return None
                if "field" in uses or "key" in uses:
                    return Ty("dict", fields={})
                return Ty("list")
            return t
        if t is A.Paren:
            return first(self.expr(e.expr))
        if t is A.Function:
            return self.function(e)
        if t is A.Table:
            return self.table(e)
        if t is A.Index:
            ot = first(self.expr(e.obj))
            self.note_index(e.obj, e.key)
            if isinstance(e.obj, A.Name) and e.obj.sym in self.lua_tables:
                return self._lua_table_index_type(e, ot)
            return self.index_type(e, ot)
        if t is A.Call:
            return self.call(e)
        if t is A.MethodCall:
            return self.method_call(e)
        if t is A.BinOp:
            lt, rt = first(self.expr(e.left)), first(self.expr(e.right))
            return self.binop(e.op, lt, rt)
        if t is A.UnOp:
            ot = first(self.expr(e.operand))
            if e.op == "not":
                return BOOL
            if e.op == "#":
                if isinstance(e.operand, A.Name):
                    self.mark_use(e.operand, "array" if not is_str(ot) else "len")
                if ot is None and tensor_row(e.operand):
                    return Ty("obj", cls="torch.LongStorage")   # #w[2]: the row's size
                if ot is None and isinstance(e.operand, A.Name) and e.operand.sym is not None \
                        and "method" in e.operand.sym.index_use:
                    return None   # a library object's size, or a string's length
                return INT if ot is None or ot.kind != "tensor" else Ty("obj", cls="torch.LongStorage")
            return ot
        return None

    def table_kind(self, sym, t):
        """An empty table constructor's variable: an array unless it is used as a record."""
        uses = sym.index_use
        if "field" in uses or "key" in uses:
            return Ty("dict", fields={k: v for k, v in sym.fields.items() if k not in ("[]", "<last added>")})
        return Ty("list", elem=sym.fields.get("[]"))

    def table(self, e):
        keyed = [i for i in e.items if i.key is not None]
        types = [self.expr(i.value) for i in e.items]
        if getattr(e, "lua_table", False):   # a compat.Table: a record keyed as Lua keys it
            for i in keyed:
                if not isinstance(i.key, A.String):
                    self.expr(i.key)
            return Ty("dict", fields={i.key.value: first(i.value.ty) for i in keyed
                                      if isinstance(i.key, A.String)}, cls="Table")
        if not keyed:
            items = [first(t) for t in types]
            elem = None
            for i, it in enumerate(items):
                elem = it if i == 0 else join(elem, it)
            if not items:
                return Ty("table")   # {} : decided by how the variable is used
            return Ty("list", elem=elem, items=items)
        for i in keyed:
            if not isinstance(i.key, A.String):
                self.expr(i.key)
        fields = {i.key.value: first(i.value.ty) for i in keyed if isinstance(i.key, A.String)}
        return Ty("dict", fields=fields)

    def index_type(self, e, ot):
        key = e.key
        if ot is None:
            return None
        k = ot.kind
        if k == "lib":
            # optim[name]: one of the package's functions, which one known at run time
            name = key.value if isinstance(key, A.String) else "*"
            if ot.cls == "torch" and name in ("Tensor", "DoubleTensor", "FloatTensor",
                                               "LongTensor", "IntTensor", "ByteTensor"):
                return Ty("func", ret=TENSOR)
            return Ty("libfunc", cls=f"{ot.cls}.{name}")
        if k == "lualib":
            return Ty("libfunc", cls=f"{ot.cls}.{key.value if isinstance(key, A.String) else ''}")
        if k == "list":
            if isinstance(key, A.Number) and ot.items and isinstance(key.value, int) \
                    and 1 <= key.value <= len(ot.items):
                return ot.items[key.value - 1]
            return ot.elem
        if k == "dict":
            if isinstance(key, A.String) and ot.fields and key.value in ot.fields:
                field = ot.fields[key.value]
                if field is not None and field.kind == "table" and isinstance(e.obj, A.Name):
                    uses = e.obj.sym.path_uses.get(key.value, ())
                    return Ty("dict", fields={}) if "field" in uses else Ty("list")
                return field
            return None
        if k == "module":
            if isinstance(key, A.String):
                if key.value in L.MODULE_LIST_FIELDS:
                    return Ty("list", elem=Ty("module"))
                if key.value in L.MODULE_TENSOR_FIELDS:
                    if key.value in ("output", "gradInput") and ot.cls in L.TABLE_OUTPUT_MODULES:
                        return Ty("list", elem=TENSOR)
                    return TENSOR
                return library_field((ot.cls or "").rstrip("[]"), key.value)
            return None
        if k == "obj" and isinstance(key, A.String):
            return library_field(ot.cls, key.value)
        if k == "tensor" and isinstance(key, A.String) and not L.tensor_has_field(key.value):
            return NIL   # no such tensor method: Lua reads nil
        if k == "arg":
            return STR
        return None

    def call(self, e):
        ft = first(self.expr(e.func))
        args = [self.expr(a) for a in e.args]
        f = e.func
        # call-site parameter types for local functions
        if isinstance(f, A.Name) and f.sym in self.func_of_sym:
            fn = self.func_of_sym[f.sym]
            seen = self.params.get(fn)
            argt = [first(a) for a in args] + [NIL] * (len(fn.params) - len(args))
            for param, t in zip(fn.params, argt):
                if _is_table(t):
                    self.maybe_tables.add(param.sym)
            if seen is None:
                self.params[fn] = argt[:len(fn.params)]
            else:
                self.params[fn] = [join(x, y) for x, y in zip(seen, argt)]
        if ft is not None and ft.kind == "libfunc":
            return self.library_call(ft.cls, e, args)
        if ft is not None and ft.kind == "func":
            return ft.ret
        if ft is not None and ft.kind == "class":
            return Ty("module", cls=ft.cls.split(".")[-1])
        if isinstance(f, A.Name) and f.sym is not None and f.sym.kind == "global":
            return self.builtin_call(f.name, e, args)
        if ft is not None and ft.kind == "module":
            return Ty("obj", cls="nngraph.Node")   # nngraph: module(...) builds a graph node
        return None

    def builtin_call(self, name, e, args):
        if name in ("tostring", "type"):
            return STR
        if name == "tonumber":
            return nilable(NUM)
        if name == "select" and e.args and isinstance(e.args[0], A.String):
            return INT
        if name == "require":
            return None
        if name in ("pcall",):
            # (true, results...) or (false, error value): compat.pcall gives compat.Values;
            # exactly two values for a Lua function of this chunk giving at most one
            ft = args[0] if args else None
            if ft is not None and ft.kind == "func" and ft.func is not None:
                e.raises_table = _raises_table(ft.func)   # its error value may be a table
            raised = self.error_values(e.args[0], args[1:]) if e.args else None
            if raised is not None:   # the error value keeps its (table) type through pcall
                return Ty("tuple", items=[BOOL, raised])
            if ft is not None and ft.kind == "func" and ft.func is not None and \
                    getattr(ft.func, "nrets", 2) <= 1:
                return Ty("tuple", items=[BOOL, None])
            # else read as [0] for one value and [:n] (nil-padded) for n targets
            return Ty("tuple", items=[BOOL, None, None, None], cls="open")
        if name in ("loadstring", "load", "loadfile"):   # a function, or nil + message
            return Ty("tuple", items=[None, nilable(STR)], cls="open")
        if name == "assert" and args:   # its first value (compat.lua_assert gives that alone)
            return first(args[0])
        if name == "rawequal":
            return BOOL
        if name == "rawlen":
            return INT
        if name == "unpack" and args:
            a0 = first(args[0])
            if is_list(a0) and a0.items:
                return Ty("tuple", items=a0.items)
            # as many values as the table has items
            return Ty("tuple", items=[a0.elem if is_list(a0) else None], cls=OPEN)
        if name == "setmetatable":
            if getattr(e, "lua_table", False):
                self._type_metamethod_params(e, first(args[0]))
                return first(args[0])
            if len(e.args) == 2 and isinstance(e.args[1], A.Name):
                return Ty("obj", cls="lua")   # an object of a Lua class (attributes, methods)
            return first(args[0]) if args else None
        return None

    def error_values(self, f, arg_types):
        """The type of what ``pcall(f, ...)`` gives second when it is sure to be an ``error()``
        value (or nil): ``pcall(error, v)``, or a function literal that returns nothing and
        calls nothing but ``error(v)``. None when anything else could raise or return."""
        def is_error(c):
            return isinstance(c, A.Call) and isinstance(c.func, A.Name) and c.func.name == "error" \
                and c.func.sym is not None and c.func.sym.kind == "global"
        if isinstance(f, A.Name) and f.name == "error" and f.sym is not None and \
                f.sym.kind == "global":
            return first(arg_types[0]) if arg_types else NIL
        if not isinstance(f, A.Function) or getattr(f, "nrets", 1) != 0:
            return None
        out = NIL
        for n in A.walk(f.body):
            if isinstance(n, (A.Function, A.MethodCall)) or isinstance(n, A.Call) and not is_error(n):
                return None
            if isinstance(n, A.Call):
                value = n.args[0].ty if n.args else NIL
                out = join(out, first(value))
                if out is None:
                    return None
        return out

    def callback_params(self, fexpr, types):
        """A function handed to the library (optim's feval): its parameters' types."""
        fn = fexpr if isinstance(fexpr, A.Function) else None
        if isinstance(fexpr, A.Name) and fexpr.sym in self.func_of_sym:
            fn = self.func_of_sym[fexpr.sym]
        if fn is not None:
            self.params[fn] = types[:len(fn.params)] + [None] * (len(fn.params) - len(types))
            if len(fn.params) < len(types):
                # the library passes more arguments than it names: Lua drops them, Python
                # would raise TypeError, so its def gets a ``*_`` catch-all
                fn.drops_extra_args = True

    def library_call(self, qual, e, args):
        if qual is None:
            return None
        mod, _, name = qual.partition(".")
        if mod == "optim" and e.args:
            self.callback_params(e.args[0], [TENSOR])
            if name in L.OPTIM_FUNCS or name == "*":
                for a in e.args[2:4]:   # optim.X(feval, x, config, state): records, even if empty
                    self.mark_use(a, "field")
                    if isinstance(a, A.Table) and not a.items:
                        a.settled = "dict"
        a0 = first(args[0]) if args else None
        for fn, use in (("table.insert", "append"), ("table.remove", "array"),
                        ("table.concat", "array"), ("table.sort", "array"), ("unpack", "array")):
            if qual == fn and e.args:
                self.mark_use(e.args[0], use)
                if fn == "table.insert" and isinstance(e.args[0], A.Name) and len(args) >= 2:
                    sym = e.args[0].sym
                    if sym is not None:
                        sym.fields["[]"] = join(sym.fields["[]"], first(args[-1])) \
                            if "[]" in sym.fields else first(args[-1])
        if mod == "torch":
            if name in L.TORCH_TENSOR_FUNCS:
                return TENSOR
            if name in L.TORCH_MULTI_VALUE:
                return Ty("tuple", items=[TENSOR] * L.TORCH_MULTI_VALUE[name])
            if name in L.TORCH_ALWAYS_PAIR or name in L.TORCH_PAIR_WITH_DIM:
                # torch.max(t, 2) is t:max(2): the tensor argument is the receiver
                several = library_results(name, len(e.args) - 1)
                return several if several is not None else NUM
            if name in L.TORCH_REDUCE_NUMBER:
                return NUM if len(e.args) < 2 else TENSOR
            if name in L.TORCH_NUMBER_FUNCS:
                return NUM
            if name in L.TORCH_STRING_FUNCS:
                return STR
            if name in L.TORCH_BOOL_FUNCS:
                return BOOL
            if name == "class":
                return None
            if name == "load":
                return Ty("loaded")   # a table, tensor or module: decided by how it is used
            if name == "CmdLine":
                return Ty("obj", cls="torch.CmdLine")
            if name in ("getParameters",):
                return Ty("tuple", items=[TENSOR, TENSOR])
            return None
        if mod == "nn":
            if name == "gModule" and len(e.args) >= 2 and isinstance(e.args[1], A.Table) \
                    and len(e.args[1].items) > 1:
                return Ty("module", cls="gModule[]")   # several outputs: forward gives a list
            if name and (name[:1].isupper() or name == "gModule"):
                return Ty("module", cls=name)
            return None
        if mod == "optim":
            if name in L.OPTIM_THREE_VALUES:
                return Ty("tuple", items=[TENSOR, Ty("list", elem=NUM), NUM])
            if name in L.OPTIM_FUNCS:
                return Ty("tuple", items=[TENSOR, Ty("list", elem=NUM)])
            if name == "*":   # one of several optim methods: 2 or 3 values
                return Ty("tuple", items=[TENSOR, Ty("list", elem=NUM)], cls="open")
            if name[:1].isupper():   # optim.Logger, optim.ConfusionMatrix: a library object
                return Ty("obj", cls=qual)
            return None
        if mod == "string":
            if name in ("format", "rep", "sub", "upper", "lower", "char", "reverse", "gsub"):
                return STR if name != "gsub" else Ty("tuple", items=[STR, INT])
            if name == "len":
                return INT
            if name == "byte":   # with a range: as many codes as it covers
                return INT if len(e.args) <= 2 else Ty("tuple", items=[nilable(INT)], cls="open")
            if name == "find":
                return Ty("tuple", items=[nilable(INT), nilable(INT)], cls="open")
            if name == "match":
                return _match_type(e.args[1] if len(e.args) > 1 else None)
            return None
        if mod == "math":
            if name in ("floor", "ceil"):
                return INT
            if name in ("max", "min"):
                out = None
                for i, a in enumerate(args):
                    out = first(a) if i == 0 else join(out, first(a))
                return out if out is not None and out.kind in NUMERIC else NUM
            if name == "abs":
                return a0 if a0 is not None and a0.kind in NUMERIC else NUM
            return NUM
        if mod == "table":
            if name == "concat":
                return STR
            if name == "remove":
                return a0.elem if is_list(a0) else None
            if name == "unpack":
                return None
            return NIL
        if mod == "os":
            if name in ("time", "clock", "difftime"):
                return NUM
            if name in ("getenv", "date"):
                return nilable(STR) if name == "getenv" else STR
            if name == "tmpname":
                return STR
            if name == "execute":
                return INT
            if name in ("remove", "rename"):   # true, or nil + message + errno
                return Ty("tuple", items=[nilable(BOOL), nilable(STR), nilable(INT)], cls="open")
            return None
        if mod == "io":
            if name == "open":   # a file, or nil + message + errno
                return Ty("tuple", items=[nilable(LUA_FILE), nilable(STR), nilable(INT)], cls="open")
            if name == "type":
                return nilable(STR)
            return None
        if qual in L.PACKAGE_RESULTS:   # torch's paths, sys, xlua
            return {"str": STR, "num": NUM, "bool": BOOL,
                    "nilstr": nilable(STR)}[L.PACKAGE_RESULTS[qual]]
        return None

    def method_call(self, e):
        ot = first(self.expr(e.obj))
        self.mark_use(e.obj, "method")
        args = [self.expr(a) for a in e.args]
        m = e.method
        if ot is None:
            if m in L.STRING_ONLY_METHODS:   # only strings have these methods
                return self.method_call_on_string(e, m)
            # a library method known to give several values, whatever has it
            return library_results(m, len(e.args))
        k = ot.kind
        if k == "str":
            return self.method_call_on_string(e, m)
        if k == "tensor" and m == "apply" and e.args:   # f(element)
            self.callback_params(e.args[0], [NUM])
        if k == "module" and m == "apply" and e.args:   # model:apply(f(module))
            self.callback_params(e.args[0], [Ty("module")])
        if k == "tensor" and m in ("map", "map2") and len(e.args) >= (2 if m == "map" else 3):
            # t:map(u, f(t_i, u_i)), t:map2(u, v, f(t_i, u_i, v_i))
            self.callback_params(e.args[-1], [NUM] * (2 if m == "map" else 3))
        return self._method_type(e, ot, m, args)

    def script_method(self, cls, m):
        """The type of method ``m`` of torch.class ``cls`` where this script defines it (or
        a parent class it defines): what calls of ``m`` give, rather than the library's."""
        # the library's forward/backward give what updateOutput/updateGradInput return
        names = {"forward": ("forward", "updateOutput"),
                 "backward": ("backward", "updateGradInput")}.get(m, (m,))
        seen = set()
        while cls in self.class_methods and cls not in seen:
            seen.add(cls)
            for name in names:
                if name in self.class_methods[cls]:
                    return self.class_methods[cls][name]
            cls = self.class_parents.get(cls)
        return None

    def method_call_on_string(self, e, m):
        if m in ("format", "rep", "sub", "upper", "lower", "reverse"):
            return STR
        if m == "byte" and len(e.args) >= 2:   # with a range: as many codes as it covers
            return Ty("tuple", items=[nilable(INT)], cls="open")
        if m in ("len", "byte"):
            return INT
        if m == "gsub":
            return Ty("tuple", items=[STR, INT])
        if m == "find":
            return Ty("tuple", items=[nilable(INT), nilable(INT)], cls="open")
        if m == "match":
            return _match_type(e.args[0] if e.args else None)
        return None

    def _method_type(self, e, ot, m, args):
        k = ot.kind
        if k == "tensor":
            if m == "size" or m == "stride":
                return INT if e.args else Ty("obj", cls="torch.LongStorage")
            several = library_results(m, len(e.args))
            if several is not None:
                return several
            if m in L.MULTI_VALUE_WITH_DIM:   # t:max() without a dimension: a number
                return NUM
            if m in ("sum", "mean", "prod", "std", "var", "norm", "dist", "dot", "trace"):
                if m in ("norm", "dist", "dot", "trace") and len(e.args) < 2:
                    return NUM
                return NUM if not e.args else TENSOR
            if m in L.TENSOR_INT_METHODS:
                return INT
            if m in L.TENSOR_BOOL_METHODS:
                return BOOL
            if m == "type" and not e.args:
                return STR
            if m in ("totable", "tolist"):
                return Ty("list")
            if m == "storage":
                return Ty("storage")
            if m in L.TENSOR_TENSOR_METHODS:
                return TENSOR
            return None
        if k == "module":
            defined = self.script_method(ot.cls, m)
            if defined is not None:
                return defined.ret
            if m == "add" and ot.cls == "Sequential" and args:
                # a Sequential's output is its last module's: remember which that is
                last = first(args[-1])
                if isinstance(e.obj, A.Name) and e.obj.sym is not None:
                    e.obj.sym.fields["<last added>"] = last
                return Ty("module", cls="Sequential", elem=last)
            if m in L.MODULE_SELF_METHODS:
                return ot
            if m in ("getParameters", "parameters"):
                return library_results(m, len(e.args))
            if m == "get":
                return Ty("module")
            if m == "clone":
                return ot
            if m in ("forward", "updateOutput"):
                cls = ot.cls or ""
                if cls.endswith("Criterion"):
                    return NUM
                if cls in L.TABLE_OUTPUT_MODULES or cls == "gModule[]":
                    return Ty("list", elem=TENSOR)
                if cls == "gModule" or cls == "Identity":
                    return None
                if cls == "Sequential":
                    last = ot.elem
                    if last is None and isinstance(e.obj, A.Name) and e.obj.sym is not None:
                        last = e.obj.sym.fields.get("<last added>")
                    if last is None or last.kind != "module" or not last.cls or \
                            last.cls in L.TABLE_OUTPUT_MODULES or last.cls.startswith("gModule") \
                            or last.cls in ("Sequential", "Identity", "Concat"):
                        return None
                    return TENSOR
                if not cls:
                    return None
                return TENSOR
            if m in ("backward", "updateGradInput"):
                cls = ot.cls or ""
                a0 = first(args[0]) if args else None
                if is_list(a0):
                    return Ty("list", elem=TENSOR)
                if cls and cls not in ("Sequential", "gModule", "Identity") and \
                        not cls.endswith("Table"):
                    return TENSOR
                return None
            return None
        if k == "obj" and m in L.OBJECT_SELF_METHODS.get(ot.cls, ()):
            return ot
        if k == "obj" and ot.cls == "torch.CmdLine" and m == "parse":
            return Ty("dict", fields={})   # the options, keyed by name (the library's dict)
        if k == "storage" and m == "size":
            return INT
        return None

    def binop(self, op, lt, rt):
        if op in ("==", "~=", "<", ">", "<=", ">="):
            return BOOL
        if op == "..":
            return STR
        if op in ("and", "or"):
            if lt is not None and rt is not None and lt.kind == rt.kind == "bool":
                return BOOL
            if op == "or":
                if lt is None or rt is None:
                    return None
                lt2 = Ty(lt.kind, lt.elem, lt.items, lt.fields, lt.cls, lt.ret, lt.func)
                return join(lt2, rt)
            return rt if lt is not None and lt.kind != "bool" else None
        if lt is not None and rt is not None and lt.kind == rt.kind == "tensor" and op == "*":
            return None   # tensor * tensor: a matrix product, or a number for two vectors
        if (lt is not None and lt.kind == "tensor") or (rt is not None and rt.kind == "tensor"):
            return TENSOR
        if lt is None or rt is None:
            return None
        if lt.kind in NUMERIC and rt.kind in NUMERIC:
            if op in ("+", "-", "*", "%") and lt.kind == rt.kind == "int":
                return INT
            return NUM
        return None


def infer(chunk):
    inf = Inference(chunk)
    inf.run()
    _settle_tables(chunk)
    return inf


def _settle_empty(node, expected, sym=None):
    """Mark empty table constructors ``{}`` as dicts where their place holds records."""
    if not isinstance(node, A.Table) or expected is None:
        return
    if sym is not None:   # {name = {}} with name used as a record: sym.name.x
        for it in node.items:
            if isinstance(it.key, A.String) and isinstance(it.value, A.Table) and \
                    not it.value.items and "field" in sym.path_uses.get(it.key.value, ()):
                it.value.settled = "dict"
    if not node.items:
        if expected.kind == "dict":
            node.settled = "dict"
        return
    for k, it in enumerate(i for i in node.items if i.key is None):
        sub = None
        if expected.kind == "list":
            sub = expected.elem
            if sub is None and expected.items and k < len(expected.items):
                sub = expected.items[k]
        _settle_empty(it.value, sub)
    for it in node.items:
        if isinstance(it.key, A.String) and expected.kind == "dict" and expected.fields:
            _settle_empty(it.value, expected.fields.get(it.key.value))


def _settle_tables(chunk):
    for n in chunk.bindings + chunk.tables:
        if isinstance(n, (A.Local, A.Assign)):
            targets = n.names if isinstance(n, A.Local) else n.targets
            for t, e in zip(targets, n.exprs):
                if isinstance(e, A.Table):
                    sym = getattr(t, "sym", None)
                    if sym is not None and sym.ty is not None and sym.ty.kind == "table":
                        uses = sym.index_use
                        if "field" in uses or "key" in uses:
                            e.settled = "dict"
                    expected = sym.ty if sym is not None else None
                    _settle_empty(e, expected if expected is not None else e.ty, sym)
                    _settle_empty(e, e.ty)
                elif isinstance(t, A.Index) and t.dot and isinstance(t.obj, A.Name) and \
                        isinstance(e, A.Table) and not e.items and t.obj.sym is not None and \
                        "field" in t.obj.sym.path_uses.get(t.key.value, ()):
                    e.settled = "dict"   # a.b = {} with a.b.x used later
        elif isinstance(n, A.Table) and n.items:
            _settle_empty(n, n.ty)
    _settle_table_syms(chunk)


def _settle_table_syms(chunk):
    for sym in chunk.symbols:
        if sym.ty is None or sym.ty.kind != "table":
            continue
        uses = sym.index_use
        if "field" in uses or "key" in uses:
            sym.ty = Ty("dict", fields={k: v for k, v in sym.fields.items()
                                        if k not in ("[]", "<last added>")})
        else:
            sym.ty = Ty("list", elem=sym.fields.get("[]"))
