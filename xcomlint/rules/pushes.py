"""Shared questions the push rules ask of a Push record."""

from __future__ import annotations

from typing import Iterator, Tuple

from ..model.records import Dag, Push

VALUE_VIAS = ("return", "xcom_push")


def value_pushes(dag: Dag) -> Iterator[Push]:
    """Pushes whose value xcomlint analysed: return values and explicit xcom_push."""
    for push in dag.pushes:
        if push.via in VALUE_VIAS:
            yield push


def describe(push: Push) -> Tuple[str, str]:
    """``("task 'x'", "returns")`` or ``("task 'x'", "pushes 'key' as")`` for messages."""
    task = f"task '{push.task_id}'" if isinstance(push.task_id, str) else "this task"
    if push.via == "return":
        return task, "returns"
    key = f"'{push.key}'" if isinstance(push.key, str) else "a key"
    return task, f"pushes under {key}"
