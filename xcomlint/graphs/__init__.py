"""Exports of the producer/consumer graph; the JSON form is the model itself."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from ..model.records import ABSENT, Dag, FileModel, Pull, _json_value


def _xcoms(pull: Pull) -> List[Dict[str, Any]]:
    key = pull.effective_key
    producers: List[Optional[str]]
    if pull.task_ids in (ABSENT, None):
        producers = [None]
    else:
        producers = [p if isinstance(p, str) else None for p in pull.producers] or [None]
    return [
        {
            "producer": producer,
            "key": key if isinstance(key, str) else None,
            "consumer": _json_value(pull.consumer),
            "via": pull.via,
            "line": pull.span.line,
        }
        for producer in producers
    ]


def dag_to_dict(dag: Dag, path: str) -> Dict[str, Any]:
    return {
        "dag_id": _json_value(dag.dag_id),
        "path": path,
        "line": dag.span.line,
        "tasks": [task.to_dict() for task in dag.tasks],
        "edges": [edge.to_dict() for edge in dag.edges],
        "xcoms": [x for pull in dag.pulls for x in _xcoms(pull)],
    }


def graph_document(models: Sequence[FileModel], dag_id: Optional[str] = None) -> Dict[str, Any]:
    dags = [
        dag_to_dict(dag, model.path)
        for model in models
        for dag in model.dags
        if dag_id is None or dag.dag_id == dag_id
    ]
    return {"dags": dags}
