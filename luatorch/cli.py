"""Command line: ``th`` (a drop-in for Torch7's th) and ``luatorch run | repl | translate | t7``."""

import os
import sys

TH_HELP = """Usage: th [options] [script.lua [arguments]]

Options:
  -l name            load library name
  -e statement       execute statement
  -h,--help          print this help
  -i,--interactive   enter the REPL after executing a script
  --lua VERSION      Lua runtime: luajit (default), 5.1, 5.2, 5.3, 5.4
  --debug            show Python tracebacks in error messages"""

REPL_HELP = """luatorch's th REPL: type Lua; an expression's value is printed (a trailing ';' keeps it
quiet), an unfinished statement continues on the next line ('..>').
  ?            this help
  exit         leave (as does Ctrl-D)
  th --help    the command's options"""


def banner():
    """The REPL's opening lines: our name and version, and where help is."""
    from . import __version__

    return (f"luatorch {__version__}: Lua Torch7 scripts on a Python library\n"
            "Type ? for help, exit to leave.")


def _report(error, stream=None):
    """An uncaught Lua error, as luajit reports one: message, then the Lua traceback."""
    stream = stream or sys.stderr
    value = error.value
    if not isinstance(value, (str, int, float)) and not hasattr(type(value), "__tostring__"):
        # as lua.c reports an error value it cannot print
        kind = "table" if isinstance(value, (dict, list)) else "userdata"
        value = f"(error object is a {kind} value)"
    else:
        from .torch.printing import lua_tostring

        value = lua_tostring(value)
    stream.write("th: " + value + "\n")
    tb = (error.lua_traceback or "").strip("\n")
    if tb:
        stream.write(tb + "\n")
    stream.flush()


def parse_th_args(argv):
    """Parse th's options as trepl's th does: options before the script, the rest is arg."""
    opts = {"libs": [], "statement": None, "interactive": False, "script": None,
            "args": [], "lua": "luajit", "debug": False, "help": False, "error": None}
    i = 0
    while i < len(argv):
        a = argv[i]
        if opts["script"] is not None:
            opts["args"].append(a)
        elif a in ("-h", "--help"):
            opts["help"] = True
            return opts
        elif a in ("-i", "--interactive"):
            opts["interactive"] = True
        elif a == "--debug":
            opts["debug"] = True
        elif a == "-e":
            i += 1
            if i >= len(argv):
                opts["error"] = "-e needs a statement"
                return opts
            opts["statement"] = argv[i]
        elif a == "-l":
            i += 1
            if i >= len(argv):
                opts["error"] = "-l needs a library name"
                return opts
            opts["libs"].append(argv[i])
        elif a.startswith("-l") and len(a) > 2:
            opts["libs"].append(a[2:])
        elif a == "--lua" or a.startswith("--lua="):
            if a == "--lua":
                i += 1
                if i >= len(argv):
                    opts["error"] = "--lua needs a version"
                    return opts
                opts["lua"] = argv[i]
            else:
                opts["lua"] = a.split("=", 1)[1]
        elif a.startswith("-") and a != "-":
            opts["error"] = "unrecognized flag " + a
            return opts
        else:
            opts["script"] = a
        i += 1
    return opts


def run_th(argv, prog="th"):
    from .lua import LuaError, LuaSession

    opts = parse_th_args(argv)
    if opts["help"]:
        print(TH_HELP)
        return 0
    if opts["error"]:
        print("Error: " + opts["error"])
        print(TH_HELP)
        return 1
    try:
        session = LuaSession(lua=opts["lua"], debug=opts["debug"], argv0=prog)
    except ValueError as e:
        print("th: " + str(e), file=sys.stderr)
        return 1
    status = 0
    try:
        for lib in opts["libs"]:
            try:
                session.execute(f"require({lib!r})", "=(command line)")
            except LuaError as e:
                print(f"could not load {lib}, skipping")
                print(str(e))
        if opts["statement"] is not None:
            try:
                session.execute(opts["statement"], "=(command line)")
            except LuaError as e:
                _report(e)
                return 1
            if not opts["interactive"]:
                return 0  # as th: a statement ends the run unless -i asks for the REPL
        if opts["script"] is not None:
            try:
                session.run_file(opts["script"], opts["args"], argv0=prog)
            except LuaError as e:
                session.flush()
                _report(e)
                if not opts["interactive"]:
                    return 1
                status = 1
            if not opts["interactive"]:
                return status
        repl(session)
        return status
    finally:
        session.flush()
        if session._broken_pipe:
            # keep Python from complaining about the closed pipe at exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())


def repl(session, stdin=None, stdout=None):
    """trepl's loop: each line is printed as an expression if it is one (a trailing ';' keeps
    it quiet), else run as a statement; an incomplete statement asks for more lines."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = hasattr(stdin, "isatty") and stdin.isatty()
    history = None
    if interactive:
        try:
            import readline

            history = os.environ.get("TREPL_HISTORY") or os.path.join(os.path.expanduser("~"),
                                                                      ".luahistory")
            try:
                readline.read_history_file(history)
            except OSError:
                pass
        except ImportError:
            history = None
        stdout.write(banner() + "\n")
    buffer = ""
    while True:
        prompt = "..> " if buffer else "th> "
        try:
            if interactive:
                line = input(prompt)
            else:
                line = stdin.readline()
                if not line:
                    break
                line = line.rstrip("\n")
        except EOFError:
            stdout.write("\n")
            break
        except KeyboardInterrupt:
            stdout.write("\n")
            buffer = ""
            continue
        if not buffer and line.strip() in ("exit", "os.exit()"):
            break
        if not buffer and line.strip() == "?":
            stdout.write(REPL_HELP + "\n")
            continue
        source = buffer + "\n" + line if buffer else line
        status, message = _repl_step(session, source)
        if status == "incomplete":
            buffer = source
            continue
        buffer = ""
        if status == "error":
            session.flush()
            stdout.write(str(message) + "\n")
        session.flush()
        if history:
            try:
                import readline

                readline.write_history_file(history)
            except OSError:
                pass
    return 0


def _repl_step(session, source):
    r = session._P.repl_line(source)
    if type(r) is tuple:
        return r[0], (r[1] if len(r) > 1 else None)
    return r, None


def th_main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    return run_th(argv, prog=os.path.basename(sys.argv[0]) or "th")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    usage = ("usage: luatorch run SCRIPT.lua [args] | repl | translate ... | t7 ...\n"
             "  run        run a Lua Torch7 script (as th does; th's options are accepted)\n"
             "  repl       the th interactive interpreter\n"
             "  translate  translate a Lua script into Python\n"
             "  t7         inspect or convert Torch7 serialized files")
    if not argv or argv[0] in ("-h", "--help"):
        print(usage)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "run":
        return run_th(rest, prog="luatorch run")
    if command == "repl":
        return run_th(["-i"] + rest if "-i" not in rest else rest, prog="luatorch repl")
    if command == "translate":
        try:
            import libcst  # noqa: F401 - the translator's optional dependencies
            import tree_sitter_lua  # noqa: F401

            from translator.cli import main as translate_main
        except ModuleNotFoundError as e:
            print(f"luatorch translate: {e.name} is not installed; the translator needs its "
                  "extras: pip install 'luatorch[translate]'", file=sys.stderr)
            return 2
        return translate_main(rest)
    if command == "t7":
        from .t7tool import main as t7_main

        return t7_main(rest)
    print(f"luatorch: unknown command {command!r}\n" + usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
