"""``luatorch t7``: look into and export Torch7 serialized files without running anything.

    luatorch t7 inspect FILE.t7 [--format binary|ascii] [--depth N] [--all]
    luatorch t7 convert FILE.t7 OUT.npz [--format binary|ascii] [--params]

``inspect`` prints what the file holds: types, sizes, tables, and Torch objects as a tree of
their fields (objects of classes luatorch does not have are shown from their fields; Lua
functions are shown, never loaded or run). ``convert`` writes every tensor (or, with
``--params``, the parameters: weight, bias, running statistics) to a numpy ``.npz`` archive,
each named by its path in the object (``modules.1.weight``).
"""

import argparse
import os
import sys

import numpy as np

from .torch import classes, serialization
from .torch.file import FileError
from .torch.printing import lua_number_str
from .torch.serialization import LuaFunction, SerializationError, T7Object
from .torch.storage import Storage
from .torch.tensor import Tensor

PARAMETER_FIELDS = ("weight", "bias", "running_mean", "running_var", "running_std")
_MAX_ENTRIES = 20  # table entries shown per table without --all


def _import_libraries():
    """Register luatorch's nn/optim classes so that their objects load as themselves."""
    import importlib

    for name in ("luatorch.nn", "luatorch.optim"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def read_file(path, fmt=None):
    """The object in ``path``; unknown classes kept as records, functions kept inert."""
    _import_libraries()
    saved = serialization._function_loader
    serialization._function_loader = None  # even when the Lua bridge is loaded: never run code
    try:
        return serialization.load(path, fmt, allow_functions=True, unknown_classes="keep")
    finally:
        serialization._function_loader = saved


def _fields(obj):
    """(typename, field dict) of a Torch object other than tensors/storages, else None."""
    if isinstance(obj, T7Object):
        return obj.typename, obj.fields
    if isinstance(obj, classes.TorchObject) and not isinstance(obj, (Tensor, Storage)):
        return classes.typename(obj), dict(vars(obj))
    return None


def _entries(table):
    if isinstance(table, dict):
        return list(table.items())
    return [(i + 1, v) for i, v in enumerate(table)]


def _key_text(key):
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, (int, float)):
        return lua_number_str(key)
    return str(key)


def _tensor_text(t):
    if isinstance(t, Storage):
        return f"{t.__typename__} size {t.size()}"
    if not t._size:
        return f"{t.__typename__} empty"
    text = f"{t.__typename__} size {'x'.join(str(s) for s in t._size)}"
    if not t.isContiguous():
        text += f" stride {','.join(str(s) for s in t._stride)}"
    if t._offset:
        text += f" offset {t._offset + 1}"
    return text


def _value_text(v):
    if v is None:
        return "nil"
    if isinstance(v, bool):
        return "boolean " + ("true" if v else "false")
    if isinstance(v, (int, float)):
        return "number " + lua_number_str(v)
    if isinstance(v, bytes):
        return f"string ({len(v)} bytes, not UTF-8)"
    if isinstance(v, str):
        shown = v if len(v) <= 60 else v[:57] + "..."
        return "string " + repr(shown)
    if isinstance(v, LuaFunction):
        return f"Lua function ({len(v.bytecode)} bytes of bytecode, not run)"
    return classes.type_of(v)


def describe(obj, depth=8, show_all=False):
    """The tree of ``obj`` as text lines."""
    lines = []
    seen = {}  # id -> path of the first occurrence

    def visit(value, path, label, indent):
        pad = "  " * indent
        ident = id(value)
        shareable = isinstance(value, (list, dict, Tensor, Storage, T7Object, classes.TorchObject))
        if shareable and ident in seen:
            lines.append(f"{pad}{label}: (the same object as {seen[ident] or '<root>'})")
            return
        if shareable:
            seen[ident] = path
        if isinstance(value, (Tensor, Storage)):
            text = _tensor_text(value)
            storage = value._storage if isinstance(value, Tensor) else None
            if storage is not None and id(storage) in seen and seen[id(storage)] != path:
                text += f" (shares storage with {seen[id(storage)] or '<root>'})"
            elif storage is not None:
                seen.setdefault(id(storage), path)
            lines.append(f"{pad}{label}: {text}")
            return
        fields = _fields(value)
        if fields is not None:
            name, table = fields
            lines.append(f"{pad}{label}: {name}" + ("" if classes.find(name) else " (class not in luatorch)"))
            children = table
        elif isinstance(value, (list, dict)):
            kind = "array" if isinstance(value, list) else "table"
            lines.append(f"{pad}{label}: {kind} ({len(value)} entries)")
            children = value
        else:
            lines.append(f"{pad}{label}: {_value_text(value)}")
            return
        if indent >= depth:
            if children:
                lines.append(f"{pad}  ...")
            return
        entries = _entries(children)
        shown = entries if show_all else entries[:_MAX_ENTRIES]
        for key, child in shown:
            child_path = f"{path}.{_key_text(key)}" if path else _key_text(key)
            visit(child, child_path, _key_text(key), indent + 1)
        if len(shown) < len(entries):
            lines.append(f"{pad}  ... {len(entries) - len(shown)} more entries (--all shows them)")

    visit(obj, "", "<root>", 0)
    return lines


def module_tree(obj):
    """Lines of the nn module tree (containers' ``modules``), or [] if ``obj`` is no module."""
    fields = _fields(obj)
    if fields is None or not fields[0].startswith("nn."):
        return []
    lines = []

    def visit(module, label, indent):
        name, table = _fields(module) or (classes.type_of(module), {})
        shapes = [f"{k} {'x'.join(str(s) for s in table[k]._size)}" for k in PARAMETER_FIELDS
                  if isinstance(table.get(k), Tensor) and table[k]._size]
        lines.append("  " * indent + f"{label}{name}" + (f"  [{', '.join(shapes)}]" if shapes else ""))
        children = table.get("modules")
        if isinstance(children, (list, dict)):
            for key, child in _entries(children):
                if _fields(child) is not None:
                    visit(child, f"({_key_text(key)}) ", indent + 1)

    visit(obj, "", 0)
    return lines


def tensors_by_path(obj, params_only=False):
    """{path: numpy array} for every distinct non-empty tensor/storage reachable from ``obj``."""
    out = {}
    seen = set()

    def visit(value, path, key):
        if isinstance(value, Tensor):
            if id(value) in seen or not value._size:
                return
            seen.add(id(value))
            if not params_only or key in PARAMETER_FIELDS:
                out[path or "tensor"] = np.array(value._a)
            return
        if isinstance(value, Storage):
            if id(value) not in seen and value.size() and not params_only:
                seen.add(id(value))
                out[path or "storage"] = np.array(value.data)
            return
        if id(value) in seen:
            return
        fields = _fields(value)
        if fields is not None:
            children = fields[1]
        elif isinstance(value, (list, dict)):
            children = value
        else:
            return
        seen.add(id(value))
        for k, child in _entries(children):
            visit(child, f"{path}.{_key_text(k)}" if path else _key_text(k), k)

    visit(obj, "", None)
    return out


def _parser():
    p = argparse.ArgumentParser(prog="luatorch t7", description="Inspect or convert Torch7 .t7 files "
                                "(nothing in the file is run).")
    sub = p.add_subparsers(dest="command", required=True)
    ins = sub.add_parser("inspect", help="print what a .t7 file holds")
    ins.add_argument("file")
    ins.add_argument("--format", choices=["binary", "ascii"], help="default: recognised from the file")
    ins.add_argument("--depth", type=int, default=8, help="deepest level shown (default 8)")
    ins.add_argument("--all", action="store_true", help=f"show every table entry (default: {_MAX_ENTRIES})")
    conv = sub.add_parser("convert", help="export the tensors of a .t7 file to a numpy .npz archive")
    conv.add_argument("file")
    conv.add_argument("out")
    conv.add_argument("--format", choices=["binary", "ascii"], help="default: recognised from the file")
    conv.add_argument("--params", action="store_true",
                      help="only parameters (" + ", ".join(PARAMETER_FIELDS) + ")")
    return p


def main(argv=None):
    """Entry point of ``luatorch t7``; returns the exit status."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else list(argv))
    try:
        return _run(args)
    except BrokenPipeError:  # the reader (``| head``) stopped reading: not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _run(args):
    try:
        obj = read_file(args.file, args.format)
    except (SerializationError, FileError, OSError, ValueError) as e:
        print(f"luatorch t7: {e}", file=sys.stderr)
        return 1
    if args.command == "inspect":
        fmt = args.format or serialization._sniff_format(args.file)
        print(f"{args.file}: Torch7 {fmt} file, {os.path.getsize(args.file)} bytes")
        tree = module_tree(obj)
        if tree:
            print("module tree:")
            print("\n".join("  " + line for line in tree))
            print("content:")
        print("\n".join(describe(obj, args.depth, args.all)))
        return 0
    arrays = tensors_by_path(obj, args.params)
    if not arrays:
        print(f"luatorch t7: no {'parameters' if args.params else 'tensors'} in {args.file}", file=sys.stderr)
        return 1
    try:
        np.savez(args.out, **arrays)
    except OSError as e:
        print(f"luatorch t7: {e}", file=sys.stderr)
        return 1
    total = sum(a.nbytes for a in arrays.values())
    print(f"wrote {len(arrays)} arrays ({total} bytes) to {args.out}")
    for name, a in arrays.items():
        print(f"  {name}: {a.dtype} {'x'.join(str(s) for s in a.shape)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
