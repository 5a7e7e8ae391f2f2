"""XCL201 non-json-value: a pushed or returned value that cannot be serialized."""

from __future__ import annotations

from typing import Iterator

from ..knowledge import AIRFLOW_SERIALIZER_ACCEPTS, JSON_FIXES
from ..model.records import Dag
from .context import RuleContext
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
            yield Report(push.span, f"{task} {verb} {description}: {why}; {fix}", task_id=_task(push))
            break


def _task(push):
    return push.task_id if isinstance(push.task_id, str) else None
