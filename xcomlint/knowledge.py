"""What xcomlint knows about Airflow's API.

Airflow's own names (DAG, task, XComArg...) are matched by their last
component under the ``airflow`` package, so the Airflow 2 paths, the Airflow 3
``airflow.sdk`` paths and deprecated aliases all resolve alike. Operators are
looked up in knowledge generated from Airflow's and the providers' sources
(``operator_info``). A name that is not imported from ``airflow`` is never
treated as Airflow's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any, Dict, FrozenSet, List, Optional, Tuple


def airflow_name(qualified: Optional[str]) -> Optional[str]:
    """The last component of a dotted name under ``airflow``, else None."""
    if not qualified or not (qualified == "airflow" or qualified.startswith("airflow.")):
        return None
    return qualified.rsplit(".", 1)[-1]


DAG_CLASSES = frozenset({"DAG"})
DAG_DECORATORS = frozenset({"dag"})
TASK_DECORATORS = frozenset({"task"})
SETUP_TEARDOWN = frozenset({"setup", "teardown"})
TASK_GROUP_CLASSES = frozenset({"TaskGroup"})
TASK_GROUP_DECORATORS = frozenset({"task_group"})
XCOMARG_CLASSES = frozenset({"XComArg", "PlainXComArg"})
GET_CURRENT_CONTEXT = frozenset({"get_current_context"})
CHAIN = "chain"
CHAIN_LINEAR = "chain_linear"
CROSS_DOWNSTREAM = "cross_downstream"

# names through which a callable reaches the running task instance
TI_NAMES = frozenset({"ti", "task_instance"})

# keys some operators push besides (or instead of) return_value; pulling them
# is never "unknown key" (docs/xcom-semantics.md, false-positive traps)
ALWAYS_ALLOWED_KEY_PREFIXES: Tuple[str, ...] = ("_link_",)

PUSHES_RETURN = "return"  # execute() can return a value: return_value is pushed
PUSHES_NOTHING = "nothing"  # execute() returns None on every path: nothing is pushed
PUSHES_OPT_IN = "opt-in"  # do_xcom_push defaults to False
PUSHES_CALLABLE = "callable"  # whatever python_callable returns
PUSHES_UNKNOWN = "unknown"  # not worked out (abstract, or not readable statically)


@dataclass(frozen=True)
class OperatorInfo:
    template_fields: Optional[FrozenSet[str]]  # None: not known
    pushes: str  # one of the PUSHES_* above
    extra_keys: Tuple[str, ...] = ()  # keys pushed besides return_value
    keys_known: bool = False  # extra_keys is every such key
    sensor: bool = False
    qualified: str = ""  # canonical qualified name
    pulls: bool = False  # execute may pull XComs itself (by keys named in its arguments)


# Generated knowledge (data/operators.json, written by
# scripts/generate_knowledge.py from the wheels pinned in scripts/knowledge.lock):
# every operator class of Airflow 2.10, Airflow 3 and the providers, under every
# dotted name it is imported by. Read on the first lookup, not on import.
DATA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "operators.json")

# What generation cannot see, by canonical qualified name. Generated facts are
# extended ("extra_keys") or replaced ("pushes") here, and only here.
OVERRIDES: Dict[str, Dict[str, Any]] = {
    # Airflow 3's task runner pushes trigger_run_id when the operator raises
    # DagRunTriggerException; Airflow < 2.6 pushed trigger_execution_date_iso
    "airflow.providers.standard.operators.trigger_dagrun.TriggerDagRunOperator": {
        "extra_keys": ("trigger_run_id", "trigger_execution_date_iso", "trigger_logical_date_iso"),
    },
    # execute returns SmtpHook.send_email_smtp(...), which returns None (the
    # generator does not follow hook calls); Airflow 2's EmailOperator returns nothing
    "airflow.providers.smtp.operators.smtp.EmailOperator": {"pushes": PUSHES_NOTHING},
    # poke returns a bool, or what the user's success= callable returns on the
    # first cell: documented as a bool, and a sensor pushes only a PokeReturnValue
    "airflow.providers.common.sql.sensors.sql.SqlSensor": {"pushes": PUSHES_NOTHING},
}
# Classes the pinned releases no longer have, as the class they were a
# deprecated subclass of (SimpleHttpOperator: removed in the http provider 5.0)
REMOVED_ALIASES: Dict[str, str] = {
    "airflow.providers.http.operators.http.SimpleHttpOperator": "airflow.providers.http.operators.http.HttpOperator",
}


class _Knowledge:
    """The generated data, indexed for lookups."""

    def __init__(self, raw: Dict[str, Any]):
        self.packages: Dict[str, str] = raw["packages"]
        self.decorators: Dict[str, List[str]] = raw.get("decorators", {})
        self._fields = [frozenset(f) for f in raw["fields"]]
        self._records = raw["operators"]
        self._infos: Dict[int, OperatorInfo] = {}
        self.names: Dict[str, int] = raw["names"]
        for old_name, target in REMOVED_ALIASES.items():
            if target in self.names:
                self.names.setdefault(old_name, self.names[target])
        self._by_class: Optional[Dict[str, List[int]]] = None

    def info(self, index: int) -> OperatorInfo:
        if index not in self._infos:
            qualified, fields, pushes, keys, keys_known, sensor, pulls = self._records[index]
            extra = tuple(keys)
            override = OVERRIDES.get(qualified, {})
            if "extra_keys" in override:
                extra = tuple(sorted(set(extra) | set(override["extra_keys"])))
            pushes = override.get("pushes", pushes)
            self._infos[index] = OperatorInfo(
                self._fields[fields] if fields >= 0 else None, pushes, extra, bool(keys_known), bool(sensor), qualified,
                bool(pulls),
            )
        return self._infos[index]

    def by_class_name(self, name: str) -> Optional[OperatorInfo]:
        """The operator of that class name, when it is the only one or all agree."""
        if self._by_class is None:
            self._by_class = {}
            for dotted, index in self.names.items():
                indexes = self._by_class.setdefault(dotted.rsplit(".", 1)[-1], [])
                if index not in indexes:
                    indexes.append(index)
        indexes = self._by_class.get(name, [])
        if not indexes:
            return None
        infos = sorted((self.info(i) for i in indexes), key=lambda info: info.qualified)
        first = infos[0]
        if all(_same_facts(first, other) for other in infos[1:]):
            return first
        return None


def _same_facts(a: OperatorInfo, b: OperatorInfo) -> bool:
    return (a.template_fields, a.pushes, a.extra_keys, a.keys_known, a.sensor, a.pulls) == (
        b.template_fields, b.pushes, b.extra_keys, b.keys_known, b.sensor, b.pulls)


_KNOWLEDGE: Optional[_Knowledge] = None


def knowledge() -> _Knowledge:
    """The generated knowledge, read once."""
    global _KNOWLEDGE
    if _KNOWLEDGE is None:
        import json

        with open(DATA_FILE, encoding="utf-8") as handle:
            _KNOWLEDGE = _Knowledge(json.load(handle))
    return _KNOWLEDGE


# @task.<flavour>: flavours whose pushed value is the decorated function's
# return value, and flavours that push something else
CALLABLE_FLAVOURS = frozenset(
    {"python", "virtualenv", "external_python", "branch", "branch_virtualenv",
     "branch_external_python", "short_circuit", "docker", "kubernetes", "pyspark", "run_if", "skip_if"}
)
RETURN_FLAVOURS = frozenset({"bash", "kubernetes_cmd"})
# flavours whose returned string is the command, rendered as a template before it runs
RENDERED_RETURN_FLAVOURS = frozenset({"bash"})
BRANCH_FLAVOURS = frozenset({"branch", "branch_virtualenv", "branch_external_python"})


def operator_info(qualified: Optional[str]) -> Optional[OperatorInfo]:
    """Knowledge about an operator class, only when it is imported from airflow.

    The exact dotted name (any name Airflow or a provider exports it by);
    else, for a path the data does not have (older provider modules,
    ``airflow.contrib``), the class of that name when it is the only one or
    all of that name agree."""
    name = airflow_name(qualified)
    if not name or qualified is None:  # a name under airflow has a qualified name
        return None
    data = knowledge()
    index = data.names.get(qualified)
    info = data.info(index) if index is not None else data.by_class_name(name)
    if info is None:
        return None
    renamed = info.qualified and info.qualified.rsplit(".", 1)[-1] != name
    if renamed and not any(old.rsplit(".", 1)[-1] == name for old in REMOVED_ALIASES):
        # an old name of a renamed class (``airflow.contrib``'s GcpTransferServiceOperationsListOperator
        # is CloudDataTransferServiceListOperationsOperator now): code written for it may use
        # arguments the class has renamed since, so which of them are templated is not known
        info = replace(info, template_fields=None)
    return info


def task_decorators() -> Dict[str, List[str]]:
    """``@task.<flavour>`` names Airflow and the providers register, with the
    import paths of the decorators."""
    return knowledge().decorators


# What Airflow's own XCom serializer accepts beyond plain JSON, per major
# version (docs/xcom-semantics.md section 6.1: serde in 2.6-2.11 and 3.x).
# Dataclasses, attrs and pydantic models are pushed but fail on the pull
# unless allowed_deserialization_classes lists them, so they are never "accepted".
AIRFLOW_SERIALIZER_ACCEPTS = {
    2: frozenset({"set", "datetime", "timedelta", "temporal", "decimal"}),
    3: frozenset({"set", "datetime", "timedelta", "temporal", "decimal", "uuid", "tuple_keys"}),
}

# how to turn each kind of value into something JSON can carry
JSON_FIXES = {
    "set": "push a sorted list instead",
    "bytes": "decode it to text (or base64) first",
    "complex": "push its real and imaginary parts",
    "datetime": "push .isoformat() instead",
    # a timedelta has no isoformat()
    "timedelta": "push .total_seconds() or str(value) instead",
    # a date, datetime or timedelta, which one is not known
    "temporal": "push a string or number instead (.isoformat() of a date or datetime, .total_seconds() of a timedelta)",
    "decimal": "push str(value) instead",
    "uuid": "push str(value) instead",
    "generator": "materialise it with list(...) first",
    "function": "push a name or import path instead",
    "file": "push the file's path instead",
    "client": "push the connection id or resource name instead and build the client in the consumer",
    "user_class": "push a dict of its fields instead",
    "dataclass": "push dataclasses.asdict(value) instead",
    "tuple_keys": "use string keys",
    "numpy": "push .tolist() instead",
}
