"""Fuzzing the reader: mutated Torch7 fixtures load or fail with a SerializationError that names
the byte offset; never another exception, a hang or a huge allocation.

The in-suite run is small; ``bench/fuzz_serialization.py --count 100000`` runs the same
property with many more cases.
"""

import glob
import os
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luatorch import torch
from luatorch.torch.serialization import SerializationError

T7_DIR = os.environ.get("LUATORCH_T7_FIXTURES", os.environ["LUATORCH_SHARED"] + "/t7")

try:  # with nn's classes registered, modules load as themselves (their read methods run too)
    import luatorch.nn  # noqa: F401
except ImportError:
    pass


def load_fixtures():
    out = []
    for path in sorted(glob.glob(os.path.join(T7_DIR, "*.t7"))):
        with open(path, "rb") as fh:
            out.append((os.path.basename(path), fh.read(), "ascii" if ".ascii." in path else "binary"))
    return out


FIXTURES = load_fixtures()

_EXTREME_INTS = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 10 ** 15, 2 ** 63 - 1, 3, 4, 8, 9, 1000]


@st.composite
def mutated(draw):
    name, data, fmt = draw(st.sampled_from(FIXTURES))
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "number"]))
        if op == "flip":
            data[pos] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 16))]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif op == "truncate":
            del data[pos:]
        else:
            value = draw(st.sampled_from(_EXTREME_INTS))
            if fmt == "binary":
                width = draw(st.sampled_from([4, 8]))
                packed = struct.pack("<q" if width == 8 else "<i", max(min(value, 2 ** (8 * width - 1) - 1),
                                                                     -(2 ** (8 * width - 1))))
                data[pos : pos + width] = packed
            else:
                end = data.find(b"\n", pos)
                end = len(data) if end < 0 else end
                data[pos:end] = str(value).encode()
    return name, bytes(data), fmt


def check_one(name, data, fmt):
    """Load mutated bytes; any outcome but a clear SerializationError or a loaded object fails."""
    try:
        torch.deserialize(data, fmt, unknown_classes="keep")
    except SerializationError as e:
        assert "byte offset" in str(e), f"{name}: error without an offset: {e}"


@pytest.mark.skipif(not FIXTURES, reason=f"no Torch7 fixtures in {T7_DIR}")
@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_fixtures_fail_cleanly(case):
    check_one(*case)
