"""Pass 2: scopes — resolve every name to a Symbol (local, parameter, global), find upvalues
that inner functions assign (→ ``nonlocal``/``global``), and give each symbol a Python name
that neither shadows another symbol still in view nor a name the emitted code relies on.
"""

import keyword

from . import luaast as A

# Names the emitted Python uses itself; a Lua local with one of these names is renamed.
RESERVED = set(keyword.kwlist) | {
    "print", "len", "range", "str", "int", "float", "list", "tuple", "max", "min", "abs",
    "enumerate", "getattr", "super", "format", "chr", "ord", "compat", "math", "sys", "os",
    "time", "gc", "torch", "nn", "optim", "nngraph", "args", "None", "True", "False",
    "torch_sys",
}
# Lua globals that are Lua's own library (never user globals).
LUA_BUILTINS = {
    "print", "type", "tostring", "tonumber", "pairs", "ipairs", "next", "select", "unpack",
    "require", "error", "assert", "pcall", "xpcall", "setmetatable", "getmetatable", "rawget",
    "rawset", "rawequal", "rawlen", "string", "table", "math", "os", "io", "arg", "_G",
    "collectgarbage", "dofile", "loadstring", "load", "loadfile", "module", "package", "debug",
    "coroutine", "bit", "jit", "_VERSION", "newproxy", "setfenv", "getfenv", "gcinfo",
}
LIBRARIES = ("torch", "nn", "optim", "nngraph", "paths", "gnuplot", "xlua", "image", "sys",
             "dp", "nnx", "rnn", "dpnn", "cunn", "cutorch", "cudnn")


class Symbol:
    __slots__ = (
        "_typed",
        "assign_count",
        "assigned_from",
        "block",
        "const_value",
        "decl",
        "fields",
        "func",
        "in_loop",
        "index_use",
        "kind",
        "name",
        "path_uses",
        "pyname",
        "refs",
        "ty",
    )

    def __init__(self, name, kind, func, block=None):
        self.name, self.kind, self.func, self.block = name, kind, func, block
        self.pyname = name
        self.ty = None
        self.assigned_from = set()   # functions (or None for main chunk) that assign it
        self.refs = 0
        self.index_use = set()       # how it is indexed: "int", "str", "len", "append", ...
        self.const_value = None
        self.fields = {}
        self.decl = None
        self.in_loop = False
        self._typed = False
        self.assign_count = 0
        self.path_uses = {}      # field name -> how sym.field is used ("field", "array")

    def __repr__(self):
        return f"<{self.kind} {self.name}->{self.pyname}>"


class FunctionScope:
    """What the emitter needs to know about one Python function (or the module)."""

    def __init__(self, node, parent):
        self.node, self.parent = node, parent
        self.locals = []          # symbols that are Python locals of this function
        self.free = set()         # symbols referenced here but owned by an enclosing scope
        self.nonlocal_ = set()    # pynames to declare nonlocal
        self.global_ = set()      # pynames to declare global
        self.loop_depth = 0


def make_pyname(name):
    if not name.isidentifier() or name in RESERVED:
        return name + "_"
    return name


class Resolver:
    def __init__(self, chunk):
        self.chunk = chunk
        self.globals = {}
        self.blocks = []            # stack of dicts name -> Symbol
        self.block_funcs = []       # the FunctionScope of each block on the stack
        self.block_pynames = []     # the Python names declared in each block on the stack
        self.funcs = []             # stack of FunctionScope
        self.module = FunctionScope(chunk, None)
        self.loop_locals = []       # stack of sets of symbols declared inside enclosing loops
        self.notes = []             # (line, reason) found here
        # collected during this walk for the later passes (so that they need not walk again)
        self.symbols = []           # every Symbol, locals and globals
        self.functions = []         # every Function node
        self.bindings = []          # Local, Assign and FuncDecl statements
        self.tables = []            # every Table constructor

    def run(self):
        self.funcs.append(self.module)
        self.chunk.scope = self.module
        self.block(self.chunk.body, new_scope=True)
        self.rename()
        self.chunk.symbols = self.symbols
        self.chunk.functions = self.functions
        self.chunk.bindings = self.bindings
        self.chunk.tables = self.tables
        return self.module

    # --- declarations ------------------------------------------------------------------
    def declare(self, name_node, kind="local"):
        fs = self.funcs[-1]
        sym = Symbol(name_node.name, kind, fs)
        self.symbols.append(sym)
        sym.decl = name_node
        name_node.sym = sym
        block = self.blocks[-1]
        base = make_pyname(sym.name)
        py, k = base, 2
        # a local hiding another one still in view (declared in an enclosing block of the
        # same function) needs its own Python name; one re-declared in the same block may
        # reuse the name, as the old one can no longer be reached
        while self._visible_pyname(py, block):
            py = f"{base}_{k}"
            k += 1
        sym.pyname = py
        block[sym.name] = sym
        self.block_pynames[-1].add(py)
        fs.locals.append(sym)
        if self.loop_locals:
            self.loop_locals[-1].add(sym)
            sym.in_loop = True
        return sym

    def _visible_pyname(self, py, current):
        fs = self.funcs[-1]
        for scope, owner, pynames in zip(reversed(self.blocks), reversed(self.block_funcs),
                                         reversed(self.block_pynames)):
            if owner is not fs:
                break
            if scope is current:
                continue
            if py in pynames:
                return True
        return False

    def lookup(self, name):
        for scope in reversed(self.blocks):
            if name in scope:
                return scope[name]
        sym = self.globals.get(name)
        if sym is None:
            sym = self.globals[name] = Symbol(name, "global", self.module)
            self.symbols.append(sym)
        return sym

    # --- walking -------------------------------------------------------------------------
    def block(self, block, new_scope=True, declare=()):
        if new_scope:
            self.blocks.append({})
            self.block_funcs.append(self.funcs[-1])
            self.block_pynames.append(set())
        for n in declare:
            self.declare(n, "param" if self.funcs[-1].node is not self.chunk else "local")
        for s in block.stmts:
            self.stmt(s)
        if new_scope:
            self.blocks.pop()
            self.block_funcs.pop()
            self.block_pynames.pop()

    def assign_to(self, sym):
        fs = self.funcs[-1]
        sym.assigned_from.add(fs)
        sym.assign_count += 1

    def stmt(self, s):
        t = type(s)
        if t is A.Local or t is A.Assign or t is A.FuncDecl:
            self.bindings.append(s)
        if t is A.Local:
            for e in s.exprs:
                self.expr(e)
            for i, n in enumerate(s.names):
                sym = self.declare(n)
                self.assign_to(sym)
                value = s.exprs[i] if i < len(s.exprs) else None
                if isinstance(value, A.UnOp) and value.op == "-" and isinstance(value.operand, A.Number):
                    sym.const_value = -value.operand.value
                elif isinstance(value, A.Number):
                    sym.const_value = value.value
        elif t is A.Assign:
            for e in s.exprs:
                self.expr(e)
            for target in s.targets:
                if isinstance(target, A.Name):
                    self.name(target, store=True)
                else:
                    self.expr(target)
        elif t is A.CallStat:
            self.expr(s.call)
        elif t is A.Do:
            self.block(s.body)
        elif t is A.While:
            self.expr(s.cond)
            self.loop(s.body)
        elif t is A.Repeat:
            # the condition sees the body's locals
            self.blocks.append({})
            self.block_funcs.append(self.funcs[-1])
            self.block_pynames.append(set())
            self.loop_locals.append(set())
            self.block(s.body, new_scope=False)
            self.expr(s.cond)
            self.loop_locals.pop()
            self.blocks.pop()
            self.block_funcs.pop()
            self.block_pynames.pop()
        elif t is A.If:
            for cond, body in s.clauses:
                self.expr(cond)
                self.block(body)
            if s.orelse is not None:
                self.block(s.orelse)
        elif t is A.NumFor:
            for e in (s.start, s.stop, s.step):
                if e is not None:
                    self.expr(e)
            self.loop(s.body, [s.var])
        elif t is A.GenFor:
            for e in s.exprs:
                self.expr(e)
            self.loop(s.body, s.names)
        elif t is A.FuncDecl:
            if s.is_local:
                sym = self.declare(s.target)
                self.assign_to(sym)
                self.function(s.func)
            else:
                if isinstance(s.target, A.Name):
                    self.name(s.target, store=True)
                else:
                    self.expr(s.target)
                self.function(s.func, method=s.is_method)
        elif t is A.Return:
            for e in s.exprs:
                self.expr(e)

    def loop(self, body, loop_vars=()):
        self.loop_locals.append(set())
        self.blocks.append({})
        self.block_funcs.append(self.funcs[-1])
        self.block_pynames.append(set())
        for n in loop_vars:
            self.declare(n)
            self.assign_to(n.sym)
        self.block(body, new_scope=False)
        self.blocks.pop()
        self.block_funcs.pop()
        self.block_pynames.pop()
        self.loop_locals.pop()

    def name(self, n, store=False):
        sym = self.lookup(n.name)
        n.sym = sym
        sym.refs += 1
        fs = self.funcs[-1]
        if sym.func is not fs:
            fs.free.add(sym)
        if store:
            self.assign_to(sym)

    def function(self, f, method=False):
        fs = FunctionScope(f, self.funcs[-1])
        f.scope = fs
        self.functions.append(f)
        self.funcs.append(fs)
        saved_loops = self.loop_locals
        captured_loop = set().union(*saved_loops) if saved_loops else set()
        self.loop_locals = []
        params = list(f.params)
        if method:
            f.self_param = A.Name(name="self", line=f.line)
            params.insert(0, f.self_param)
        self.block(f.body, declare=params)
        self.loop_locals = saved_loops
        self.funcs.pop()
        hit = sorted((s for s in fs.free if s in captured_loop), key=lambda s: s.pyname)
        if hit:
            # a closure created in a loop that captures a local of the iteration: Lua gives
            # each iteration its own variable, a Python closure would share one
            f.captures_loop_locals = hit

    def expr(self, e):
        t = type(e)
        if t is A.Name:
            self.name(e)
        elif t is A.Function:
            self.function(e)
        else:
            if t is A.Table:
                self.tables.append(e)
            for c in A.children(e):
                self.expr(c)

    # --- Python names ----------------------------------------------------------------------
    def rename(self):
        """Rename locals that would hide a name their function reads from outside, and work
        out the ``nonlocal``/``global`` declarations that upvalue writes need."""
        scopes = self._all_function_scopes()
        for sym in self.globals.values():
            sym.pyname = sym.name  # globals keep their names (they are the script's API)
        for fs in scopes:
            outer = {s.pyname for s in fs.free}
            if fs is self.module:
                outer |= {g.pyname for g in self.globals.values() if g.refs}
            else:
                outer |= {s.pyname for s in fs.free if s.kind == "global"}
            mine = {s.pyname for s in fs.locals}
            for sym in fs.locals:
                if sym.pyname in outer:
                    base, k = sym.pyname, 2
                    while f"{base}_{k}" in outer or f"{base}_{k}" in mine:
                        k += 1
                    sym.pyname = f"{base}_{k}"
                    mine.add(sym.pyname)
        for fs in scopes:
            for sym in fs.free:
                if fs in sym.assigned_from:
                    if sym.func is self.module:
                        fs.global_.add(sym.pyname)
                    else:
                        fs.nonlocal_.add(sym.pyname)
        for sym in self.globals.values():
            for fs in sym.assigned_from:
                if fs is not self.module:
                    fs.global_.add(sym.pyname)

    def _all_function_scopes(self):
        return [self.module] + [f.scope for f in self.functions]


def resolve(chunk):
    """Run the scope pass; returns the module's FunctionScope and the globals table."""
    r = Resolver(chunk)
    r.run()
    chunk.globals = r.globals
    return r
