"""What the translator knows about the library's API: which calls give tensors, modules, lists
or several values. Only used to choose readable Python that is still exact (1-based tensor
indexing versus 0-based list indexing, builtin ``print`` versus ``compat.print``)."""

import functools
import importlib
import inspect

from .library_api import ATTRIBUTES, CLASSES

# torch.* functions returning a new tensor
TORCH_TENSOR_FUNCS = {
    "Tensor", "DoubleTensor", "FloatTensor", "LongTensor", "IntTensor", "ShortTensor",
    "CharTensor", "ByteTensor", "rand", "randn", "zeros", "ones", "range", "linspace",
    "logspace", "randperm", "eye", "exp", "log", "abs", "sqrt", "tanh", "sigmoid", "pow", "mm",
    "mv", "cmul", "cdiv", "add", "mul", "div", "cat", "diag", "t", "clamp", "sign", "floor",
    "ceil", "round", "eq", "ne", "gt", "lt", "ge", "le", "cumsum", "cumprod", "multinomial",
    "addmm", "addmv", "ger", "outer", "bmm", "baddbmm", "repeatTensor", "squeeze", "reshape",
    "tril", "triu", "cos", "sin", "neg", "cinv", "fmod", "remainder", "lerp", "atan2",
    "cmax", "cmin", "load_tensor", "expand", "inverse", "gather", "scatter", "nonzero",
    "histc", "trace_t", "cross", "zerosLike", "onesLike", "Storage",
}
TORCH_NUMBER_FUNCS = {"uniform", "normal", "random", "exponential", "cauchy", "logNormal",
                      "geometric", "bernoulli", "initialSeed", "seed", "toc", "dot", "trace"}
TORCH_STRING_FUNCS = {"type", "typename", "getdefaulttensortype"}
TORCH_BOOL_FUNCS = {"isTypeOf", "isTensor", "isStorage", "all", "any", "equal"}
# Library methods (and torch.X functions) that give several values: Lua keeps the first where
# one value is expected, the Python API returns a tuple. By name alone, so that a receiver the
# analysis could not type (``clones[1]:parameters()``) still gets its first value. The kinds of
# the values: "tensor", "indices" (a LongTensor), "tensors" (a list of tensors).
MULTI_VALUE_METHODS = {
    "parameters": ("tensors", "tensors"),     # module: weights, their gradients
    "getParameters": ("tensor", "tensor"),    # module: flat weights, flat gradients
    "sort": ("tensor", "indices"), "topk": ("tensor", "indices"),
    # along the last dimension when none is given
    "kthvalue": ("tensor", "indices"), "median": ("tensor", "indices"),
    "mode": ("tensor", "indices"),
}
# these give (values, indices) along a dimension, and one number without one: t:max(), t:max(2)
MULTI_VALUE_WITH_DIM = {"max": ("tensor", "indices"), "min": ("tensor", "indices")}

# torch.X(t, dim) gives (values, indices); torch.X(t) gives a number
TORCH_PAIR_WITH_DIM = set(MULTI_VALUE_WITH_DIM)
TORCH_ALWAYS_PAIR = {"sort", "topk", "kthvalue", "median", "mode"}
TORCH_REDUCE_NUMBER = {"sum", "mean", "prod", "std", "var", "norm", "max", "min", "dist",
                       "trace", "dot"}

# tensor methods returning a tensor (self or new)
TENSOR_TENSOR_METHODS = TORCH_TENSOR_FUNCS | {
    "clone", "contiguous", "view", "viewAs", "narrow", "select", "sub", "transpose", "t",
    "permute", "unfold", "expand", "expandAs", "squeeze", "unsqueeze", "resize", "resizeAs",
    "copy", "fill", "zero", "add", "csub", "mul", "div", "cmul", "cdiv", "pow", "addcmul",
    "addcdiv", "apply", "map", "map2", "double", "float", "long", "int", "short", "char",
    "byte", "typeAs", "index", "indexCopy", "indexFill", "maskedSelect", "maskedFill",
    "maskedCopy", "abs", "exp", "log", "sqrt", "tanh", "sigmoid", "neg", "cmax", "cmin",
    "clamp", "uniform", "normal", "bernoulli", "random", "exponential", "cauchy", "geometric",
    "logNormal", "eq", "ne", "gt", "lt", "ge", "le", "set", "addmm", "addmv", "addr", "mv",
    "mm", "sign", "floor", "ceil", "round", "cumsum", "reshape", "repeatTensor", "renorm",
    "type_as", "scatter", "gather", "cinv", "fmod", "remainder", "zeros", "ones",
}
TENSOR_INT_METHODS = {"nElement", "nDimension", "dim", "storageOffset"}
TENSOR_STRING_METHODS = {"type"}  # t:type() with no argument
TENSOR_BOOL_METHODS = {"isContiguous", "isSameSizeAs", "isSize", "isSetTo", "equal"}

# module fields holding tensors / lists
MODULE_TENSOR_FIELDS = {"weight", "bias", "gradWeight", "gradBias", "output", "gradInput"}
MODULE_LIST_FIELDS = {"modules"}
# modules whose forward gives a table (Python list)
TABLE_OUTPUT_MODULES = {"ConcatTable", "ParallelTable", "SplitTable", "MapTable",
                        "NarrowTable", "FlattenTable", "ZipTable", "BatchNormTable"}
MODULE_SELF_METHODS = {"add", "insert", "remove", "training", "evaluate", "float", "double",
                       "type", "reset", "share", "zeroGradParameters", "cuda", "clearState",
                       "setNumInputDims", "noBias"}
CRITERION_NUMBER_METHODS = {"forward", "updateOutput"}

# optim.* methods: (x, {f1, f2, ...})
OPTIM_FUNCS = {"sgd", "adagrad", "adam", "adamax", "rmsprop", "adadelta", "nag", "lbfgs", "cg",
               "asgd", "rprop", "cmaes", "fista", "de", "polyinterp", "lswolfe"}

OPTIM_THREE_VALUES = {"lbfgs", "cg", "asgd", "cmaes"}   # (x, f_hist, evaluations)

# fields of a Lua table that the library calls as methods of the table it is handed, with how
# many arguments (self included): nn.StochasticGradient's dataset:size()
LIBRARY_CALLED_FIELDS = {"size": 1}

# Lua string methods with a direct Python spelling
STRING_METHODS = {"upper": "upper", "lower": "lower", "reverse": None}

# th makes these globals before the script runs; the other packages are nil until required
PRELOADED_BY_TH = ("torch", "paths", "sys", "xlua")
# a package's require also loads the packages it builds on (nngraph requires nn)
PACKAGES_BROUGHT = {"nngraph": ("nn",)}
LIBRARY_MODULES = ("torch", "nn", "optim", "nngraph", "paths", "gnuplot", "xlua", "image", "sys")
# packages imported under another name: torch's sys must not shadow Python's sys
LIBRARY_PYNAMES = {"sys": "torch_sys"}

# what torch's paths, sys and xlua functions give ("str", "num", "bool", "nilstr": a string or nil)
PACKAGE_RESULTS = {
    "paths.dirname": "str", "paths.basename": "str", "paths.concat": "str", "paths.cwd": "str",
    "paths.tmpname": "str", "paths.extname": "nilstr", "paths.findprogram": "nilstr",
    "paths.filep": "bool", "paths.dirp": "bool",
    "sys.clock": "num", "sys.toc": "num", "sys.execute": "str", "sys.fexecute": "str",
    "sys.uname": "str", "sys.isNaN": "bool", "xlua.formatTime": "str",
}
# paths functions giving an iterator over names (strings)
PATHS_ITERATORS = {"paths.files", "paths.iterfiles", "paths.iterdirs"}
# paths functions giving true, or nil, a message and an errno: one value or three
PATHS_STATUS_FUNCS = {"paths.mkdir", "paths.rmdir", "paths.rmall"}

# methods that never give several values, whatever the receiver (so ``%`` formatting needs no tuple)
SINGLE_VALUE_METHODS = {"norm", "sum", "mean", "nElement", "dim", "nDimension", "std", "var",
                        "dot", "dist", "trace", "prod", "size", "clone", "forward", "backward"}

# methods that only Lua strings have (a receiver of unknown type calling one is a string)
STRING_ONLY_METHODS = {"match", "gmatch", "gsub", "find", "upper", "lower", "rep", "byte",
                       "len", "format", "reverse"}

# torch functions giving several values (Lua keeps the first where one is expected)
TORCH_MULTI_VALUE = {"gesv": 2, "gels": 2, "trtrs": 2, "eig": 2, "symeig": 2, "svd": 3, "qr": 2,
                     "geqrf": 2, "btrifact": 2}

# Fields of library objects that Lua code reads, by the object's class: "module", "tensor",
# "record" (a dict of unknown keys: a missing one reads nil), "list of X", or a class name
# (another library object). Lets ``node.data.annotations.name`` read the annotations dict by key.
OBJECT_FIELDS = {
    "gModule": {"forwardnodes": "list of nngraph.Node", "backwardnodes": "list of nngraph.Node",
                "innode": "nngraph.Node", "outnode": "nngraph.Node"},
    "nngraph.Node": {"data": "nngraph.NodeData", "children": "list of nngraph.Node"},
    "nngraph.NodeData": {"annotations": "record", "module": "module"},
}
# methods of library objects that return the object itself (for chaining)
OBJECT_SELF_METHODS = {"nngraph.Node": {"annotate"}}


# --- the library's classes ---------------------------------------------------------------
# Answered from library_api.py, a table read from the library by tools/library_api.py (a test
# keeps it current): importing the library (numpy and all) to ask would cost about half a
# second per translating process. Only a name that Python's own classes give (object's dunders,
# an exception's) is asked of the library itself, once per question.


@functools.cache
def library_class(qualified):
    """The library's class for a Torch name (``"torch.Tensor"``, ``"nn.Sigmoid"``), or None,
    asked of the library itself (it is imported)."""
    package, _, name = qualified.partition(".")
    if package not in ("torch", "nn", "optim", "nngraph") or not name:
        return None
    try:
        module = importlib.import_module(f"luatorch.{package}")
        cls = getattr(module, name, None)
    except Exception:  # noqa: BLE001 - a library that does not import answers nothing
        return None
    if qualified == "torch.Tensor":
        from luatorch.torch.tensor import Tensor as cls
    return cls if isinstance(cls, type) else None


def _lookup(qualified, attribute):
    """(found, limit) for ``attribute`` of class ``qualified`` in the table; found is None where
    only the library can tell (a name Python's own classes give)."""
    _limit, mro, python_bases = CLASSES[qualified]
    for key in mro:
        attributes = ATTRIBUTES[key]
        if attribute in attributes:
            return True, attributes[attribute]
    if python_bases or attribute in _PYTHON_CLASS_NAMES:
        return None, None
    return False, None


# what a class gets from Python itself (object's attributes, its metaclass type's)
_PYTHON_CLASS_NAMES = frozenset(dir(type)) | frozenset(vars(type))


def tensor_has_field(name):
    """Does reading ``t.name`` on a tensor give something (a method)? Lua reads nil otherwise."""
    if name in ("__init", "__typename"):
        name += "__"   # Torch's names for the Python dunders the translation uses
    found, _limit = _lookup("torch.Tensor", name)
    if found is None:
        cls = library_class("torch.Tensor")
        return cls is None or hasattr(cls, name)
    return found


@functools.cache
def positional_limit(qualified, method=None):
    """How many arguments the library's constructor (or ``method``) of class ``qualified``
    takes at most, self not counted; None when it takes any number or is not known."""
    if qualified not in CLASSES:
        return None
    if method is None:
        return CLASSES[qualified][0]
    found, limit = _lookup(qualified, method)
    if found is None:
        cls = library_class(qualified)
        return None if cls is None else signature_limit(cls, method)
    return limit


def signature_limit(cls, method=None):
    """``positional_limit`` read from the class ``cls`` itself (its signatures)."""
    target = cls if method is None else getattr(cls, method, None)
    if target is None or not callable(target):
        return None
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    count = 0
    for p in sig.parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            return None
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            count += 1
    if method is not None and not isinstance(inspect.getattr_static(cls, method),
                                             (staticmethod, classmethod)):
        count -= 1   # self (the signature of a class itself already leaves it out)
    return count
