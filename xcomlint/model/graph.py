"""Questions about a DAG's dependency graph, answered from the model."""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Set

from .records import Dag


def upstream_closure(dag: Dag) -> Dict[str, FrozenSet[str]]:
    """For each task id, every task id upstream of it, directly or transitively."""
    parents: Dict[str, List[str]] = {}
    for edge in dag.edges:
        parents.setdefault(edge.downstream, []).append(edge.upstream)
    for upstream, downstream in dag.hidden_edges:  # paths through what the model cannot see
        parents.setdefault(downstream, []).append(upstream)
    result: Dict[str, FrozenSet[str]] = {}
    for task_id in dag.task_ids:
        seen: Set[str] = set()
        stack = list(parents.get(task_id, ()))
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(parents.get(current, ()))
        result[task_id] = frozenset(t for t in seen if not t.startswith("?"))
    return result
