"""Static reading of Airflow's and the providers' operator classes.

Used by ``generate_knowledge.py``; nothing here imports the code it reads.
Names and classes resolve within a world (``knowledge_worlds.py``). For each
operator class (a subclass of the world's ``BaseOperator``)
:func:`operator_facts` works out:

- ``template_fields``: the nearest class in the MRO that assigns it, its
  expression evaluated (tuples, ``+``, set unions, ``Base.template_fields``,
  ``tuple()``/``sorted()``, small helper functions); None when not evaluable;
- ``pushes``: whether ``execute`` (and a deferrable operator's completion
  method) can return a value, pushed as ``return_value``;
- the keys pushed explicitly, and whether they are all known.

Anything that cannot be worked out is unknown, never guessed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from knowledge_worlds import Binding, ClassRef, Opaque, World, _flat_body, class_body_binding  # noqa: F401

PUSHES_RETURN = "return"
PUSHES_NOTHING = "nothing"
PUSHES_OPT_IN = "opt-in"
PUSHES_CALLABLE = "callable"
PUSHES_UNKNOWN = "unknown"

# the classes every operator derives from, per world
BASE_OPERATOR = ("airflow.sdk.bases.operator.BaseOperator", "airflow.models.baseoperator.BaseOperator")
BASE_SENSOR = ("airflow.sdk.bases.sensor.BaseSensorOperator", "airflow.sensors.base.BaseSensorOperator")
# modules whose operators push what python_callable returns
CALLABLE_MODULES = (
    "airflow.operators.python",
    "airflow.providers.standard.operators.python",
    "airflow.decorators.base",
    "airflow.sdk.bases.decorator",
)
PYTHON_OPERATORS = tuple(f"{m}.PythonOperator" for m in CALLABLE_MODULES[:2]) + tuple(
    f"{m}.DecoratedOperator" for m in CALLABLE_MODULES[2:])
# names a task's context or task instance is usually held in
CONTEXT_NAMES = frozenset({"context", "ctx", "ti", "task_instance"})
# calls that receive the context but never push
HARMLESS_CALLS = frozenset(
    {"isinstance", "len", "str", "repr", "print", "dict", "list", "bool", "getattr", "hasattr", "id", "type",
     "context_to_airflow_vars", "render_template", "render_template_fields", "debug", "info", "warning", "error",
     "exception", "log", "defer", "format", "get", "pop", "update", "setdefault", "keys", "values", "items",
     "context_merge", "determine_kwargs", "xcom_pull", "get_template_context", "join", "append", "extend", "cast"}
)


# modules of Airflow's own base classes: their helper methods are not followed
# for pushes, except the branching ones that push the skip key
CORE_MODULES = ("airflow.sdk.", "airflow.models.", "airflow.sensors.base", "airflow.utils.")
CORE_PUSHING_METHODS = frozenset({"do_branch", "skip_all_except", "_skip_all_except"})


def _is_core(ref: ClassRef) -> bool:
    return ref.module.startswith(CORE_MODULES) or ref.module == "airflow.sensors.base"


class Unknown(Exception):
    """A value that static reading cannot work out."""


# ----------------------------------------------------------------------------- values


@dataclass
class Scope:
    world: World
    module: str
    cls: Optional[ClassRef] = None
    local: Dict[str, Any] = field(default_factory=dict)  # evaluated names (function parameters)
    class_body: Optional[ast.ClassDef] = None
    depth: int = 0


def evaluate(expr: ast.expr, scope: Scope) -> Any:
    """The value of a constant expression; raises Unknown."""
    if scope.depth > 40:
        raise Unknown("too deep")
    world = scope.world
    if isinstance(expr, ast.Constant):
        return expr.value
    if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
        items: List[Any] = []
        for elt in expr.elts:
            if isinstance(elt, ast.Starred):
                items.extend(_iterable(evaluate(elt.value, scope)))
            else:
                items.append(evaluate(elt, scope))
        if isinstance(expr, ast.Set):
            return set(items)
        return tuple(items) if isinstance(expr, ast.Tuple) else list(items)
    if isinstance(expr, ast.Name):
        if expr.id in scope.local:
            return scope.local[expr.id]
        if scope.class_body is not None:
            stmt = class_body_binding(world, scope.class_body, expr.id)
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not expr:
                return evaluate(stmt.value, _child(scope))
        return value_of(world.lookup(scope.module, expr.id), world, scope.depth)
    if isinstance(expr, ast.Attribute):
        base = _reference(expr.value, scope)
        if isinstance(base, ClassRef):
            return class_value(world, base, expr.attr, scope.depth + 1)
        if isinstance(base, tuple) and base[0] == "module":
            return value_of(world.lookup(base[1], expr.attr), world, scope.depth)
        raise Unknown(ast.unparse(expr))
    if isinstance(expr, ast.BinOp):
        left, right = evaluate(expr.left, scope), evaluate(expr.right, scope)
        try:
            if isinstance(expr.op, ast.Add):
                if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
                    return type(left)(list(left) + list(right))
                if isinstance(left, str) and isinstance(right, str):
                    return left + right
            if isinstance(expr.op, ast.BitOr) and isinstance(left, (set, frozenset)):
                return set(left) | set(right)
            if isinstance(expr.op, ast.Sub) and isinstance(left, (set, frozenset)):
                return set(left) - set(right)
        except TypeError:
            pass
        raise Unknown(ast.unparse(expr))
    if isinstance(expr, ast.Call) and not any(isinstance(k, ast.keyword) and k.arg is None for k in expr.keywords):
        name = expr.func.id if isinstance(expr.func, ast.Name) else None
        if name in ("tuple", "list", "set", "frozenset", "sorted") and len(expr.args) <= 1 and not expr.keywords:
            if name in ("tuple", "list", "set", "frozenset") and not expr.args:
                return {"tuple": (), "list": [], "set": set(), "frozenset": frozenset()}[name]
            inner = _iterable(evaluate(expr.args[0], scope))
            if name == "sorted":
                return sorted(inner)
            return {"tuple": tuple, "list": list, "set": set, "frozenset": frozenset}[name](inner)
        if isinstance(expr.func, ast.Attribute) and expr.func.attr in SET_METHODS and not expr.keywords:
            try:
                receiver = evaluate(expr.func.value, scope)
            except Unknown:
                receiver = None
            if isinstance(receiver, (set, frozenset)):
                others = [set(_iterable(evaluate(a, scope))) for a in expr.args]
                return set(getattr(set(receiver), expr.func.attr)(*others))
        if isinstance(expr.func, (ast.Name, ast.Attribute)):
            target = _reference(expr.func, scope)
            if isinstance(target, Binding) and target.kind == "func":
                return call_helper(world, target, expr, scope)
    if isinstance(expr, ast.Dict):
        return {evaluate(k, scope): evaluate(v, scope) for k, v in zip(expr.keys, expr.values) if k is not None}
    raise Unknown(ast.unparse(expr))


SET_METHODS = frozenset({"union", "difference", "intersection", "symmetric_difference"})


def _child(scope: Scope) -> Scope:
    return Scope(scope.world, scope.module, scope.cls, {}, scope.class_body, scope.depth + 1)


def _iterable(value: Any) -> Iterable[Any]:
    if isinstance(value, (tuple, list, set, frozenset)):
        return value
    raise Unknown(repr(value))


def _reference(expr: ast.expr, scope: Scope) -> Any:
    if isinstance(expr, ast.Name):
        if scope.class_body is not None and expr.id == scope.class_body.name and scope.cls is not None:
            return scope.cls
        return scope.world.lookup(scope.module, expr.id)
    if isinstance(expr, ast.Attribute):
        base = _reference(expr.value, scope)
        if isinstance(base, tuple) and base[0] == "module":
            return scope.world.lookup(base[1], expr.attr)
    return None


def value_of(found: Any, world: World, depth: int) -> Any:
    if isinstance(found, Binding) and found.kind == "expr":
        return evaluate(found.node, Scope(world, found.module, depth=depth + 1))
    raise Unknown(repr(found))


def class_value(world: World, ref: ClassRef, attr: str, depth: int = 0) -> Any:
    owner, stmt = world.class_attr(ref, attr)
    if owner is None or not isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        raise Unknown(f"{ref.qualified}.{attr}")
    return evaluate(stmt.value, Scope(world, owner.module, owner, {}, world.class_node(owner), depth + 1))


def call_helper(world: World, func: Binding, call: ast.Call, scope: Scope) -> Any:
    """A small module-level function evaluated on constant arguments: its
    parameters bound, guard ``if ...: raise`` blocks passed over, simple
    assignments followed, its single final ``return`` evaluated."""
    node = func.node
    args = node.args
    params: Dict[str, Any] = {}
    positional = [evaluate(a, scope) for a in call.args if not isinstance(a, ast.Starred)]
    if any(isinstance(a, ast.Starred) for a in call.args):
        raise Unknown("starred call")
    names = [a.arg for a in args.posonlyargs + args.args]
    params.update(zip(names, positional))
    if args.vararg is not None:
        params[args.vararg.arg] = tuple(positional[len(names):])
    elif len(positional) > len(names):
        raise Unknown("too many arguments")
    for kw in call.keywords:
        params[kw.arg] = evaluate(kw.value, scope)
    defaults = args.defaults
    for name, default in zip(names[len(names) - len(defaults):], defaults):
        if name not in params:
            params[name] = evaluate(default, Scope(world, func.module, depth=scope.depth + 1))
    inner = Scope(world, func.module, local=params, depth=scope.depth + 1)
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    for stmt in body:
        if isinstance(stmt, ast.If) and stmt.body and isinstance(stmt.body[-1], ast.Raise) and not stmt.orelse:
            continue
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            inner.local[stmt.targets[0].id] = evaluate(stmt.value, inner)
            continue
        if isinstance(stmt, ast.Return) and stmt.value is not None and stmt is body[-1]:
            return evaluate(stmt.value, inner)
        raise Unknown("helper too complex")
    raise Unknown("helper returns nothing")


# ----------------------------------------------------------------------------- template fields


def template_fields(world: World, ref: ClassRef) -> Optional[Tuple[str, ...]]:
    """The class's template_fields, or None when they cannot be worked out
    (computed at run time, or assigned on the instance in a method)."""
    for cls in world.mro(ref):
        if isinstance(cls, ClassRef) and not _is_core(cls):  # BaseOperator only wraps a str in a list
            node = world.class_node(cls)
            if node is not None and _assigns_self_attr(node, "template_fields"):
                return None
    try:
        value = class_value(world, ref, "template_fields")
    except (Unknown, RecursionError):
        return None
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, (tuple, list, set, frozenset)) or not all(isinstance(v, str) for v in value):
        return None
    return tuple(sorted(set(value)))


def _assigns_self_attr(node: ast.ClassDef, attr: str) -> bool:
    for sub in ast.walk(node):
        targets: List[ast.expr] = []
        if isinstance(sub, ast.Assign):
            targets = sub.targets
        elif isinstance(sub, (ast.AnnAssign, ast.AugAssign)):
            targets = [sub.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == attr and isinstance(target.value, ast.Name) \
                    and target.value.id == "self":
                return True
    return False


# ----------------------------------------------------------------------------- execute


@dataclass
class Flow:
    """What the methods reachable from ``execute`` do."""

    returns: Set[str] = field(default_factory=set)  # "value", "none", "unknown"
    keys: Set[str] = field(default_factory=set)
    keys_known: bool = True
    pulls: bool = False  # may pull XComs itself (an xcom_pull, or the context passed to unread code)
    why: List[str] = field(default_factory=list)

    def unknown_keys(self, why: str) -> None:
        self.keys_known = False
        self.why.append(why)
        if why.startswith("context"):
            self.pulls = True


class ExecuteReader:
    """Follows ``execute`` through ``super()``, ``self.method()`` and the
    deferral completion methods of one operator class in one world."""

    def __init__(self, world: World, ref: ClassRef):
        self.world = world
        self.ref = ref
        self.results: Dict[Tuple[ClassRef, str], str] = {}
        self.functions: List[ast.AST] = []  # the functions being read, innermost last
        self.flow = Flow()

    def method_result(self, name: str, after: Optional[ClassRef] = None, depth: int = 0,
                      start: Optional[ClassRef] = None) -> str:
        """"value", "none" or "unknown": what calling the method returns."""
        owner, node = self.world.method(self.ref, name, after, start)
        if owner is None and node is None:
            # an attribute holding a callable (a user's function): it may return anything
            return "value"
        if owner is None or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.flow.unknown_keys(f"{name} not readable")
            return "unknown"
        if name == "execute" and owner.module in CALLABLE_MODULES:
            return "callable"
        key = (owner, name)
        if owner.qualified in BASE_OPERATOR and name == "execute":
            return "unknown"  # abstract: raises NotImplementedError
        if key in self.results:
            return self.results[key] or "none"  # in progress (recursion): the other paths decide
        if depth > 12:
            self.flow.unknown_keys("too deep")
            return "unknown"
        self.results[key] = ""
        if owner.qualified in BASE_SENSOR and name == "execute":
            result = self.sensor_result(depth)
        else:
            result = self.read_function(owner, node, depth)
        self.results[key] = result
        return result

    def sensor_result(self, depth: int) -> str:
        """BaseSensorOperator.execute pushes only a PokeReturnValue's xcom_value."""
        owner, node = self.world.method(self.ref, "poke")
        if owner is None or not isinstance(node, ast.FunctionDef) or owner.qualified in BASE_SENSOR:
            self.flow.unknown_keys("poke not readable")
            return "unknown"
        annotation = ast.unparse(node.returns) if node.returns is not None else ""
        result = self.read_function(owner, node, depth, poke=True)
        if "PokeReturnValue" in annotation and result != "value":
            return "value"
        return result

    def read_function(self, owner: ClassRef, node: ast.FunctionDef, depth: int, poke: bool = False) -> str:
        self.functions.append(node)
        try:
            return self._read_function(owner, node, depth, poke)
        finally:
            self.functions.pop()

    def _read_function(self, owner: ClassRef, node: ast.FunctionDef, depth: int, poke: bool) -> str:
        results: Set[str] = set()
        if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _own_nodes(node)):
            results.add("unknown")  # a generator: what it returns is not what it yields
        for stmt in _own_nodes(node):
            if isinstance(stmt, ast.Return):
                results.add(self.return_result(owner, stmt.value, depth, poke))
            elif isinstance(stmt, ast.Raise) and _is_not_implemented(stmt) and _only_statement(node, stmt):
                results.add("unknown")
            elif isinstance(stmt, ast.Call):
                self.read_call(owner, stmt, depth)
        return combine(results)

    def return_result(self, owner: ClassRef, value: Optional[ast.expr], depth: int, poke: bool) -> str:
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return "none"
        target = self.followed_call(owner, value)
        if target is not None:
            return self.method_result(target[0], target[1], depth + 1, target[2])
        if poke:
            if _bool_like(value):
                return "none"
            if isinstance(value, ast.Call) and _call_name(value) == "PokeReturnValue":
                return "value"
            return "unknown"
        return "value"

    def followed_call(self, owner: ClassRef, call: ast.expr) -> Optional[Tuple[str, Any, Any]]:
        """``super().m(...)`` or ``self.m(...)``: (method name, class after which to look)."""
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            return None
        receiver = call.func.value
        if isinstance(receiver, ast.Name) and receiver.id == "self":
            return call.func.attr, None, None
        if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
            return call.func.attr, owner, None
        if call.args and isinstance(call.args[0], ast.Name) and call.args[0].id == "self":
            mod = self.world.module(owner.module)
            base = self.world.expr_ref(mod, receiver) if mod is not None else None
            if isinstance(base, ClassRef) and base in self.world.mro(self.ref):
                return call.func.attr, None, base
        return None

    def read_call(self, owner: ClassRef, call: ast.Call, depth: int) -> None:
        """Pushes, deferrals, followed methods and escapes of the context."""
        func = call.func
        name = _call_name(call)
        if name == "xcom_pull":
            self.flow.pulls = True
        if name == "xcom_push":
            receiver = func.value if isinstance(func, ast.Attribute) else None
            index = 1 if isinstance(receiver, ast.Name) and receiver.id == "self" else 0
            self.push_site(owner, call, index)
            return
        if name == "set" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id in ("XCom", "BaseXCom"):
            self.push_site(owner, call, 0)
            return
        if name == "defer" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id == "self":
            method = next((k.value for k in call.keywords if k.arg == "method_name"), None)
            if method is None and len(call.args) >= 2:
                method = call.args[1]
            if method is None:
                self.flow.returns.add(self.method_result("execute_complete", None, depth + 1))
            elif (_method_name(method) or resolve_key(self.world, owner, method, self.ref, None)) is not None:
                name = _method_name(method) or resolve_key(self.world, owner, method, self.ref, None)
                self.flow.returns.add(self.method_result(name, None, depth + 1))
            else:
                self.flow.returns.add("unknown")
                self.flow.unknown_keys("deferral method not literal")
            return
        target = self.followed_call(owner, call)
        if target is not None:
            owner2, node2 = self.world.method(self.ref, target[0], target[1], target[2])
            if owner2 is not None and _is_core(owner2) and target[0] not in CORE_PUSHING_METHODS:
                return  # Airflow's own operator machinery: pushes nothing by itself
            if owner2 is None and node2 is None and _passes_context(call):
                if not self._user_attribute(target[0]):  # else a callable the user passed in: the user's code
                    self.flow.unknown_keys(f"context passed to {ast.unparse(func)}")
            elif isinstance(node2, ast.FunctionDef) or owner2 is None:
                if _passes_context(call) or (owner2 is not None and _mentions_push(node2)):
                    self.method_result(target[0], target[1], depth + 1, target[2])
            return
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            base = self.ref_of(owner.module, func.value)
            if isinstance(base, ClassRef) and _is_core(base) and name not in CORE_PUSHING_METHODS:
                return  # a static helper of Airflow's own base classes
        if name == "persist" and isinstance(func, ast.Attribute):
            self.follow_persist(owner, call, depth)
            return
        if _passes_context(call) and name not in HARMLESS_CALLS and not self.user_object(func):
            target_func = self.ref_of(owner.module, func)
            if isinstance(target_func, Binding) and target_func.kind == "func":
                self.follow_function(target_func, depth + 1)
            else:
                self.flow.unknown_keys(f"context passed to {ast.unparse(func)}")

    def follow_function(self, func: Binding, depth: int) -> None:
        """A module-level function the context is passed to: its pushes, and
        the functions it passes the context on to."""
        key = (ClassRef(func.module, f"<function {func.name}>"), func.name)
        if key in self.results:
            return
        self.results[key] = "none"
        if depth > 12:
            self.flow.unknown_keys("too deep")
            return
        mod = self.world.module(func.module)
        for sub in _own_nodes(func.node):
            if not isinstance(sub, ast.Call):
                continue
            name = _call_name(sub)
            if name == "xcom_pull":
                self.flow.pulls = True
            if name == "xcom_push" or (name == "set" and isinstance(sub.func, ast.Attribute)
                                       and isinstance(sub.func.value, ast.Name) and sub.func.value.id == "XCom"):
                key_node = _key_argument(sub, 0)
                if isinstance(key_node, ast.Attribute) and key_node.attr == "xcom_key":
                    continue
                try:
                    value = evaluate(key_node, Scope(self.world, func.module)) if key_node is not None else None
                except (Unknown, RecursionError):
                    value = None
                if isinstance(value, str):
                    self.flow.keys.add(value)
                else:
                    self.flow.unknown_keys(f"push key in {func.module}.{func.name}")
            elif _passes_context(sub) and name not in HARMLESS_CALLS:
                target = self.world.expr_ref(mod, sub.func) if mod is not None and isinstance(
                    sub.func, (ast.Name, ast.Attribute)) else None
                if isinstance(target, Binding) and target.kind == "func":
                    self.follow_function(target, depth + 1)
                else:
                    self.flow.unknown_keys(f"context passed on in {func.module}.{func.name}")

    def user_object(self, func: ast.expr) -> bool:
        """A method of an object the user passed in: ``self.callback.on_x(...)``,
        or ``callback.on_x(...)`` for ``callback in self.callbacks``. Like a
        ``python_callable``, it is the user's code, not the operator's: the keys
        it may push are not the operator's (xcomlint reads users' code where
        it can), so passing it the context leaves the operator's keys known."""
        if not isinstance(func, ast.Attribute):
            return False
        receiver = func.value
        if isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) \
                and receiver.value.id == "self":
            return self._user_attribute(receiver.attr)
        if isinstance(receiver, ast.Name) and self.functions:
            for sub in _own_nodes(self.functions[-1]):
                if isinstance(sub, ast.For) and isinstance(sub.target, ast.Name) and sub.target.id == receiver.id:
                    source = sub.iter
                    if isinstance(source, ast.Attribute) and isinstance(source.value, ast.Name) \
                            and source.value.id == "self":
                        return self._user_attribute(source.attr)
        return False

    def _user_attribute(self, attr: str) -> bool:
        """An instance attribute that is not a method and that an ``__init__``
        sets from one of its parameters (``self.callbacks = callbacks``)."""
        owner, node = self.world.method(self.ref, attr)
        if owner is not None or node is not None:
            return False
        for cls in self.world.mro(self.ref):
            if not isinstance(cls, ClassRef):
                continue
            init = class_body_binding(self.world, self.world.class_node(cls), "__init__")
            if not isinstance(init, ast.FunctionDef):
                continue
            params = {a.arg for a in init.args.args + init.args.kwonlyargs + init.args.posonlyargs} - {"self"}
            for sub in ast.walk(init):
                if isinstance(sub, ast.Assign) and any(
                        isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name)
                        and t.value.id == "self" for t in sub.targets):
                    if any(isinstance(n, ast.Name) and n.id in params for n in ast.walk(sub.value)):
                        return True
        return False

    def ref_of(self, module: str, expr: ast.expr) -> Any:
        """What a name or attribute refers to, with imports made inside the
        function being read."""
        root = expr
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and self.functions:
            for sub in _own_nodes(self.functions[-1]):
                if isinstance(sub, ast.ImportFrom):
                    for alias in sub.names:
                        if (alias.asname or alias.name) == root.id:
                            mod = self.world.module(module)
                            source = self.world.absolute(mod, sub.module, sub.level) if mod else (sub.module or "")
                            found = self.world.lookup(source, alias.name)
                            for attr in _attributes(expr):
                                if isinstance(found, tuple) and found[0] == "module":
                                    found = self.world.lookup(found[1], attr)
                                else:
                                    return None
                            return found
        mod = self.world.module(module)
        if mod is None or not isinstance(expr, (ast.Name, ast.Attribute, ast.Subscript)):
            return None
        return self.world.expr_ref(mod, expr)

    def follow_persist(self, owner: ClassRef, call: ast.Call, depth: int) -> None:
        """An operator extra link's ``Link.persist(context=..., ...)``: its pushes,
        with ``cls`` bound to the link class."""
        link = self.ref_of(owner.module, call.func.value)
        if not isinstance(link, ClassRef):
            if _passes_context(call):
                self.flow.unknown_keys(f"context passed to {ast.unparse(call.func)}")
            return
        lowner, node = self.world.method(link, "persist")
        if lowner is None or not isinstance(node, ast.FunctionDef):
            self.flow.unknown_keys(f"{link.qualified}.persist not readable")
            return
        for sub in _own_nodes(node):
            if isinstance(sub, ast.Call):
                sub_name = _call_name(sub)
                if sub_name == "xcom_push":
                    key = _key_argument(sub, 0)
                    resolved = resolve_key(self.world, lowner, key, link, node) if key is not None else None
                    if resolved is None:
                        self.flow.unknown_keys(f"push in {link.qualified}.persist")
                    else:
                        self.flow.keys.add(resolved)
                elif _passes_context(sub) and sub_name not in HARMLESS_CALLS:
                    self.flow.unknown_keys(f"context passed on in {link.qualified}.persist")

    def push_site(self, owner: ClassRef, call: ast.Call, index: int) -> None:
        key = _key_argument(call, index)
        if isinstance(key, ast.Attribute) and key.attr == "xcom_key":
            return  # an operator link's key: "_link_<class name>", always allowed
        resolved = resolve_key(self.world, owner, key, self.ref, None) if key is not None else None
        if resolved is None:
            self.flow.unknown_keys(f"push key {ast.unparse(key) if key is not None else '?'}")
        else:
            self.flow.keys.add(resolved)


def _method_name(node: ast.expr) -> Optional[str]:
    """``"name"``, ``self.name.__name__`` or ``MyClass.name.__name__``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute) and node.attr == "__name__" and isinstance(node.value, ast.Attribute):
        return node.value.attr
    return None


def combine(results: Iterable[str]) -> str:
    """What a method returns from what its paths return."""
    kinds = set(results)
    for kind in ("value", "unknown", "callable"):
        if kind in kinds:
            return kind
    return "none"


def _attributes(expr: ast.expr) -> List[str]:
    names: List[str] = []
    while isinstance(expr, ast.Attribute):
        names.append(expr.attr)
        expr = expr.value
    return names[::-1]


def _key_argument(call: ast.Call, index: int) -> Optional[ast.expr]:
    for kw in call.keywords:
        if kw.arg == "key":
            return kw.value
    return call.args[index] if len(call.args) > index else None


def resolve_key(world: World, owner: ClassRef, key: ast.expr, instance: ClassRef,
                function: Optional[ast.FunctionDef]) -> Optional[str]:
    """A pushed key: a literal, a module constant, or a class attribute."""
    if isinstance(key, ast.Constant):
        return key.value if isinstance(key.value, str) else None
    if isinstance(key, ast.Attribute) and isinstance(key.value, ast.Name) and key.value.id in ("self", "cls"):
        try:
            value = class_value(world, instance, key.attr)
        except (Unknown, RecursionError):
            return None
        return value if isinstance(value, str) else None
    try:
        value = evaluate(key, Scope(world, owner.module, owner, {}, world.class_node(owner)))
    except (Unknown, RecursionError):
        return None
    return value if isinstance(value, str) else None


def _own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Nodes of a function body, not of functions or classes nested in it."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        sub = stack.pop()
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(sub, ast.If) and ast.unparse(sub.test) == "self.multiple_outputs":
            # the multiple_outputs fan-out: the model treats multiple_outputs=True as unknown pushes
            stack.extend(sub.orelse)
            continue
        yield sub
        stack.extend(ast.iter_child_nodes(sub))


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _is_not_implemented(stmt: ast.Raise) -> bool:
    exc = stmt.exc
    if isinstance(exc, ast.Call):
        exc = exc.func
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def _only_statement(func: ast.FunctionDef, stmt: ast.stmt) -> bool:
    body = [s for s in func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    return body == [stmt]


BOOL_CALLS = frozenset({"bool", "isinstance", "all", "any", "exists", "is_file", "is_dir", "startswith", "endswith"})


def _bool_like(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return isinstance(value.value, bool) or value.value is None
    if isinstance(value, ast.Compare):
        return True
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not):
        return True
    if isinstance(value, ast.BoolOp):
        return all(_bool_like(v) for v in value.values)
    if isinstance(value, ast.Call) and _call_name(value) in BOOL_CALLS:
        return True
    return False


def _passes_context(call: ast.Call) -> bool:
    values = list(call.args) + [k.value for k in call.keywords]
    for value in values:
        if isinstance(value, ast.Starred):
            value = value.value
        if isinstance(value, ast.Name) and value.id in CONTEXT_NAMES:
            return True
        if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and value.value.id in CONTEXT_NAMES:
            return True
    return any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id in CONTEXT_NAMES for k in call.keywords)


def _mentions_push(node: Any) -> bool:
    if not isinstance(node, ast.FunctionDef):
        return False
    return any(isinstance(n, ast.Call) and _call_name(n) in ("xcom_push", "defer", "persist") for n in _own_nodes(node))


# ----------------------------------------------------------------------------- one operator


@dataclass
class Facts:
    template_fields: Optional[Tuple[str, ...]]
    pushes: str
    keys: Tuple[str, ...]
    keys_known: bool
    sensor: bool
    pulls: bool = False


def operator_facts(world: World, ref: ClassRef) -> Facts:
    sensor = world.is_subclass(ref, BASE_SENSOR)
    fields = template_fields(world, ref)
    reader = ExecuteReader(world, ref)
    owner, _ = world.method(ref, "execute")
    result = reader.method_result("execute")
    if owner is not None and world.is_subclass(ref, PYTHON_OPERATORS) and (
            owner.module in CALLABLE_MODULES or _is_core(owner) or owner.module == "airflow.operators.branch"):
        result = "callable"  # PythonOperator and its branching variants push the callable's result
    else:
        result = combine({result} | reader.flow.returns)
        result = _trigger_start(world, ref, reader, result)
    keys = set(reader.flow.keys)
    if "return_value" in keys:  # an explicit push of the return key
        keys.discard("return_value")
        if result in ("none", "unknown"):
            result = "value"
    pushes = {"value": PUSHES_RETURN, "none": PUSHES_NOTHING, "unknown": PUSHES_UNKNOWN,
              "callable": PUSHES_CALLABLE}[result]
    if pushes != PUSHES_NOTHING and do_xcom_push_default(world, ref) is False:
        pushes = PUSHES_OPT_IN
    return Facts(fields, pushes, tuple(sorted(keys)), reader.flow.keys_known, sensor, reader.flow.pulls)


def _trigger_start(world: World, ref: ClassRef, reader: ExecuteReader, result: str) -> str:
    """Operators that may start in the triggerer (``start_trigger_args``) skip
    execute and resume in ``next_method``."""
    owner, stmt = world.class_attr(ref, "start_trigger_args")
    if owner is None or not isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return result
    value = stmt.value
    if isinstance(value, ast.Constant) and value.value is None:
        return result
    method = None
    if isinstance(value, ast.Call):
        method = next((k.value for k in value.keywords if k.arg == "next_method"), None)
    if not (isinstance(method, ast.Constant) and isinstance(method.value, str)):
        return "value" if result == "value" else "unknown"
    return combine({result, reader.method_result(method.value)})


def do_xcom_push_default(world: World, ref: ClassRef) -> Optional[bool]:
    """The default of ``do_xcom_push`` set by the nearest ``__init__`` that names it."""
    for cls in world.mro(ref):
        if isinstance(cls, Opaque):
            continue
        if cls.qualified in BASE_OPERATOR:
            return True
        node = world.class_node(cls)
        init = class_body_binding(world, node, "__init__") if node is not None else None
        if not isinstance(init, ast.FunctionDef):
            continue
        args = init.args
        positional = args.posonlyargs + args.args
        defaults = dict(zip([a.arg for a in positional[len(positional) - len(args.defaults):]], args.defaults))
        defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
        if "do_xcom_push" in defaults:
            default = defaults["do_xcom_push"]
            return default.value if isinstance(default, ast.Constant) and isinstance(default.value, bool) else None
        for sub in ast.walk(init):
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "__init__":
                for kw in sub.keywords:
                    if kw.arg == "do_xcom_push" and isinstance(kw.value, ast.Constant):
                        return bool(kw.value.value)
    return True


# ----------------------------------------------------------------------------- a whole world


def is_public(dotted: str) -> bool:
    return not any(part.startswith("_") and part != "__init__" for part in dotted.split("."))


def operator_classes(world: World) -> Dict[str, ClassRef]:
    """Every operator class defined in the world, by its qualified name."""
    found: Dict[str, ClassRef] = {}
    for module in sorted(world.sources):
        mod = world.module(module)
        if mod is None:
            continue
        for stmt in _flat_body(world, mod.tree.body):
            if isinstance(stmt, ast.ClassDef):
                ref = ClassRef(module, stmt.name)
                world.class_node(ref)
                if world.is_subclass(ref, BASE_OPERATOR):
                    found[ref.qualified] = ref
    return found


def public_names(world: World) -> Dict[str, ClassRef]:
    """Every public dotted name that refers to an operator class: where it is
    defined, re-exports, lazy and deprecated maps."""
    names: Dict[str, ClassRef] = {}
    for module in world.sources:
        world.module(module)  # deprecation maps create modules
    modules = sorted(set(world.sources) | set(world.virtual))
    for module in modules:
        if not is_public(module):
            continue
        mod = world.module(module)
        candidates = set(mod.bindings) if mod is not None else set()
        candidates |= set(world.virtual.get(module, {}))
        for name in sorted(candidates):
            if name.startswith("_"):
                continue
            found = world.lookup(module, name)
            if isinstance(found, ClassRef) and world.is_subclass(found, BASE_OPERATOR):
                names[f"{module}.{name}"] = found
    return names
