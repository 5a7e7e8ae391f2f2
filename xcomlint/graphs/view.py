"""The drawable XCom graph of a DAG, shared by the Mermaid, DOT and HTML renderers.

A ``DagView`` is the model of one DAG plus what the lint run found, reduced to
what a picture needs: task nodes with safe identifiers, TaskGroup boxes,
dependency edges, XCom flows with their keys, and the findings on each. The
renderers only format it, so the three pictures always show the same graph.

A pull that names a task the DAG does not have (a typo, the bare id of a
grouped task) or names none at all still gets drawn: its producer becomes a
placeholder node, because such pulls are exactly what a reader needs to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from ..findings import Finding
from ..model.records import ABSENT, Dag, FileModel, Pull

TASK = "task"
MISSING = "missing"  # a pull names a task id that the DAG does not have
UNNAMED = "unnamed"  # a pull names no task (no task_ids) or one that is computed at runtime
EXTERNAL = "external"  # a pull reads from another DAG (``dag_id=``)

VIAS = ("xcom_pull", "template", "xcomarg")


@dataclass(frozen=True)
class FindingNote:
    code: str
    message: str
    line: int


@dataclass(frozen=True)
class Node:
    """A task, or a placeholder for a producer that is not a task of the DAG."""

    node_id: str
    label: str
    kind: str
    operator: str = ""
    group_id: Optional[str] = None
    line: Optional[int] = None
    pushes: Tuple[str, ...] = ()
    pushes_known: bool = False  # every key the task can push is in ``pushes``
    pulls: Tuple[str, ...] = ()
    findings: Tuple[FindingNote, ...] = ()
    # an EXTERNAL placeholder: the DAG and task it reads from, when written as literals
    other_dag: Optional[str] = None
    other_task: Optional[str] = None

    @property
    def codes(self) -> Tuple[str, ...]:
        return tuple(sorted({f.code for f in self.findings}))


@dataclass(frozen=True)
class Group:
    """A TaskGroup; ``parent`` is the full id of the enclosing group, if any."""

    group_id: str
    node_id: str
    label: str
    parent: Optional[str]


@dataclass(frozen=True)
class Dependency:
    upstream: str  # node ids
    downstream: str


@dataclass(frozen=True)
class Flow:
    """An XCom read: ``consumer`` pulls ``key`` from ``producer`` (node ids)."""

    producer: str
    consumer: str
    key: str
    via: str
    lines: Tuple[int, ...]
    codes: Tuple[str, ...] = ()


@dataclass(frozen=True)
class DagView:
    dag_id: str
    path: str
    line: int
    nodes: Tuple[Node, ...]
    groups: Tuple[Group, ...]
    dependencies: Tuple[Dependency, ...]
    flows: Tuple[Flow, ...]
    findings: Tuple[FindingNote, ...]

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.node_id == node_id)

    def subgroups(self) -> Dict[object, List[Group]]:
        """The groups directly inside each group (key None: the DAG's top level)."""
        children: Dict[object, List[Group]] = {}
        for group in self.groups:
            children.setdefault(group.parent, []).append(group)
        return children

    def members(self) -> Dict[object, List[Node]]:
        """The nodes directly inside each group (key None: the DAG's top level)."""
        found: Dict[object, List[Node]] = {}
        for node in self.nodes:
            found.setdefault(node.group_id, []).append(node)
        return found


class IdMaker:
    """Identifiers safe in Mermaid, DOT and HTML: ASCII letters, digits and ``_``,
    unique over one document (task ids contain dots; two DAGs may share task ids)."""

    def __init__(self) -> None:
        self._used: Set[str] = set()

    def make(self, prefix: str, text: str) -> str:
        base = prefix + (re.sub(r"[^A-Za-z0-9_]", "_", text) or "_")
        candidate, number = base, 2
        while candidate in self._used:
            candidate, number = f"{base}_{number}", number + 1
        self._used.add(candidate)
        return candidate


def key_text(key: object) -> str:
    """A pull's key as a reader should see it."""
    if isinstance(key, str):
        return key if key else '""'
    if key is None:
        return "None"
    if isinstance(key, tuple):
        return ", ".join(key_text(k) for k in key)
    return "?"  # computed at runtime


def _parent_group(group_id: str, group_ids: Sequence[str]) -> Optional[str]:
    # Full group ids are built by prefixing (``outer.inner``), so the enclosing
    # group is the longest other id that is a dotted prefix. A group nested in
    # one with ``prefix_group_id=False`` has no such prefix and is drawn at the top.
    parents = [g for g in group_ids if group_id.startswith(g + ".")]
    return max(parents, key=len) if parents else None


class _DagViewBuilder:
    def __init__(self, dag: Dag, path: str, findings: Sequence[Finding], ids: IdMaker, prefix: str) -> None:
        self.dag = dag
        self.path = path
        self.ids = ids
        self.prefix = prefix
        self.findings = [f for f in findings if f.path == path and f.dag_id in (None, _text(dag.dag_id))]
        self.nodes: List[Node] = []
        self.node_of_task: Dict[str, str] = {}
        self.placeholders: Dict[Tuple[str, str], str] = {}

    def build(self) -> DagView:
        groups = self._groups()
        for index, task in enumerate(self.dag.tasks):
            task_id = task.task_id if isinstance(task.task_id, str) else None
            node_id = self.ids.make(self.prefix + "t_", task_id or f"dynamic_{index}")
            if task_id is not None:
                self.node_of_task.setdefault(task_id, node_id)
            self.nodes.append(
                Node(
                    node_id=node_id,
                    label=task_id if task_id is not None else "? (dynamic task id)",
                    kind=TASK,
                    operator=task.operator,
                    group_id=task.group_id if task.group_id in {g.group_id for g in groups} else None,
                    line=task.span.line,
                    pushes=self._pushes_of(task_id),
                    pushes_known=task.pushes_known,
                    pulls=self._pulls_of(task_id),
                    findings=self._task_findings(task_id),
                )
            )
        dependencies = self._dependencies()
        flows = self._flows()
        used = {f for f in self.findings if f.dag_id == _text(self.dag.dag_id) or f.task_id in self.node_of_task}
        return DagView(
            dag_id=_text(self.dag.dag_id) or "? (dynamic dag_id)",
            path=self.path,
            line=self.dag.span.line,
            nodes=tuple(self.nodes),
            groups=groups,
            dependencies=dependencies,
            flows=flows,
            findings=tuple(FindingNote(f.code, f.message, f.line) for f in sorted(used, key=lambda f: f.sort_key)),
        )

    def _groups(self) -> Tuple[Group, ...]:
        group_ids = list(dict.fromkeys(self.dag.group_ids))
        populated = {t.group_id for t in self.dag.tasks if t.group_id}
        # a group with no task we can name would be an empty box: leave it out
        kept = [g for g in group_ids if any(p == g or p.startswith(g + ".") for p in populated)]
        return tuple(
            Group(g, self.ids.make(self.prefix + "g_", g), g.rsplit(".", 1)[-1], _parent_group(g, kept)) for g in kept
        )

    def _pushes_of(self, task_id: Optional[str]) -> Tuple[str, ...]:
        pushes = [f"{key_text(p.key)} ({p.via})" for p in self.dag.pushes if task_id is not None and p.task_id == task_id]
        return tuple(dict.fromkeys(pushes))

    def _pulls_of(self, task_id: Optional[str]) -> Tuple[str, ...]:
        pulls = []
        for pull in self.dag.pulls:
            if task_id is None or pull.consumer != task_id:
                continue
            producers = ", ".join(p if isinstance(p, str) else "?" for p in pull.producers) or "no task_ids"
            pulls.append(f"{key_text(pull.effective_key)} from {producers} ({pull.via}, line {pull.span.line})")
        return tuple(pulls)

    def _task_findings(self, task_id: Optional[str]) -> Tuple[FindingNote, ...]:
        if task_id is None:
            return ()
        return tuple(FindingNote(f.code, f.message, f.line) for f in self.findings if f.task_id == task_id)

    def _dependencies(self) -> Tuple[Dependency, ...]:
        seen: Dict[Tuple[str, str], None] = {}
        for edge in self.dag.edges:
            up, down = self.node_of_task.get(edge.upstream), self.node_of_task.get(edge.downstream)
            if up and down:
                seen.setdefault((up, down), None)
        return tuple(Dependency(up, down) for up, down in seen)

    def _placeholder(self, kind: str, label: str, other_dag: Optional[str] = None,
                     other_task: Optional[str] = None) -> str:
        key = (kind, label)
        if key not in self.placeholders:
            node_id = self.ids.make(self.prefix + "x_", label)
            self.placeholders[key] = node_id
            self.nodes.append(Node(node_id=node_id, label=label, kind=kind, other_dag=other_dag, other_task=other_task))
        return self.placeholders[key]

    def _producer_nodes(self, pull: Pull) -> List[str]:
        if pull.targets_other_dag:
            other = _text(pull.dag_id)
            names = [p if isinstance(p, str) else None for p in pull.producers] or [None]
            return [
                self._placeholder(EXTERNAL, f"{other or '?'}: {name or '?'}", other, name)
                for name in names
            ]
        if pull.task_ids in (ABSENT, None):
            return [self._placeholder(UNNAMED, "no task_ids")]
        producers = pull.producers
        if not producers:
            return [self._placeholder(UNNAMED, "computed task_ids")]
        nodes = []
        for producer in producers:
            if not isinstance(producer, str):
                nodes.append(self._placeholder(UNNAMED, "computed task_ids"))
            elif producer in self.node_of_task:
                nodes.append(self.node_of_task[producer])
            else:
                nodes.append(self._placeholder(MISSING, producer))
        return nodes

    def _flows(self) -> Tuple[Flow, ...]:
        merged: Dict[Tuple[str, str, str, str], Tuple[List[int], Set[str]]] = {}
        for pull in self.dag.pulls:
            consumer = self.node_of_task.get(pull.consumer) if isinstance(pull.consumer, str) else None
            if consumer is None:
                continue  # a pull no task runs is not part of this DAG's picture
            codes = {
                f.code for f in self.findings if pull.holds(f.line, f.column)
            }
            for producer in dict.fromkeys(self._producer_nodes(pull)):
                lines, found = merged.setdefault((producer, consumer, key_text(pull.effective_key), pull.via), ([], set()))
                lines.append(pull.span.line)
                found |= codes
        return tuple(
            Flow(producer, consumer, key, via, tuple(sorted(set(lines))), tuple(sorted(codes)))
            for (producer, consumer, key, via), (lines, codes) in merged.items()
        )


def _text(value: object) -> Optional[str]:
    return value if isinstance(value, str) else None


def dag_views(models: Sequence[FileModel], findings: Iterable[Finding], dag_id: Optional[str] = None) -> List[DagView]:
    """One view per DAG of ``models`` (only ``dag_id`` when given), with node ids
    unique over all of them so that several DAGs can share one document."""
    findings = list(findings)
    selected = [(model, dag) for model in models for dag in model.real_dags if dag_id is None or dag.dag_id == dag_id]
    ids = IdMaker()
    views = []
    for index, (model, dag) in enumerate(selected):
        prefix = f"d{index}_" if len(selected) > 1 else ""
        views.append(_DagViewBuilder(dag, model.path, findings, ids, prefix).build())
    return views


__all__ = [
    "EXTERNAL", "MISSING", "TASK", "UNNAMED", "VIAS", "DagView", "Dependency", "FindingNote", "Flow", "Group",
    "IdMaker", "Node", "dag_views", "key_text",
]
