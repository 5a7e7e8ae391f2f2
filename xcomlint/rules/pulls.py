"""Shared questions the pull rules ask of a Pull record."""

from __future__ import annotations

from typing import Dict, Iterator, Optional, Tuple

from ..model.records import UNKNOWN_DAGS, Dag, Pull, Task
from .registry import Report


def graph_checkable(pull: Pull) -> bool:
    """A pull in this DAG, by a known task, with every argument statically known."""
    return (
        isinstance(pull.consumer, str)
        and not pull.has_star_args
        and not pull.targets_other_dag
        and pull.via != "xcomarg"
    )


def named_producers(pull: Pull) -> Tuple[str, ...]:
    """The literal task ids a pull names; empty when any is not literal."""
    producers = pull.producers
    if not producers or not all(isinstance(p, str) for p in producers):
        return ()
    return producers  # type: ignore[return-value]


def string_end(pull: Pull) -> tuple:
    """For a pull inside a multi-line string, the string's last line also takes a noqa."""
    return (pull.end_line_of_string,) if pull.end_line_of_string else ()


def pull_report(pull: Pull, message: str, severity: Optional[str] = None) -> Report:
    """A finding at a pull, naming the pulling task, silenceable at a template's last line."""
    return Report(
        pull.span,
        message,
        task_id=pull.consumer if isinstance(pull.consumer, str) else None,
        extra_noqa_lines=string_end(pull),
        severity=severity,
    )


def pull_effect(pull: Pull) -> str:
    """What a pull that finds nothing does at runtime, for messages."""
    if pull.via == "xcomarg":
        if pull.effective_key == "return_value":
            return "the XComArg resolves to None"
        return "resolving the XComArg fails with XComNotFound on Airflow 2 and gives None on Airflow 3"
    if pull.via == "template":
        return "the template renders 'None'"
    return "the pull returns None"


def pulls_from_tasks(dag: Dag) -> Iterator[Tuple[Pull, str, Task]]:
    """``(pull, key, producer task)`` for each literal producer that is a task of
    this DAG, when the pull names a non-empty literal key (``key=""``/``key=None``
    is XCL108's finding). Rules then ask what they need of the task: XCL104
    that its pushes be fully known, XCL106 that its return value be known absent."""
    if dag.kind == UNKNOWN_DAGS:
        return  # the tasks may belong to several DAGs
    tasks: Dict[str, Task] = {}
    repeated = set()
    for task in dag.tasks:
        if isinstance(task.task_id, str):
            if task.task_id in tasks:
                repeated.add(task.task_id)
            tasks[task.task_id] = task
    for task_id in repeated:  # a factory run twice: which task is meant is not known
        del tasks[task_id]
    for pull in dag.pulls:
        key = pull.effective_key
        if pull.has_star_args or pull.targets_other_dag or not isinstance(key, str) or not key:
            continue
        for producer in named_producers(pull):
            task = tasks.get(producer)
            if task is not None:
                yield pull, key, task
