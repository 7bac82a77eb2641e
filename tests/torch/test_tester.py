"""torch.Tester and torch.TestSuite: Torch7's assertions, per-test lines and closing report."""

import re

import numpy as np
import pytest

from luatorch import torch
from luatorch.torch.misc import lua_pattern_to_regex


def _line(i, n, name, status):
    """The line Torch7 leaves on screen for a test: counter, name, dots to 80 columns, status."""
    width = len(str(n))
    counter = "%*d/%d " % (width, i, n)
    dots = "." * (80 - 6 - 2 - (2 * width + 2) - len(name))
    return counter + name + " " + dots + " [" + status + "]"


def _screen(text):
    """What a terminal shows: each line as left after its carriage returns."""
    return [ln.split("\r")[-1] for ln in text.split("\n")]


def _doc_example():
    suite = torch.TestSuite()
    tester = torch.Tester()

    def testA():
        tester.eq(torch.Tensor([1, 2, 3]), torch.Tensor([1, 2, 4]), "a and b should be equal")

    def testB():
        a = [2, torch.Tensor([1, 2, 2])]
        b = [2, torch.Tensor([1, 2, 2.001])]
        tester.eq(a, b, 0.01, "a and b should be approximately equal")

    def testC():
        def myfunc():
            raise RuntimeError("attempt to concatenate global 'world' (a nil value)")
        tester.assertNoError(myfunc, "myfunc shouldn't give an error")

    suite.testA = testA
    suite.testB = testB
    suite.testC = testC
    tester.add(suite)
    return tester


def test_doc_example_lines_and_summary(capsys):
    tester = _doc_example()
    with pytest.raises(AssertionError, match="An error was found while running tests!"):
        tester.run()
    out = capsys.readouterr().out
    lines = _screen(out)
    assert lines[0] == "Running 3 tests"
    assert lines[1] == _line(1, 3, "testA", "FAIL")
    assert lines[2] == _line(2, 3, "testB", "PASS")
    assert lines[3] == _line(3, 3, "testC", "FAIL")
    assert len(lines[2]) == 80
    assert lines[4] == "Completed 3 asserts in 3 tests with 2 failures and 0 errors"
    assert lines[5] == "-" * 80
    assert lines[6:9] == ["testA", "a and b should be equal",
                          "TensorEQ(==) violation: max diff=1, tolerance=0"]
    assert lines[9] == "stack traceback:"
    assert lines[10].startswith("\t" + __file__ + ":")
    assert "testC\nmyfunc shouldn't give an error\nERROR violation: err=attempt to concatenate" in out
    assert out.endswith("-" * 80 + "\n")
    # the WAIT status is written first, then overwritten after a carriage return
    assert out.split("\n")[1].startswith("1/3 testA " + "." * 63 + " [WAIT]\r1/3 testA")


def test_failure_location_names_the_test_function_and_its_helper(capsys):
    tester = torch.Tester()

    def check_positive(x):
        tester.assertgt(x, 0)

    def testNeg():
        check_positive(-1)

    tester.add(testNeg, "testNeg")
    with pytest.raises(AssertionError):
        tester.run()
    entry = tester.errors[0].split("\n")
    assert entry[:2] == ["testNeg", "GT failed: -1 <= 0"]
    helper_line = check_positive.__code__.co_firstlineno + 1
    test_line = testNeg.__code__.co_firstlineno + 1
    assert entry[2] == "\t%s:%d: in function <%s:%d>" % (
        __file__, helper_line, __file__, check_positive.__code__.co_firstlineno)
    assert entry[3] == "\t%s:%d: in function <%s:%d>" % (
        __file__, test_line, __file__, testNeg.__code__.co_firstlineno)
    # outside run() there is no test runner frame, hence no location
    tester.assertgt(-1, 0)
    assert tester.errors[-1] == "GT failed: -1 <= 0\n"


def test_run_returns_zero_when_everything_passes(capsys):
    tester = torch.Tester()
    tester.add(lambda: tester.assert_(True), "ok")
    assert tester.run() == 0
    out = capsys.readouterr().out
    assert _screen(out) == ["Running 1 test", _line(1, 1, "ok", "PASS"),
                            "Completed 1 assert in 1 test with 0 failures and 0 errors", ""]


def test_disabled_test_is_skipped(capsys):
    tester = torch.Tester()
    tests = torch.TestSuite()
    tests.brokenTest = lambda: None
    assert tester.add(tests).disable("brokenTest") is tester
    tester.run()
    lines = _screen(capsys.readouterr().out)
    assert lines[1] == _line(1, 1, "brokenTest", "SKIP")
    assert lines[2] == "Completed 0 asserts in 1 test with 0 failures and 0 errors and 1 disabled"


def test_error_in_test_is_reported(capsys):
    tester = torch.Tester()

    def boom():
        raise ValueError("bad thing")

    tester.add(boom, "boom")
    with pytest.raises(AssertionError):
        tester.run()
    out = capsys.readouterr().out
    lines = _screen(out)
    assert lines[1] == _line(1, 1, "boom", "ERROR")
    assert lines[2] == "Completed 0 asserts in 1 test with 0 failures and 1 error"
    assert "boom\n Function call failed\nbad thing\nstack traceback:\n" in out


def test_many_tests_pad_the_counter(capsys):
    tester = torch.Tester()
    for k in range(12):
        tester.add(lambda: None, "t%02d" % k)
    tester.run()
    lines = _screen(capsys.readouterr().out)
    assert lines[1] == _line(1, 12, "t00", "PASS")
    assert lines[1].startswith(" 1/12 t00 ")
    assert lines[12].startswith("12/12 t11 ")


def test_warning_marker_and_count(capsys):
    tester = torch.Tester()
    tester.add(lambda: tester.assertTensorEq(torch.Tensor([[1, 2]]), torch.Tensor([1, 2])), "dims")
    tester.run()
    out = capsys.readouterr().out
    lines = _screen(out)
    assert lines[1] == _line(1, 1, "dims", "PASS")
    assert lines[2] == " " * 70 + "[+warning]"
    assert lines[3] == "Completed 1 assert in 1 test with 0 failures and 0 errors and 1 warning"
    assert "Tensors have the same content but different dimensions." in out


def test_early_abort(capsys):
    tester = torch.Tester()
    tester.setEarlyAbort(True)
    tester.add(lambda: tester.assert_(False), "first")
    tester.add(lambda: tester.assert_(True), "second")
    with pytest.raises(AssertionError):
        tester.run()
    lines = _screen(capsys.readouterr().out)
    assert lines[2] == "Aborting on first error, not all tests have been executed"
    assert lines[3] == "Completed 1 assert in 2 tests with 1 failure and 0 errors"


def test_rethrow_errors_propagate():
    tester = torch.Tester()
    tester.setRethrowErrors(True)

    def boom():
        raise KeyError("k")

    tester.add(boom, "boom")
    with pytest.raises(KeyError):
        tester.run()
    failing = torch.Tester()
    failing.setRethrowErrors(True)
    with pytest.raises(AssertionError, match="EQ failed: 1 ~= 2"):
        failing.asserteq(1, 2)


def test_summary_only_hides_sections(capsys):
    tester = torch.Tester()
    tester.setSummaryOnly(True)
    tester.add(lambda: tester.assert_(False, "nope"), "f")
    with pytest.raises(AssertionError):
        tester.run()
    out = capsys.readouterr().out
    assert "-" * 80 not in out and "nope" not in out


def test_setup_and_teardown_get_the_test_name(capsys):
    calls = []
    tester = torch.Tester()
    tester.add(lambda name: calls.append(("up", name)), "_setUp")
    tester.add(lambda name: calls.append(("down", name)), "_tearDown")
    tester.add(lambda: calls.append("body"), "mytest")
    tester.run()
    assert calls == [("up", "mytest"), "body", ("down", "mytest")]
    with pytest.raises(ValueError, match="Only one set-up function allowed"):
        tester.add(lambda name: None, "_setUp")


def test_run_selects_tests_by_lua_pattern(capsys):
    tester = torch.Tester()
    ran = []
    for name in ["testAdd", "testMul", "other"]:
        tester.add(lambda name=name: ran.append(name), name)
    tester.run("^test%u")
    assert ran == ["testAdd", "testMul"]
    ran.clear()
    tester.run(["other", "Mul$"])
    assert sorted(ran) == ["other", "testMul"]
    with pytest.raises(ValueError, match="Couldn't find test 'nothing'"):
        tester.run("nothing")


def test_add_rules():
    tester = torch.Tester()
    tester.add(lambda: None, "a")
    with pytest.raises(ValueError, match="Test with name a already exists!"):
        tester.add(lambda: None, "a")
    with pytest.raises(ValueError, match="Name parameter is forbidden"):
        tester.add(torch.TestSuite(), "x")
    with pytest.raises(ValueError, match="Nested sets of tests are not supported"):
        tester.add({"b": {"c": lambda: None}})
    with pytest.raises(TypeError, match="Only tables of functions and functions supported"):
        tester.add(3, "n")
    tester.add(lambda: None)
    assert "unknown" in tester.tests
    # a plain table works but warns, as Torch7 does
    tester.add({"p": lambda: None})
    assert "p" in tester.tests and any("Should use TestSuite" in w for w in tester.warnings)


def test_testsuite_refuses_duplicates_and_non_functions():
    suite = torch.TestSuite()
    suite.myTest = lambda: None
    with pytest.raises(ValueError, match="Test myTest is already defined."):
        suite.myTest = lambda: None
    with pytest.raises(TypeError, match="Only functions are supported as members of a TestSuite"):
        suite.x = 3
    with pytest.raises(TypeError, match="Nested tables of tests are not supported"):
        suite.y = {}
    suite["other"] = lambda: None
    assert list(suite) == ["myTest", "other"]
    assert callable(suite.myTest)
    with pytest.raises(AttributeError):
        suite.missing


# --- the assertions -----------------------------------------------------------------------
def _failures(tester):
    return [e.split("\n") for e in tester.errors]


def test_comparison_asserts_and_messages():
    t = torch.Tester()
    assert t.assertlt(1, 2) and t.assertgt(2, 1) and t.assertle(2, 2) and t.assertge(2, 2)
    assert not t.assertlt(2, 1, "msg")
    assert not t.assertgt(1, 2)
    assert not t.assertle(3, 2)
    assert not t.assertge(1.5, 2)
    assert _failures(t) == [["msg", "LT failed: 2 >= 1", ""], ["GT failed: 1 <= 2", ""],
                            ["LE failed: 3 > 2", ""], ["GE failed: 1.5 < 2", ""]]
    assert t.assertionPass[""] == 4 and t.assertionFail[""] == 4


def test_assert_and_its_warning():
    t = torch.Tester()
    assert getattr(t, "assert")(True)
    assert not t.assert_(False, "why")
    assert t.errors[-1] == "why\nBOOL violation condition=false\n"
    assert t.assert_(np.bool_(True))
    assert not t.warnings
    # Lua truthiness: a number is true, and it warns that assert wants a boolean
    assert t.assert_(0)
    assert len(t.warnings) == 1
    assert not t.assert_(None)
    assert t.errors[-1].startswith("BOOL violation condition=nil")


def test_asserteq_ne_use_lua_equality():
    t = torch.Tester()
    assert t.asserteq(2, 2.0) and t.asserteq("a", "a")
    a = torch.Tensor([1])
    assert t.asserteq(a, a)
    assert not t.asserteq(a, torch.Tensor([1]))
    assert not t.asserteq([1], [1])  # distinct tables
    assert not t.asserteq(1, 2)
    assert t.errors[-1] == "EQ failed: 1 ~= 2\n"
    assert t.assertne(1, 2)
    assert not t.assertne("x", "x")
    assert t.errors[-1] == "NE failed: x == x\n"
    n_warn = len(t.warnings)
    t.assertne(a, torch.Tensor([1]))
    assert len(t.warnings) == n_warn + 1


def test_assertalmosteq():
    t = torch.Tester()
    assert t.assertalmosteq(1.0, 1.0)
    assert not t.assertalmosteq(1.0, 1.0 + 1e-12)
    assert t.assertalmosteq(1.0, 1.05, 0.1)
    assert t.assertalmosteq(1.0, 1.05, "m", 0.1)  # tolerance and message in either order
    assert not t.assertalmosteq(1.0, 1.5, 0.1, "m")
    assert t.errors[-1] == "m\nALMOST_EQ failed: 1 ~= 1.5 with tolerance=0.1\n"
    with pytest.raises(ValueError, match="tolerance cannot be negative"):
        t.assertalmosteq(1, 1, -1)


def test_tensor_equality():
    t = torch.Tester()
    a = torch.Tensor([1, 2, 3])
    assert t.assertTensorEq(a, torch.Tensor([1, 2, 3]))
    assert not t.assertTensorEq(a, torch.Tensor([1, 2, 3.5]), 0.1)
    assert t.errors[-1] == "TensorEQ(==) violation: max diff=0.5, tolerance=0.1\n"
    assert t.assertTensorEq(a, torch.Tensor([1, 2, 3.5]), 0.5)
    assert t.assertTensorNe(a, torch.Tensor([1, 2, 3.5]))
    assert not t.assertTensorNe(a, a.clone())
    assert t.errors[-1] == "TensorNE(==) violation: max diff=0, tolerance=0\n"
    assert not t.assertTensorEq(a, torch.LongTensor(np.array([1, 2, 3])))
    assert t.errors[-1] == "The tensors have different types\n"
    assert not t.assertTensorEq(a, torch.Tensor([1, 2]))
    assert t.errors[-1] == "The tensors have different sizes\n"
    assert t.assertTensorEq(torch.Tensor(), torch.Tensor())
    assert t.assertTensorEq(torch.ByteTensor(np.array([0, 255], np.uint8)),
                            torch.ByteTensor(np.array([0, 255], np.uint8)))
    # byte tensors compare as doubles: no wrap-around in the difference
    assert not t.assertTensorEq(torch.ByteTensor(np.array([0], np.uint8)),
                                torch.ByteTensor(np.array([255], np.uint8)), 254)
    nan = torch.Tensor([float("nan")])
    assert not t.assertTensorEq(nan, nan.clone())
    with pytest.raises(TypeError, match="First argument should be a Tensor"):
        t.assertTensorEq(1, a)


def test_eq_is_deep_and_strict_about_dims():
    t = torch.Tester()
    assert t.eq({"a": 1, "b": [1, 2]}, {"a": 1, "b": [1, 2]})
    assert not t.eq({"a": 1, "b": [1, 2]}, {"a": 1, "b": [1, 3]})
    assert t.errors[-1] == "At table location b.2: EQ failed: 2 ~= 3\n"
    assert not t.eq({"a": 1}, {"a": 1, "c": 2})
    assert t.errors[-1] == "Entry c missing in first table (is 2 in second)\n"
    assert not t.eq({"a": 1, "c": 2}, {"a": 1})
    assert t.errors[-1] == "Entry c missing in second table (is 2 in first)\n"
    assert not t.eq(1, "1")
    assert t.errors[-1] == "EQ failed: values have different types (first: number, second: string)\n"
    assert not t.eq(torch.Tensor([[1, 2]]), torch.Tensor([1, 2]))
    assert t.errors[-1] == "The tensors have different dimensions\n"
    assert not t.eq(1, 1.5, 0.1)
    assert t.errors[-1] == "EQ failed: 1 ~= 1.5 with tolerance=0.1\n"
    assert t.eq(torch.LongStorage([1, 2]), torch.LongStorage([1, 2]))
    assert not t.eq(torch.LongStorage([1, 2]), torch.LongStorage([1, 5]))
    assert t.errors[-1] == "StorageEQ(==) violation: max diff=3, tolerance=0\n"
    assert t.eq("s", "s") and not t.eq(True, False)
    assert t.errors[-1] == "EQ failed: true (boolean) ~= false (boolean)\n"
    assert t.ne(1, 2) and t.ne([1], [2]) and t.assertTableNe([1], [2])
    assert not t.ne([1, 2], [1, 2])
    assert t.assertTableEq([1, torch.Tensor([1])], [1, torch.Tensor([1])])
    with pytest.raises(TypeError, match="First argument should be a Table"):
        t.assertTableEq(1, [1])


def test_error_assertions():
    t = torch.Tester()

    def raises():
        raise ValueError("file.lua:3: index out of range")

    assert t.assertError(raises)
    assert not t.assertError(lambda: 5)
    assert t.errors[-1] == "ERROR violation: err=5\n"
    assert t.assertNoError(lambda: None)
    assert not t.assertNoError(raises, "should not fail")
    assert t.errors[-1] == "should not fail\nERROR violation: err=file.lua:3: index out of range\n"
    assert t.assertErrorMsg(raises, "file.lua:3: index out of range")
    assert not t.assertErrorMsg(raises, "index out of range")
    assert t.assertErrorPattern(raises, "index out of range")
    assert t.assertErrorPattern(raises, "^file%.lua:%d+:")
    assert not t.assertErrorPattern(raises, "^index")
    assert t.assertErrorObj(raises, lambda err: "range" in err)


def test_extra_arguments_are_refused():
    t = torch.Tester()
    with pytest.raises(ValueError, match="Unexpected arguments passed to test function"):
        t.asserteq(1, 1, "m", "extra")
    with pytest.raises(TypeError, match="Unrecognized argument"):
        t.eq(1, 1, [1])


# --- Lua patterns -------------------------------------------------------------------------
@pytest.mark.parametrize("pattern, subject, found", [
    ("abc", "xxabcxx", True),
    ("^abc", "xxabc", False),
    ("abc$", "abcx", False),
    ("a.c", "a\nc", True),
    ("%d+%.%d", "v1.5", True),
    ("%a+", "123", False),
    ("%s", "a b", True),
    ("%S+", "   ", False),
    ("[%w_]+=", "my_var=", True),
    ("[^%d]", "123", False),
    ("a-b", "aaab", True),
    ("x*", "", True),
    ("(%w+)=%1", "ab=ab", True),
    ("(%w+)=%1", "ab=cd", False),
    ("(%d)%10", "110", True),
    ("%(", "f(x)", True),
    ("[a-c]+", "zzbz", True),
    ("%%", "100%", True),
    ("-x", "a-x", True),
    ("a+?", "a", False),  # a '?' that follows a quantifier is a plain character
    ("a+?", "aa?", True),
])
def test_lua_pattern_translation(pattern, subject, found):
    regex = lua_pattern_to_regex(pattern)
    assert (re.search(regex, subject, re.DOTALL) is not None) == found
    luajit = pytest.importorskip("lupa.luajit21")
    lua_find = luajit.LuaRuntime().eval("function(s, p) return string.find(s, p) ~= nil end")
    assert lua_find(subject, pattern) == found


def test_lua_pattern_unsupported_items():
    with pytest.raises(ValueError, match="%b"):
        lua_pattern_to_regex("%b()")
    with pytest.raises(ValueError, match="missing"):
        lua_pattern_to_regex("[abc")
