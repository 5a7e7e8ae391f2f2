"""Instances of the project's own classes: wrappers of DAGs and tasks.

In-house DAG frameworks wrap Airflow's objects in classes of their own: a
class whose ``__init__`` creates a DAG and keeps it (``self.airflow_dag =
DAG(...)``), a task class that holds an operator (``self.operator =
PythonOperator(...)``), and ``>>`` between wrappers through the class's own
``__rshift__``. Airflow only ever sees the DAGs and operators inside; the
builder follows the methods the way it follows a helper function: ``__init__``
runs when the class is called, a method runs when it is called (``self`` bound
to the instance), a ``@property`` when it is read, ``__rshift__`` /
``__lshift__`` for ``>>`` / ``<<``, ``__enter__`` for ``with``.

An attribute the methods set is known as what was assigned; one they never
set is unknown. A class that is neither an operator nor such a wrapper (a
client, a config object) becomes an instance too, harmlessly: its methods run
only if called, and make nothing unless they create tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

import libcst as cst

from .values import ClassVal, DagRef, FunctionVal

if TYPE_CHECKING:
    from .pending import BoundMethod

# how deep base classes are searched for a method
_MAX_BASES = 8


@dataclass(eq=False)
class InstanceVal:
    """An object of a class of the project, with the attributes its methods set."""

    cls: ClassVal
    attributes: Dict[str, Any] = field(default_factory=dict)


def find_method(cls: ClassVal, name: str) -> Optional[Tuple[ClassVal, cst.FunctionDef]]:
    """The method ``name`` along the class's bases defined in the project (first base first)."""
    todo: List[Tuple[ClassVal, int]] = [(cls, 0)]
    while todo:
        current, depth = todo.pop(0)
        method = current.method(name)
        if method is not None:
            return current, method
        if depth < _MAX_BASES:
            todo.extend((base, depth + 1) for base in current.bases if isinstance(base, ClassVal) and base is not current)
    return None


def _is_property(method: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value in ("property", "cached_property")
               or isinstance(d.decorator, cst.Attribute) and d.decorator.attr.value == "cached_property"
               for d in method.decorators)


def _is_static(method: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value in ("staticmethod", "classmethod")
               for d in method.decorators)


class Instances:
    """The builder's side of instances (a mixin of ``Builder``)."""

    if TYPE_CHECKING:
        used_functions: set
        pure: bool

        def inline(self, function: FunctionVal, args: List[Any], kwargs: Dict[str, Any],
                   call: Optional[cst.CSTNode] = None) -> Any: ...

    def instantiate(self, cls: ClassVal, node: cst.CSTNode, args: List[Any], kwargs: Dict[str, Any]) -> InstanceVal:
        instance = InstanceVal(cls)
        found = find_method(cls, "__init__")
        if found is not None:
            self.run_method(instance, found, node, args, kwargs)
        return instance

    def run_method(self, instance: InstanceVal, found: Tuple[ClassVal, cst.FunctionDef], node: Optional[cst.CSTNode],
                   args: List[Any], kwargs: Dict[str, Any]) -> Any:
        owner, method = found
        self.used_functions.add(method)
        function = FunctionVal(method, owner.scope, owner_class=owner)
        bound = list(args) if _is_static(method) else [instance] + list(args)
        return self.inline(function, bound, kwargs, node)

    def instance_attribute(self, instance: InstanceVal, attr: str, node: cst.CSTNode) -> Any:
        """``instance.attr``: what a method set, a property's value, a method to
        call, or a class attribute; ``None`` when the class says nothing of it."""
        if attr in instance.attributes:
            return instance.attributes[attr]
        found = find_method(instance.cls, attr)
        if found is not None:
            if _is_property(found[1]):
                return self.run_method(instance, found, node, [], {})
            return _bound(instance, attr)
        return instance.cls.attribute(attr)

    def call_instance_method(self, instance: InstanceVal, name: str, node: cst.CSTNode, args: List[Any],
                             kwargs: Dict[str, Any]) -> Any:
        """A method of the instance's class, or None when the class has none of that name."""
        found = find_method(instance.cls, name)
        if found is None:
            return None
        return self.run_method(instance, found, node, args, kwargs)

    def operator_object(self, cls: ClassVal, node: cst.CSTNode, args: List[Any], kwargs: Dict[str, Any]) -> Any:
        """The object a custom operator's ``__init__`` makes of a task's arguments,
        as its ``execute`` sees it (``self.upload_task_id``): its ``__init__`` run
        without effects; None when no class of the project defines one."""
        found = find_method(cls, "__init__")
        if found is None:
            return None
        saved, self.pure = self.pure, True
        try:
            instance = InstanceVal(cls)
            self.run_method(instance, found, None, args, kwargs)
            return instance
        finally:
            self.pure = saved

    def held_dag(self, instance: InstanceVal) -> Optional[DagRef]:
        """The DAG a wrapper holds, when it holds exactly one: ``with wrapper:``
        puts tasks made in the block into it (its ``__enter__`` enters it)."""
        dags = [value for value in instance.attributes.values() if isinstance(value, DagRef)]
        return dags[0] if len(dags) == 1 else None

def _bound(instance: InstanceVal, name: str) -> "BoundMethod":
    from .pending import BoundMethod

    return BoundMethod(instance, name)

