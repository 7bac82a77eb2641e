"""Pass 1: parse Lua with tree-sitter-lua and lower the concrete tree to ``luaast`` nodes.

Comments are collected separately (with their lines) so that the emitter can put them back
at their lines; blank lines are recorded so that paragraphs survive translation.
"""

import re
import typing

import tree_sitter
import tree_sitter_lua

from . import luaast as A

_LANGUAGE = tree_sitter.Language(tree_sitter_lua.language())
_PARSER = tree_sitter.Parser(_LANGUAGE)
_COMMENTS = tree_sitter.Query(_LANGUAGE, "(comment) @comment")


class LuaSyntaxError(Exception):
    """A syntax error in the Lua source, located as file:line:column."""

    def __init__(self, filename, line, column, text, what="syntax error"):
        self.filename, self.line, self.column, self.text = filename, line, column, text
        super().__init__(f"{filename}:{line}:{column}: {what} near {text!r}")


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
            "\\": "\\", '"': '"', "'": "'", "\n": "\n"}


def decode_escape(seq):
    """The character(s) a Lua escape sequence such as ``\\n``, ``\\065``, ``\\x41`` stands for."""
    body = seq[1:]
    if body in _ESCAPES:
        return _ESCAPES[body]
    if body[:1].isdigit():
        return chr(int(body))
    if body[:1] == "x":
        return chr(int(body[1:], 16))
    if body[:1] == "z":
        return ""
    if body[:2] == "u{":
        return chr(int(body[2:-1], 16))
    if body[:1] == "\r":
        return "\n"
    return body


_NUMBER_RE = re.compile(r"^(0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*(?:[pP][+-]?\d+)?|"
                        r"\d*\.?\d*(?:[eE][+-]?\d+)?)$")


def number_value(text):
    """A Lua numeral as Python int (when integral and written without a point/exponent) or float."""
    t = text.rstrip("LlUuIi")  # LuaJIT's 64-bit integer suffixes (ULL, LL) and imaginary (i)
    if t[:2].lower() == "0x":
        if "." in t or "p" in t.lower():
            return float.fromhex(t)
        return int(t, 16)
    if "." in t or "e" in t.lower():
        return float(t)
    value = int(t)
    return value if abs(value) <= 2 ** 53 else float(value)


class Lowering:
    def __init__(self, source_bytes, filename):
        self.src = source_bytes
        self.filename = filename
        self.comments = []

    # --- helpers ---------------------------------------------------------------------------
    def text(self, node):
        return self.src[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def pos(self, node):
        return {"line": node.start_point[0] + 1, "end_line": node.end_point[0] + 1}

    def named(self, node):
        """Named children except comments (collected for the whole tree by ``all_comments``)."""
        return [c for c in node.named_children if c.type != "comment"]

    def all_comments(self, root):
        """Every comment in the file, wherever the grammar hangs it, in source order."""
        found = tree_sitter.QueryCursor(_COMMENTS).captures(root).get("comment", [])
        for c in sorted(found, key=lambda n: n.start_byte):
            self.comment(c)

    def comment(self, node):
        content = node.child_by_field_name("content")
        text = self.text(content) if content is not None else ""
        start = node.child_by_field_name("start")
        block = start is not None and self.text(start).startswith("--[")
        # a comment is on its own line when only whitespace precedes it on that line
        line_start = self.src.rfind(b"\n", 0, node.start_byte) + 1
        own_line = not self.src[line_start:node.start_byte].strip()
        self.comments.append(A.Comment(text=text, block=block, own_line=own_line, **self.pos(node)))

    # --- statements ------------------------------------------------------------------------
    def chunk(self, root):
        hashbang = None
        stmts = []
        for c in root.named_children:
            if c.type == "hash_bang_line":
                hashbang = self.text(c)
            elif c.type != "comment":
                stmts.extend(self.statement(c))
        body = A.Block(stmts=stmts, line=1)
        self.all_comments(root)
        return A.Chunk(body=body, comments=self.comments, hashbang=hashbang, line=1)

    def block(self, node):
        if node is None:
            return A.Block(stmts=[])
        stmts = []
        for c in self.named(node):
            stmts.extend(self.statement(c))
        return A.Block(stmts=stmts, **self.pos(node))

    def statement(self, n):
        t = n.type
        p = self.pos(n)
        if t == "variable_declaration":
            inner = self.named(n)[0]
            if inner.type == "assignment_statement":
                names, attribs = self.variable_list(self.named(inner)[0])
                exprs = self.expression_list(self.named(inner)[1])
            else:  # local a, b  (no values)
                names, attribs = self.variable_list(inner)
                exprs = []
            return [A.Local(names=names, exprs=exprs, attribs=attribs, **p)]
        if t == "assignment_statement":
            lhs, rhs = self.named(n)[:2]
            targets = [self.expr(c) for c in self.named(lhs) if c.type != "attribute"]
            return [A.Assign(targets=targets, exprs=self.expression_list(rhs), **p)]
        if t == "function_call":
            return [A.CallStat(call=self.expr(n), **p)]
        if t == "do_statement":
            return [A.Do(body=self.block(n.child_by_field_name("body")), **p)]
        if t == "while_statement":
            return [A.While(cond=self.expr(n.child_by_field_name("condition")),
                            body=self.block(n.child_by_field_name("body")), **p)]
        if t == "repeat_statement":
            return [A.Repeat(body=self.block(n.child_by_field_name("body")),
                             cond=self.expr(n.child_by_field_name("condition")), **p)]
        if t == "if_statement":
            clauses = [(self.expr(n.child_by_field_name("condition")),
                        self.block(n.child_by_field_name("consequence")))]
            orelse = None
            for alt in n.children_by_field_name("alternative"):
                if alt.type == "elseif_statement":
                    clauses.append((self.expr(alt.child_by_field_name("condition")),
                                    self.block(alt.child_by_field_name("consequence"))))
                else:
                    orelse = self.block(alt.child_by_field_name("body"))
                    orelse.else_line = alt.start_point[0] + 1
            return [A.If(clauses=clauses, orelse=orelse, **p)]
        if t == "for_statement":
            clause = n.child_by_field_name("clause")
            body = self.block(n.child_by_field_name("body"))
            if clause.type == "for_numeric_clause":
                step = clause.child_by_field_name("step")
                return [A.NumFor(var=self.name(clause.child_by_field_name("name")),
                                 start=self.expr(clause.child_by_field_name("start")),
                                 stop=self.expr(clause.child_by_field_name("end")),
                                 step=self.expr(step) if step is not None else None,
                                 body=body, **p)]
            vl, el = self.named(clause)[:2]
            names, _ = self.variable_list(vl)
            return [A.GenFor(names=names, exprs=self.expression_list(el), body=body, **p)]
        if t == "function_declaration":
            is_local = n.children[0].type == "local"
            target = self.expr(n.child_by_field_name("name"))
            is_method = isinstance(target, A.MethodCall)
            if is_method:  # a:b  in a declaration is a method name, not a call
                target = A.Index(obj=target.obj, key=A.String(value=target.method), dot=True,
                                 line=target.line)
            func = self.function(n, name=target)
            return [A.FuncDecl(target=target, is_local=is_local, is_method=is_method, func=func,
                               **p)]
        if t == "return_statement":
            el = self.named(n)
            return [A.Return(exprs=self.expression_list(el[0]) if el else [], **p)]
        if t == "break_statement":
            return [A.Break(**p)]
        if t == "goto_statement":
            return [A.Goto(label=self.text(self.named(n)[0]), **p)]
        if t == "label_statement":
            return [A.Label(label=self.text(self.named(n)[0]), **p)]
        if t == "empty_statement":
            return []
        raise LuaSyntaxError(self.filename, p["line"], n.start_point[1] + 1, self.text(n)[:40],
                             f"unsupported statement {t}")

    def variable_list(self, node):
        names, attribs = [], []
        for c in self.named(node):
            if c.type == "attribute":
                attribs[-1] = self.text(c).strip("<> ")
            else:
                names.append(self.name(c))
                attribs.append(None)
        return names, attribs

    def expression_list(self, node):
        return [self.expr(c) for c in self.named(node)]

    def name(self, node):
        return A.Name(name=self.text(node), **self.pos(node))

    def function(self, node, name=None):
        params, vararg = [], False
        pnode = node.child_by_field_name("parameters")
        for c in self.named(pnode):
            if c.type == "vararg_expression":
                vararg = True
            else:
                params.append(self.name(c))
        return A.Function(params=params, vararg=vararg, name=name,
                          body=self.block(node.child_by_field_name("body")), **self.pos(node))

    # --- expressions -----------------------------------------------------------------------
    def expr(self, n):
        lower = self._EXPR.get(n.type)
        if lower is None:
            raise LuaSyntaxError(self.filename, n.start_point[0] + 1, n.start_point[1] + 1,
                                 self.text(n)[:40], f"unsupported expression {n.type}")
        return lower(self, n)

    # one small lowering per expression type, dispatched by ``_EXPR``
    def _identifier(self, n):
        return A.Name(name=self.text(n), line=n.start_point[0] + 1)

    def _number(self, n):
        text = self.text(n)
        return A.Number(text=text, value=number_value(text), line=n.start_point[0] + 1)

    def _string(self, n):
        return A.String(value=self.string_value(n), line=n.start_point[0] + 1)

    def _nil(self, n):
        return A.Nil(line=n.start_point[0] + 1)

    def _true(self, n):
        return A.Bool(value=True, line=n.start_point[0] + 1)

    def _false(self, n):
        return A.Bool(value=False, line=n.start_point[0] + 1)

    def _vararg(self, n):
        return A.Vararg(line=n.start_point[0] + 1)

    def _paren(self, n):
        return A.Paren(expr=self.expr(self.named(n)[0]), **self.pos(n))

    def _dot_index(self, n):
        return A.Index(obj=self.expr(n.child_by_field_name("table")),
                       key=A.String(value=self.text(n.child_by_field_name("field"))), dot=True,
                       line=n.start_point[0] + 1)

    def _bracket_index(self, n):
        return A.Index(obj=self.expr(n.child_by_field_name("table")),
                       key=self.expr(n.child_by_field_name("field")), dot=False,
                       line=n.start_point[0] + 1)

    def _method_index(self, n):  # only reached for declarations (a:b); calls lower below
        return A.MethodCall(obj=self.expr(n.child_by_field_name("table")),
                            method=self.text(n.child_by_field_name("method")), args=[],
                            line=n.start_point[0] + 1)

    def _function_call(self, n):
        callee = n.child_by_field_name("name")
        args = self.arguments(n.child_by_field_name("arguments"))
        p = self.pos(n)
        if callee.type == "method_index_expression":
            return A.MethodCall(obj=self.expr(callee.child_by_field_name("table")),
                                method=self.text(callee.child_by_field_name("method")),
                                args=args, **p)
        return A.Call(func=self.expr(callee), args=args, **p)

    def _function_definition(self, n):
        return self.function(n)

    def _binary(self, n):
        return A.BinOp(op=self.text(n.child_by_field_name("operator")),
                       left=self.expr(n.child_by_field_name("left")),
                       right=self.expr(n.child_by_field_name("right")), line=n.start_point[0] + 1)

    def _unary(self, n):
        return A.UnOp(op=self.text(n.child_by_field_name("operator")),
                      operand=self.expr(n.child_by_field_name("operand")), line=n.start_point[0] + 1)

    def _table(self, n):
        items = []
        for f in self.named(n):
            value = self.expr(f.child_by_field_name("value"))
            key_node = f.child_by_field_name("name")
            if key_node is None:
                key = None
            elif f.children[0].type == "[":
                key = self.expr(key_node)
            else:
                key = A.String(value=self.text(key_node), line=key_node.start_point[0] + 1)
            items.append(A.TableItem(key=key, value=value, line=f.start_point[0] + 1))
        return A.Table(items=items, **self.pos(n))

    _EXPR: typing.ClassVar[dict] = {
        "identifier": _identifier, "number": _number, "string": _string, "nil": _nil,
        "true": _true, "false": _false, "vararg_expression": _vararg,
        "parenthesized_expression": _paren, "dot_index_expression": _dot_index,
        "bracket_index_expression": _bracket_index, "method_index_expression": _method_index,
        "function_call": _function_call, "function_definition": _function_definition,
        "binary_expression": _binary, "unary_expression": _unary,
        "table_constructor": _table,
    }

    def arguments(self, node):
        return [self.expr(c) for c in self.named(node)]

    def string_value(self, n):
        start = n.child_by_field_name("start")
        content = n.child_by_field_name("content")
        if content is None:
            return ""
        opener = self.text(start)
        if opener.startswith("["):
            text = self.text(content)
            # Lua drops a newline that directly follows the opening long bracket
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            return text
        parts = []
        pos = content.start_byte
        for esc in content.named_children:
            if esc.type != "escape_sequence":
                continue
            parts.append(self.src[pos:esc.start_byte].decode("utf-8", "replace"))
            parts.append(decode_escape(self.text(esc)))
            pos = esc.end_byte
        parts.append(self.src[pos:content.end_byte].decode("utf-8", "replace"))
        return "".join(parts)


def first_error(node):
    """The first ERROR or MISSING node in document order, or None."""
    if not node.has_error:
        return None
    for c in node.children:
        if c.is_error or c.is_missing:
            return c
        if c.has_error:
            found = first_error(c)
            if found is not None:
                return found
    return node


def parse(source, filename="<stdin>"):
    """Parse Lua source text into a ``luaast.Chunk``; raise LuaSyntaxError on bad syntax."""
    src = source.encode("utf-8") if isinstance(source, str) else source
    tree = _PARSER.parse(src)
    bad = first_error(tree.root_node)
    if bad is not None:
        line, col = bad.start_point[0] + 1, bad.start_point[1] + 1
        if bad.is_missing:
            raise LuaSyntaxError(filename, line, col, bad.type, f"'{bad.type}' expected")
        text = src[bad.start_byte:bad.end_byte].decode("utf-8", "replace").split("\n")[0][:40]
        raise LuaSyntaxError(filename, line, col, text or "<eof>")
    lowering = Lowering(src, filename)
    chunk = lowering.chunk(tree.root_node)
    lines = src.decode("utf-8", "replace").split("\n")
    chunk.source_lines = lines
    chunk.blank_lines = {i + 1 for i, l in enumerate(lines) if not l.strip()}
    return chunk
