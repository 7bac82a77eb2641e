"""The problem fixture: each optim test runs on a quadratic and on Rosenbrock."""

import numpy as np
import pytest
from optim_objectives import quad_np, rosen_np


@pytest.fixture(params=["quadratic", "rosenbrock"])
def problem(request):
    if request.param == "quadratic":
        return quad_np, np.array([0.5, -1.0, 2.0])
    return rosen_np, np.array([-1.2, 1.0])


@pytest.fixture
def lr_scale(problem):
    """Rosenbrock's curvature (about 1000) needs smaller learning rates than the quadratic."""
    return 1.0 if problem[0] is quad_np else 0.1
