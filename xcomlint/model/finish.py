"""Turn the builder's working state into the plain records of the model.

Call arguments inside callables are evaluated here, at the end, the way a
closure sees them: with the final values of the names it refers to. Source
positions are resolved here too, in one pass, for exactly the nodes recorded.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Dict, List, Optional, Set, Tuple, cast

import libcst as cst

from ..lines import line_starts
from .builder import Builder
from .callables import CallableSummary, PullSite, _is_static_form, _split_args
from .literals import id_parts
from .loops import data_loop_text
from .pending import Loc, PendingMisuse, PendingPull, PendingPush, PendingUntemplated, pull_arguments
from .positions import point_in_text, resolve_positions
from .project_values import ModuleContext
from .records import (
    ABSENT,
    ALL_POSITIONS,
    NO_POSITIONS,
    UNKNOWN,
    UNKNOWN_VALUE,
    UNRESOLVED,
    ArgValue,
    Dag,
    Edge,
    Pull,
    PullArgument,
    Push,
    Span,
    Task,
    UnknownIds,
    UntemplatedPull,
    XComArgMisuse,
)
from .syntax import STRING_NODES, child_list
from .value_analysis import ValueAnalyzer
from .value_uses import uses_of_call
from .values import ConstVal, EnumMemberVal, FunctionVal, ListVal, Scope, StrVal, TaskRef, TaskState

_ANCHOR = (1, 0)


def _arg_value(value: Any) -> ArgValue:
    if isinstance(value, EnumMemberVal):
        value = value.as_string
    if isinstance(value, StrVal):
        return value.text if value.known else UNKNOWN
    if isinstance(value, ConstVal):
        return value.value
    if isinstance(value, ListVal):
        return tuple(_arg_value(item) for item in value.items)
    if isinstance(value, TaskRef):
        return UNKNOWN
    return UNKNOWN


class Finisher:
    def __init__(self, builder: Builder, source: str = "") -> None:
        self.builder = builder
        self.source = source
        self._line_starts: Optional[List[int]] = None
        self.local_scopes: Dict[Tuple[int, int, int], Scope] = {}
        self.values = ValueAnalyzer(builder)
        self.blocks: Dict[int, int] = {}
        # positions in the project modules the builder followed, and their sources
        self.foreign_positions: Dict[int, Tuple[ModuleContext, Tuple[Tuple[int, int], Tuple[int, int]]]] = {}
        self.sources: Dict[str, str] = {context.path: context.source for context in builder.foreign_modules}
        # the task whose records are being finished: its code in another module is
        # located through the node of the linted file that brought it in
        self.entry_task: Optional[Any] = None  # a TaskState, or a DagState for its own place
        self.path = ""  # the linted file's path, as its findings show it
        self.entry_override: Optional[cst.CSTNode] = None

    # -------------------------------------------------------- argument values
    def local_scope(self, function: Optional[FunctionVal], summary: Optional[CallableSummary]) -> Scope:
        """The names a callable's body sees: its literal locals over its closure."""
        if function is None or summary is None:
            return self.builder.module_scope
        key = (id(function.node), id(function.scope), id(function.self_value))
        if key in self.local_scopes:
            return self.local_scopes[key]
        scope = self.local_scopes[key] = self.builder.callable_scope(function, summary)
        return scope

    def pure_eval(self, expr: cst.BaseExpression, scope: Scope) -> Any:
        return self.builder.pure_evaluate(expr, scope)

    def site_arguments(self, site: PullSite, scope: Scope) -> Dict[str, ArgValue]:
        positional = [_arg_value(self.pure_eval(e, scope)) for e in site.positional]
        keywords = {k: _arg_value(self.pure_eval(e, scope)) for k, e in site.keywords.items()}
        return pull_arguments(positional, keywords)

    # --------------------------------------------------------------- records
    def collect_nodes(self, extra: List[cst.CSTNode], positions: str = ALL_POSITIONS) -> None:
        """Resolve the positions of recorded nodes: all of them, only those a
        finding can point at (``REPORTABLE_POSITIONS``: pulls, pushes made by
        code, XComArg misuses), or none. The rest get ``UNRESOLVED``."""
        nodes: List[cst.CSTNode] = []
        if positions != NO_POSITIONS:
            nodes.extend(extra)
            every = positions == ALL_POSITIONS
            for dag in self.builder.dags:
                if every:
                    if dag.node is not None:  # a DAG without a place (see DagState.node)
                        nodes.append(dag.node)
                    if dag.entry is not None:
                        nodes.append(dag.entry)
                    nodes.extend(task.node for task in dag.tasks)
                for task in dag.tasks:
                    # the line that brings in code of another module (only then: a
                    # check run resolves no task's position otherwise)
                    entry = entry_node(task) if self.builder.foreign_modules else None
                    if entry is not None:
                        nodes.append(entry)
                    nodes.extend(p.entry for p in task.pending_pulls if p.entry is not None)
                    nodes.extend(p.entry for p in task.pending_pushes if p.entry is not None)
                    for pull in task.pending_pulls:
                        if pull.site is not None:
                            nodes.extend(node for _, arg in pull.site.argument_nodes() for node in (arg, arg.value))
                    nodes.extend(found.loc.node for found in task.untemplated)
                    nodes.extend(found.string_node for found in task.untemplated)
                    nodes.extend(pull.loc.node for pull in task.pending_pulls)
                    nodes.extend(pull.string_node for pull in task.pending_pulls if pull.string_node is not None)
                    nodes.extend(push.loc.node for push in task.pending_pushes if every or push.via != "operator")
                    nodes.extend(push.value for push in task.pending_pushes
                                 if push.value is not None and (every or push.via != "operator"))
                nodes.extend(misuse.loc.node for misuse in dag.misuses)
        self.positions = resolve_positions(self.builder.module, nodes)
        remaining = [node for node in nodes if id(node) not in self.positions]
        for context in self.builder.foreign_modules:
            if not remaining:
                break
            found = resolve_positions(context.tree, remaining)
            for key, position in found.items():
                self.foreign_positions[key] = (context, position)
            remaining = [node for node in remaining if id(node) not in found]

    def span(self, loc: Loc) -> Span:
        found = self.positions.get(id(loc.node))
        if found is not None:
            return _span(found, loc)
        foreign = self.foreign_positions.get(id(loc.node))
        if foreign is None:
            return UNRESOLVED
        context, position = foreign
        entry = self.entry_override or (entry_node(self.entry_task) if self.entry_task is not None else None)
        # the entry is a node of the linted file, whose position was resolved with it
        # (else the record has no place there: it is reported only in its module)
        at = self.positions.get(id(entry)) if entry is not None else None
        return replace(_span(position, loc), path=context.path,
                       entry=replace(_span(at, Loc(entry)), path=self.path) if at is not None and entry is not None else None)

    def finishing(self, task: Optional[Any], entry: Optional[cst.CSTNode] = None) -> None:
        """The records that follow are ``task``'s (see ``entry_task``); ``entry``:
        the call of the linted file's code that leads into their module, when
        the record knows it (a helper called by the task's callable)."""
        self.entry_task = task
        self.entry_override = entry

    def text_at(self, span: Span) -> str:
        """The source text of a resolved span on one line ("" otherwise): what a
        fix would replace. Lines are counted as positions count them."""
        source = self.sources.get(span.path, "") if span.path is not None else self.source
        if not span.resolved or span.line != span.end_line or not source:
            return ""
        if span.path is not None:
            starts = line_starts(source)
        else:
            if self._line_starts is None:
                self._line_starts = line_starts(self.source)
            starts = self._line_starts
        if span.line > len(starts):
            return ""
        start = starts[span.line - 1]
        return source[start + span.column - 1:start + span.end_column - 1]

    def end_line(self, node: Optional[cst.CSTNode]) -> Optional[int]:
        if node is None:
            return None
        if id(node) in self.positions:
            return self.positions[id(node)][1][0]
        if id(node) in self.foreign_positions:
            return self.foreign_positions[id(node)][1][1][0]
        return None

    def arguments(self, pending: PendingPull) -> Tuple[PullArgument, ...]:
        """Where the pull's arguments stand: in Python code, or inside a template."""
        if pending.site is not None:
            return self.site_argument_spans(pending.site)
        return tuple(
            self.argument(name, self.span(value), self.span(whole), keyword)
            for name, value, whole, keyword in pending.argument_locs
        )

    def site_argument_spans(self, site: PullSite) -> Tuple[PullArgument, ...]:
        return tuple(
            self.argument(name, self.span(Loc(arg.value)), self.span(Loc(arg)), arg.keyword is not None)
            for name, arg in site.argument_nodes()
        )

    def argument(self, name: str, value: Span, whole: Span, keyword: bool) -> PullArgument:
        return PullArgument(name, value, whole, keyword, self.text_at(value))

    def pull(self, pending: PendingPull) -> Pull:
        self.finishing(pending.consumer, pending.entry)
        parts = None
        if pending.site is not None:
            scope = self.local_scope(pending.function, pending.summary)
            bound = self.site_arguments(pending.site, scope)
            positional_count = len(pending.site.positional)
            star = pending.site.has_star_args
            if bound["task_ids"] is UNKNOWN and not star:
                parts = self.id_parts(pending.site, scope)
        else:
            bound = {
                "task_ids": pending.task_ids,
                "key": pending.key,
                "dag_id": pending.dag_id,
                "include_prior_dates": pending.include_prior_dates,
                "run_id": pending.run_id,
            }
            positional_count = pending.positional_count
            star = pending.has_star_args
            parts = pending.task_ids_parts
        if star:
            bound = {name: (UNKNOWN if value is ABSENT else value) for name, value in bound.items()}
        value_uses = pending.value_uses
        if pending.site is not None and pending.function is not None:
            summary = pending.summary
            reassigned = tuple(summary.local_names - set(summary.single_assignments)) if summary is not None else ()
            value_uses = uses_of_call(pending.site.call, pending.function.node, reassigned)
        return Pull(
            consumer=pending.consumer.task_id if pending.consumer is not None else UNKNOWN,
            task_ids=bound["task_ids"],
            key=bound["key"],
            via=pending.via,
            span=self.span(pending.loc),
            dag_id=bound["dag_id"],
            include_prior_dates=bound["include_prior_dates"],
            run_id=bound["run_id"],
            positional_count=positional_count,
            has_star_args=star,
            end_line_of_string=self.end_line(pending.string_node),
            arguments=self.arguments(pending),
            discarded=pending.discarded,
            task_ids_parts=parts,
            uses=pending.site.uses if pending.site is not None else pending.uses,
            value_uses=value_uses,
        )

    def id_parts(self, site: PullSite, scope: Scope) -> Optional[Tuple[str, ...]]:
        """The known parts of a ``task_ids`` string that has unknown ones, when they
        say enough (three characters or more) to rule ids out."""
        written = pull_arguments(site.positional, site.keywords)["task_ids"]
        if not isinstance(written, cst.BaseExpression):
            return None  # not written
        value = self.pure_eval(written, scope)
        if not isinstance(value, StrVal) or value.known:
            return None
        return id_parts(value.text)

    def push(self, pending: PendingPush) -> Push:
        self.finishing(pending.task, pending.entry)
        key = pending.key
        if isinstance(key, cst.BaseExpression):  # written in code (``PushSite.key``)
            key = _arg_value(self.pure_eval(key, self.local_scope(pending.function, pending.summary)))
        if not isinstance(key, str):
            key = UNKNOWN
        value = pending.value_info
        if value is None:
            value = self.values.analyze(pending.value, pending.function, pending.summary) if pending.value is not None else UNKNOWN_VALUE
        block = None
        if pending.block is not None:
            block = self.blocks.setdefault(pending.block, len(self.blocks) + 1)
        value_span = self.span(Loc(pending.value)) if pending.value is not None else UNRESOLVED
        loop_over, per_item = self.data_loop(pending)
        return Push(pending.task.task_id, key, pending.via, self.span(pending.loc), value, block, pending.in_loop,
                    value_span, loop_over, per_item)

    def data_loop(self, pending: PendingPush) -> Tuple[Optional[str], bool]:
        """What the loops repeating a push run over when one of them is not a
        short literal collection (the innermost such loop whose rebound names the
        key reads, else the innermost such loop), and whether the key reads them."""
        if not pending.loops:
            return None, False
        scope = self.local_scope(pending.function, pending.summary)
        literal_names = pending.summary.literal_collections if pending.summary is not None else set()
        changed_names = pending.summary.mutated_names if pending.summary is not None else set()
        found: Optional[str] = None
        for loop, key_reads in reversed(pending.loops):
            over = data_loop_text(loop, lambda expression: self.pure_eval(expression, scope), literal_names,
                                  changed_names)
            if over is None:
                continue
            if key_reads:
                return over, True
            found = found or over
        return found, False

    def untemplated(self, pending: PendingUntemplated) -> UntemplatedPull:
        task = pending.consumer
        self.finishing(task)
        return UntemplatedPull(
            consumer=task.task_id,
            argument=pending.argument,
            operator=task.operator,
            template_fields=tuple(sorted(pending.template_fields)),
            span=self.span(pending.loc),
            end_line_of_string=self.end_line(pending.string_node),
        )

    def misuse(self, pending: PendingMisuse) -> XComArgMisuse:
        self.finishing(pending.consumer or pending.producer)
        return XComArgMisuse(
            producer=pending.producer.task_id,
            key=pending.key if isinstance(pending.key, str) else UNKNOWN,
            how=pending.how,
            span=self.span(pending.loc),
            consumer=pending.consumer.task_id if pending.consumer is not None else None,
            argument=pending.argument,
            operator=pending.operator,
        )

    def dags(self) -> Tuple[Dag, ...]:
        result = []
        for state in self.builder.dags:
            pending_pushes = [p for task in state.tasks for p in task.pending_pushes]
            records = [self.push(p) for p in pending_pushes]
            unknown_push_tasks = {id(p.task) for p, rec in zip(pending_pushes, records) if rec.key is UNKNOWN}
            # one push written once is one push, however many tasks of its id the
            # model made (a task in two branches, one callable attached twice)
            seen: Dict[Tuple[Any, ...], Push] = {}
            for pending, record in zip(pending_pushes, records):
                place = (record.task_id, record.key, id(pending.loc.node), pending.loc.raw_offset, id(pending.entry))
                seen.setdefault(place, record)
            pushes = tuple(seen.values())
            pushed_tasks = {id(p.task) for p in pending_pushes}
            tasks = []
            for task in state.tasks:
                self.finishing(task)
                known = task.pushes_known and id(task) not in unknown_push_tasks
                tasks.append(
                    Task(
                        task_id=task.task_id,
                        operator=task.operator,
                        span=self.span(Loc(task.node)),
                        group_id=task.groups[0].full_id if task.groups and isinstance(task.groups[0].full_id, str) else None,
                        pushes_known=known,
                        pushes_nothing=known and id(task) not in pushed_tasks,
                        callable_name=task.callable_name,
                        mapped=task.mapped,
                        # set when return_value is known not to be pushed, whatever other keys are
                        silent_reason=task.silent_reason,
                        multiple_outputs=task.multiple_outputs,
                    )
                )
            edges = []
            hidden: List[Tuple[str, str]] = []
            names: Dict[int, str] = {}  # hidden nodes: opaque values, tasks of unknown id
            for (up, down), via in state.edges.items():
                up_id, down_id = _node_id(up, names), _node_id(down, names)
                if up_id[0] != "?" and down_id[0] != "?":
                    edges.append(Edge(up_id, down_id, via))
                else:
                    hidden.append((up_id, down_id))
            self.finishing(state)
            result.append(
                Dag(
                    dag_id=state.dag_id,
                    span=self.span(Loc(state.node)) if state.node is not None else UNRESOLVED,
                    tasks=tuple(tasks),
                    edges=tuple(edges),
                    pushes=pushes,
                    pulls=tuple(self.pull(p) for task in state.tasks for p in task.pending_pulls),
                    group_ids=tuple(g for g in state.group_ids if isinstance(g, str)),
                    tasks_complete=state.tasks_complete,
                    edges_complete=state.edges_complete,
                    xcomarg_misuses=tuple(self.misuse(m) for m in state.misuses),
                    has_template_files=state.has_template_files,
                    opaque_strings=tuple(sorted(state.opaque_strings.union(*(t.opaque_strings for t in state.tasks)))),
                    kind=state.kind,
                    made_by=state.made_by,
                    untemplated_pulls=tuple(self.untemplated(found) for task in state.tasks for found in task.untemplated),
                    unknown_ids=tuple(
                        UnknownIds(pattern, group.full_id if group is not None and isinstance(group.full_id, str) else None,
                                   origin)
                        for pattern, group, origin in state.unknown_ids
                    ),
                    closed_groups=tuple(
                        g.full_id for g in state.groups if g.closed and g.prefix and isinstance(g.full_id, str)
                    ),
                    hidden_edges=tuple(hidden),
                )
            )
        return tuple(result)


def _span(position: Tuple[Tuple[int, int], Tuple[int, int]], loc: Loc) -> Span:
    start, end = position
    if loc.raw_offset is None:
        return Span(start[0], start[1] + 1, end[0], end[1] + 1)
    text = getattr(loc.node, "value", "")
    line, column = point_in_text(start, text, loc.raw_offset)
    return Span(line, column + 1, line, column + 1 + loc.length)


def entry_node(task: Optional[Any]) -> Optional[cst.CSTNode]:
    """The node of the linted file that runs a task's code kept in another module:
    the call of the factory that made the task, else its ``python_callable``
    argument, else the call that made it. For a DAG (``DagState``), the call of
    the code that made it."""
    if task is None:
        return None
    if task.entry is not None or not isinstance(task, TaskState):
        return task.entry
    node = task.node
    if type(node) is cst.Call:
        for arg in cast(cst.Call, node).args:
            if arg.keyword is not None and arg.keyword.value == "python_callable":
                return arg
    return node


def _node_id(end: Any, names: Dict[int, str]) -> str:
    """A task's id, or a name starting with ``?`` for a hidden node."""
    task_id = getattr(end, "task_id", None)
    if isinstance(task_id, str):
        return task_id
    return names.setdefault(id(end), f"?{len(names) + 1}")


def loose_pull_sites(module: cst.Module, attached: Set[int]) -> Tuple[List[Tuple[PullSite, Optional[cst.FunctionDef]]],
                                                                  List[cst.BaseExpression]]:
    """Every ``.xcom_pull(...)`` call no task is known to run, with its function;
    and every string literal that may hold a Jinja pull (not a docstring)."""
    sites: List[Tuple[PullSite, Optional[cst.FunctionDef]]] = []
    strings: List[cst.BaseExpression] = []
    stack: List[Tuple[cst.CSTNode, Optional[cst.FunctionDef]]] = [(module, None)]
    while stack:
        node, function = stack.pop()
        kind = type(node)  # not isinstance, and casts after it: see Builder.evaluate
        if kind is cst.FunctionDef:
            function = cast(cst.FunctionDef, node)
        elif kind is cst.Call:
            call = cast(cst.Call, node)
            func = call.func
            if type(func) is cst.Attribute and func.attr.value == "xcom_pull" and id(call) not in attached:
                static = _is_static_form(func.value)
                positional, keywords, star = _split_args(call, static)
                sites.append((PullSite(call, positional, keywords, star, static), function))
        elif kind in STRING_NODES:
            string = cast(cst.BaseExpression, node)
            if _may_hold_pull(string):
                strings.append(string)
            if kind is not cst.FormattedString:
                continue  # a whole literal: its parts are not read again (an f-string's holes are code)
        elif kind is cst.Expr and type(cast(cst.Expr, node).value) in STRING_NODES:
            continue  # a docstring, or a string standing alone: never rendered
        # a name holds nothing this reads (a third of all nodes): not pushed
        stack.extend((child, function) for child in reversed(child_list(node)) if type(child) is not cst.Name)
    return sites, strings




def _may_hold_pull(node: cst.BaseExpression) -> bool:
    """For a string literal (one of ``STRING_NODES``): whether its text may hold a pull."""
    kind = type(node)
    if kind is cst.SimpleString:
        text = cast(cst.SimpleString, node).value
        return "xcom_pu" in text and "{" in text
    if kind is cst.ConcatenatedString:
        concatenated = cast(cst.ConcatenatedString, node)
        return _may_hold_pull(concatenated.left) or _may_hold_pull(concatenated.right)
    parts = cast(cst.FormattedString, node).parts
    return any(type(part) is cst.FormattedStringText and "xcom_pu" in part.value for part in parts)
