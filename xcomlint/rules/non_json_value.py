"""XCL201 non-json-value: a pushed or returned value that cannot be serialized."""

from __future__ import annotations

from typing import Iterator, Optional

from ..findings import Fix
from ..knowledge import AIRFLOW_SERIALIZER_ACCEPTS, JSON_FIXES
from ..model.records import UNKNOWN, Dag, Push
from .context import RuleContext
from .fixes import UNSAFE, insertion, single_fix
from .pushes import describe, value_pushes
from .registry import Report, rule


@rule("XCL201", "non-json-value", "A pushed or returned value that is not JSON-serializable.")
def non_json_value(dag: Dag, context: RuleContext) -> Iterator[Report]:
    airflow_mode = context.settings.serialization == "airflow"
    version = context.airflow_version
    accepted = AIRFLOW_SERIALIZER_ACCEPTS.get(version, frozenset()) if airflow_mode else frozenset()
    for push in value_pushes(dag):
        if push.value.dataframe:
            continue  # a data frame is XCL202's finding
        for kind, description in push.value.non_json:
            if kind in accepted:
                continue
            task, verb = describe(push)
            fix = JSON_FIXES.get(kind, "convert it to plain JSON first")
            if kind == "dataclass" and airflow_mode:
                why = (
                    f"Airflow {version} serializes it, but the pull fails with ImportError unless the class is "
                    f"listed in [core] allowed_deserialization_classes"
                )
            elif airflow_mode:
                why = f"Airflow {version}'s XCom serializer cannot store it and the task fails with TypeError"
            else:
                why = "it is not JSON-serializable (Airflow's serializer rejects it or changes it by version)"
            yield Report(push.span, f"{task} {verb} {description}: {why}; {fix}", task_id=_task(push),
                         fix=None if operated_on(dag, push) else _fix(push, kind))
            break


def _fix(push: Push, kind: str) -> Optional[Fix]:
    """A set becomes ``sorted(...)``, a list; a date or time ``.isoformat()``, a
    string. Unsafe: the task that pulls it now gets another type (and sorting
    fails on items that do not compare)."""
    span = push.value_span
    if push.value.whole != kind or not span.resolved:
        return None
    if kind == "set":
        return single_fix("Wrap the set in sorted(): a list", UNSAFE, insertion(span.line, span.column, "sorted("),
                          insertion(span.end_line, span.end_column, ")"))
    if kind == "datetime":
        return single_fix("Call .isoformat(): an ISO 8601 string", UNSAFE,
                          insertion(span.end_line, span.end_column, ".isoformat()"))
    return None


def operated_on(dag: Dag, push: Push) -> bool:
    """Whether a pull of the DAG that may read the push applies an operation to
    the value (``value + threshold``, ``value.time()``, ``value < cutoff``): a
    list or an ISO string in place of the set or datetime would break it."""
    for pull in dag.pulls:
        if not pull.value_uses:
            continue
        key = pull.effective_key
        producers = pull.producers
        if (key == push.key or not isinstance(key, str)) and (push.task_id in producers or not producers
                                                              or UNKNOWN in producers):
            return True
    return False


def _task(push):
    return push.task_id if isinstance(push.task_id, str) else None
