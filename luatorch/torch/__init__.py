"""luatorch.torch: Torch7's tensor library in Python, with Torch7's semantics and names.

Dimensions and indices are 1-based as in Torch7. ``torch.Tensor`` builds the default tensor
type (DoubleTensor unless ``setdefaulttensortype`` says otherwise).
"""

from . import classes as _classes
from .classes import TorchObject  # noqa: F401 - torch.TorchObject
from .storage import (Storage, DoubleStorage, FloatStorage, LongStorage, IntStorage,  # noqa: F401
                      ShortStorage, CharStorage, ByteStorage)
from .tensor import (Tensor, DoubleTensor, FloatTensor, LongTensor, IntTensor,  # noqa: F401
                     ShortTensor, CharTensor, ByteTensor, TENSOR_CLASSES)
from .tensor_math import *  # noqa: F401,F403 - torch.add, torch.mm, torch.max, ...
from .random import *  # noqa: F401,F403 - torch.manualSeed, torch.rand, torch.randn, ...
from .misc import *  # noqa: F401,F403 - torch.Timer, torch.Tester, torch.tic/toc, ...
from .serialization import *  # noqa: F401,F403 - torch.save, torch.load, DiskFile, ...


def setdefaulttensortype(name):
    cls = _classes.find(name)
    if cls is None or not issubclass(cls, Tensor) or cls is Tensor:
        raise ValueError(f"setdefaulttensortype: {name!r} is not a tensor type")
    Tensor._default = cls


def getdefaulttensortype():
    return Tensor._default.__typename__


def type(obj):  # noqa: A001 - Torch7's name
    """torch.type(obj): Torch class name ("torch.DoubleTensor", "nn.Linear") or Lua type."""
    return _classes.type_of(obj)


def typename(obj):
    return _classes.typename(obj)


def isTypeOf(obj, name_or_class):
    return _classes.is_type_of(obj, name_or_class)


def isTensor(obj):
    return isinstance(obj, Tensor)


def isStorage(obj):
    return isinstance(obj, Storage)


def class_(name, parent=None, namespace=None):
    """torch.class(name [, parent]): a new registered class and its parent class."""
    return _classes.new_class(name, parent, namespace)


def getmetatable(name):
    """The class registered under a Torch name (Torch7 returns its metatable)."""
    return _classes.find(name)


globals()["class"] = class_
