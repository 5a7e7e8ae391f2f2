"""XCL205 duplicate-push: a task pushes the same key twice."""

from __future__ import annotations

from typing import Dict, Iterator, Tuple

from ..model.records import RETURN_KEY, Dag, Push
from .context import RuleContext
from .registry import Report, rule


@rule("XCL205", "duplicate-push", "The same task pushes the same key more than once.", severity="warning")
def duplicate_push(dag: Dag, context: RuleContext) -> Iterator[Report]:
    first: Dict[Tuple[str, str, int], Push] = {}
    returning = {p.task_id for p in dag.pushes if p.via == "return"}
    for push in dag.pushes:
        if push.via != "xcom_push" or not isinstance(push.key, str) or not isinstance(push.task_id, str):
            continue
        task = push.task_id
        if push.in_loop:
            yield Report(
                push.span,
                f"task '{task}' pushes key '{push.key}' inside a loop: every iteration replaces the previous "
                f"value and only the last one survives; collect the values and push a list once",
                task_id=task,
            )
            continue
        if push.key == RETURN_KEY and task in returning:
            yield Report(
                push.span,
                f"task '{task}' pushes 'return_value' by hand and also returns a value: the return value "
                f"silently replaces this push; return the value or push another key",
                task_id=task,
            )
            continue
        if push.block is None:
            continue
        slot = (task, push.key, push.block)
        if slot in first:
            yield Report(
                push.span,
                f"task '{task}' pushes key '{push.key}' again (first at line {first[slot].span.line}): "
                f"the later value silently replaces the earlier one; push each key once",
                task_id=task,
            )
        else:
            first[slot] = push
