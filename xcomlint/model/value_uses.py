"""How a task's code uses a value it pulled: what a fix that changes the
pushed value's type must not break.

A fix of XCL201 turns a pushed datetime into an ISO string and a set into a
sorted list. The consumer that does ``value + threshold``, ``value.time()``
or ``value < cutoff`` with what it pulled would then fail or compare strings;
one that prints, formats or passes the value on would not notice. So for each
pull the model records the operations the consumer's code applies to the
pulled value, directly (``ti.xcom_pull(...).date()``) or through the variable
it is assigned to once (``ts = ti.xcom_pull(...)``, or a TaskFlow parameter
that receives an XComArg).
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple, Union

import libcst as cst

Function = Union[cst.FunctionDef, cst.Lambda]

_SIGNS = {
    cst.Add: "+", cst.Subtract: "-", cst.Multiply: "*", cst.Divide: "/", cst.FloorDivide: "//", cst.Modulo: "%",
    cst.Power: "**", cst.BitOr: "|", cst.BitAnd: "&", cst.BitXor: "^", cst.LeftShift: "<<", cst.RightShift: ">>",
    cst.MatrixMultiply: "@",
}
_AUGMENTED = {
    cst.AddAssign: "+", cst.SubtractAssign: "-", cst.MultiplyAssign: "*", cst.DivideAssign: "/",
    cst.FloorDivideAssign: "//", cst.ModuloAssign: "%", cst.BitOrAssign: "|", cst.BitAndAssign: "&",
    cst.BitXorAssign: "^",
}
_ORDERING = {cst.LessThan: "<", cst.LessThanEqual: "<=", cst.GreaterThan: ">", cst.GreaterThanEqual: ">="}


class _Uses:
    """Every operation of one function body on a name or on a call's result."""

    def __init__(self) -> None:
        self.by_name: Dict[str, List[str]] = {}
        self.by_call: Dict[int, List[str]] = {}
        self.assigned: Dict[int, str] = {}  # id(call) -> the name ``name = call`` binds

    def note(self, operand: cst.BaseExpression, use: str) -> None:
        while isinstance(operand, cst.Await):
            operand = operand.expression
        if isinstance(operand, cst.Name):
            self.by_name.setdefault(operand.value, []).append(use)
        elif isinstance(operand, cst.Call):
            self.by_call.setdefault(id(operand), []).append(use)


class _Collector(cst.CSTVisitor):
    def __init__(self, uses: _Uses) -> None:
        self.uses = uses

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.uses.note(node.value, "." + node.attr.value)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        sign = _SIGNS.get(type(node.operator), "?")
        self.uses.note(node.left, sign)
        self.uses.note(node.right, sign)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        sign = _AUGMENTED.get(type(node.operator), "?")
        self.uses.note(node.target, sign)
        self.uses.note(node.value, sign)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        left = node.left
        for target in node.comparisons:
            sign = _ORDERING.get(type(target.operator))
            if sign is not None:
                self.uses.note(left, sign)
                self.uses.note(target.comparator, sign)
            left = target.comparator

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name) and isinstance(node.value, cst.Call):
            self.uses.assigned[id(node.value)] = node.targets[0].target.value


_CACHE: Dict[int, Tuple[Function, _Uses]] = {}


def _uses_in(function: Function) -> _Uses:
    cached = _CACHE.get(id(function))
    if cached is not None and cached[0] is function:
        return cached[1]
    if len(_CACHE) > 256:
        _CACHE.clear()
    uses = _Uses()
    function.body.visit(_Collector(uses))
    _CACHE[id(function)] = (function, uses)
    return uses


def uses_of_call(call: cst.Call, function: Optional[Function], reassigned: Tuple[str, ...] = ()) -> Tuple[str, ...]:
    """The operations ``function``'s body applies to the result of ``call``: on
    the call itself, and on the name it is assigned to, unless that name is
    bound again (``reassigned``: the names not assigned once)."""
    if function is None:
        return ()
    uses = _uses_in(function)
    found = list(uses.by_call.get(id(call), ()))
    name = uses.assigned.get(id(call))
    if name is not None and name not in reassigned:
        found.extend(uses.by_name.get(name, ()))
    return tuple(dict.fromkeys(found))


def summarize_params(function: Function) -> Tuple[str, ...]:
    """The names of a function's parameters that an argument can bind by name."""
    params = function.params
    return tuple(p.name.value for p in list(params.posonly_params) + list(params.params) + list(params.kwonly_params))


def uses_of_parameter(name: str, function: Function) -> Tuple[str, ...]:
    """The operations ``function``'s body applies to its parameter ``name``."""
    return tuple(dict.fromkeys(_uses_in(function).by_name.get(name, ())))
