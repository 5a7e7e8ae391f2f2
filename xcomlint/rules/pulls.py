"""Shared questions the pull rules ask of a Pull record."""

from __future__ import annotations

from typing import Dict, Iterator, Optional, Tuple

from ..findings import Fix
from ..model.records import UNKNOWN_DAGS, Dag, Pull, Task
from .registry import Report


def reads_this_dag(pull: Pull) -> bool:
    """A pull written in Python or a template that reads this DAG's run, with no
    ``*args``: the task that runs it may be one of unknown id."""
    return not pull.has_star_args and not pull.targets_other_dag and pull.via != "xcomarg"


def graph_checkable(pull: Pull) -> bool:
    """Such a pull by a task of known id, whose place in the graph is known."""
    return isinstance(pull.consumer, str) and reads_this_dag(pull)


def named_producers(pull: Pull) -> Tuple[str, ...]:
    """The literal task ids a pull names; empty when any is not literal."""
    producers = pull.producers
    if not producers or not all(isinstance(p, str) for p in producers):
        return ()
    return producers  # type: ignore[return-value]


def noqa_lines(pull: Pull) -> Tuple[int, ...]:
    """Where a ``# noqa`` also silences a finding at this pull: every line of a
    call written over several lines (as black formats long calls), and for a
    pull inside a multi-line string, the line where the string ends."""
    lines = tuple(range(pull.span.line, pull.span.end_line + 1)) if pull.via == "xcom_pull" else ()
    return lines + ((pull.end_line_of_string,) if pull.end_line_of_string else ())


def pull_report(pull: Pull, message: str, severity: Optional[str] = None, at: Optional[str] = None,
                fix: Optional[Fix] = None) -> Report:
    """A finding at a pull, naming the pulling task: at the argument ``at``
    (``task_ids``, ``key``) when it is written, else at the call."""
    argument = pull.argument(at) if at is not None else None
    span = argument.value if argument is not None and argument.value.resolved else pull.span
    return Report(
        span,
        message,
        task_id=pull.consumer if isinstance(pull.consumer, str) else None,
        extra_noqa_lines=noqa_lines(pull),
        severity=severity,
        fix=fix,
    )


def pull_effect(pull: Pull, producer: Task) -> str:
    """What a pull of ``producer`` that finds nothing does at runtime, for messages.

    An XComArg of another key than ``return_value`` resolves through
    ``xcom_pull(default=NOTSET)`` and raises ``XComNotFound`` when nothing is
    found, on Airflow 2 and 3 alike, unless the producer has ``multiple_outputs``
    (``PlainXComArg.resolve`` in ``airflow/models/xcom_arg.py`` and in the task
    SDK's ``definitions/xcom_arg.py``). A mapped producer gives a lazy sequence
    instead, whose values are not claimed here."""
    if pull.via == "xcomarg":
        if pull.effective_key == "return_value":
            return "the XComArg resolves to None"
        if producer.mapped:
            return "the XComArg finds no value"
        if producer.multiple_outputs:
            return "the XComArg resolves to None, as its producer has multiple_outputs"
        return "resolving the XComArg raises XComNotFound and the consuming task fails"
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
        if pull.has_star_args or pull.targets_other_dag or not isinstance(key, str) or not key or pull.discarded:
            continue
        for producer in named_producers(pull):
            found = tasks.get(producer)
            if found is not None:
                yield pull, key, found
