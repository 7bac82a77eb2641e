"""This directory is named like the package it tests; without an ``__init__.py`` (the project's
test layout) Python would import it as a namespace package called ``translator``. Put the
repository root first on the path so that ``import translator`` is the real package."""

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if sys.path[0] != _ROOT:
    sys.path.insert(0, _ROOT)
if "translator" in sys.modules and getattr(sys.modules["translator"], "__file__", None) is None:
    del sys.modules["translator"]

from translator_helpers import th  # noqa: F401 - the fixture
