"""How the code uses what an ``xcom_pull`` returns: as one value, or as a sequence.

A pull of a mapped task without ``map_indexes`` returns every mapped value (a
lazy sequence on Airflow 2, a list on Airflow 3, or the bare value when exactly
one mapped instance ran), so code that reads the result as one value (a key, an
attribute, an argument that must be one value) fails or misreads it (XCL209).
The uses are read where the pull stands, and through a local name it is
assigned to once (``paths = ti.xcom_pull(...)`` then ``paths["s3"]``).
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple, cast

import libcst as cst

from .imports import dotted_name
from .syntax import child_list

KEY_USE = "key"  # subscripted by a string: ``value["path"]``
ATTRIBUTE_USE = "attribute"  # an attribute read: ``value.path``, ``value.get("k")``
SCALAR_USE = "scalar"  # passed where one value is needed: ``int(value)``, ``open(value)``
SEQUENCE_USE = "sequence"  # iterated, ``len()``, indexed by a number: read as the sequence it is
ONE_VALUE_USES = (KEY_USE, ATTRIBUTE_USE, SCALAR_USE)

# functions whose argument must be one value: a list (or Airflow 2's lazy sequence) fails there
_SCALAR_FUNCTIONS = frozenset({
    "int", "float", "open", "Path", "pathlib.Path", "json.loads", "datetime.fromisoformat",
    "datetime.datetime.fromisoformat", "os.path.join", "os.path.basename", "os.path.dirname",
    "os.path.exists", "os.path.splitext", "urlparse", "urllib.parse.urlparse",
})
# functions that read their argument as a collection
_SEQUENCE_FUNCTIONS = frozenset({
    "len", "list", "tuple", "set", "sorted", "reversed", "enumerate", "zip", "sum", "min", "max", "any",
    "all", "map", "filter", "iter", "next", "frozenset", "dict", "itertools.chain", "chain",
    "itertools.chain.from_iterable", "chain.from_iterable",
    "isinstance",  # code that asks whether it got a list expects one
})
# methods a sequence has: reading them is no sign of a single value
_SEQUENCE_METHODS = frozenset({"count", "index", "__len__", "__iter__", "__getitem__"})


def pull_uses(body: cst.CSTNode, calls: Sequence[cst.Call], single_names: Set[str]) -> Dict[int, Tuple[str, ...]]:
    """For each pull call (by ``id``), how its value is used in ``body``; names in
    ``single_names`` are assigned once in the function, so a pull assigned to one
    of them is followed to where the name is read."""
    parents: Dict[int, cst.CSTNode] = {}
    reads: Dict[str, List[cst.Name]] = {}
    stack: List[cst.CSTNode] = [body]
    while stack:
        node = stack.pop()
        for child in child_list(node):
            parents[id(child)] = node
            if type(child) is cst.Name and cast(cst.Name, child).value in single_names:
                reads.setdefault(cast(cst.Name, child).value, []).append(cast(cst.Name, child))
            stack.append(child)
    found: Dict[int, Tuple[str, ...]] = {}
    for call in calls:
        uses: Set[str] = set()
        for expression in _value_places(call, parents, reads):
            use = _use_at(expression, parents)
            if use is not None:
                uses.add(use)
        found[id(call)] = tuple(sorted(uses))
    return found


def _value_places(call: cst.Call, parents: Dict[int, cst.CSTNode],
                  reads: Dict[str, List[cst.Name]]) -> Iterable[cst.CSTNode]:
    """The expressions that hold the pulled value: the call itself (or ``call or
    default``), and each read of the local name it is assigned to."""
    place: cst.CSTNode = call
    parent = parents.get(id(place))
    while type(parent) is cst.BooleanOperation and cast(cst.BooleanOperation, parent).left is place:
        place = cast(cst.CSTNode, parent)
        parent = parents.get(id(place))
    yield place
    if type(parent) is cst.Assign and len(cast(cst.Assign, parent).targets) == 1:
        target = cast(cst.Assign, parent).targets[0].target
        if type(target) is cst.Name:
            for name in reads.get(cast(cst.Name, target).value, ()):
                if name is not target and _is_read(name, parents):
                    yield name


def _is_read(name: cst.Name, parents: Dict[int, cst.CSTNode]) -> bool:
    parent = parents.get(id(name))
    if type(parent) is cst.Attribute and cast(cst.Attribute, parent).attr is name:
        return False
    if type(parent) is cst.Arg and cast(cst.Arg, parent).keyword is name:
        return False
    return type(parent) not in (cst.Param, cst.AssignTarget, cst.ImportAlias, cst.AsName, cst.FunctionDef,
                                cst.ClassDef)


def _use_at(expression: cst.CSTNode, parents: Dict[int, cst.CSTNode]) -> Optional[str]:
    parent = parents.get(id(expression))
    kind = type(parent)
    if kind is cst.Subscript:
        subscript = cast(cst.Subscript, parent)
        if subscript.value is not expression or len(subscript.slice) != 1:
            return None
        index = subscript.slice[0].slice
        if isinstance(index, cst.Slice):
            return SEQUENCE_USE
        value = index.value if isinstance(index, cst.Index) else None
        if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
            return KEY_USE
        if isinstance(value, (cst.Integer, cst.UnaryOperation)):
            return SEQUENCE_USE
        return None
    if kind is cst.Attribute:
        attribute = cast(cst.Attribute, parent)
        if attribute.value is not expression:
            return None
        return SEQUENCE_USE if attribute.attr.value in _SEQUENCE_METHODS else ATTRIBUTE_USE
    if kind is cst.For:
        return SEQUENCE_USE if cast(cst.For, parent).iter is expression else None
    if kind is cst.CompFor:
        return SEQUENCE_USE if cast(cst.CompFor, parent).iter is expression else None
    if kind is cst.StarredElement or kind is cst.Element and type(parents.get(id(parent))) is cst.StarredElement:
        return SEQUENCE_USE
    if kind is cst.Arg:
        arg = cast(cst.Arg, parent)
        if arg.star:
            return SEQUENCE_USE
        call = parents.get(id(arg))
        if type(call) is not cst.Call:
            return None
        name = dotted_name(cast(cst.Call, call).func)
        if name in _SEQUENCE_FUNCTIONS:
            return SEQUENCE_USE
        if name in _SCALAR_FUNCTIONS and arg.keyword is None and cast(cst.Call, call).args[0] is arg:
            return SCALAR_USE
    return None
