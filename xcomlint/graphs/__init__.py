"""Exports of the producer/consumer graph.

The JSON form is the model itself; ``mermaid``, ``dot`` and ``html`` draw the
same graph from a ``view.DagView``, with the lint run's findings on it.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional, Sequence

from ..findings import Finding
from ..model.records import ABSENT, Dag, FileModel, Pull, _json_value
from ..readable import readable

GRAPH_FORMATS = ("json", "mermaid", "dot", "html")


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
            "line": pull.span.shown_line,
        }
        for producer in producers
    ]


def dag_to_dict(dag: Dag, path: str) -> Dict[str, Any]:
    return {
        "dag_id": _json_value(dag.dag_id),
        "path": path,
        "line": dag.span.shown_line,
        "tasks": [task.to_dict() for task in dag.tasks],
        "edges": [edge.to_dict() for edge in dag.edges],
        "xcoms": [x for pull in dag.pulls for x in _xcoms(pull)],
    }


def graph_document(models: Sequence[FileModel], dag_id: Optional[str] = None) -> Dict[str, Any]:
    dags = [
        dag_to_dict(dag, model.path)
        for model in models
        for dag in model.real_dags
        if dag_id is None or dag.dag_id == dag_id
    ]
    return {"dags": dags}


def render_graph(output_format: str, models: Sequence[FileModel], findings: Sequence[Finding],
                 dag_id: Optional[str] = None) -> str:
    """The graph of ``models`` (one DAG when ``dag_id`` is given) in ``output_format``."""
    if output_format == "json":
        return json.dumps(graph_document(models, dag_id), indent=2) + "\n"
    from .dot import render_dot
    from .html import render_html
    from .mermaid import render_mermaid
    from .view import dag_views

    views = dag_views(models, findings, dag_id)
    if output_format == "html" and dag_id is None and len(views) != 1:
        # a project: an index of its DAGs, one graph at a time
        from .project_page import render_project_html, unparsed_files

        return readable(render_project_html(views, unparsed_files(models)))

    renderers: Dict[str, Callable[[Sequence[Any]], str]] = {
        "mermaid": render_mermaid,
        "dot": render_dot,
        "html": render_html,
    }
    if output_format not in renderers:
        raise ValueError(f"unknown graph format {output_format!r}; choose from {', '.join(GRAPH_FORMATS)}")
    # keys and ids as the code writes them, any character included
    return readable(renderers[output_format](views))
