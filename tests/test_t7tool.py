"""``luatorch t7 inspect | convert`` on the Torch7 fixtures."""

import os

import numpy as np
import pytest

from luatorch import t7tool, torch
from luatorch.torch.serialization import LuaFunction, T7Object

T7_DIR = os.environ.get("LUATORCH_T7_FIXTURES", os.environ["LUATORCH_SHARED"] + "/t7")
pytestmark = pytest.mark.skipif(not os.path.isdir(T7_DIR), reason=f"no Torch7 fixtures in {T7_DIR}")


def fixture(name, fmt="bin"):
    return os.path.join(T7_DIR, f"{name}.{fmt}.t7")


@pytest.mark.parametrize("fmt", ["bin", "ascii"])
def test_inspect_prints_module_tree_and_fields(fmt, capsys):
    assert t7tool.main(["inspect", fixture("convnet", fmt)]) == 0
    out = capsys.readouterr().out
    assert f"Torch7 {'binary' if fmt == 'bin' else 'ascii'} file" in out
    assert "module tree:\n  nn.Sequential\n    (1) nn.SpatialConvolution  [weight 2x1x3x3, bias 2]\n" in out
    assert "    (5) nn.Linear  [weight 2x8, bias 2]\n" in out
    assert "      kW: number 3\n" in out
    assert "      size: torch.LongStorage size 1\n" in out


def test_inspect_shows_sharing(capsys):
    assert t7tool.main(["inspect", fixture("shared_tensors")]) == 0
    out = capsys.readouterr().out
    assert "  b: (the same object as a)\n" in out
    assert "  view: torch.DoubleTensor size 2 offset 2 (shares storage with a)\n" in out


def test_inspect_plain_values_and_depth(capsys):
    assert t7tool.main(["inspect", fixture("string", "ascii")]) == 0
    assert "<root>: string 'hello\\nworld'" in capsys.readouterr().out
    assert t7tool.main(["inspect", fixture("mlp"), "--depth", "1"]) == 0
    out = capsys.readouterr().out
    assert "  modules: array (4 entries)\n    ...\n  _type: string 'torch.DoubleTensor'\n" in out


def test_inspect_shows_functions_and_unknown_classes_without_running_them(tmp_path, capsys):
    from luatorch.torch import serialization

    called = []
    serialization.register_function_loader(lambda fn: called.append(fn))
    try:
        obj = T7Object("someone.Else", 1, {"hook": LuaFunction(b"\x1bLJ bytecode"), "n": 2})
        path = str(tmp_path / "f.t7")
        torch.save(path, obj)
        assert t7tool.main(["inspect", path]) == 0
    finally:
        serialization.register_function_loader(None)
    out = capsys.readouterr().out
    assert "<root>: someone.Else (class not in luatorch)" in out
    assert "hook: Lua function (12 bytes of bytecode, not run)" in out
    assert called == []


@pytest.mark.parametrize("fmt", ["bin", "ascii"])
def test_convert_exports_parameters_by_path(fmt, tmp_path, capsys):
    out = str(tmp_path / "p.npz")
    assert t7tool.main(["convert", fixture("mlp", fmt), out, "--params"]) == 0
    with np.load(out) as z:
        assert sorted(z.files) == ["modules.1.bias", "modules.1.weight", "modules.3.bias", "modules.3.weight"]
        ref = torch.load(fixture("mlp", fmt), unknown_classes="keep")
        w = ref["modules"][0]["weight"] if isinstance(ref, T7Object) else ref.modules[0].weight
        np.testing.assert_array_equal(z["modules.1.weight"], w._a)
        assert z["modules.1.weight"].shape == (3, 4)
    assert "wrote 4 arrays" in capsys.readouterr().out


def test_convert_all_tensors_keeps_views_and_skips_duplicates(tmp_path):
    out = str(tmp_path / "t.npz")
    assert t7tool.main(["convert", fixture("shared_tensors"), out]) == 0
    with np.load(out) as z:
        assert sorted(z.files) == ["a", "view"]
        assert z["view"].tolist() == [2, 3]
    assert t7tool.main(["convert", fixture("noncontiguous_tensor"), out]) == 0
    with np.load(out) as z:
        assert z["tensor"].tolist() == [[1, 5, 9], [2, 6, 10], [3, 7, 11], [4, 8, 12]]


def test_errors_exit_non_zero(tmp_path, capsys):
    assert t7tool.main(["inspect", str(tmp_path / "missing.t7")]) == 1
    assert t7tool.main(["inspect", str(tmp_path)]) == 1  # a directory
    assert "cannot open" in capsys.readouterr().err
    bad = tmp_path / "bad.t7"
    bad.write_bytes(open(fixture("mlp"), "rb").read()[:300])  # noqa: SIM115
    assert t7tool.main(["inspect", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.t7" in err and "byte offset" in err
    assert t7tool.main(["convert", fixture("number"), str(tmp_path / "n.npz")]) == 1
    with pytest.raises(SystemExit):
        t7tool.main(["frobnicate"])
