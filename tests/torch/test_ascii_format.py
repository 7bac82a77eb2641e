"""The vectorised %.17g / %.9g of ascii files: byte-identical to C's (Python's %) formatting."""

import glob
import os

import numpy as np
import pytest

from luatorch import torch
from luatorch.torch import file as file_module
from luatorch.torch.ascii_format import format_g

EDGES = [0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1e16, 1e17, 9.999999999999999e16, 123456789012345678.0,
         1e-4, 1e-5, 0.00012345, -0.00099999999999999991, 5e-324, 2.2250738585072014e-308, 1e-280,
         1.0000000000000001e-280, 1e280, 1.7976931348623157e308, np.inf, -np.inf, np.nan, 2.0**60,
         1e22, 1e23, 99999999999999999.0, 0.30000000000000004, 1e100, -1.5e-100, 123.0, 1234567.0,
         9.5, 0.125, 1e15 + 0.5, 4503599627370496.5, 999999999.5, 99.999999999999986]


def reference(values, precision, sep):
    return "".join(f"%.{precision}g" % v + sep for v in values.tolist()).encode("ascii")


def samples():
    rng = np.random.default_rng(7)
    return [
        np.array(EDGES),
        rng.standard_normal(3000),
        rng.standard_normal(3000) * 10.0 ** rng.integers(-40, 40, 3000),
        rng.integers(-10**6, 10**6, 3000).astype(np.float64),
        rng.integers(0, 2**53, 3000) * 2.0 ** rng.integers(-1074, 971, 3000),
        np.frombuffer(rng.bytes(8 * 20000), np.float64),  # every kind of bit pattern
        np.zeros(100),
        np.arange(-200, 200) * 0.25,
    ]


@pytest.mark.parametrize("precision", [17, 9])
@pytest.mark.parametrize("sep", [" ", ""])
def test_format_g_matches_c_formatting_exactly(precision, sep):
    for values in samples():
        if precision == 9:  # Floats: the float32 value, printed as a double (C's varargs)
            with np.errstate(over="ignore", invalid="ignore"):
                values = values.astype(np.float32).astype(np.float64)
        got = format_g(values, precision, sep.encode())
        want = reference(values, precision, sep)
        if got != want:
            pairs = zip(want.decode().split(), got.decode().split())
            raise AssertionError([p for p in pairs if p[0] != p[1]][:5])


def test_large_ascii_tensors_are_written_as_number_by_number(monkeypatch):
    torch.manualSeed(2)
    tensors = [torch.randn(500), torch.randn(30, 40).mul(1e10), torch.FloatTensor(300).normal(0, 1e-3)]
    for t in tensors:
        for spacing in ("autoSpacing", "noAutoSpacing"):
            fast = torch.MemoryFile()
            getattr(fast, spacing)()
            fast.writeObject(t)
            monkeypatch.setattr(file_module, "_VECTOR_FORMAT_MIN", 10**12)
            slow = torch.MemoryFile()
            getattr(slow, spacing)()
            slow.writeObject(t)
            monkeypatch.undo()
            assert fast.bytes() == slow.bytes()
        assert torch.deserialize(torch.serialize(t, "ascii"), "ascii").equal(t)


T7_DIR = os.path.join(os.environ.get("LUATORCH_SHARED", ""), "t7")


@pytest.mark.skipif(not glob.glob(os.path.join(T7_DIR, "*.ascii.t7")), reason="no Torch7 fixtures")
def test_every_ascii_fixture_is_written_back_byte_identical():
    import luatorch.nn  # noqa: F401 - registers the module classes the fixtures hold

    for path in sorted(glob.glob(os.path.join(T7_DIR, "*.ascii.t7"))):
        f = torch.MemoryFile()
        f.ascii()
        f.writeObject(torch.load(path, "ascii"))
        with open(path, "rb") as fh:
            assert f.bytes() == fh.read(), os.path.basename(path)


def test_large_ascii_reads_parse_in_c_with_torch7s_token_rules():
    values = np.random.default_rng(3).standard_normal(5000) * 1e5
    text = " ".join(f"{v:.17g}" for v in values.tolist()).encode() + b"\n"
    f = torch.MemoryFile(torch.CharStorage(np.frombuffer(text + b"\0", np.int8)), "r")
    assert np.array_equal(f.readDouble(5000).data, values)
    # a MemoryFile also splits at ':' and ';'; specials read as C reads them
    g = torch.MemoryFile(torch.CharStorage(np.frombuffer(b"1;2:3 nan inf -inf -nan 4\0", np.int8)), "r")
    got = g.readDouble(8).data
    assert got[:3].tolist() == [1, 2, 3] and np.isnan(got[3]) and np.isnan(got[6])
    assert got[4] == np.inf and got[5] == -np.inf and got[7] == 4
    # numpy's parser would read '1.5-2' as two numbers; fscanf reads one token and fails
    h = torch.MemoryFile(torch.CharStorage(np.frombuffer(b"1.5-2 3 4\0", np.int8)), "r")
    with pytest.raises(Exception, match="found b'1.5-2'"):
        h.readDouble(3)
    # a short file reads what it holds (an error unless quiet)
    q = torch.MemoryFile(torch.CharStorage(np.frombuffer(b"1 2 3\0", np.int8)), "r").quiet()
    s = torch.DoubleStorage(5)
    assert q.readDouble(s) == 3 and s.data[:3].tolist() == [1, 2, 3]
