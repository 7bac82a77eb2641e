"""Shared test settings: where ../shared (conformance scripts, Torch7 fixtures) lies."""
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# CI clones the repo into another folder with shared/ beside it, as for a session.
SHARED = Path(os.environ.get("LUATORCH_SHARED", REPO.parent / "shared")).resolve()
# Test modules read the location from the environment (they are not a package and cannot
# import this file); conftest runs before any of them is imported.
os.environ["LUATORCH_SHARED"] = str(SHARED)


@pytest.fixture(scope="session")
def shared_dir():
    if not SHARED.is_dir():
        pytest.skip(f"shared folder not found at {SHARED}")
    return SHARED
