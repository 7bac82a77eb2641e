"""optim.de: differential evolution, as torch/optim's de.lua. It draws from its own
generator seeded with 1 (``torch.Generator()`` + ``torch.manualSeed(gen, 1)``), so every run
from the same start gives the same result, as in Torch7."""

import numpy as np

from ._common import (
    as_number,
    check_x,
    number_option,
    setup,
    tonumber_option,
    value_only,
)


def de(opfunc, x, config=None, state=None):
    """Minimise ``opfunc`` (only its value is used).

    config: popsize (10 * dim), scaleFactor, crossoverRate, maxFEs (evaluations, required),
    maxRegion (30), minRegion (-30).  Returns ``(best solution, fx)`` with ``fx`` a tensor of
    the maxFEs function values in evaluation order. As in Torch7 the starting best is the
    worst of the initial population.
    """
    from .. import torch  # the RNG lives in luatorch.torch.random

    op = "de"
    check_x(x, op)
    config, state = setup(config, state)
    xmean = x.clone().view(-1)
    D = xmean.size(1)
    popsize = int(number_option(config, "popsize", 10 * D, op))
    scale_factor = number_option(config, "scaleFactor", None, op)
    crossover_rate = number_option(config, "crossoverRate", None, op)
    max_fes = tonumber_option(config, "maxFEs", None, op)
    if max_fes is None or scale_factor is None or crossover_rate is None:
        raise ValueError("optim.de: config.maxFEs, config.scaleFactor and "
                         "config.crossoverRate are required")
    max_fes = int(max_fes)
    max_region = number_option(config, "maxRegion", 30, op)
    min_region = number_option(config, "minRegion", -30, op)

    def objective(point):
        return as_number(value_only(opfunc(point)), "f(x) returned by opfunc", op)

    def record(fes, value):
        # Torch7 indexes fx[fes] and fails past maxFEs (a generation is never cut short)
        if fes > max_fes:
            raise IndexError(f"optim.de: evaluation {fes} is past config.maxFEs = {max_fes}; "
                             f"use maxFEs = popsize * (number of generations + 1)")
        Fx[fes - 1] = value

    fx = x.new(max_fes)
    pop = x.new(popsize, D)
    children = x.new(popsize, D)
    fitness = x.new(popsize)
    children_fitness = x.new(popsize)
    fes = 1
    best_solution = x.new(D)

    gen = torch.Generator()
    torch.manualSeed(gen, 1)
    pop.uniform(gen, min_region, max_region)
    F, CF, P, Ch, Fx = fitness._a, children_fitness._a, pop._a, children._a, fx._a
    for i in range(popsize):
        F[i] = objective(pop.select(1, i + 1))
        record(fes, F[i])
        fes += 1

    # Torch7 starts from the *largest* fitness (fitness:max(1))
    index = int(np.argmax(F))
    best_fitness = float(F[index])
    best_solution._a[...] = P[index]

    while fes < max_fes:
        for i in range(1, popsize + 1):
            while True:
                r1 = int(torch.random(gen, 1, popsize))
                if r1 != i:
                    break
            while True:
                r2 = int(torch.random(gen, 1, popsize))
                if r2 != r1 and r2 != i:
                    break
            jrand = int(torch.random(gen, 1, D))
            for j in range(1, D + 1):
                if torch.uniform(gen, 0, 1) < crossover_rate or i == jrand:
                    Ch[i - 1, j - 1] = (best_solution._a[j - 1]
                                        + scale_factor * (P[r1 - 1, j - 1] - P[r2 - 1, j - 1]))
                else:
                    Ch[i - 1, j - 1] = P[i - 1, j - 1]
            CF[i - 1] = objective(children.select(1, i))
            record(fes, CF[i - 1])
            fes += 1

        for i in range(popsize):
            if CF[i] <= F[i]:
                P[i] = Ch[i]
                F[i] = CF[i]
                if F[i] < best_fitness:
                    best_fitness = float(F[i])
                    best_solution._a[...] = Ch[i]
    return best_solution, fx
