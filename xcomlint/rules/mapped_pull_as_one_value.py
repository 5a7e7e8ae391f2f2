"""XCL209 mapped-pull-as-one-value: a pull of a mapped task read as if it were one value."""

from __future__ import annotations

from typing import Dict, Iterator

from ..model.records import Dag, Task
from .context import RuleContext
from .pulls import pull_report, reads_this_dag
from .registry import Report, rule


@rule("XCL209", "mapped-pull-as-one-value",
      "A pull of a mapped task without map_indexes, used as one value: it returns every mapped value.")
def mapped_pull_as_one_value(dag: Dag, context: RuleContext) -> Iterator[Report]:
    mapped = _mapped_tasks(dag)
    if not mapped:
        return
    for pull in dag.pulls:
        producer = pull.task_ids
        if not isinstance(producer, str) or producer not in mapped or not reads_this_dag(pull):
            continue
        if pull.argument("map_indexes") is not None or pull.has_star_args or pull.consumer == producer:
            continue
        if not pull.used_as_one_value:
            continue
        yield pull_report(pull, _message(producer, pull.uses, context), at="task_ids")


def _mapped_tasks(dag: Dag) -> Dict[str, Task]:
    """The mapped tasks of the DAG by id, leaving out ids two tasks share
    (a factory run twice: which one a pull names is not known)."""
    seen: Dict[str, int] = {}
    for task in dag.tasks:
        if isinstance(task.task_id, str):
            seen[task.task_id] = seen.get(task.task_id, 0) + 1
    return {task.task_id: task for task in dag.tasks
            if isinstance(task.task_id, str) and task.mapped and seen[task.task_id] == 1}


def _message(producer: str, uses: tuple, context: RuleContext) -> str:
    used = {"key": "subscripted by a key", "attribute": "read through an attribute",
            "scalar": "passed on as one value"}
    how = " and ".join(used[use] for use in uses if use in used)
    if context.airflow_version >= 3:
        returns = ("a list of every mapped value (or the bare value when exactly one mapped instance ran, "
                   "so it works in a test with one input)")
    else:
        returns = "a lazy sequence of every mapped value, even when only one instance ran"
    return (f"'{producer}' is a mapped task: xcom_pull without map_indexes returns {returns}, but the result is "
            f"{how}; iterate the values, or pass map_indexes=... to read one")
