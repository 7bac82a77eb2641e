"""Field tests: Torch7 programs written in the style of widely used tutorials and repositories
(tests/programs/*.lua) run under `th` and, translated by `luatorch translate`, under Python.

Each program must succeed both ways and print the same text, and its output must show the
meaning of what it did (losses fall, gradients check, shared storages stay shared). The facts
below were derived from the programs themselves (e.g. 12 batches x 4 epochs = 48 sgd steps),
not copied from a run. A known bug owned by another part of the project is an xfail(strict)
case, so that it reports itself once fixed.
"""
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TH = Path(sys.executable).with_name("th")
LUATORCH = Path(sys.executable).with_name("luatorch")
TIMEOUT = 120


def normalised(text):
    """Lines with runs of whitespace made one space (print separates with tabs), blanks dropped."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


# A traceback names the running file: the Lua script under th, its translation under Python.
SOURCE_POSITION = re.compile(r"\S+\.(?:lua|py):\d+")


def positions_masked(lines):
    return [SOURCE_POSITION.sub("<file>:<line>", line) for line in lines]


def run(cmd, cwd):
    proc = subprocess.run([str(c) for c in cmd], check=False, cwd=cwd, capture_output=True, text=True,
                          timeout=TIMEOUT)
    return proc


def has_lines(output, *expected):
    lines = normalised(output)
    missing = [e for e in expected if e not in lines]
    assert not missing, f"missing lines {missing} in:\n{output}"


def number_after(output, label):
    for line in normalised(output):
        if line.startswith(label + " "):
            return float(line[len(label) + 1:].split()[0])
    raise AssertionError(f"no line starting with {label!r} in:\n{output}")


# ---------------------------------------------------------------- what each program must show

def facts_blitz(out):
    has_lines(out, "sum matches true", "mm size 5 5", "4 5 6", "10 1",
              "(1): nn.SpatialConvolution(1 -> 4, 5x5)", "(6): nn.View(128)",
              "output dim 1 2", "gradInput size 1 16 16", "normalised mean ~0 true",
              "# StochasticGradient: training", "loss fell true")
    # the classes differ by a bright 6x6 corner: a trained convnet separates them
    assert number_after(out, "accuracy") >= 0.9


def facts_char_lstm(out):
    has_lines(out, "options: rnn_size=16 seq_length=6", "vocab size 9",
              "clones share storage true", "loss fell true", "adam step count 40",
              "reloaded vocab h 1 rnn_size 16", "reloaded model agrees true")
    # 4*16*(16+16) + 2*4*16 LSTM gates, 16*9 + 9 projection, 9*16 embedding
    assert number_after(out, "number of parameters") == 4 * 16 * 32 + 2 * 64 + 16 * 9 + 9 + 9 * 16
    losses = [float(m) for m in re.findall(r"loss = ([\d.]+)", out)]
    assert len(losses) == 4 and losses == sorted(losses, reverse=True)
    # after 'h' the text continues 'ello world. ' (periodic): a trained model continues it
    assert "sample: ello world" in out


def facts_mlp_optim(out):
    has_lines(out, "loss fell true", "final train accuracy above 0.8 true",
              "deterministic in evaluate mode true", "state step count 48")
    assert number_after(out, "parameters") == 2 * 16 + 16 + 16 * 3 + 3
    rows = re.findall(r"\[\s*(\d+)\s+(\d+)\s+(\d+)\]", out)
    assert len(rows) == 3 and all(sum(map(int, r)) == 40 for r in rows), out
    epochs = [float(m) for m in re.findall(r"epoch \d: mean loss ([\d.]+)", out)]
    assert len(epochs) == 4 and epochs[-1] < epochs[0]


def facts_custom_module(out):
    has_lines(out, "nn.MySquare true", "1", "4", "9", "2", "-4", "6", "nn.MyScale(5)",
              "MySquare jacobian ok true", "MyScale jacobian ok true",
              "MyScale weight jacobian ok true", "MyScale bias jacobian ok true",
              "MyScale batch jacobian ok true", "MyScale update ok true",
              "(2): nn.MyScale(5)", "(3): nn.MySquare", "net jacobian ok true",
              "nn.MyBroken true", "broken module detected true", "nn.MyScale true",
              "shared weight 1 5")


def facts_unit_tests(out):
    has_lines(out, "Running 6 tests", "Completed 18 asserts in 6 tests with 0 failures and 0 errors",
              "all passed true", "Completed 1 assert in 1 test with 1 failure and 0 errors",
              "one is not two", "EQ failed: 1 ~= 2", "failing suite reported true")


def facts_data_loading(out):
    has_lines(out, "made dir true", "basename iris_like.csv extname csv", "dirname ok true",
              "file exists true", "columns: sepal_length | sepal_width | petal_length | label",
              "rows 30", "class counts 10 10 10", "column means ~0 true", "column stds ~1 true",
              "split 24 6 24", "split keeps all labels true",
              "brown dog fox jumps lazy over quick the the", "the appears 2 times",
              "3.14|ab |007", "x,x,x HELLO hello 5", "reloaded equal true true label",
              "files: data.t7, iris_like.csv", "cleaned up true")
    assert "0.9000\n 0.5000\n 0.3000\n 0.1000" in out  # sorted descending
    assert " 2\n 4\n 1\n 3\n[torch.LongTensor of size 4]" in out  # and the order


def facts_types(out):
    has_lines(out, "torch.DoubleTensor torch.FloatTensor torch.LongTensor",
              "[torch.IntTensor of size 3]", "256", "torch.IntTensor true",
              "float close to double true", "byte from comparison torch.ByteTensor",
              "torch.FloatTensor float result close true", "double again equal true",
              "3 0.01 run-1 true 3 0.25", "nn.Sequential 3 true", "views stay shared 7 7 2",
              "clearState emptied output 0", "ascii round trip true run-1",
              "nn.Linear true string", "40 true", "same type is the same tensor true",
              "converted copy is independent 1")


def facts_nngraph_mlp(out):
    has_lines(out, "nn.gModule", "2 6 3", "2 2", "graph jacobian ok true",
              "loss fell by 5x true", "h1 output size 8", "clone agrees true",
              "clone shares weights true")
    # Linear(3,8) + Linear(8,8) + Linear(8,1) + Linear(3,1)
    assert number_after(out, "parameters") == 32 + 72 + 9 + 4


def facts_dcgan(out):
    has_lines(out, "(1): nn.SpatialFullConvolution(8 -> 8, 4x4) without bias",
              "(2): nn.SpatialBatchNormalization (4D) (8)", "(2): nn.LeakyReLU(0.2)",
              "(1): nn.SpatialConvolution(1 -> 4, 4x4, 2,2, 1,1) without bias",
              "conv bias removed true true", "adam steps 12 12", "losses finite true",
              "sample size 2 1 8 8", "tanh range true", "reloaded generator agrees true")
    # D: 1*4*4*4 + 4*1*4*4 weights; G: 8*8*4*4 + BN 2*8 + 8*1*4*4 (convolutions without bias)
    has_lines(out, f"params D {16 * 4 + 4 * 16} params G {8 * 8 * 16 + 16 + 8 * 16}")
    # the discriminator starts near chance: BCE(real) + BCE(fake) near 2 ln 2
    d_losses = [float(m) for m in re.findall(r"Loss_D: ([\d.]+)", out)]
    assert len(d_losses) == 3 and all(abs(d - 2 * 0.6931) < 0.2 for d in d_losses)


def facts_siamese_text(out):
    has_lines(out, "encoded 12 5 true", "(1): nn.LookupTable", "(2): nn.TemporalConvolution",
              "(4): nn.Max", "classifier learned true", "train accuracy 1",
              "siamese loss fell true", "twin still shares weights true true",
              "same pairs closer than different pairs true")
    # LookupTable 10x6 + TemporalConvolution 6*2 -> 8 with bias; the twin adds none
    n = 10 * 6 + 6 * 2 * 8 + 8
    has_lines(out, f"shared parameter count {n} encoder alone {n}")


def facts_linear_regression(out):
    has_lines(out, "sgd improved true", "lbfgs fits the noise level true", "id truth prediction")
    # the data were made as 40 + 0.5 * fertilizer - 0.25 * insecticide + N(0, 0.05)
    bias, w1, w2 = map(float, re.search(
        r"learned: ([-\d.]+) \+ ([-\d.]+) \* fertilizer \+ ([-\d.]+) \* insecticide",
        out).groups())
    assert abs(bias - 40) < 0.1 and abs(w1 - 0.5) < 0.02 and abs(w2 + 0.25) < 0.02
    rows = re.findall(r"^ ?\d+\s+([\d.]+)\s+([\d.]+)\s*$", out, re.MULTILINE)
    assert len(rows) == 4
    assert all(abs(float(truth) - float(pred)) < 0.2 for truth, pred in rows)


def facts_vae(out):
    has_lines(out, "nn.gModule nn.Identity", "nn.KLDCriterion true", "KLD gradient check true",
              "loss fell true", "reconstruction in (0,1) true", "latent size 40 2")
    # encoder 12->10 and two 10->2 heads, decoder 2->10->12 (all with bias)
    assert number_after(out, "parameters") == 130 + 2 * 22 + 30 + 132


def facts_mlp_float(out):
    facts_mlp_optim(out)
    has_lines(out, "data 120 x 2 torch.FloatTensor torch.LongTensor",
              "parameters 99 torch.FloatTensor")


def xfail(reason):
    return pytest.mark.xfail(strict=True, reason=reason)


# name, script, args, facts, lines in a fixed order?, marks on the translation test
PROGRAMS = [
    ("blitz", "blitz.lua", [], facts_blitz, True, []),
    ("char_lstm", "char_lstm.lua", [], facts_char_lstm, True, []),
    ("mlp_optim", "mlp_optim.lua", [], facts_mlp_optim, True, []),
    ("mlp_optim_float", "mlp_optim.lua", ["-type", "float"], facts_mlp_float, True, []),
    ("custom_module", "custom_module.lua", [], facts_custom_module, True, []),
    # Torch7's Tester runs a suite in `pairs` order, so its lines are compared as a set
    ("unit_tests", "unit_tests.lua", [], facts_unit_tests, False,
     []),
    ("data_loading", "data_loading.lua", [], facts_data_loading, True, []),
    ("types_and_checkpoints", "types_and_checkpoints.lua", [], facts_types, True, []),
    ("dcgan", "dcgan.lua", [], facts_dcgan, True, []),
    ("siamese_text", "siamese_text.lua", [], facts_siamese_text, True, []),
    ("linear_regression", "linear_regression.lua", [], facts_linear_regression, True, []),
    ("vae", "vae.lua", [], facts_vae, True, []),
    ("nngraph_mlp", "nngraph_mlp.lua", [], facts_nngraph_mlp, True, []),
]

_th_outputs = {}


def th_output(name, script, args, tmp_path_factory):
    if name not in _th_outputs:
        proc = run([TH, HERE / script, *args], tmp_path_factory.mktemp(name))
        _th_outputs[name] = proc
    return _th_outputs[name]


@pytest.mark.parametrize("name,script,args,facts,ordered",
                         [p[:5] for p in PROGRAMS], ids=[p[0] for p in PROGRAMS])
def test_program_under_th(name, script, args, facts, ordered, tmp_path_factory):
    proc = th_output(name, script, args, tmp_path_factory)
    assert proc.returncode == 0, proc.stderr
    facts(proc.stdout)


@pytest.mark.parametrize("name,script,args,facts,ordered",
                         [pytest.param(*p[:5], marks=p[5], id=p[0]) for p in PROGRAMS])
def test_program_translated(name, script, args, facts, ordered, tmp_path_factory):
    expected = th_output(name, script, args, tmp_path_factory)
    assert expected.returncode == 0, expected.stderr
    workdir = tmp_path_factory.mktemp(name + "_py")
    python_file = workdir / (Path(script).stem + ".py")
    translated = run([LUATORCH, "translate", HERE / script, "-o", python_file], workdir)
    assert translated.returncode == 0, translated.stdout + translated.stderr
    got = run([sys.executable, python_file, *args], workdir)
    assert got.returncode == 0, got.stderr
    got_lines = positions_masked(normalised(got.stdout))
    expected_lines = positions_masked(normalised(expected.stdout))
    if ordered:
        assert got_lines == expected_lines
    else:
        assert sorted(got_lines) == sorted(expected_lines)
    facts(got.stdout)


# ------------------------------------------------- bugs met while writing the programs, in small

SNIPPETS = [
    ("paths_rmdir",
     ("local d = os.tmpname(); os.remove(d); paths.mkdir(d); print(paths.dirp(d))\n"
      "print(paths.rmdir(d)); print(paths.dirp(d))"),
     "true\ntrue\nfalse",
     []),  # paths.rmdir was missing from the bridge; added since
    ("cmdline_log",
     ("local cmd = torch.CmdLine()\nlocal name = os.tmpname()\ncmd:log(name, {})\n"
      "print('logged', 1)\nio.write('not logged\\n')\n"
      "local f = io.open(name); local s = f:read('*a'); f:close(); os.remove(name)\n"
      "print(s:find('logged 1 \\n', 1, true) ~= nil, s:find('not logged', 1, true) ~= nil)"),
     # CmdLine.lua replaces the global print: print goes to stdout and the file, io.write
     # only to stdout; the file's lines are the values joined by ' ' plus ' \n'
     "[command line arguments]\n[----------------------]\nlogged 1\nnot logged\ntrue false",
     []),  # was broken under th (print doubled, nothing logged); fixed by the bridge
    ("tensor_dot_new",
     "local x = torch.FloatTensor(2)\nlocal y = x.new()\nprint(torch.type(y), y:dim())",
     "torch.FloatTensor 0",
     []),  # `input.new()` without self (torch/nn's own idiom): fixed in the bridge
    ("extra_constructor_argument",
     "require 'nn'\nprint(nn.Sigmoid(true))",
     "nn.Sigmoid",
     []),  # Lua drops surplus arguments (Sigmoid's __init takes none): fixed in the bridge
]


@pytest.mark.parametrize("name,source,expected",
                         [pytest.param(*s[:3], marks=s[3], id=s[0]) for s in SNIPPETS])
def test_snippet_under_th(name, source, expected, tmp_path):
    script = tmp_path / f"{name}.lua"
    script.write_text(source + "\n")
    proc = run([TH, script], tmp_path)
    assert proc.returncode == 0, proc.stderr
    dated = "[program started on "  # CmdLine:log's first line carries the date
    got = [line for line in normalised(proc.stdout) if not line.startswith(dated)]
    assert got == normalised(expected)


def translator_bug(reason):
    return [xfail("translator: " + reason)]


# small cases of the translation failures above: each runs under th as Torch7 does
TRANSLATION_SNIPPETS = [
    ("method_on_record",
     ("local t = {data = torch.zeros(2)}\n"
      "function t:size() return self.data:size(1) end\n"
      "print(t:size())"),
     "2", []),  # fixed: `self` in a record's method is the record
    ("optional_argument",
     "local function f(a, b) b = b or 5; return a + b end\nprint(f(1))",
     "6", []),  # fixed: parameters used as optional default to None
    ("optional_constructor_argument",
     ("local C = torch.class('Counter')\n"
      "function C:__init(start) self.n = start or 0 end\n"
      "function C:bump(by) self.n = self.n + (by or 1); return self end\n"
      "print(Counter():bump():bump(5).n)"),
     "6", []),  # fixed: parameters used as optional default to None
    ("tester_assert_method",
     ("local tester = torch.Tester()\nlocal tests = torch.TestSuite()\n"
      "function tests.Order() tester:assert(1 < 2, 'ordered') end\n"
      "tester:add(tests)\ntester:run()\nprint('asserts', tester.countasserts)"),
     "Running 1 test\nCompleted 1 assert in 1 test with 0 failures and 0 errors\nasserts 1",
     []),  # fixed: a method named by a Python keyword is the library's `assert_`
    ("require_xlua",
     "require 'xlua'\nprint(type(xlua.progress))",
     "function", []),  # fixed: luatorch.xlua exists
    ("require_paths",
     "require 'paths'\nprint(paths.basename('/x/y.lua', 'lua'), paths.dirname('/x/y.lua'))",
     "y /x", []),  # fixed: luatorch.paths exists
    ("tmpname_and_io",
     ("local name = os.tmpname()\nlocal f = io.open(name, 'w')\nf:write('one\\ntwo\\n')\n"
      "f:close()\nfor line in io.lines(name) do print(line) end\nos.remove(name)\n"
      "print(('ab'):rep(3))"),
     "one\ntwo\nababab", []),  # fixed: compat.tmpname/open (a LuaFile)/lines, str * n
    ("node_annotations",
     ("require 'nngraph'\nlocal n = nn.Identity()():annotate{name = 'x'}\n"
      "print(n.data.annotations.name)"),
     "x", []),  # fixed: library.py knows nngraph's node fields (annotations: a dict)
    ("first_of_multiple_returns",
     ("require 'nn'\nlocal clones = {}\n"
      "for name, proto in pairs({rnn = nn.Linear(2, 3)}) do clones[name] = {proto:clone()} end\n"
      "local p1 = clones.rnn[1]:parameters()\nprint(#p1, p1[1]:size(1))"),
     "2 3", []),  # fixed: several-valued library methods give their first value
    ("list_from_lua_method",
     ("require 'nn'\nlocal C = torch.class('nn.PairCriterion', 'nn.Criterion')\n"
      "function C:updateGradInput(a, b) self.gradInput = {a:clone(), b:clone()}; "
      "return self.gradInput end\n"
      "local g = nn.PairCriterion():updateGradInput(torch.ones(1), torch.zeros(1))\n"
      "print(g[1][1], g[2][1])"),
     "1 0", []),  # fixed: calls of a method the script defines get its results
    ("dataset_index_metamethod",
     ("local ds = {data = torch.range(1, 3)}\n"
      "setmetatable(ds, {__index = function(t, i) return t.data[i] * 10 end})\nprint(ds[2])"),
     "20", []),
]


def _th_then_python(name, source, tmp_path):
    script = tmp_path / f"{name}.lua"
    script.write_text(source + "\n")
    under_th = run([TH, script], tmp_path)
    assert under_th.returncode == 0, under_th.stderr
    return script, under_th.stdout


@pytest.mark.parametrize("name,source,expected",
                         [s[:3] for s in TRANSLATION_SNIPPETS],
                         ids=[s[0] for s in TRANSLATION_SNIPPETS])
def test_translation_snippet_under_th(name, source, expected, tmp_path):
    _, out = _th_then_python(name, source, tmp_path)
    got = [line for line in normalised(out) if not line.startswith(("1/1 ", "---"))]
    assert got == normalised(expected)


@pytest.mark.parametrize("name,source,expected",
                         [pytest.param(*s[:3], marks=s[3], id=s[0]) for s in TRANSLATION_SNIPPETS])
def test_translation_snippet(name, source, expected, tmp_path):
    script, out = _th_then_python(name, source, tmp_path)
    python_file = tmp_path / f"{name}.py"
    translated = run([LUATORCH, "translate", script, "-o", python_file], tmp_path)
    assert translated.returncode == 0, translated.stdout + translated.stderr
    got = run([sys.executable, python_file], tmp_path)
    assert got.returncode == 0, got.stderr
    assert normalised(got.stdout) == normalised(out)
