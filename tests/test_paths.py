"""luatorch.paths: torch's paths package as paths.c and init.lua define it."""

import errno
import os

import pytest

from luatorch import paths


@pytest.mark.parametrize("path,expected", [
    ("/a/b/c.lua", "/a/b"), ("a/b", "a"), ("a", "."), ("", "."), ("/", "/"), ("/a", "/"),
    ("a/b/", "a"), ("a//b", "a/"), ("//", "//"),
])
def test_dirname_is_the_text_before_the_last_inner_slash(path, expected):
    assert paths.dirname(path) == expected


@pytest.mark.parametrize("path,suffix,expected", [
    ("/a/b/c.lua", None, "c.lua"), ("/a/b/c.lua", "lua", "c"), ("/a/b/c.lua", ".lua", "c"),
    ("c.lua", "t7", "c.lua"), ("a/b/", None, "b"), ("/", None, ""), ("clua", "lua", "clua"),
    (".lua", "lua", ""), ("c.lua", "", "c.lua"),
])
def test_basename_drops_a_dotted_suffix(path, suffix, expected):
    assert paths.basename(path, suffix) == expected


def test_extname_is_after_the_last_dot_anywhere_or_none():
    assert paths.extname("/x/model.t7") == "t7"
    assert paths.extname("archive.tar.gz") == "gz"
    assert paths.extname("/a.d/file") == "d/file"   # paths.c looks at the whole name
    assert paths.extname("/a/file") is None


def test_concat_resolves_dot_segments_from_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    here = os.getcwd()
    assert paths.concat() == here
    assert paths.concat("x", "y.lua") == here + "/x/y.lua"
    assert paths.concat("/a", "b", "../c") == "/a/c"
    assert paths.concat("/a/", "./b//", "c/") == "/a/b/c"
    assert paths.concat("/a", "/b") == "/b"
    assert paths.concat("/", "..", "..") == "/"
    assert paths.concat("/a", 1) == "/a/1"   # numbers are strings to Lua


def test_a_non_string_argument_is_lua_bad_argument_error():
    with pytest.raises(TypeError, match=r"bad argument #1 to 'dirp' \(string expected, got nil\)"):
        paths.dirp(None)
    with pytest.raises(TypeError, match=r"#2 to 'concat' \(string expected, got table\)"):
        paths.concat("/a", {})


def test_filep_and_dirp(tmp_path):
    f = tmp_path / "f.txt"
    f.write_text("x")
    assert paths.filep(str(f)) is True and paths.dirp(str(f)) is False
    assert paths.dirp(str(tmp_path)) is True and paths.filep(str(tmp_path)) is False
    assert paths.filep(str(tmp_path / "missing")) is False
    assert paths.dirp(str(tmp_path / "missing")) is False


def test_mkdir_makes_missing_parents_and_reports_failure_as_lua_does(tmp_path):
    deep = tmp_path / "a" / "b" / "c"
    assert paths.mkdir(str(deep)) is True and deep.is_dir()
    assert paths.mkdir(str(deep)) == (None, f"{deep}: File exists", errno.EEXIST)


def test_rmdir_removes_an_empty_directory_only(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "f").write_text("x")
    result = paths.rmdir(str(d))
    assert result[0] is None and result[1].startswith(f"{d}: ") and result[2] == errno.ENOTEMPTY
    (d / "f").unlink()
    assert paths.rmdir(str(d)) is True and not d.exists()
    assert paths.rmdir(str(d)) == (None, f"{d}: No such file or directory", errno.ENOENT)


def test_rmall_wants_yes_and_removes_a_tree(tmp_path):
    top = tmp_path / "top"
    (top / "sub").mkdir(parents=True)
    (top / "sub" / "f").write_text("x")
    (top / "g").write_text("y")
    assert paths.rmall(str(top)) == (None, "missing second argument ('yes')")
    assert top.exists()
    assert paths.rmall(str(top), "yes") is True and not top.exists()
    assert paths.rmall(str(top), "yes") == (None, "not a file or directory", str(top))


def test_dir_lists_dot_entries_first_then_sorted_names_or_none(tmp_path):
    for name in ("b", "a", "c"):
        (tmp_path / name).write_text("")
    assert paths.dir(str(tmp_path)) == [".", "..", "a", "b", "c"]
    assert paths.dir(str(tmp_path / "missing")) is None
    assert paths.dir(str(tmp_path / "a")) is None   # a file is no directory


def test_files_iterates_and_is_callable_as_a_lua_iterator(tmp_path):
    for name in ("x.lua", "y.t7", "z.lua"):
        (tmp_path / name).write_text("")
    (tmp_path / "sub").mkdir()
    assert list(paths.files(str(tmp_path))) == [".", "..", "sub", "x.lua", "y.t7", "z.lua"]
    # a string keeps the names in which that Lua pattern is found
    assert list(paths.files(str(tmp_path), "%.lua$")) == ["x.lua", "z.lua"]
    # a function keeps the names it gives a true value for (0 is true in Lua)
    assert list(paths.files(str(tmp_path), lambda n: 0 if n.startswith("y") else None)) == ["y.t7"]
    names = paths.files(str(tmp_path), "^s")
    assert names() == "sub" and names() is None
    assert list(paths.files(str(tmp_path / "missing"))) == []
    with pytest.raises(TypeError, match="Expecting optional arg 2 to be function or string. Got : number"):
        paths.files(str(tmp_path), 3)


def test_iterfiles_and_iterdirs(tmp_path):
    (tmp_path / "f").write_text("")
    (tmp_path / "d").mkdir()
    assert list(paths.iterfiles(str(tmp_path))) == ["f"]
    assert list(paths.iterdirs(str(tmp_path))) == ["d"]


def test_tmpname_is_a_fresh_name_in_the_temporary_directory():
    a, b = paths.tmpname(), paths.tmpname()
    assert a != b and paths.basename(a).startswith("luatmp") and not os.path.exists(a)


def test_places_and_system_names(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert paths.cwd() == os.getcwd()
    assert paths.home == (os.environ.get("HOME") or ".")
    sysname, _node, machine = paths.uname()
    assert sysname == os.uname().sysname and machine == os.uname().machine
    assert paths.is_win() is None
    assert paths.is_mac() == ("Darwin" if sysname == "Darwin" else None)
    found = paths.findprogram("no-such-program-here", "sh")
    assert paths.basename(found) == "sh" and paths.filep(found)
    assert paths.findprogram("no-such-program-here") is None


def test_thisfile_is_the_calling_python_file():
    assert paths.thisfile() == os.path.abspath(__file__)
    assert paths.thisfile("data.t7") == os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                    "data.t7")
