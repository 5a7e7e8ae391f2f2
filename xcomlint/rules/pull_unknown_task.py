"""XCL103 pull-unknown-task: ``task_ids`` names no task of the DAG."""

from __future__ import annotations

from typing import Iterator, Optional, Set

from ..findings import Fix
from ..model.records import UNKNOWN_DAGS, Dag, Pull
from .context import RuleContext
from .fixes import SAFE, UNSAFE, literal_replacement, single_fix
from .pulls import graph_checkable, named_producers, pull_report
from .registry import Report, rule
from .suggest import closest, grouped_id, typo_of


@rule("XCL103", "pull-unknown-task", "task_ids names a task that does not exist in the DAG.")
def pull_unknown_task(dag: Dag, context: RuleContext) -> Iterator[Report]:
    if dag.kind == UNKNOWN_DAGS:
        return
    task_ids = set(dag.task_ids)
    dag_name = f"DAG '{dag.dag_id}'" if isinstance(dag.dag_id, str) else "this DAG"
    for pull in dag.pulls:
        if not graph_checkable(pull):
            continue
        for producer in named_producers(pull):
            # a task the model cannot name may have this id; in a DAG it knows only in
            # part (a factory's caller), any id outside a closed TaskGroup may exist
            if producer in task_ids or dag.may_have_unknown_task(producer):
                continue
            full = grouped_id(producer, task_ids)
            if full is not None:
                hint = (
                    f"; did you mean '{full}'? Inside a TaskGroup the full id is group.task, "
                    f"and xcom_pull never adds the prefix"
                )
            else:
                suggestion = closest(producer, task_ids)
                hint = f"; did you mean '{suggestion}'?" if suggestion else ""
            yield pull_report(
                pull,
                f"task '{producer}' does not exist in {dag_name}{hint} (the pull returns None)",
                at="task_ids",
                fix=_fix(pull, dag, producer, full, task_ids),
            )


def _fix(pull: Pull, dag: Dag, producer: str, full: Optional[str], task_ids: Set[str]) -> Optional[Fix]:
    """The full id of the one grouped task with this bare id (safe: nothing else
    can be meant), or the one id this is a short typo of (unsafe: a typo is a
    guess, and only in a DAG whose every task is known)."""
    if len(pull.producers) != 1:
        return None  # a list of ids: the model keeps the span of the whole list only
    argument = pull.argument("task_ids")
    if full is not None:
        return single_fix(f"Replace '{producer}' with '{full}'", SAFE, literal_replacement(argument, producer, full))
    typo = typo_of(producer, task_ids) if dag.tasks_complete else None
    if typo is None or typo != closest(producer, task_ids):
        return None  # the fix must be what the message suggests
    return single_fix(f"Replace '{producer}' with '{typo}'", UNSAFE, literal_replacement(argument, producer, typo))
