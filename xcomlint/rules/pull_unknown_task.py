"""XCL103 pull-unknown-task: ``task_ids`` names no task of the DAG."""

from __future__ import annotations

from typing import Iterator

from ..model.records import UNKNOWN_DAGS, Dag
from .context import RuleContext
from .pulls import graph_checkable, named_producers, pull_report
from .registry import Report, rule
from .suggest import closest, grouped_id


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
            )
