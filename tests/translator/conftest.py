"""Make ``import translator`` the real package and ``translator_helpers`` importable, whether
this directory is collected as a package (``tests/translator/__init__.py``) or as a plain
directory named like the package it tests (then Python would take it for a namespace package
called ``translator``)."""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
_ROOT = str(Path(__file__).resolve().parents[2])
if _HERE not in sys.path:
    sys.path.append(_HERE)
if sys.path[0] != _ROOT:
    sys.path.insert(0, _ROOT)
if "translator" in sys.modules and getattr(sys.modules["translator"], "__file__", None) is None:
    del sys.modules["translator"]

from translator_helpers import th  # noqa: F401 - the fixture
