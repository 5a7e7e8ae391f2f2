"""What a loop around a push repeats over, and whether the push's key changes with it.

A push inside a loop runs once per iteration. Over a short literal collection
(``for table in ["orders", "customers"]``, ``range(3)``, a module constant
holding such a list) the number of XComs is fixed and small; over anything else
(rows, files, API results, a ``while`` loop) it grows with the data, and when
the key is computed from the item every iteration adds a row to Airflow's
metadata database in every run (XCL207). The scanner records the loops as
syntax (``loop_bindings``); the finisher classifies them with the callable's
scope (``data_loop_text``).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, FrozenSet, List, Optional, Set, Tuple, cast

import libcst as cst

from .literals import MAX_UNROLL
from .syntax import child_list
from .values import ConstVal, DictVal, ListVal

COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
LOOPS = (cst.For, cst.While) + COMPREHENSIONS

# calls that iterate what they are given as it is: the loop is as bounded as their argument
_PASS_THROUGH = frozenset({"enumerate", "sorted", "reversed", "list", "tuple", "set", "zip", "iter"})
_DICT_VIEWS = frozenset({"items", "keys", "values"})
_TEXT_LIMIT = 40


def loop_bindings(loop: cst.CSTNode, cache: Dict[int, FrozenSet[str]]) -> FrozenSet[str]:
    """The names a loop gives a new value each iteration: its targets and the
    names assigned in its body (``key = f"row_{row['id']}"`` inside the loop),
    not the variables of loops nested in it."""
    found = cache.get(id(loop))
    if found is not None:
        return found
    names: Set[str] = set()
    stack: List[cst.CSTNode] = [loop]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is cst.For or kind is cst.CompFor:
            # a nested loop's own variable is that loop's: it repeats the same values
            # for every item of this one when it runs over a literal collection
            if node is loop or (kind is cst.CompFor and _comprehension_of(loop, node)):
                names.update(bound_names(cast("cst.For | cst.CompFor", node).target))
        elif kind is cst.Assign:
            for target in cast(cst.Assign, node).targets:
                names.update(bound_names(target.target))
        elif kind is cst.AugAssign or kind is cst.AnnAssign:
            names.update(bound_names(cast("cst.AugAssign | cst.AnnAssign", node).target))
        elif kind is cst.NamedExpr:
            names.update(bound_names(cast(cst.NamedExpr, node).target))
        elif kind is cst.AsName:
            names.update(bound_names(cast(cst.AsName, node).name))
        elif kind is cst.FunctionDef or kind is cst.ClassDef or kind is cst.Lambda:
            continue  # their names are their own
        stack.extend(child_list(node))
    result = cache[id(loop)] = frozenset(names)
    return result


def _comprehension_of(loop: cst.CSTNode, clause: cst.CSTNode) -> bool:
    """Whether ``clause`` is one of the ``for`` clauses of comprehension ``loop``."""
    current: Optional[cst.CompFor] = getattr(loop, "for_in", None)
    while current is not None:
        if current is clause:
            return True
        current = current.inner_for_in
    return False


def bound_names(target: cst.CSTNode) -> List[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in bound_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return bound_names(target.value)
    return []


def names_read(expression: cst.CSTNode) -> FrozenSet[str]:
    """The variables an expression reads (not attribute names nor keyword names)."""
    names: Set[str] = set()
    stack: List[cst.CSTNode] = [expression]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is cst.Name:
            names.add(cast(cst.Name, node).value)
            continue
        if kind is cst.Attribute:
            stack.append(cast(cst.Attribute, node).value)
            continue
        if kind is cst.Arg:
            stack.append(cast(cst.Arg, node).value)
            continue
        stack.extend(child_list(node))
    return frozenset(names)


def iterables(loop: cst.CSTNode) -> Tuple[Optional[cst.BaseExpression], ...]:
    """What a loop iterates: one expression per ``for`` clause; None for ``while``."""
    if type(loop) is cst.For:
        return (cast(cst.For, loop).iter,)
    if type(loop) is cst.While:
        return (None,)
    found: List[Optional[cst.BaseExpression]] = []
    clause: Optional[cst.CompFor] = getattr(loop, "for_in", None)
    while clause is not None:
        found.append(clause.iter)
        clause = clause.inner_for_in
    return tuple(found)


def is_literal_collection(expression: cst.BaseExpression) -> bool:
    """A list, tuple, set or dict written out, with at most ``MAX_UNROLL`` items."""
    if isinstance(expression, (cst.Set, cst.List, cst.Tuple)):
        return len(expression.elements) <= MAX_UNROLL and not any(
            isinstance(element, cst.StarredElement) for element in expression.elements)
    if isinstance(expression, cst.Dict):
        return len(expression.elements) <= MAX_UNROLL and all(
            isinstance(element, cst.DictElement) for element in expression.elements)
    return False


def data_loop_text(loop: cst.CSTNode, evaluate: Callable[[cst.BaseExpression], Any],
                   literal_names: Set[str], changed_names: Set[str]) -> Optional[str]:
    """None when the loop runs over short literal collections only; else what it
    runs over, for a message (``rows``, ``cursor.fetchall()``, ``while``).
    ``literal_names`` are locals only ever assigned short literal collections,
    ``changed_names`` locals changed in place (whatever they were assigned)."""
    names = (literal_names, changed_names)
    for iterable in iterables(loop):
        if iterable is None:
            return "a while loop"
        if not _bounded(iterable, evaluate, names, 0):
            return _text(iterable)
    return None


def _bounded(expression: cst.BaseExpression, evaluate: Callable[[cst.BaseExpression], Any],
             names: Tuple[Set[str], Set[str]], depth: int) -> bool:
    """A literal collection of at most ``MAX_UNROLL`` items, written or held by
    a constant, or the DAG's params; also through ``enumerate``/``sorted``/``zip``
    and dict views."""
    if depth > 8:
        return False
    if is_literal_collection(expression):
        return True
    if _dag_params(expression):
        return True
    if isinstance(expression, cst.Name) and expression.value in names[1]:
        return False
    if isinstance(expression, cst.Name) and expression.value in names[0]:
        return True
    if isinstance(expression, cst.Call):
        func = expression.func
        arguments = [arg.value for arg in expression.args if not arg.star and arg.keyword is None]
        if isinstance(func, cst.Name) and func.value == "range" and arguments:
            return _short_range([evaluate(argument) for argument in arguments])
        if isinstance(func, cst.Name) and func.value in _PASS_THROUGH and arguments:
            return all(_bounded(argument, evaluate, names, depth + 1) for argument in arguments)
        if isinstance(func, cst.Attribute) and func.attr.value in _DICT_VIEWS and not expression.args:
            return _bounded(func.value, evaluate, names, depth + 1)
    value = evaluate(expression)
    if isinstance(value, (ListVal, DictVal)):
        return len(value.items) <= MAX_UNROLL
    return False


def _dag_params(expression: cst.BaseExpression) -> bool:
    """The DAG's params (``params``, ``context["params"]``, ``context.get("params")``):
    the fixed set of keys the DAG declares, not data that grows run after run."""
    if isinstance(expression, cst.Name):
        return expression.value == "params"
    if isinstance(expression, cst.Subscript) and len(expression.slice) == 1:
        index = expression.slice[0].slice
        value = index.value if isinstance(index, cst.Index) else None
        return isinstance(value, cst.SimpleString) and value.evaluated_value == "params"
    if isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute):
        first = expression.args[0].value if expression.args else None
        return (expression.func.attr.value == "get" and isinstance(first, cst.SimpleString)
                and first.evaluated_value == "params")
    return False


def _short_range(values: List[Any]) -> bool:
    numbers = [v.value for v in values if isinstance(v, ConstVal) and type(v.value) is int]
    if len(numbers) != len(values) or len(numbers) > 3:
        return False
    try:
        return len(range(*numbers)) <= MAX_UNROLL
    except ValueError:  # a step of 0
        return False


def _text(expression: cst.BaseExpression) -> str:
    text = " ".join(cst.Module([]).code_for_node(expression).split())
    return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 3] + "..."
