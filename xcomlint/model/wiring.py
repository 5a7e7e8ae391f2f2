"""How the builder wires dependencies and reads templated arguments.

A mixin of ``Builder``: ``>>``, ``chain*`` and group roots/leaves become edges
exactly as Airflow creates them; XComArgs in templated arguments become
edges and pulls; Jinja templates become pulls and pushes; XComArgs Airflow
never resolves are recorded as misuses."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst

from .callables import CallableSummary
from .instances import InstanceVal
from .literals import id_parts, without_holes
from .pending import LabelVal, Loc, PendingMisuse, PendingPull, PendingUntemplated, Star, pull_arguments
from .records import ABSENT, UNKNOWN
from .templates import TemplateCall, find_template_calls
from .values import (
    CombinedXComArg,
    DagRef,
    DagState,
    DictVal,
    FunctionVal,
    GroupRef,
    GroupState,
    ListVal,
    OpaqueVal,
    Scope,
    StrVal,
    TaskRef,
    TaskState,
    XComArgRef,
)

NON_TASK_KWARGS = frozenset({"task_id", "dag", "task_group"})
_LITERALS = (cst.SimpleString, cst.FormattedStringText)
# a templated string that names a file Airflow renders (template_ext): pulls may hide there
TEMPLATE_FILE = re.compile(r"^[^\s{}]+\.(sql|hql|sh|bash|json|html|txt|yaml|yml|env|csh|zsh|ksh|dash)$", re.IGNORECASE)


class Wiring:
    """Edges, templated arguments and misuses; mixed into ``Builder``."""

    # what this mixin uses of ``Builder`` (and of ``TaskBuilding``), declared for
    # the type checker: the annotations make no class attributes, and the methods
    # exist only under TYPE_CHECKING, so that they shadow nothing at runtime
    pure: bool
    # ids of the string literals some task renders, and (literal id, raw offset)
    # of each template pull read in them
    template_nodes: Set[int]
    template_pull_places: Set[Tuple[int, Optional[int]]]
    foreign_strings: Set[int]

    if TYPE_CHECKING:
        def node_of(self, value: Any) -> Optional[cst.CSTNode]: ...

        def evaluate(self, node: Optional[cst.BaseExpression], scope: Scope, statement: bool = False) -> Any: ...

        def lose_edges(self, *dags: Optional[DagState]) -> None: ...

        def note_wired(self, value: OpaqueVal) -> None: ...

        def place_opaque(self, value: OpaqueVal, dag: DagState) -> None: ...

        def adopt(self, task: TaskState, dag: DagState) -> None: ...

        def add_push(self, task: TaskState, key: Any, via: str, loc: Loc, function: Optional[FunctionVal] = None,
                     summary: Optional[CallableSummary] = None, **extra: Any) -> None: ...

    # ------------------------------------------------------- arguments and edges
    def scan_arguments(self, task: TaskState, kwargs: Dict[str, Any], fields: Optional[frozenset],
                       resolved: FrozenSet[str] = frozenset()) -> None:
        """Wire XComArgs and collect template pulls in templated arguments (and in
        the ``resolved`` ones, which Airflow resolves whether templated or not)."""
        for name, value in kwargs.items():
            if name in NON_TASK_KWARGS or name == "python_callable":
                continue
            if fields is not None and name not in fields and name not in resolved:
                # Airflow resolves XComArgs only in template fields: here the
                # operator gets the XComArg object itself, and no edge exists
                for found, node in self.xcomargs_in(value, self.node_of(value)):
                    self.note_misuse(found, "argument", node, consumer=task, argument=name)
                for found, how, node in self.formatted_xcomargs_in(value):
                    self.note_misuse(found, how, node, consumer=task, argument=name)
                self.scan_untemplated(task, name, value, fields, 0)
                continue
            self.scan_value(task, value, 0, self.node_of(value))

    def xcomargs_in(self, value: Any, where: Optional[cst.CSTNode], depth: int = 0) -> List[Tuple[XComArgRef, cst.CSTNode]]:
        if depth > 20:
            return []
        if isinstance(value, XComArgRef):
            return [(value, where if where is not None else value.node)]
        if isinstance(value, CombinedXComArg):
            return [(source, where if where is not None else value.node) for source in value.sources]
        items: List[Any] = []
        if isinstance(value, ListVal):
            items = value.items
        elif isinstance(value, DictVal):
            items = [v for _, v in value.items]
        found: List[Tuple[XComArgRef, cst.CSTNode]] = []
        for item in items:
            found.extend(self.xcomargs_in(item, self.node_of(item) or where, depth + 1))
        return found

    def formatted_xcomargs_in(self, value: Any, depth: int = 0) -> List[Tuple[XComArgRef, str, cst.CSTNode]]:
        """XComArgs turned into Jinja strings (f-string, str()) inside a value."""
        if depth > 20:
            return []
        if isinstance(value, StrVal):
            return list(value.embedded)
        items: List[Any] = []
        if isinstance(value, ListVal):
            items = value.items
        elif isinstance(value, DictVal):
            items = [v for _, v in value.items]
        return [found for item in items for found in self.formatted_xcomargs_in(item, depth + 1)]

    def note_misuse(self, value: XComArgRef, how: str, node: cst.CSTNode, consumer: Optional[TaskState] = None,
                    argument: Optional[str] = None) -> None:
        dag = value.task.dag or (consumer.dag if consumer is not None else None)
        if dag is not None and not self.pure:
            dag.misuses.append(PendingMisuse(value.task, value.key, how, Loc(node), consumer, argument,
                                             consumer.operator if consumer is not None else None))

    def scan_value(self, task: TaskState, value: Any, depth: int, where: Optional[cst.CSTNode] = None) -> None:
        if depth > 20:
            return
        if isinstance(value, XComArgRef):
            self.add_edge(value.task, task, "xcomarg")
            node = where if isinstance(where, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)) else value.node
            task.pending_pulls.append(
                PendingPull(task, "xcomarg", Loc(node), task_ids=value.task.task_id, key=value.key)
            )
        elif isinstance(value, CombinedXComArg):
            for source in value.sources:
                self.scan_value(task, source, depth + 1, where if where is not None else value.node)
        elif isinstance(value, StrVal):
            if value.known and task.dag is not None and TEMPLATE_FILE.match(value.text.strip()):
                task.dag.has_template_files = True
            self.scan_template(task, value)
        elif isinstance(value, ListVal):
            for item in value.items:
                self.scan_value(task, item, depth + 1, self.node_of(item))
        elif isinstance(value, DictVal):
            for _, item in value.items:
                self.scan_value(task, item, depth + 1, self.node_of(item))
        elif isinstance(value, Star):
            self.scan_value(task, value.value, depth + 1)

    def scan_untemplated(self, task: TaskState, argument: str, value: Any, fields: frozenset, depth: int) -> None:
        """Jinja pulls in a value Airflow never renders (strings inside lists and
        dict values too, as they would be rendered in a templated argument)."""
        if depth > 20 or self.pure:
            return
        if isinstance(value, StrVal):
            for call in find_template_calls(value.text):
                found = template_loc(value, call.offset, len(call.method))
                # written in a literal: the text of a formatted XComArg is XCL109's finding
                if call.method == "xcom_pull" and found is not None and type(found[1]) in _LITERALS:
                    self.template_nodes.add(id(found[1]))  # XCL110's, not a template of unknown use
                    if id(found[1]) not in self.foreign_strings:
                        self.template_pull_places.add((id(found[1]), found[0].raw_offset))
                    task.untemplated.append(PendingUntemplated(task, argument, found[0], found[1], fields))
        elif isinstance(value, ListVal):
            for item in value.items:
                self.scan_untemplated(task, argument, item, fields, depth + 1)
        elif isinstance(value, DictVal):
            for _, item in value.items:
                self.scan_untemplated(task, argument, item, fields, depth + 1)

    def scan_template(self, task: TaskState, value: StrVal) -> None:
        for pull in find_template_calls(value.text):
            found = template_loc(value, pull.offset, len(pull.method))
            if found is None:
                continue
            loc, string_node = found
            self.template_nodes.add(id(string_node))
            if pull.method == "xcom_push":
                key = without_holes(pull.keywords.get("key", pull.positional[0] if pull.positional else UNKNOWN))
                self.add_push(task, key if isinstance(key, str) and not pull.has_star_args else UNKNOWN, "template", loc)
                continue
            if type(string_node) in _LITERALS and id(string_node) not in self.foreign_strings:
                # a literal of the linted file (not the text of a formatted XComArg, which the source lacks)
                self.template_pull_places.add((id(string_node), loc.raw_offset))
            task.pending_pulls.append(template_pull(task, value, pull, loc, string_node))

    def loose_template_pulls(self, strings: List[cst.BaseExpression]) -> List[PendingPull]:
        """Jinja pulls in string literals no task of the file is known to
        render: a template kept in a constant, built for a task made elsewhere.
        They run in some task of some DAG; the rules that need neither check them."""
        from .builder import _Budget  # the builder's own module imports this one

        pending: List[PendingPull] = []
        saved, self.pure = self.pure, True
        try:
            for node in strings:
                if id(node) in self.template_nodes:
                    continue  # a template some task renders: its pulls are that task's
                try:
                    value = self.evaluate(node, Scope())  # a function's names are not known here
                except _Budget:
                    break  # a file that used up its steps: the pulls read so far
                if not isinstance(value, StrVal):
                    continue
                for pull in find_template_calls(value.text):
                    found = template_loc(value, pull.offset, len(pull.method))
                    if pull.method == "xcom_pull" and found is not None and id(found[1]) not in self.template_nodes:
                        pending.append(template_pull(None, value, pull, found[0], found[1]))
        finally:
            self.pure = saved
        return pending

    def endpoints(self, value: Any, downstream: bool) -> Optional[List[Any]]:
        """The tasks (or opaque values) a ``>>`` operand stands for; None when not known."""
        if isinstance(value, (TaskRef, XComArgRef)):
            return [value.task]
        if isinstance(value, CombinedXComArg):
            return [source.task for source in value.sources]
        if isinstance(value, GroupRef):
            return self.group_edge_tasks(value.group, roots=downstream)
        if isinstance(value, OpaqueVal):
            self.note_wired(value)
            return [value]
        if isinstance(value, LabelVal) and not downstream:
            return list(value.upstreams)
        if isinstance(value, ListVal):
            tasks: List[Any] = []
            for item in value.items:
                found = self.endpoints(item, downstream)
                if found is None:
                    return None
                tasks.extend(found)
            return tasks
        return None

    def group_edge_tasks(self, group: GroupState, roots: bool) -> List[TaskState]:
        """A group's roots (no upstream inside it) or leaves (no downstream inside)."""
        members = group.members
        member_ids = {id(t) for t in members}
        result = []
        for task in members:
            edges = task.dag.edges if task.dag is not None else {}
            if roots:
                linked = any((up, task) in edges for up in members if id(up) in member_ids)
            else:
                linked = any((task, down) in edges for down in members if id(down) in member_ids)
            if not linked:
                result.append(task)
        return result

    def depend(self, upstream: Any, downstream: Any) -> None:
        if isinstance(downstream, LabelVal):
            # ``a >> Label("x") >> b``: the label remembers a, then wires a >> b
            found = self.endpoints(upstream, downstream=False)
            if found is None:
                self.lose_edges()
            else:
                downstream.upstreams.extend(found)
            return
        ups = self.endpoints(upstream, downstream=False)
        downs = self.endpoints(downstream, downstream=True)
        if ups is None or downs is None:
            # a value the model cannot follow may stand for any task
            self.lose_edges(*[t.dag for t in (ups or []) + (downs or [])])
            return
        for up in ups:
            for down in downs:
                self.add_edge(up, down, ">>")

    def add_edge(self, up: Any, down: Any, via: str) -> None:
        """``up >> down``; either end may be an ``OpaqueVal``. A task not yet in a
        DAG joins its partner's, as Airflow's ``_set_relatives`` does."""
        if up.dag is None and down.dag is not None:
            self.adopt(up, down.dag) if isinstance(up, TaskState) else self.place_opaque(up, down.dag)
        elif down.dag is None and up.dag is not None:
            self.adopt(down, up.dag) if isinstance(down, TaskState) else self.place_opaque(down, up.dag)
        if up.dag is None or up.dag is not down.dag or up is down:
            return
        up.dag.edges.setdefault((up, down), via)

    def chain(self, items: List[Any], linear: bool) -> None:
        if any(isinstance(item, Star) for item in items):
            self.lose_edges()
            return
        for left, right in zip(items, items[1:]):
            if not linear and isinstance(left, ListVal) and isinstance(right, ListVal):
                if len(left.items) != len(right.items):
                    self.lose_edges()
                    continue
                for up, down in zip(left.items, right.items):
                    self.depend(up, down)
            else:
                self.depend(left, right)


def template_pull(task: Optional[TaskState], value: StrVal, pull: "TemplateCall", loc: Loc,
                  string_node: cst.CSTNode) -> PendingPull:
    """The pull a template call makes, run by ``task`` (None when not known)."""
    places = []
    for name, value_at, value_length, whole_at, whole_length in pull.arguments:
        value_loc, whole_loc = template_loc(value, value_at, value_length), template_loc(value, whole_at, whole_length)
        if value_loc is not None and whole_loc is not None:
            places.append((name, value_loc[0], whole_loc[0], value_at != whole_at))
    bound = pull_arguments(pull.positional, pull.keywords)
    written_ids = bound["task_ids"]
    parts = id_parts(written_ids) if isinstance(written_ids, str) and not pull.has_star_args else None
    bound = {name: without_holes(value) for name, value in bound.items()}
    dag = task.dag if task is not None else None
    if dag is not None and isinstance(dag.dag_id, str) and bound["dag_id"] == dag.dag_id:
        bound["dag_id"] = ABSENT  # naming its own DAG, as str(xcomarg) does
    return PendingPull(
        task,
        "template",
        loc,
        task_ids=bound["task_ids"],
        key=bound["key"],
        dag_id=bound["dag_id"],
        include_prior_dates=bound["include_prior_dates"],
        run_id=bound["run_id"],
        positional_count=len(pull.positional),
        has_star_args=pull.has_star_args,
        string_node=string_node,
        argument_locs=tuple(places),
        task_ids_parts=parts if bound["task_ids"] is UNKNOWN else None,
        uses=pull.uses,
    )


def template_loc(value: StrVal, offset: int, length: int) -> Optional[Tuple[Loc, cst.CSTNode]]:
    """Where ``value.text[offset:offset+length]`` stands in the source: a place
    inside the string literal that holds it, and that literal."""
    piece = next((p for p in value.pieces if p.start <= offset < p.start + p.length), None)
    if piece is None:
        return None
    relative = offset - piece.start
    raw = piece.raw[relative] if piece.raw is not None and relative < len(piece.raw) else None
    return Loc(piece.node, raw if raw is not None else 0, length), piece.node


def collect_graph_parts(values: List[Any], members: List[Any], groups: List[GroupState], whole: List[DagState],
                        depth: int = 0) -> None:
    """The graph objects inside call arguments: tasks and opaque values
    (``members``), TaskGroups (whose tasks are members too) and DAGs."""
    for value in values:
        if isinstance(value, (TaskRef, XComArgRef)):
            members.append(value.task)
        elif isinstance(value, CombinedXComArg):
            members.extend(source.task for source in value.sources)
        elif isinstance(value, OpaqueVal):
            members.append(value)
        elif isinstance(value, GroupRef):
            groups.append(value.group)
            members.extend(value.group.members)
        elif isinstance(value, DagRef):
            whole.append(value.dag)
        elif isinstance(value, InstanceVal) and depth < 4:
            # a wrapper of the project's: the DAGs and tasks it holds
            collect_graph_parts(list(value.attributes.values()), members, groups, whole, depth + 1)
        elif isinstance(value, Star):
            collect_graph_parts([value.value], members, groups, whole, depth + 1)
        elif depth < 20 and isinstance(value, ListVal):
            collect_graph_parts(value.items, members, groups, whole, depth + 1)
        elif depth < 20 and isinstance(value, DictVal):
            collect_graph_parts([v for _, v in value.items], members, groups, whole, depth + 1)


def touches_graph(args: List[Any], kwargs: Dict[str, Any]) -> bool:
    """A call handed a DAG, group or task may add tasks or edges to it."""
    graph_types = (DagRef, GroupRef, TaskRef, XComArgRef, CombinedXComArg, OpaqueVal)

    def touches(value: Any, depth: int = 0) -> bool:
        if isinstance(value, graph_types):
            return True
        if isinstance(value, ListVal):
            return depth < 20 and any(touches(v, depth + 1) for v in value.items)
        if isinstance(value, Star):
            return True
        if isinstance(value, InstanceVal):  # a wrapper holding DAGs or tasks
            return depth < 4 and any(touches(v, depth + 1) for v in value.attributes.values())
        return False

    return any(touches(v) for v in list(args) + list(kwargs.values()))

