"""The XCom flows of a DAG as the allow-list sees them: producer, key, consumer.

Only statically known flows count; a pull whose producer, key or consumer is
not known is left to the pull rules (XCL105 reports it when selected).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, Sequence, Tuple

from ..model.records import Dag, FileModel, Push, Span


@dataclass(frozen=True)
class Flow:
    path: str
    dag_id: str
    producer: str
    key: str
    consumer: str
    via: str
    span: Span
    end_line: Optional[int] = None
    other_dag: Optional[str] = None  # the DAG pulled from, when not this one
    extent: Optional[Span] = None  # the pull with its arguments, where rules may point


def dag_flows(path: str, dag: Dag) -> Iterator[Flow]:
    if not isinstance(dag.dag_id, str):
        return
    for pull in dag.pulls:
        key = pull.effective_key
        if not isinstance(pull.consumer, str) or not isinstance(key, str) or not key or pull.has_star_args:
            continue
        other: Optional[str] = None
        if isinstance(pull.dag_id, str):
            other = pull.dag_id if pull.dag_id != dag.dag_id else None
        elif pull.targets_other_dag:
            continue  # another DAG or run, not known which
        producers = pull.producers
        if not producers or not all(isinstance(p, str) for p in producers):
            continue
        for producer in producers:
            yield Flow(path, dag.dag_id, producer, key, pull.consumer, pull.via, pull.span,  # type: ignore[arg-type]
                       pull.end_line_of_string, other, pull.extent)


def declared_pushes(dag: Dag) -> Iterator[Push]:
    """Explicit pushes with a known key: what XCL302 and allow-list entries declare."""
    for push in dag.pushes:
        if push.explicit and isinstance(push.key, str) and isinstance(push.task_id, str):
            yield push


def run_dags(models: Sequence[FileModel]) -> Iterator[Tuple[str, Dag]]:
    for model in models:
        for dag in model.real_dags:
            if isinstance(dag.dag_id, str):
                yield model.path, dag
