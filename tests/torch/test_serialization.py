"""torch.save / torch.load against the files written by the original Torch7 (shared/t7).

Each fixture must load to an object whose description (a port of make_fixtures.lua's
``describe``) is exactly what Torch7 printed in expected.txt, in both formats; our binary and
ascii output for the same objects must be the fixture's bytes.
"""

import importlib
import os
import re

import numpy as np
import pytest

from luatorch import torch
from luatorch.torch import classes
from luatorch.torch.printing import lua_tostring
from luatorch.torch.serialization import SerializationError, T7Object

T7_DIR = os.environ.get("LUATORCH_T7_FIXTURES", os.environ["LUATORCH_SHARED"] + "/t7")
EXPECTED = os.path.join(T7_DIR, "expected.txt")
pytestmark = pytest.mark.skipif(not os.path.exists(EXPECTED), reason=f"no Torch7 fixtures in {T7_DIR}")

try:  # nn registers its classes on import (nn.Linear, ...); the module fixtures need them
    importlib.import_module("luatorch.nn")
except Exception:  # noqa: BLE001 - nn may not be importable yet while it is being written
    pass

FORMATS = {"bin": "binary", "ascii": "ascii"}


def expected_sections():
    """name -> the text Torch7 printed for it (lines as printed, each ending with a tab)."""
    sections, name = {}, None
    with open(EXPECTED, encoding="utf-8") as fh:
        for line in fh.read().split("\n"):
            m = re.match(r"^== (\S+)\t$", line)
            if m:
                name = m.group(1)
                sections[name] = []
            elif name is not None:
                sections[name].append(line)
    return {k: "\n".join(v).rstrip("\n") for k, v in sections.items()}


SECTIONS = expected_sections() if os.path.exists(EXPECTED) else {}
NAMES = list(SECTIONS)


# --- a port of make_fixtures.lua's describe --------------------------------------------------
def _values(array):
    return " ".join("%.17g" % v for v in np.asarray(array, dtype=np.float64).reshape(-1).tolist())


def describe(obj):
    if isinstance(obj, torch.Tensor):
        if obj.dim() == 0:
            return torch.type(obj) + " empty"
        sizes = "x".join(str(obj.size(i)) for i in range(1, obj.dim() + 1))
        return f"{torch.type(obj)} size {sizes} values {_values(obj.contiguous()._a)}"
    name = classes.typename(obj)
    if name and "Storage" in name:
        return f"{name} values {_values(obj.data)}"
    if name:
        return name + "\n" + lua_tostring(obj)
    if isinstance(obj, (list, dict)):
        return "table {...}"
    return classes.lua_type(obj) + " " + lua_tostring(obj)


def description(obj):
    """What make_fixtures.lua prints about ``obj`` (without the '== name' line)."""
    lines = []
    if isinstance(obj, (list, dict)):
        items = dict(obj) if isinstance(obj, dict) else {i + 1: v for i, v in enumerate(obj)}
        by_text = {lua_tostring(k): v for k, v in items.items()}
        for k in sorted(by_text):
            v = by_text[k]
            lines.append(k + " = " + ("<self>" if v is obj else describe(v)))
        if isinstance(obj, dict) and obj.get("a") is not None:
            lines.append("a and b are the same tensor: " + lua_tostring(obj["a"] is obj["b"]))
    else:
        lines.append(describe(obj))
    if torch.isTypeOf(obj, "nn.Module"):
        params = obj.parameters()
        if isinstance(params, tuple):
            params = params[0]
        for i, t in enumerate(params or [], 1):
            lines.append(f"param {i} {describe(t)}")
    return "\n".join(line + "\t" for line in lines)


def _bytes(path):
    with open(path, "rb") as fh:
        return fh.read()


def fixture(name, fmt):
    return os.path.join(T7_DIR, f"{name}.{fmt}.t7")


def torch_classes_in(path, fmt):
    """The Torch class names a file uses (read without needing the classes)."""
    found = set()

    def walk(x, seen):
        if id(x) in seen:
            return
        seen.add(id(x))
        if isinstance(x, T7Object):
            found.add(x.typename)
            walk(x.fields, seen)
        elif isinstance(x, classes.TorchObject) and not isinstance(x, (torch.Tensor, torch.Storage)):
            found.add(classes.typename(x))
            walk(dict(vars(x)), seen)
        elif isinstance(x, dict):
            for k, v in x.items():
                walk(k, seen)
                walk(v, seen)
        elif isinstance(x, list):
            for v in x:
                walk(v, seen)

    walk(torch.load(path, FORMATS[fmt], unknown_classes="keep"), set())
    return found


def skip_without_classes(path, fmt):
    missing = sorted(n for n in torch_classes_in(path, fmt) if classes.find(n) is None)
    if missing:
        pytest.skip("needs nn classes not implemented yet: " + ", ".join(missing))


CASES = [(name, fmt) for name in NAMES for fmt in FORMATS]


@pytest.mark.parametrize("name,fmt", CASES, ids=[f"{n}.{f}" for n, f in CASES])
def test_fixture_loads_as_torch7_described_it(name, fmt):
    path = fixture(name, fmt)
    skip_without_classes(path, fmt)
    obj = torch.load(path, FORMATS[fmt])
    assert description(obj) == SECTIONS[name]


@pytest.mark.parametrize("name,fmt", CASES, ids=[f"{n}.{f}" for n, f in CASES])
def test_fixture_load_without_format_recognises_it(name, fmt):
    obj = torch.load(fixture(name, fmt), unknown_classes="keep")
    again = torch.load(fixture(name, fmt), FORMATS[fmt], unknown_classes="keep")
    assert type(obj) is type(again)


@pytest.mark.parametrize("name,fmt", CASES, ids=[f"{n}.{f}" for n, f in CASES])
def test_fixture_rewritten_is_byte_identical(name, fmt, tmp_path):
    """Load (classes kept as records, fields in file order) and save: Torch7's exact bytes."""
    path = fixture(name, fmt)
    obj = torch.load(path, FORMATS[fmt], unknown_classes="keep")
    out = tmp_path / "out.t7"
    torch.save(str(out), obj, FORMATS[fmt])
    assert out.read_bytes() == _bytes(path)


@pytest.mark.parametrize("name,fmt", CASES, ids=[f"{n}.{f}" for n, f in CASES])
def test_fixture_round_trips_through_our_save(name, fmt, tmp_path):
    """load -> save (both formats) -> load keeps the content and the sharing."""
    path = fixture(name, fmt)
    skip_without_classes(path, fmt)
    obj = torch.load(path, FORMATS[fmt])
    for out_fmt in ("binary", "ascii"):
        out = tmp_path / f"out.{out_fmt}.t7"
        torch.save(str(out), obj, out_fmt)
        back = torch.load(str(out), out_fmt)
        assert description(back) == SECTIONS[name]
        back2 = torch.deserialize(torch.serialize(obj, out_fmt), out_fmt)
        assert description(back2) == SECTIONS[name]


# --- our output for the same objects is Torch7's file ----------------------------------------
def built_like_make_fixtures():
    r = torch.range
    return {
        "double_tensor": r(1, 6).view(2, 3),
        "float_tensor": torch.FloatTensor([1.5, -2.25, 3]),
        "long_tensor": torch.LongTensor([1, -2, 2 ** 40]),
        "int_tensor": torch.IntTensor([-7, 0, 7]),
        "short_tensor": torch.ShortTensor([-3, 3]),
        "char_tensor": torch.CharTensor([-100, 100]),
        "byte_tensor": torch.ByteTensor([0, 127, 255]),
        "empty_tensor": torch.Tensor(),
        "noncontiguous_tensor": r(1, 12).view(3, 4).t(),
        "narrowed_tensor": r(1, 10).narrow(1, 3, 4),
        "double_storage": torch.DoubleStorage([1, 2, 3]),
        "long_storage": torch.LongStorage([4, 5]),
        "number": 3.25,
        "integer": 42,
        "string": "hello\nworld",
        "boolean": True,
        "array_table": [1, 2, "three", [4]],
        "record_table": {"name": "sgd", "learningRate": 0.1, "momentum": 0.9},
    }


BUILT = [(name, fmt) for name in built_like_make_fixtures() for fmt in FORMATS]


@pytest.mark.parametrize("name,fmt", BUILT, ids=[f"{n}.{f}" for n, f in BUILT])
def test_our_output_is_byte_identical_to_torch7(name, fmt, tmp_path):
    obj = built_like_make_fixtures()[name]
    want = _bytes(fixture(name, fmt))
    out = tmp_path / "ours.t7"
    torch.save(str(out), obj, FORMATS[fmt])
    # (a record's entries are written in dict order: built in the file's pairs order, they match)
    assert out.read_bytes() == want
    assert torch.serialize(obj, FORMATS[fmt]) == want + b"\0"  # Torch7 keeps the terminating 0


# --- sharing, cycles, numbers, tables --------------------------------------------------------
@pytest.mark.parametrize("fmt", ["bin", "ascii"])
def test_shared_tensors_share_after_load(fmt):
    obj = torch.load(fixture("shared_tensors", fmt))
    assert obj["a"] is obj["b"]
    assert obj["view"].storage() is obj["a"].storage()
    obj["a"][2] = 100
    assert obj["view"][1] == 100


@pytest.mark.parametrize("fmt", ["bin", "ascii"])
def test_cyclic_table_is_cyclic(fmt):
    obj = torch.load(fixture("cyclic_table", fmt))
    assert obj["self"] is obj and obj["name"] == "cycle"


def test_sharing_and_cycles_round_trip():
    base = torch.range(1, 10)
    inner = {"x": 1}
    lst = [base, base.narrow(1, 2, 3), inner, inner]
    lst.append(lst)
    back = torch.deserialize(torch.serialize(lst))
    assert back[0].storage() is back[1].storage()
    assert back[2] is back[3]
    assert back[4] is back
    assert back[1].storageOffset() == 2 and back[1].tolist() == [2, 3, 4]


def test_cycle_through_list_keeps_identity():
    d = {}
    d["me"] = [d, 1]
    back = torch.deserialize(torch.serialize(d))
    assert back["me"][0] is back


def test_tables_containing_themselves():
    t = [1]
    t.append(t)
    back = torch.deserialize(torch.serialize(t))
    assert isinstance(back, list) and back[1] is back and back[0] == 1
    d = {"a": 1}
    d["me"] = d
    back = torch.deserialize(torch.serialize(d))
    assert back["me"] is back


def test_numbers_keep_ints_and_floats():
    values = [42, -7, 0, 3.25, 2.0 ** 60, -0.0, 1e-310, float("inf"), 2 ** 53]
    back = torch.deserialize(torch.serialize(values))
    assert back[:3] == [42, -7, 0] and all(type(v) is int for v in back[:3])
    assert type(back[3]) is float and back[3] == 3.25
    assert type(back[4]) is float and back[4] == 2.0 ** 60  # not an exact small integer
    assert type(back[5]) is float and np.signbit(back[5])
    assert back[6] == 1e-310 and back[7] == float("inf") and back[8] == 2 ** 53
    back_nan = torch.deserialize(torch.serialize(float("nan"), "ascii"), "ascii")
    assert np.isnan(back_nan)


def test_tables_map_to_lists_and_dicts():
    obj = {"list": [1, 2, 3], "empty": [], "mixed": {1: "a", 2: "b", "n": 2}, "sparse": {1: "a", 3: "c"},
           2.5: "float key", True: "bool key", "t": torch.LongTensor([1, 2, 3])}
    for fmt in ("binary", "ascii"):
        back = torch.deserialize(torch.serialize(obj, fmt), fmt)
        assert back["list"] == [1, 2, 3] and len(back["list"]) == 3
        assert back["empty"] == []
        assert back["mixed"] == {1: "a", 2: "b", "n": 2}
        assert back["sparse"] == {1: "a", 3: "c"}
        assert back[2.5] == "float key" and back[True] == "bool key"
        assert back["t"][2] == 2


def test_tuples_and_mappings_write_as_tables():
    import collections
    import types

    obj = (1, "two", types.MappingProxyType({"k": (3,)}), collections.OrderedDict(a=1))
    back = torch.deserialize(torch.serialize(obj))
    assert back == [1, "two", {"k": [3]}, {"a": 1}]


def test_none_values_are_skipped_as_lua_does():
    back = torch.deserialize(torch.serialize({"a": None, "b": 1}))
    assert back == {"b": 1}


def test_strings_bytes_and_unicode():
    obj = ["héllo", b"\xff\x00binary", ""]
    for fmt in ("binary", "ascii"):
        back = torch.deserialize(torch.serialize(obj, fmt), fmt)
        assert back == ["héllo", b"\xff\x00binary", ""]


@pytest.mark.parametrize("fmt", ["binary", "ascii"])
@pytest.mark.parametrize("kind", ["Double", "Float", "Long", "Int", "Short", "Char", "Byte"])
def test_every_tensor_type_round_trips_exactly(kind, fmt):
    rng = np.random.default_rng(0)
    cls = getattr(torch, kind + "Tensor")
    if cls.dtype.kind == "f":
        arr = rng.standard_normal((3, 4, 5)).astype(cls.dtype)
        arr[0, 0, :3] = [np.inf, -np.inf, 1e-30]
    else:
        info = np.iinfo(cls.dtype)
        arr = rng.integers(info.min, info.max, (3, 4, 5), endpoint=True, dtype=cls.dtype)
    t = cls(arr).transpose(1, 3).narrow(2, 2, 3)
    back = torch.deserialize(torch.serialize(t, fmt), fmt)
    assert type(back) is cls
    assert back._size == t._size and back._stride == t._stride and back._offset == t._offset
    np.testing.assert_array_equal(back._a, t._a)
    assert back.storage().size() == t.storage().size()


def test_load_numpy_option(tmp_path):
    t = torch.range(1, 12).view(3, 4)
    path = str(tmp_path / "n.t7")
    torch.save(path, {"t": t, "tt": t.t(), "s": t.storage(), "e": torch.Tensor()})
    back = torch.load(path, numpy=True)
    assert isinstance(back["t"], np.ndarray) and back["t"].shape == (3, 4)
    np.testing.assert_array_equal(back["tt"], np.arange(1, 13).reshape(3, 4).T)
    assert np.shares_memory(back["t"], back["tt"]) and np.shares_memory(back["t"], back["s"])
    assert back["e"].size == 0


def test_numpy_arrays_are_written_as_tensors():
    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    back = torch.deserialize(torch.serialize({"a": arr, "b": arr, "m": np.array([True, False])}))
    assert torch.type(back["a"]) == "torch.FloatTensor" and back["a"] is back["b"]
    assert back["a"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert torch.type(back["m"]) == "torch.ByteTensor" and back["m"].tolist() == [1, 0]


# --- objects -------------------------------------------------------------------------------------
class Point(classes.TorchObject):
    __typename__ = "test_serialization.Point"
    __nonpersistent__ = ("cache",)

    def __init__(self, x, y):
        raise AssertionError("loading must not call __init__")


class Packed(classes.TorchObject):
    """A class with its own format (Torch7's write/read methods)."""

    __typename__ = "test_serialization.Packed"
    __version = 3

    def write(self, f):
        f.writeInt(len(self.values))
        f.writeDouble(torch.DoubleStorage(self.values))
        f.writeObject(self.extra)

    def read(self, f, version):
        self.version_read = version
        n = f.readInt()
        self.values = f.readDouble(n).tolist()
        self.extra = f.readObject()


def _point(x, y):
    p = Point.__new__(Point)
    p.x, p.y, p.cache, p.label = x, y, object(), "pt"
    return p


@pytest.mark.parametrize("fmt", ["binary", "ascii"])
def test_objects_round_trip_without_init_and_skip_nonpersistent(fmt):
    p = _point(1, 2.5)
    back = torch.deserialize(torch.serialize([p, p], fmt), fmt)
    assert type(back[0]) is Point and back[0] is back[1]
    assert back[0].__dict__ == {"x": 1, "y": 2.5, "label": "pt"}


@pytest.mark.parametrize("fmt", ["binary", "ascii"])
def test_custom_write_and_read_methods(fmt):
    obj = Packed.__new__(Packed)
    obj.values, obj.extra = [1.5, 2, 3], {"shared": [1]}
    back = torch.deserialize(torch.serialize([obj, obj.extra], fmt), fmt)
    packed = back[0]
    assert type(packed) is Packed and packed.values == [1.5, 2, 3] and packed.version_read == 3
    assert packed.extra is back[1]
    raw = torch.serialize(obj, fmt)
    assert b"V 3" in raw and b"test_serialization.Packed" in raw


def test_unwritable_field_is_skipped_with_torch7_warning(capsys):
    p = _point(1, 2)
    p.callback = lambda: 1
    back = torch.deserialize(torch.serialize(p))
    assert "callback" not in back.__dict__
    assert "$ Warning: cannot write object field <callback> of <test_serialization.Point>" in capsys.readouterr().out


def test_unwritable_top_level_object_is_an_error():
    with pytest.raises(SerializationError, match="Unwritable object <function>"):
        torch.serialize({"f": lambda: 1})


def test_unknown_class_is_a_clear_error(tmp_path):
    p = _point(1, 2)
    data = torch.serialize({"p": p}).replace(b"test_serialization.Point", b"test_serialization.Nope!")
    path = tmp_path / "unknown.t7"
    path.write_bytes(data)
    with pytest.raises(SerializationError) as e:
        torch.load(str(path))
    msg = str(e.value)
    assert "unknown Torch class <test_serialization.Nope!>" in msg
    assert "unknown.t7" in msg and "byte offset" in msg
    kept = torch.load(str(path), unknown_classes="keep")
    assert kept["p"].typename == "test_serialization.Nope!" and kept["p"]["x"] == 1


def test_referenced_false_writes_every_occurrence(tmp_path):
    t = torch.range(1, 3)
    f = torch.MemoryFile("rw").binary()
    f.referenced(False)
    f.writeObject([t, t])
    f.seek(1)
    back = f.readObject()
    assert back[0] is not back[1] and back[0].tolist() == back[1].tolist()
    path = str(tmp_path / "r.t7")
    torch.save(path, [t, t], "binary", False)
    assert len(_bytes(path)) > len(torch.serialize([t, t]))


def test_memory_file_write_then_read_objects_like_clone():
    net = {"w": torch.range(1, 4), "name": "net"}
    net["alias"] = net["w"]
    f = torch.MemoryFile("rw").binary()
    f.writeObject(net)
    f.writeObject(net)  # the same file: written again as a reference
    f.seek(1)
    first = f.readObject()
    second = f.readObject()
    assert first is second and first["alias"] is first["w"] and first["w"] is not net["w"]
    f.close()


def test_save_and_load_accept_open_files(tmp_path):
    path = str(tmp_path / "f.t7")
    f = torch.DiskFile(path, "w")
    torch.save(f, [1, 2], "ascii")
    f.close()
    assert open(path).read().startswith("3\n1\n")
    g = torch.DiskFile(path, "r")
    assert torch.load(g, "ascii") == [1, 2]
    g.close()


def test_windows_long_size_files(tmp_path):
    t = torch.LongTensor([1, -2, 3]).view(3, 1)
    path = str(tmp_path / "win.t7")
    torch.save(path, {"t": t}, long_size=4)
    ours = str(tmp_path / "linux.t7")
    torch.save(ours, {"t": t})
    # 2 sizes, 2 strides, the offset, the storage size and 3 elements: 9 Longs of 4 bytes less
    assert os.path.getsize(ours) - os.path.getsize(path) == 4 * 9
    assert torch.load(path, long_size=4)["t"].tolist() == [[1], [-2], [3]]
    assert torch.load(path)["t"].tolist() == [[1], [-2], [3]]  # recognised without being told
    f = torch.DiskFile(path, "r").binary().longSize(4)
    assert f.readObject()["t"].storage().size() == 3


def test_big_endian_files_round_trip(tmp_path):
    path = str(tmp_path / "be.t7")
    obj = {"t": torch.range(1, 5).float(), "n": 7.5, "s": "x"}
    f = torch.DiskFile(path, "w").binary().bigEndianEncoding()
    f.writeObject(obj)
    f.close()
    raw = _bytes(path)
    assert raw[:4] == b"\0\0\0\x03"
    g = torch.DiskFile(path, "r").binary().bigEndianEncoding()
    back = g.readObject()
    assert back["t"].tolist() == [1, 2, 3, 4, 5] and back["n"] == 7.5 and back["s"] == "x"
    assert torch.load(path)["t"].tolist() == [1, 2, 3, 4, 5]  # recognised by torch.load


def test_gpu_tensors_load_as_cpu_tensors():
    t = torch.FloatTensor([1, 2.5])
    data = torch.serialize(t).replace(b"\x11\0\0\0torch.FloatTensor", b"\x10\0\0\0torch.CudaTensor")
    data = data.replace(b"\x12\0\0\0torch.FloatStorage", b"\x11\0\0\0torch.CudaStorage")
    back = torch.deserialize(data)
    assert torch.type(back) == "torch.FloatTensor" and back.tolist() == [1, 2.5]


# --- Lua functions are never run ----------------------------------------------------------------
def _function_file():
    from luatorch.torch.serialization import LuaFunction

    fn = LuaFunction(b"\x1bLJ\x02fake bytecode", [{"name": "x", "value": 3}])
    return fn, torch.serialize({"f": fn, "g": fn})


def test_lua_functions_need_permission():
    _fn, data = _function_file()
    with pytest.raises(SerializationError, match="allow_functions=True"):
        torch.deserialize(data)
    back = torch.deserialize(data, allow_functions=True)
    assert back["f"] is back["g"] and back["f"].bytecode == b"\x1bLJ\x02fake bytecode"
    assert back["f"].upvalues == [{"name": "x", "value": 3}]
    with pytest.raises(RuntimeError, match="Lua bridge"):
        back["f"]()
    assert torch.serialize(back) == data[:-1] + b"\0" or torch.serialize(back) == data


def test_function_loader_hook():
    from luatorch.torch import serialization

    _fn, data = _function_file()
    seen = []
    serialization.register_function_loader(lambda fn: seen.append(fn) or (lambda: "live"))
    try:
        back = torch.deserialize(data, allow_functions=True)
    finally:
        serialization.register_function_loader(None)
    assert back["f"]() == "live" and back["f"] is back["g"] and len(seen) == 1


# --- errors ---------------------------------------------------------------------------------------
def test_wrong_format_argument():
    with pytest.raises(ValueError, match='"binary" or "ascii"'):
        torch.save("/tmp/never.t7", 1, "text")
    with pytest.raises(ValueError, match='"binary" or "ascii"'):
        torch.load(fixture("number", "bin"), "json")


def test_ascii_file_loaded_as_binary_says_so():
    with pytest.raises(SerializationError, match="ascii"):
        torch.load(fixture("double_tensor", "ascii"), "binary")


def test_absurd_sizes_fail_fast_without_allocating(tmp_path):
    import struct

    raw = bytearray(open(fixture("double_tensor", "bin"), "rb").read())
    at = raw.index(b"torch.DoubleStorage") + len("torch.DoubleStorage")
    raw[at : at + 8] = struct.pack("<q", 10 ** 15)
    path = tmp_path / "huge.t7"
    path.write_bytes(bytes(raw))
    with pytest.raises(SerializationError, match=r"huge.t7', byte offset 119: .* of 1000000000000000 elements"):
        torch.load(str(path))
    for fmt, ten, huge in (("binary", struct.pack("<i", 10), struct.pack("<i", 2 ** 31 - 1)),
                           ("ascii", b"\n10\n", b"\n2147483647\n")):
        data = torch.serialize("x" * 10, fmt)
        assert ten in data
        with pytest.raises(SerializationError, match="length of a string is 2147483647"):
            torch.deserialize(data.replace(ten, huge, 1), fmt)
        table = torch.serialize([1], fmt).replace(struct.pack("<iii", 3, 1, 1) if fmt == "binary" else b"3\n1\n1\n",
                                                  struct.pack("<iii", 3, 1, 10 ** 9) if fmt == "binary" else b"3\n1\n1000000000\n")
        with pytest.raises(SerializationError, match="entry count of a table is 1000000000"):
            torch.deserialize(table, fmt)


def test_corrupt_type_tag():
    data = bytearray(torch.serialize([1, 2]))
    data[12] = 77  # the tag of the first key
    with pytest.raises(SerializationError, match="unknown object type tag 77.*"):
        torch.deserialize(bytes(data))


@pytest.mark.parametrize("name,fmt", [("mlp", "bin"), ("mlp", "ascii"), ("shared_tensors", "bin"),
                                      ("string", "ascii"), ("double_tensor", "bin")])
def test_every_truncation_is_a_clear_error(name, fmt, tmp_path):
    raw = _bytes(fixture(name, fmt))
    step = max(1, len(raw) // 150)
    for cut in list(range(0, len(raw) - 1, step)) + [len(raw) - 1]:
        data = raw[:cut]
        if fmt == "ascii" and raw[cut:].strip() == b"":
            continue  # only the final newline missing: still the whole file
        with pytest.raises(SerializationError) as e:
            torch.deserialize(data, FORMATS[fmt], unknown_classes="keep")
        assert "byte offset" in str(e.value)


def test_deep_nesting_is_handled():
    deep = []
    cur = deep
    for _ in range(3000):
        nxt = []
        cur.append(nxt)
        cur = nxt
    back = torch.deserialize(torch.serialize(deep))
    depth = 0
    while back:
        back = back[0]
        depth += 1
    assert depth == 3000


def test_too_deep_nesting_is_an_error():
    # 20001 nested one-entry tables, written by hand: tag, index, count, key 1, value ...
    import struct

    from luatorch.torch import serialization

    n = serialization.MAX_DEPTH + 1
    parts = [struct.pack("<iii", 3, i + 1, 1) + struct.pack("<id", 1, 1.0) for i in range(n)]
    data = b"".join(parts) + struct.pack("<i", 0)
    with pytest.raises(SerializationError, match="nested more than"):
        torch.deserialize(data)


def test_half_tensors_load_as_float_tensors():
    import struct

    values = np.array([1.5, -2, 65504], np.float16)
    raw = (struct.pack("<ii", 4, 1) + struct.pack("<i", 3) + b"V 1" + struct.pack("<i", 16) + b"torch.HalfTensor"
           + struct.pack("<i", 1) + struct.pack("<qqq", 3, 1, 1)
           + struct.pack("<ii", 4, 2) + struct.pack("<i", 3) + b"V 1" + struct.pack("<i", 17) + b"torch.HalfStorage"
           + struct.pack("<q", 3) + values.tobytes())
    back = torch.deserialize(raw)
    assert torch.type(back) == "torch.FloatTensor" and back.tolist() == [1.5, -2, 65504]


class OldStyle(classes.TorchObject):
    """A read method without the version argument (as nn.Module:read(file) in Torch7)."""

    __typename__ = "test_serialization.OldStyle"

    def read(self, f):
        fields = f.readObject()
        assert isinstance(fields, dict)  # a class's field table reads as a dict, even if empty
        self.__dict__.update(fields)


def test_read_method_without_version_and_empty_field_table():
    obj = OldStyle.__new__(OldStyle)
    back = torch.deserialize(torch.serialize(obj))
    assert type(back) is OldStyle and back.__dict__ == {}
    obj.a = [1]
    assert torch.deserialize(torch.serialize(obj)).a == [1]


def test_versions_from_class_attributes():
    from luatorch.torch.serialization import _version_of

    class Versioned(classes.TorchObject):
        __version = 2  # noqa: PLW0238 - Torch7's name; read through the class namespace

    setattr(Point, "__version", 5)
    try:
        assert _version_of(Versioned.__new__(Versioned)) == 2
        assert b"V 5" in torch.serialize(_point(1, 2))
    finally:
        delattr(Point, "__version")


def test_files_from_before_versions_name_the_class_first():
    import struct

    # Torch7 before versioning wrote the class name where "V n" now stands
    name = b"torch.DoubleStorage"
    raw = struct.pack("<iii", 4, 1, len(name)) + name + struct.pack("<q", 2) + struct.pack("<dd", 1.5, 2)
    assert torch.deserialize(raw).tolist() == [1.5, 2]


@pytest.mark.parametrize("tag", [6, 7])
def test_legacy_function_tags(tag):
    import struct

    code = b"\x1bLJ"
    table_index = 1 if tag == 6 else 2  # a tag-6 function takes no reference index itself
    body = struct.pack("<i", len(code)) + code + struct.pack("<iiii", 3, table_index, 1, 1) + struct.pack("<d", 1) \
        + struct.pack("<id", 1, 42)  # upvalues {42}
    raw = struct.pack("<i", tag) + (b"" if tag == 6 else struct.pack("<i", 1)) + body
    with pytest.raises(SerializationError, match="allow_functions"):
        torch.deserialize(raw)
    fn = torch.deserialize(raw, allow_functions=True)
    assert fn.bytecode == code and fn.upvalues == [42] and fn.kind == tag
    assert torch.serialize(fn)[:-1] == raw


def test_custom_read_methods_on_disk_files(tmp_path):
    obj = Packed.__new__(Packed)
    obj.values, obj.extra = [4.0], "x"
    for fmt in ("binary", "ascii"):
        path = str(tmp_path / f"p.{fmt}.t7")
        torch.save(path, {"p": obj, "after": 7}, fmt)
        back = torch.load(path, fmt)
        assert back["p"].values == [4.0] and back["p"].extra == "x" and back["after"] == 7


class Picky(classes.TorchObject):
    __typename__ = "test_serialization.Picky"

    def read(self, f, version):
        raise ValueError("bad data")


def test_a_failing_read_method_is_reported_with_the_file():
    obj = Picky.__new__(Picky)
    with pytest.raises(SerializationError, match=r"byte offset 0: the read method of <test_serialization.Picky> "
                                                 "failed: ValueError: bad data"):
        torch.deserialize(torch.serialize(obj))


def test_large_tensors_round_trip_through_disk(tmp_path):
    t = torch.range(1, 300000).view(3000, 100).t()  # 2.4 MB, read in one piece
    path = str(tmp_path / "big.t7")
    torch.save(path, {"t": t, "after": "end"})
    back = torch.load(path)
    np.testing.assert_array_equal(back["t"]._a, t._a)
    assert back["after"] == "end"
    assert torch.load(path, numpy=True)["t"].shape == (100, 3000)
