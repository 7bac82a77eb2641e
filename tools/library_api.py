"""Write translator/library_api.py: the library's classes as the translator asks about them
(how many arguments a constructor or method takes, which attributes a class has), read from
the library itself, so that translating does not import it.

    python tools/library_api.py           # rewrite translator/library_api.py
    python tools/library_api.py --check   # exit 1 if it is stale or answers unlike the library

Run it after adding or changing a class or a method signature of torch, nn, optim or nngraph
(tests/translator/test_library_api.py runs ``--check``). It runs in a fresh interpreter: classes
a Lua session defines at run time (``torch.class``) must not enter the table.
"""

import argparse
import importlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from translator import library as L

TARGET = REPO / "translator" / "library_api.py"
PACKAGES = ("torch", "nn", "optim", "nngraph")
HEADER = '''"""The library's classes, as the translator asks about them (library.py), without importing
the library. Written by tools/library_api.py from the library itself: do not edit; rerun it
when a class or a signature changes (tests/translator/test_library_api.py checks this file)."""

# Torch name -> (how many arguments its constructor takes at most, None: any number;
#                its library classes in Python's resolution order;
#                whether Python classes other than object are among its bases)
'''


def library_classes():
    """Torch name -> class, for every name ``library.library_class`` answers with a class."""
    from luatorch.torch import classes as registry

    modules = {p: importlib.import_module(f"luatorch.{p}") for p in PACKAGES}
    names = {f"{p}.{n}" for p, m in modules.items() for n in dir(m)}
    # names a package gives through its registry (nn.gModule, once nngraph is loaded)
    names |= {q for q in registry._registry if q.partition(".")[0] in PACKAGES}
    found = {}
    for q in sorted(names):
        cls = L.library_class(q)
        if cls is not None:
            found[q] = cls
    return found


def key(cls):
    return f"{cls.__module__.removeprefix('luatorch.')}.{cls.__qualname__}"


def is_library(cls):
    return cls.__module__.startswith("luatorch.")


def table(classes):
    """(CLASSES, ATTRIBUTES) as library_api.py holds them."""
    entries, attributes, owner = {}, {}, {}
    for q, cls in classes.items():
        if type(cls) is not type:
            raise SystemExit(f"{q}: a metaclass other than type; library.py's lookup assumes type")
        mro = [c for c in cls.__mro__ if is_library(c)]
        if cls.__mro__[:len(mro)] != tuple(mro):
            raise SystemExit(f"{q}: a Python class comes before a library class in its MRO")
        python_bases = any(c is not object for c in cls.__mro__[len(mro):])
        entries[q] = (L.signature_limit(cls), tuple(key(c) for c in mro), python_bases)
        for c in mro:
            k = key(c)
            if owner.setdefault(k, c) is not c:
                raise SystemExit(f"two library classes named {k}")
            if k not in attributes:
                attributes[k] = {a: L.signature_limit(c, a) for a in sorted(vars(c))}
    return entries, dict(sorted(attributes.items()))


def source(classes):
    entries, attributes = table(classes)
    out = [HEADER, "CLASSES = {\n"]
    for q, (limit, mro, python_bases) in entries.items():
        out.append(f"    {q!r}: ({limit!r}, {mro!r}, {python_bases!r}),\n")
    out.append("}\n\n# library class -> {attribute in its own body: positional limit (None: any number,"
               " or not a method)}\nATTRIBUTES = {\n")
    for k, attrs in attributes.items():
        out.append(f"    {k!r}: {{\n")
        out.extend(f"        {a!r}: {v!r},\n" for a, v in attrs.items())
        out.append("    },\n")
    out.append("}\n")
    return "".join(out)


def mismatches(classes):
    """Questions that the table (library.py's lookup) answers unlike the library itself."""
    probes = {"noSuchMethod", "__init", "__typename"}
    wrong = []
    for q, cls in classes.items():
        if L.positional_limit(q) != L.signature_limit(cls):
            wrong.append(f"{q}: constructor")
        for a in sorted(set(dir(cls)) | set(dir(type)) | probes):
            if L.positional_limit(q, a) != L.signature_limit(cls, a):
                wrong.append(f"{q}.{a}: {L.positional_limit(q, a)} != {L.signature_limit(cls, a)}")
            if q == "torch.Tensor" and a not in ("__init", "__typename") and \
                    L.tensor_has_field(a) != hasattr(cls, a):
                wrong.append(f"tensor field {a}")
    for q in ("nn.NoSuchModule", "torch.manualSeed", "optim.sgd", "graph.Node", "nn"):
        if L.positional_limit(q) is not None:
            wrong.append(f"{q}: not a library class, yet a limit")
    return wrong


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    classes = library_classes()
    text = source(classes)
    if not args.check:
        TARGET.write_text(text)
        print(f"wrote {TARGET} ({len(classes)} classes)")
        return 0
    problems = []
    if TARGET.read_text() != text:
        problems.append(f"{TARGET} is stale: run python tools/library_api.py")
    else:
        problems += mismatches(classes)
    for p in problems[:40]:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
