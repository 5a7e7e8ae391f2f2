"""XCL102 implicit-pull: a pull from a task that is not upstream of the puller."""

from __future__ import annotations

from typing import Iterator

from ..model.records import REAL_DAG, Dag
from .context import RuleContext
from .pulls import graph_checkable, named_producers, pull_report
from .registry import Report, rule


@rule("XCL102", "implicit-pull", "A pull from a task that is not upstream of the pulling task.")
def implicit_pull(dag: Dag, context: RuleContext) -> Iterator[Report]:
    if dag.kind != REAL_DAG or not dag.edges_complete:
        return
    upstream = context.upstream(dag)
    known = set(dag.task_ids)
    for pull in dag.pulls:
        if not graph_checkable(pull) or pull.include_prior_dates is True:
            continue
        consumer = pull.consumer  # a str: graph_checkable
        for producer in named_producers(pull):
            if producer == consumer or producer not in known or producer in upstream.get(consumer, ()):  # type: ignore[arg-type]
                continue
            if consumer in upstream.get(producer, ()):
                detail = f"it runs after '{consumer}'"
            else:
                detail = "nothing orders the two tasks"
            yield pull_report(
                pull,
                f"'{consumer}' pulls from '{producer}', which is not upstream of it ({detail}): "
                f"the pull races the producer and may get None; add '{producer}' >> '{consumer}' "
                f"or pass the value as an XComArg",
            )
