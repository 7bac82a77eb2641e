"""torch.DiskFile / MemoryFile / PipeFile: Torch7's File API and its exact encodings."""

import os
import shutil
import struct

import numpy as np
import pytest

from luatorch import torch
from luatorch.torch.file import FileError


def test_new_files_are_ascii_with_auto_spacing():
    f = torch.MemoryFile()
    assert not f.isBinary() and f.isAutoSpacing() and f.isReadable() and f.isWritable()
    assert f.binary() is f and f.isBinary() and f.ascii() is f and not f.isBinary()


def test_ascii_number_formats_match_torch7():
    f = torch.MemoryFile("rw")
    f.writeDouble(0.1)
    f.writeFloat(0.1)
    f.writeInt(-7)
    f.writeLong(2 ** 40)
    f.writeShort(3)
    f.writeDouble(torch.DoubleStorage([1, 2.5, 1e-310]))
    f.writeChar(torch.CharStorage(np.frombuffer(b"ab c", np.int8)))
    f.writeByte(65)
    assert f.bytes() == (b"0.10000000000000001\n0.100000001\n-7\n1099511627776\n3\n"
                         b"1 2.5 " + (b"%.17g" % 1e-310) + b"\nab c\nA\n")
    f.seek(1)
    assert f.readDouble() == 0.1
    assert f.readFloat() == np.float32(0.1)
    assert (f.readInt(), f.readLong(), f.readShort()) == (-7, 2 ** 40, 3)
    assert f.readDouble(3).tolist() == [1, 2.5, 1e-310]
    assert f.readChar(4).data.tobytes() == b"ab c"
    assert f.readByte() == 65


def test_no_auto_spacing_writes_values_back_to_back():
    f = torch.MemoryFile().noAutoSpacing()
    f.writeInt(torch.IntStorage([1, 2, 3]))
    assert f.bytes() == b"123"


@pytest.mark.parametrize("kind,fmt", [("Byte", "B"), ("Char", "b"), ("Short", "h"), ("Int", "i"),
                                      ("Long", "q"), ("Float", "f"), ("Double", "d")])
def test_binary_encoding_is_native_bytes(kind, fmt):
    f = torch.MemoryFile().binary()
    getattr(f, "write" + kind)(5)
    storage = getattr(torch, kind + "Storage")([1, 2, 3])
    assert getattr(f, "write" + kind)(storage) == 3
    assert f.bytes() == struct.pack("<" + fmt * 4, 5, 1, 2, 3)
    f.seek(1)
    assert getattr(f, "read" + kind)() == 5
    into = getattr(torch, kind + "Storage")(3)
    assert getattr(f, "read" + kind)(into) == 3 and into.tolist() == [1, 2, 3]


def test_read_write_bool():
    f = torch.MemoryFile().binary()
    f.writeBool(True)
    f.writeBool(False)
    f.seek(1)
    assert f.readBool() is True and f.readBool() is False


def test_strings_and_lines():
    f = torch.MemoryFile()
    assert f.writeString("first line\nsecond\n\nlast") == 23
    f.seek(1)
    assert f.readString("*l") == "first line"
    assert f.readString("*l") == "second"
    assert f.readString("*l") == ""
    assert f.readString("*l") == "last"
    with pytest.raises(FileError, match="read error: read 0 blocks instead of 1"):
        f.readString("*l")
    f.seek(7)
    assert f.readString("*a") == "line\nsecond\n\nlast"
    f.seek(1)
    assert f.readString(5) == "first"
    with pytest.raises(ValueError, match="format must be '\\*a' or '\\*l'"):
        f.readString("*x")


def test_positions_are_one_based_and_seek_end():
    f = torch.MemoryFile().binary()
    assert f.position() == 1
    f.writeInt(1)
    f.writeInt(2)
    assert f.position() == 9
    f.seek(5)
    assert f.readInt() == 2
    f.seek(1).seekEnd()
    assert f.position() == 9
    with pytest.raises(FileError, match="unable to seek"):
        f.seek(100)
    with pytest.raises(ValueError, match="position has to be greater than 0"):
        f.seek(0)


def test_read_errors_and_quiet_mode():
    f = torch.MemoryFile().binary()
    f.writeInt(1)
    f.seek(1)
    f.readInt()
    with pytest.raises(FileError, match=r"read error: read 0 blocks instead of 1 \(torch.MemoryFile, byte offset 4\)"):
        f.readInt()
    assert f.hasError()
    f.clearError().quiet()
    assert f.isQuiet() and not f.hasError()
    assert f.readInt() == 0 and f.hasError()
    partial = f.seek(1).readDouble(3)
    assert partial.size() == 0  # an Int's 4 bytes hold no Double
    f.pedantic()
    assert not f.isQuiet()


def test_ascii_garbage_is_a_read_error():
    f = torch.MemoryFile(torch.CharStorage(np.frombuffer(b"12 x7\0", np.int8)), "r")
    assert f.readInt() == 12
    with pytest.raises(FileError, match="expected an integer .* found b'x7'"):
        f.readInt()


def test_memory_file_storage_and_reading_from_a_storage():
    f = torch.MemoryFile("w")
    f.writeString("abc")
    s = f.storage()
    assert torch.type(s) == "torch.CharStorage" and s.data.tobytes() == b"abc\0"
    g = torch.MemoryFile(s, "r")
    assert g.readString("*a") == "abc"
    assert not g.isWritable()
    with pytest.raises(FileError, match="attempt to write in a read-only file"):
        g.writeInt(1)
    with pytest.raises(ValueError, match="terminated by 0"):
        torch.MemoryFile(torch.CharStorage(np.frombuffer(b"abc", np.int8)))
    with pytest.raises(FileError, match="attempt to read in a write-only file"):
        f.readInt()


def test_memory_file_shares_the_char_storage_it_is_built_from():
    # THMemoryFile_newWithStorage keeps the storage: writes land in it (growing it), and
    # storage() returns that same storage resized to the content plus its 0 byte
    s = torch.CharStorage(np.frombuffer(b"12 34\0", np.int8).copy())
    f = torch.MemoryFile(s, "rw")
    assert f.storage() is s
    s.data[0] = ord("5")  # the file reads the storage's current bytes
    assert f.readInt() == 52
    f.seekEnd()
    f.writeString(" 78 90 123456789")
    assert f.storage() is s and s.data.tobytes() == b"52 34 78 90 123456789\0"
    f.seek(1)
    assert [f.readInt() for _ in range(5)] == [52, 34, 78, 90, 123456789]
    plain = torch.MemoryFile()
    plain.writeInt(3)
    first = plain.storage()
    plain.writeInt(4)
    assert plain.storage() is first and first.data.tobytes() == b"3\n4\n\0"
    f.close()
    assert s.data.tobytes() == b"52 34 78 90 123456789\0"  # closing keeps the caller's storage
    with pytest.raises(TypeError, match="CharStorage"):
        torch.MemoryFile(torch.ByteStorage(2))


def test_memory_file_ascii_numbers_are_also_separated_by_colon_and_semicolon():
    # THMemoryFile_strnextspace: ' ', newline, ':' and ';' end a number (DiskFile: whitespace only)
    f = torch.MemoryFile(torch.CharStorage(np.frombuffer(b"1:2;3 ;: 4\n5.5;6\0", np.int8)), "r")
    assert [f.readInt() for _ in range(4)] == [1, 2, 3, 4]
    assert f.readDouble() == 5.5
    assert f.readLong() == 6
    g = torch.MemoryFile(torch.CharStorage(np.frombuffer(b"7;8:9;10\0", np.int8)), "r")
    assert g.readInt(4).tolist() == [7, 8, 9, 10]
    assert torch.deserialize(b"1\n2.5\0".replace(b"\n", b";"), "ascii") == 2.5
    h = torch.MemoryFile(torch.CharStorage(np.frombuffer(b"4;1;3;V 1\0", np.int8)), "r")
    h.ascii()
    assert h.readInt() == 4 and h.readInt() == 1


def test_closed_and_missing_files(tmp_path):
    f = torch.MemoryFile()
    f.close()
    with pytest.raises(FileError, match="attempt to use a closed file"):
        f.writeInt(1)
    missing = str(tmp_path / "missing.t7")
    with pytest.raises(FileError, match=r"cannot open <.*missing.t7> in mode r "):
        torch.DiskFile(missing, "r")
    # Torch7: DiskFile(path, mode, true) returns nil when the file cannot be opened
    assert torch.DiskFile(missing, "r", True) is None
    assert torch.DiskFile(str(tmp_path / "no" / "dir.t7"), "w", True) is None
    assert not os.path.exists(missing)
    quiet = torch.DiskFile(str(tmp_path / "made.t7"), "w", True)
    assert quiet.isOpened() and quiet.isQuiet()
    quiet.writeInt(7)
    quiet.close()
    assert torch.DiskFile(str(tmp_path / "made.t7"), "r", True).readInt() == 7
    with pytest.raises(ValueError, match="file mode should be 'r','w' or 'rw'"):
        torch.DiskFile(missing, "a")


def test_disk_file_round_trip_and_tostring(tmp_path):
    path = str(tmp_path / "d.bin")
    f = torch.DiskFile(path, "w").binary()
    assert str(f) == f"torch.DiskFile on <{path}> [status: open -- mode  w]"
    f.writeDouble(torch.DoubleStorage(np.arange(1000.0)))
    f.writeString("tail")
    f.close()
    assert "closed" in str(f)
    assert os.path.getsize(path) == 8004
    g = torch.DiskFile(path, "rw").binary()
    assert g.readDouble(1000).data.sum() == 499500
    assert g.readString("*a") == "tail"
    g.seekEnd()
    g.writeInt(9)
    g.seek(8001)
    assert g.readString(4) == "tail" and g.readInt() == 9
    g.close()
    assert str(torch.MemoryFile("r")) == "torch.MemoryFile [status: open -- mode: r ]"


def test_long_size_and_endianness(tmp_path):
    path = str(tmp_path / "e.bin")
    f = torch.DiskFile(path, "w").binary().bigEndianEncoding().longSize(4)
    f.writeInt(1)
    f.writeLong(torch.LongStorage([2, -3]))
    f.writeDouble(1.5)
    f.close()
    raw = open(path, "rb").read()  # noqa: SIM115 - whole file
    assert raw == struct.pack(">iiid", 1, 2, -3, 1.5)
    g = torch.DiskFile(path, "r").binary().bigEndianEncoding().longSize(4)
    assert g.readInt() == 1 and g.readLong(2).tolist() == [2, -3] and g.readDouble() == 1.5
    assert torch.DiskFile.isLittleEndianCPU() != torch.DiskFile.isBigEndianCPU()
    with pytest.raises(ValueError, match="Invalid long size"):
        g.longSize(2)
    m = torch.MemoryFile().binary().longSize(4)
    m.writeLong(7)
    assert m.bytes() == struct.pack("<i", 7)


def test_ascii_arrays_spanning_lines_and_large_counts():
    values = np.random.default_rng(1).standard_normal(5000)
    f = torch.MemoryFile()
    f.writeDouble(torch.DoubleStorage(values))
    f.writeInt(42)
    f.seek(1)
    np.testing.assert_array_equal(f.readDouble(5000).data, values)
    assert f.readInt() == 42


@pytest.mark.skipif(shutil.which("sh") is None, reason="no shell for PipeFile")
def test_pipe_file_reads_and_writes(tmp_path):
    p = torch.PipeFile("printf '1 2 3\\n4.5\\nline\\n'", "r")
    assert p.readInt(3).tolist() == [1, 2, 3]
    assert p.readDouble() == 4.5
    assert p.readString("*l") == "line"
    p.close()
    out = tmp_path / "piped.t7"
    w = torch.PipeFile(f"cat > '{out}'", "w").binary()
    w.writeObject({"t": torch.range(1, 3)})
    w.close()
    assert torch.load(str(out))["t"].tolist() == [1, 2, 3]
    r = torch.PipeFile(f"cat '{out}'", "r").binary()
    assert r.readObject()["t"].tolist() == [1, 2, 3]
    r.close()
    with pytest.raises(ValueError, match="file mode should be 'r','w'"):
        torch.PipeFile("true", "rw")


def test_files_are_torch_classes():
    assert torch.type(torch.MemoryFile()) == "torch.MemoryFile"
    assert torch.isTypeOf(torch.MemoryFile(), "torch.File")


@pytest.mark.parametrize("width", [1, 7, 40, 300])
def test_ascii_array_reads_whatever_the_token_layout(width, tmp_path):
    """Arrays whose text does not fit the first look-ahead window, ending anywhere in it."""
    ints = [i * 10 ** width + 1 for i in range(200)]
    values = np.array([float(v) for v in ints])
    text = " ".join(str(v) for v in ints) + "\n7\n"
    path = tmp_path / "a.txt"
    path.write_text(text)
    for f in (torch.DiskFile(str(path), "r"),
              torch.MemoryFile(torch.CharStorage(np.frombuffer(text.encode() + b"\0", np.int8)), "r")):
        got = f.readDouble(200).data
        np.testing.assert_array_equal(got, values)
        assert f.readInt() == 7
