"""Torch7's class system for Python: every library class has a Torch name ("nn.Linear",
"torch.DoubleTensor") and is found by that name in one hop.

A class declares its Torch name with the class attribute ``__typename__``; ``TorchObject``
registers it when the class is created. ``torch.class_`` (``torch.class`` from Lua) makes a new
class at run time, as Torch7's ``torch.class(name, parentName)`` does.
"""

_registry = {}


def register(name, cls):
    _registry[name] = cls
    return cls


def unregister(name):
    """Forget the class registered under ``name`` (a Lua session redefining its own class)."""
    _registry.pop(name, None)


def find(name):
    """The class registered under Torch name ``name``, or None."""
    return _registry.get(name)


class TorchObject:
    """Base of every library class that has a Torch name."""

    __typename__ = None

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        name = cls.__dict__.get("__typename__")
        if name:
            register(name, cls)


class NilFields:
    """Mixin for objects that are Lua tables in Torch7 (nn modules, criterions): a field that
    was never set reads as None (nil) instead of raising. Torch7 code tests optional fields
    with ``if self.x then``, and Torch7 files omit every field that was nil, so an object read
    from a file must answer for fields its class would have set to nil. Dunder names still
    raise, so Python's own protocols (copy, pickle, numpy) keep working."""

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return None


def lua_type(value):
    """Lua's type() of a Python value as the bridge shows it."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (str, bytes)):
        return "string"
    if isinstance(value, (list, tuple, dict)):
        return "table"
    if callable(value) and not isinstance(value, TorchObject):
        return "function"
    return "userdata"


def typename(obj):
    """torch.typename: the Torch class name of ``obj``, or None for plain values."""
    if isinstance(obj, type):
        return None
    return getattr(type(obj), "__typename__", None)


def type_of(obj):
    """torch.type: the Torch class name, else Lua's type()."""
    return typename(obj) or lua_type(obj)


def is_type_of(obj, name_or_class):
    """torch.isTypeOf: is ``obj`` an instance of the class named ``name_or_class`` (or a subclass)."""
    if isinstance(name_or_class, str):
        cls = find(name_or_class)
        if cls is None:
            return False
    else:
        cls = name_or_class
    return isinstance(obj, cls)


def new_class(name, parent=None, module_namespace=None):
    """torch.class(name [, parentName]): create and register a class; returns (class, parent).

    ``parent`` is a Torch name or a class. The class is also stored as an attribute of the
    namespace its name starts with (``nn.ReQU`` on the ``nn`` package) when one is given.
    """
    if isinstance(parent, str):
        parent_cls = find(parent)
        if parent_cls is None:
            raise ValueError(f"parent class <{parent}> not found")
    else:
        parent_cls = parent or TorchObject
    if name in _registry:
        raise ValueError(f"class {name} has been already assigned a parent class")
    short = name.rsplit(".", 1)[-1]
    cls = type(short, (parent_cls,), {"__typename__": name, "__module__": "luatorch.dynamic"})
    if module_namespace is not None:
        setattr(module_namespace, short, cls)
    return cls, parent_cls
