import numpy as np
import pytest

from luatorch import torch


@pytest.fixture(autouse=True)
def _seed():
    torch.manualSeed(1234)
    np.random.seed(1234)
