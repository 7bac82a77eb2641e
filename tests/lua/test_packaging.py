"""The Lua glue is found in the source tree and is listed for installation in wheels."""

import tomllib
from pathlib import Path

from luatorch.lua.session import glue_dir

ROOT = Path(__file__).resolve().parents[2]


def test_glue_dir_has_the_glue():
    d = glue_dir()
    assert (d / "bridge.lua").is_file() and (d / "prelude.lua").is_file()


def test_every_glue_file_is_installed_by_wheels():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["data-files"]["share/luatorch/lua"])
    present = {f"lua/{p.name}" for p in (ROOT / "lua").glob("*.lua")}
    assert present <= listed, f"add {sorted(present - listed)} to [tool.setuptools.data-files]"
