"""Pass 6: the line map — which Lua line each line of the formatted Python came from.

The emitter ends every statement it writes with a marker comment ``# @lua:N`` (appended to a
comment that is already there). The formatter keeps a trailing comment on the last line of its
statement (or on a compound statement's header line), so after formatting each marker sits on
the line where its statement ends. This pass removes the markers and keeps {python line: lua
line} for those lines; a line inside a multi-line statement belongs to the next marker at or
after it (``Translation.lua_line``).
"""

import re

MARKER = "@lua:"
_MARK = re.compile(r"\s*(?:#\s*)?@lua:(\d+)\s*$")


def marker_comment(line, existing=""):
    """The trailing comment text for a statement from Lua line ``line``."""
    return f"# {existing}  {MARKER}{line}" if existing else f"# {MARKER}{line}"


def strip_markers(code):
    """(code without markers, {python line: lua line})."""
    out = []
    mapping = {}
    for i, line in enumerate(code.split("\n"), 1):
        if MARKER in line:
            m = _MARK.search(line)
            if m:
                mapping[i] = int(m.group(1))
                line = line[:m.start()].rstrip()
                if line.endswith("#"):
                    line = line[:-1].rstrip()
        out.append(line)
    return "\n".join(out), mapping
