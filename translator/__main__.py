"""``python -m translator FILE [-o OUT] [--check] [--allow-todo]`` (same as ``luatorch translate``)."""

import sys

from .cli import main

sys.exit(main())
