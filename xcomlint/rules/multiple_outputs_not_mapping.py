"""XCL206 multiple-outputs-not-mapping: ``multiple_outputs`` on a non-mapping return."""

from __future__ import annotations

from typing import Iterator

from ..model.records import Dag
from .context import RuleContext
from .registry import Report, rule


@rule("XCL206", "multiple-outputs-not-mapping", "multiple_outputs=True on a task that returns a non-mapping.")
def multiple_outputs_not_mapping(dag: Dag, context: RuleContext) -> Iterator[Report]:
    tasks = {t.task_id: t for t in dag.tasks}
    for push in dag.pushes:
        task = tasks.get(push.task_id)
        if push.via != "return" or task is None or not task.multiple_outputs:
            continue
        if push.value.mapping is False:
            what = "a value that is not a mapping"
        elif push.value.mapping and push.value.str_keys is False:
            what = "a dict with a key that is not a string"
        else:
            continue
        yield Report(
            push.span,
            f"task '{task.task_id}' has multiple_outputs on (set, or inferred from a dict return annotation) "
            f"but returns {what}: the task fails after running (Airflow needs a dict with str keys); "
            f"return a dict or turn multiple_outputs off",
            task_id=task.task_id if isinstance(task.task_id, str) else None,
        )
