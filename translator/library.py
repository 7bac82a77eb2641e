"""What the translator knows about the library's API: which calls give tensors, modules, lists
or several values. Only used to choose readable Python that is still exact (1-based tensor
indexing versus 0-based list indexing, builtin ``print`` versus ``compat.print``)."""

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
# torch.X(t, dim) gives (values, indices); torch.X(t) gives a number
TORCH_PAIR_WITH_DIM = {"max", "min", "median", "mode", "kthvalue"}
TORCH_ALWAYS_PAIR = {"sort", "topk"}
TORCH_REDUCE_NUMBER = {"sum", "mean", "prod", "std", "var", "norm", "max", "min", "median",
                       "dist", "trace", "dot"}

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

# Lua string methods with a direct Python spelling
STRING_METHODS = {"upper": "upper", "lower": "lower", "reverse": None}

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
