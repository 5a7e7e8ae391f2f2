"""Questions about a DAG's dependency graph, answered from the model."""

from __future__ import annotations

from typing import Dict, FrozenSet, Iterator, List, Mapping, Set

from .records import Dag


class UpstreamClosure(Mapping[str, FrozenSet[str]]):
    """For each task id, every task id upstream of it, directly or transitively.

    Computed per task when asked and remembered: the rules ask for the tasks
    that pull, a few of a DAG's hundreds, so the whole closure (quadratic in
    the tasks of a large generated DAG) is never built for nothing."""

    def __init__(self, dag: Dag) -> None:
        self._task_ids = list(dict.fromkeys(dag.task_ids))
        self._known = set(self._task_ids)
        self._parents: Dict[str, List[str]] = {}
        for edge in dag.edges:
            self._parents.setdefault(edge.downstream, []).append(edge.upstream)
        for upstream, downstream in dag.hidden_edges:  # paths through what the model cannot see
            self._parents.setdefault(downstream, []).append(upstream)
        self._reachable: Dict[str, FrozenSet[str]] = {}  # every ancestor, "?" placeholders included
        self._shown: Dict[str, FrozenSet[str]] = {}

    def _ancestors(self, task_id: str) -> FrozenSet[str]:
        done = self._reachable.get(task_id)
        if done is not None:
            return done
        seen: Set[str] = set()
        stack = list(self._parents.get(task_id, ()))
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            known = self._reachable.get(current)
            if known is not None:  # everything above it is already known
                seen.update(known)
                continue
            stack.extend(self._parents.get(current, ()))
        result = frozenset(seen)
        self._reachable[task_id] = result
        return result

    def __getitem__(self, task_id: str) -> FrozenSet[str]:
        if task_id not in self._known:
            raise KeyError(task_id)
        shown = self._shown.get(task_id)
        if shown is None:
            shown = frozenset(t for t in self._ancestors(task_id) if not t.startswith("?"))
            self._shown[task_id] = shown
        return shown

    def __iter__(self) -> Iterator[str]:
        return iter(self._task_ids)

    def __len__(self) -> int:
        return len(self._task_ids)


def upstream_closure(dag: Dag) -> Mapping[str, FrozenSet[str]]:
    """For each task id, every task id upstream of it, directly or transitively."""
    return UpstreamClosure(dag)
