"""XCL106 pull-from-silent-task: the named task pushes nothing to pull."""

from __future__ import annotations

from typing import Iterator, Optional

from ..model.records import RETURN_KEY, Dag, Task
from .context import RuleContext
from .pulls import pull_effect, pull_report, pulls_from_tasks
from .registry import Report, rule


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _why(task: Task) -> Optional[str]:
    reason = task.silent_reason
    if reason == "do_xcom_push=False":
        return "has do_xcom_push=False, so it pushes no return value"
    if reason == "operator":
        return f"is {_article(task.operator)} {task.operator}, which returns no value, so no 'return_value' is pushed"
    if reason == "sensor":
        return (f"is {_article(task.operator)} {task.operator}, a sensor that returns no value (a sensor pushes "
                f"only a PokeReturnValue), so no 'return_value' is pushed")
    if reason == "opt-in":
        return f"is {_article(task.operator)} {task.operator} without do_xcom_push=True, so it pushes no return value"
    if reason == "no-return":
        return f"runs '{task.callable_name}', which never returns a value, so nothing is pushed as 'return_value'"
    return None


@rule("XCL106", "pull-from-silent-task", "A pull from a task that pushes nothing under that key.")
def pull_from_silent_task(dag: Dag, context: RuleContext) -> Iterator[Report]:
    for pull, key, task in pulls_from_tasks(dag):
        producer = task.task_id
        if key == RETURN_KEY:
            # its other keys may be unknown: the return value is pushed by Airflow alone
            if any(p.task_id == producer and p.key == RETURN_KEY for p in dag.pushes):
                continue
            why = _why(task)
        elif task.pushes_known and task.pushes_nothing:
            why = _why(task) or "pushes nothing at all"
            if task.silent_reason == "no-return":
                why = f"runs '{task.callable_name}', which pushes nothing at all"
        else:
            continue  # another key: XCL104's business
        if why is None:
            continue
        yield pull_report(
            pull,
            f"task '{producer}' {why} ({pull_effect(pull, task)})",
        )
