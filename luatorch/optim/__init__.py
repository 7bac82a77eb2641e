"""luatorch.optim: Torch7's optim package — optimisation algorithms with Torch7's signatures,
defaults, update order and state keys, plus checkgrad, ConfusionMatrix and Logger.

Every algorithm is ``optim.NAME(opfunc, x, config=None, state=None)``; ``opfunc(x)`` returns
``(f, df/dx)``; ``x`` is updated in place and returned with the list of function values (and
whatever else Torch7 returns after them). ``config`` and ``state`` are mappings changed in
place (``state`` defaults to ``config``).
"""

from .adadelta import adadelta
from .adagrad import adagrad
from .adam import adam
from .adamax import adamax
from .asgd import asgd
from .cg import cg
from .checkgrad import checkgrad
from .cmaes import cmaes
from .confusion_matrix import ConfusionMatrix
from .de import de
from .fista import FistaLS
from .lbfgs import lbfgs
from .logger import Logger
from .lswolfe import lswolfe
from .nag import nag
from .polyinterp import polyinterp
from .rmsprop import rmsprop
from .rprop import rprop
from .sgd import sgd

__all__ = [
           "ConfusionMatrix",
           "FistaLS",
           "Logger",
           "adadelta",
           "adagrad",
           "adam",
           "adamax",
           "asgd",
           "cg",
           "checkgrad",
           "cmaes",
           "de",
           "lbfgs",
           "lswolfe",
           "nag",
           "polyinterp",
           "rmsprop",
           "rprop",
           "sgd",
]
