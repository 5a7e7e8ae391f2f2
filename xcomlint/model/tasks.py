"""How the builder creates tasks and works out what each one pushes.

A mixin of ``Builder``: classic operators, TaskFlow calls and custom operator
classes become ``TaskState`` records with Airflow's own task ids, and their
callables' pushes and pulls are attached to them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

import libcst as cst

from .. import knowledge as kb
from .callables import CallableSummary, summarize_callable
from .imports import dotted_name
from .instances import find_method
from .literals import SUFFIX, child_task_id, formatted_id, id_regex, id_text
from .pending import Loc, PendingPull, PendingPush
from .records import ABSENT, CONTEXT_DAG, HIDDEN_CODE, RETURN_KEY, UNKNOWN
from .syntax import walk
from .value_uses import summarize_params, uses_of_parameter
from .values import (
    ClassVal,
    ConstVal,
    DagRef,
    DagState,
    DictVal,
    FunctionVal,
    GroupRef,
    GroupState,
    ImportedVal,
    LambdaVal,
    ListVal,
    OpaqueVal,
    Scope,
    StrVal,
    TaskFlowVal,
    TaskRef,
    TaskState,
    XComArgRef,
)

IDENTIFIER = re.compile(r"^[\w.\-]{1,100}$")
# arguments of a TaskFlow decorator that the decorator itself takes
PYTHON_OPERATOR = "airflow.providers.standard.operators.python.PythonOperator"
TASKFLOW_OPTIONS = frozenset({"task_id", "multiple_outputs", "do_xcom_push", "dag", "task_group", "python_callable"})


class TaskBuilding:
    """Task creation; mixed into ``Builder``, whose state and evaluation it uses."""

    # what this mixin uses of ``Builder`` (and of ``Wiring``), declared for the
    # type checker: the annotations make no class attributes, and the methods
    # exist only under TYPE_CHECKING, so that they shadow nothing at runtime
    dags: List[DagState]
    created_tasks: List[TaskState]
    summaries: Dict[int, CallableSummary]
    attached_pull_calls: Set[int]
    pure: bool
    entry_stack: List[cst.CSTNode]

    if TYPE_CHECKING:
        @property
        def current_dag(self) -> Optional[DagState]: ...

        @property
        def current_group(self) -> Optional[GroupState]: ...

        def may_add_tasks(self, dag: Optional[DagState], pattern: str, group: Optional[GroupState],
                          origin: str = ...) -> None: ...

        def evaluate(self, node: Optional[cst.BaseExpression], scope: Scope, statement: bool = False) -> Any: ...

        def scan_arguments(self, task: TaskState, kwargs: Dict[str, Any], fields: Optional[frozenset],
                           resolved: FrozenSet[str] = ...) -> None: ...

        def scan_value(self, task: TaskState, value: Any, depth: int, where: Optional[cst.CSTNode] = None) -> None: ...

        def node_of(self, value: Any) -> Optional[cst.CSTNode]: ...

        def scan_template(self, task: TaskState, value: StrVal) -> None: ...

        def callee_function(self, function: FunctionVal, name: str) -> Optional[FunctionVal]: ...

        def is_foreign(self, scope: Scope) -> bool: ...

        def operator_object(self, cls: ClassVal, node: cst.CSTNode, args: List[Any], kwargs: Dict[str, Any]) -> Any: ...

    # -------------------------------------------------------------------- tasks
    def place(self, kwargs: Dict[str, Any]) -> Tuple[Optional[DagState], Optional[GroupState]]:
        group_value = kwargs.get("task_group")
        group = group_value.group if isinstance(group_value, GroupRef) else self.current_group
        dag_value = kwargs.get("dag")
        if isinstance(dag_value, DagRef):
            return dag_value.dag, group
        if isinstance(dag_value, OpaqueVal):
            # a DAG object made by code the model cannot see (a house-made DAG class)
            if dag_value.as_dag is None:
                dag_value.as_dag = self.pseudo_dag(CONTEXT_DAG, dag_value.node, "call")
            return dag_value.as_dag, group
        return self.current_dag, group

    def pseudo_dag(self, kind: str, node: Optional[cst.CSTNode], made_by: Optional[str] = None) -> DagState:
        """A DAG the model cannot name, which may hold tasks it cannot see
        (``made_by``: see ``records.Dag.made_by``)."""
        dag = DagState(UNKNOWN, node, kind=kind, made_by=made_by)
        self.may_add_tasks(dag, ".*", None, HIDDEN_CODE)
        self.dags.append(dag)
        return dag

    def register(self, task: TaskState, group: Optional[GroupState]) -> None:
        self.created_tasks.append(task)
        if self.entry_stack:
            task.entry = self.entry_stack[0]
        groups = []
        while group is not None:
            groups.append(group)
            group.members.append(task)
            group = group.parent
        task.groups = tuple(groups)
        if task.dag is not None:
            self.adopt(task, task.dag)

    def either_task(self, first: Any, second: Any) -> Any:
        """``A(task_id="copy") if dry_run else B(task_id="copy")``: one task of
        that id exists at runtime, whichever branch made it. The model evaluated
        both branches; the second task is folded into the first, which then
        pulls, pushes and is wired as either may (its pushes are known only when
        both are). None when the branches are not two new tasks of one known id."""
        if not (isinstance(first, TaskRef) and isinstance(second, TaskRef)):
            return None
        kept, folded = first.task, second.task
        if (kept is folded or not isinstance(kept.task_id, str) or kept.task_id != folded.task_id
                or kept.dag is not folded.dag or kept.groups != folded.groups):
            return None
        for pull in folded.pending_pulls:
            pull.consumer = kept
        for push in folded.pending_pushes:
            push.task = kept
        kept.pending_pulls.extend(folded.pending_pulls)
        kept.pending_pushes.extend(folded.pending_pushes)
        kept.untemplated.extend(folded.untemplated)
        kept.opaque_strings += folded.opaque_strings
        kept.pushes_known = kept.pushes_known and folded.pushes_known
        kept.pushes_nothing = kept.pushes_nothing and folded.pushes_nothing
        kept.multiple_outputs = kept.multiple_outputs or folded.multiple_outputs
        kept.mapped = kept.mapped or folded.mapped
        if kept.silent_reason != folded.silent_reason:
            kept.silent_reason = None
        if kept.callable_name != folded.callable_name:
            kept.callable_name = None
        if kept.operator != folded.operator:
            kept.operator = f"{kept.operator} or {folded.operator}"
        for group in folded.groups:
            group.members[:] = [t for t in group.members if t is not folded]
        self.created_tasks[:] = [t for t in self.created_tasks if t is not folded]
        dag = folded.dag
        if dag is not None:
            dag.tasks[:] = [t for t in dag.tasks if t is not folded]
            edges: Dict[Tuple[Any, Any], str] = {}
            for (up, down), via in dag.edges.items():
                up, down = (kept if up is folded else up), (kept if down is folded else down)
                if up is not down:
                    edges.setdefault((up, down), via)
            dag.edges = edges
        return first

    def adopt(self, task: TaskState, dag: DagState) -> None:
        """Attach a task to a DAG. Airflow also does this when a task created
        without ``dag=`` is wired to one that has a DAG (``_set_relatives``)."""
        task.dag = dag
        dag.tasks.append(task)
        if isinstance(task.task_id, str):
            dag.known_ids.add(task.task_id)
        else:
            self.may_add_tasks(dag, task.id_pattern, task.groups[0] if task.groups else None)

    def create_classic_task(
        self,
        operator: str,
        node: cst.Call,
        args: List[Any],
        kwargs: Dict[str, Any],
        qualified: Optional[str] = None,
        local_class: Optional[ClassVal] = None,
        mapped: bool = False,
        resolved: FrozenSet[str] = frozenset(),
        expand_input: Any = None,
    ) -> Any:
        """A task of an operator class; ``resolved`` names arguments Airflow resolves
        however the operator templates them (those ``.expand()`` maps), ``expand_input``
        is what ``.expand_kwargs()`` maps over."""
        dag, group = self.place(kwargs)  # no DAG yet: it may be adopted through an edge
        label_value = kwargs.get("task_id", UNKNOWN)
        task_id = child_task_id(group, label_value)
        if "task_group" in kwargs and not isinstance(kwargs["task_group"], (GroupRef, ConstVal)):
            task_id = UNKNOWN  # in a TaskGroup the model cannot see: its id has a prefix
        task = TaskState(task_id, operator, node, dag, mapped=mapped)
        if not isinstance(task_id, str):
            pattern = id_regex(label_value)
            if "task_group" in kwargs and not isinstance(kwargs["task_group"], (GroupRef, ConstVal)):
                pattern = f"(.+\\.)?{pattern}"
            task.id_pattern = group.id_pattern(pattern) if group is not None else pattern
        self.register(task, group)
        info = kb.operator_info(qualified)
        callable_value = kwargs.get("python_callable")
        if isinstance(callable_value, LambdaVal):
            callable_value = callable_value.function
        do_push = kwargs.get("do_xcom_push", dag.default_arg("do_xcom_push") if dag is not None else ABSENT)
        if do_push is ABSENT and "**" in kwargs:
            do_push = UNKNOWN  # it may be among the unpacked arguments
        explicit_no_push = isinstance(do_push, ConstVal) and do_push.value is False
        explicit_push = isinstance(do_push, ConstVal) and do_push.value is True
        if local_class is not None:
            info = imported_execute(local_class)
        if local_class is not None and info is None:
            self.attach_class(task, local_class, explicit_no_push, self.operator_object(local_class, node, args, kwargs))
        elif info is None or info.pushes == kb.PUSHES_UNKNOWN:
            task.pushes_known = False
            task.opaque_strings = tuple(identifier_strings(kwargs.values()))
            if explicit_no_push:
                # BaseOperator's contract: whatever execute returns is not pushed
                task.silent_reason = "do_xcom_push=False"
        elif info.pushes == kb.PUSHES_CALLABLE:
            if isinstance(callable_value, FunctionVal):
                multiple = kwargs.get("multiple_outputs", ConstVal(False))
                # an unknown do_xcom_push may only leave the return value out: the
                # keys the task may push are still all known
                self.attach_callable(task, callable_value, returns_pushed=not explicit_no_push,
                                     multiple_outputs=multiple.value if isinstance(multiple, ConstVal) else None)
                for key in info.extra_keys:
                    self.add_push(task, key, "operator", Loc(node))
            elif explicit_no_push:
                task.silent_reason = "do_xcom_push=False"
        else:
            returns = info.pushes == kb.PUSHES_RETURN or (info.pushes == kb.PUSHES_OPT_IN and explicit_push)
            push_known = do_push is ABSENT or explicit_push or explicit_no_push
            # an unknown do_xcom_push may leave keys out, never add one, except for an
            # operator that returns a value only when opted in
            task.pushes_known = info.keys_known and (push_known or info.pushes != kb.PUSHES_OPT_IN)
            if returns and not explicit_no_push:
                self.add_push(task, RETURN_KEY, "operator", Loc(node))
            elif explicit_no_push:
                task.silent_reason = "do_xcom_push=False"
            elif info.pushes == kb.PUSHES_NOTHING:
                task.silent_reason = "sensor" if info.sensor else "operator"
            elif push_known:  # opt-in, and not opted in
                task.silent_reason = "opt-in"
            for key in info.extra_keys:
                self.add_push(task, key, "operator", Loc(node))
        if info is not None and not info.keys_known:
            task.pushes_known = False  # the operator may push keys its source does not show
        if info is not None and info.pulls:
            # it pulls keys named in its arguments (google_api_endpoint_params_via_xcom="ids")
            task.opaque_strings = tuple(identifier_strings(kwargs.values()))
        multiple = kwargs.get("multiple_outputs", ABSENT)
        if info is not None and info.pushes != kb.PUSHES_CALLABLE and not (
            multiple is ABSENT or (isinstance(multiple, ConstVal) and multiple.value is False)
        ):
            task.pushes_known = False  # BaseOperator(multiple_outputs=True), Airflow 2.9+
        if isinstance(callable_value, FunctionVal) and task.callable_name is None:
            task.callable_name = callable_value.name
            if info is None or info.pushes != kb.PUSHES_CALLABLE:
                self.attach_pulls(task, callable_value)
        fields = self.templated_fields(task, info, local_class)
        self.scan_arguments(task, kwargs, fields, resolved)
        if expand_input is not None:
            self.scan_value(task, expand_input, 0, self.node_of(expand_input))
        return TaskRef(task)

    def templated_fields(self, task: TaskState, info: Optional[kb.OperatorInfo] = None, local_class: Optional[ClassVal] = None) -> Optional[frozenset]:
        """The argument names Airflow renders and resolves; None means "any"."""
        if local_class is not None:
            fields = local_class.template_fields
            return fields | arguments_kept_in(local_class, fields) if fields is not None else None
        return info.template_fields if info is not None else None

    def create_taskflow_task(self, taskflow: TaskFlowVal, node: cst.CSTNode, args: List[Any], kwargs: Dict[str, Any],
                             mapped: bool = False, expand_input: Any = None) -> Any:
        options = taskflow.options
        dag, group = self.place(options)
        if dag is None:
            return UNKNOWN
        core_value = options.get("task_id", StrVal(taskflow.function.name))
        core = formatted_id(core_value) if group is not None and group.prefix else id_text(core_value)
        if isinstance(core, str):
            core = unique_task_id(dag, group, core)
        task_id = group.child_id(core) if group is not None else core
        operator = "@task" if taskflow.flavour == "python" else f"@task.{taskflow.flavour}"
        task = TaskState(task_id, operator, node, dag, callable_name=taskflow.function.name, mapped=mapped)
        if not isinstance(task_id, str):
            pattern = id_regex(core_value) + r"(__\d+)?"
            task.id_pattern = group.id_pattern(pattern) if group is not None else pattern
        self.register(task, group)
        do_push = options.get("do_xcom_push", dag.default_arg("do_xcom_push"))
        explicit_no_push = isinstance(do_push, ConstVal) and do_push.value is False
        if taskflow.flavour in kb.CALLABLE_FLAVOURS:
            multiple = options.get("multiple_outputs", ABSENT)
            multiple_value = multiple.value if isinstance(multiple, ConstVal) else (None if multiple is not ABSENT else ABSENT)
            self.attach_callable(task, taskflow.function, returns_pushed=not explicit_no_push, multiple_outputs=multiple_value)
            if taskflow.flavour in kb.BRANCH_FLAVOURS:
                self.add_push(task, "skipmixin_key", "operator", Loc(node))
        else:
            self.attach_pulls(task, taskflow.function)
            if taskflow.flavour in kb.RENDERED_RETURN_FLAVOURS:
                self.scan_returned_templates(task, taskflow.function)
            if taskflow.flavour in kb.RETURN_FLAVOURS and not explicit_no_push:
                # with multiple_outputs, each key of what the command prints (once an
                # output_processor made it a dict) is pushed too: keys not known
                multiple = options.get("multiple_outputs", ABSENT)
                single = multiple is ABSENT or (isinstance(multiple, ConstVal) and multiple.value is False)
                task.pushes_known = do_push is ABSENT and single
                self.add_push(task, RETURN_KEY, "operator", Loc(node))
        every = dict(kwargs)
        function_node = taskflow.function.node
        names = [p.name.value for p in list(function_node.params.posonly_params) + list(function_node.params.params)]
        for index, value in enumerate(args):
            every[names[index] if index < len(names) else f"#{index}"] = value
        for name, value in every.items():  # the function's arguments: always resolved
            before = len(task.pending_pulls)
            self.scan_arguments(task, {name: value}, None)
            if name.startswith("_"):
                # ``def load(_ready)``: a value passed only to order the tasks, never read
                for pull in task.pending_pulls[before:]:
                    pull.discarded = True
            elif isinstance(value, XComArgRef) and name in summarize_params(function_node):
                # the parameter is the pulled value: what the function does with it
                for pull in task.pending_pulls[before:]:
                    pull.value_uses = uses_of_parameter(name, function_node)
        if expand_input is not None:  # .expand_kwargs(value): each mapped task reads its arguments there
            self.scan_value(task, expand_input, 0, self.node_of(expand_input))
        # the decorator's own arguments go to the operator it makes (@task.docker's
        # image=, @task.kubernetes's env_vars=...): rendered when they are its template
        # fields, which xcomlint reads for the plain Python flavours only
        settings = {k: v for k, v in options.items() if k not in TASKFLOW_OPTIONS}
        python = kb.operator_info(PYTHON_OPERATOR) if taskflow.flavour in ("python", "branch", "short_circuit") else None
        self.scan_arguments(task, settings, python.template_fields if python is not None else None)
        return XComArgRef(task, RETURN_KEY, node)

    def scan_returned_templates(self, task: TaskState, function: FunctionVal) -> None:
        """What a ``@task.bash`` function returns is the task's command, which Airflow
        renders as a template before running it (2.9+ and Airflow 3)."""
        summary = self.summary(function)
        scope = self.callable_scope(function, summary)
        for ret in summary.returns:
            value = self.pure_evaluate(ret.value, scope)
            if isinstance(value, StrVal):
                self.scan_template(task, value)

    def callable_scope(self, function: FunctionVal, summary: CallableSummary) -> Scope:
        """The names a callable's body sees, as far as they are known without running
        it: its parameters and other locals are unknown (they shadow the module's
        names), a local assigned once holds what it was assigned."""
        scope = Scope(function.scope)
        for name in summary.params | summary.local_names:
            scope.bind(name, UNKNOWN)
        if function.self_value is not None and isinstance(function.node, cst.FunctionDef):
            params = list(function.node.params.posonly_params) + list(function.node.params.params)
            if params:  # ``self``: the object the method runs on
                scope.bind(params[0].name.value, function.self_value)
        for name, expr in summary.single_assignments.items():
            scope.bind(name, self.pure_evaluate(expr, scope))
        return scope

    def pure_evaluate(self, expr: Optional[cst.BaseExpression], scope: Scope) -> Any:
        """``expr``'s value, evaluated without effects (no task, no edge is made)."""
        saved, self.pure = self.pure, True
        try:
            return self.evaluate(expr, scope)
        except Exception:  # evaluation of odd code must never break the model
            return UNKNOWN
        finally:
            self.pure = saved

    def add_push(self, task: TaskState, key: Any, via: str, loc: Loc, function: Optional[FunctionVal] = None,
                 summary: Optional[CallableSummary] = None, **extra: Any) -> None:
        task.pending_pushes.append(PendingPush(task, key, via, loc, function, summary, **extra))

    def summary(self, function: FunctionVal) -> CallableSummary:
        key = id(function.node)
        if key not in self.summaries:
            self.summaries[key] = summarize_callable(function.node)
        return self.summaries[key]

    def reachable_functions(self, function: FunctionVal) -> Tuple[List[FunctionVal], bool, Dict[int, cst.CSTNode]]:
        """The callable and the helpers it calls (of the file or of the project);
        whether the task instance or context escapes into code the builder cannot
        see; and, for each helper of another module reached from the file's own
        code, the call of the file's code that leads into it (by its node's id)."""
        seen: List[FunctionVal] = []
        escapes = False
        entries: Dict[int, cst.CSTNode] = {}
        todo = [function]
        while todo:
            current = todo.pop()
            if any(f.node is current.node for f in seen):
                continue
            seen.append(current)
            summary = self.summary(current)
            home = not self.is_foreign(current.scope)
            for name in summary.called_names | {c for c in summary.context_callees if c}:
                target = self.callee_function(current, name)
                if target is None:
                    continue
                todo.append(target)
                if id(target.node) not in entries:
                    if home and self.is_foreign(target.scope) and name in summary.call_sites:
                        entries[id(target.node)] = summary.call_sites[name]
                    elif id(current.node) in entries:
                        entries[id(target.node)] = entries[id(current.node)]
            for callee in summary.context_callees:
                if callee is None or self.callee_function(current, callee) is None:
                    escapes = True
        return seen, escapes, entries

    def attach_pulls(self, task: TaskState, function: FunctionVal) -> None:
        functions, _, entries = self.reachable_functions(function)
        for current in functions:
            summary = self.summary(current)
            for site in summary.pulls:
                if not self.is_foreign(current.scope):  # those the linted file's text spells
                    self.attached_pull_calls.add(id(site.call))
                task.pending_pulls.append(
                    PendingPull(task, "xcom_pull", Loc(site.call), site=site, function=current, summary=summary,
                                entry=entries.get(id(current.node)))
                )

    def attach_callable(self, task: TaskState, function: FunctionVal, returns_pushed: bool, multiple_outputs: Any) -> None:
        """The pushes and pulls of a python callable / TaskFlow body run by ``task``."""
        task.callable_name = function.name
        self.attach_pulls(task, function)
        functions, escapes, entries = self.reachable_functions(function)
        known = not escapes
        main = self.summary(function)
        if multiple_outputs is ABSENT:
            multiple_outputs = self.infers_multiple_outputs(function)
        task.multiple_outputs = bool(multiple_outputs)
        # a generator function's yields go to outlet events (Airflow 2.10+);
        # only its ``return`` value is pushed, like any other callable's
        if not returns_pushed:
            task.silent_reason = "do_xcom_push=False"
        elif main.returns:
            if multiple_outputs is None:
                known = False  # multiple_outputs decided at runtime
            elif multiple_outputs:
                for ret in main.returns:
                    keys = literal_dict_keys(ret.value, function, self)
                    if keys is None:
                        known = False
                    for key in keys or ():
                        self.add_push(task, key, "multiple_outputs", Loc(ret))
            for ret in main.returns:
                self.add_push(task, RETURN_KEY, "return", Loc(ret.value or ret), function, main, value=ret.value)
        else:
            task.silent_reason = "no-return"
        for current in functions:
            summary = self.summary(current)
            for site in summary.pushes:
                if site.has_star_args or site.key is None:
                    known = False
                    continue
                self.add_push(task, site.key, "xcom_push", Loc(site.call), current, summary,
                              value=site.value, block=site.block if current is function or current.node is function.node else None,
                              in_loop=site.in_loop, entry=entries.get(id(current.node)), loops=site.loops)
        task.pushes_known = known

    def infers_multiple_outputs(self, function: FunctionVal) -> bool:
        """TaskFlow infers ``multiple_outputs`` from a Mapping return annotation (2.8+)."""
        returns = getattr(function.node, "returns", None)
        if returns is None:
            return False
        annotation = returns.annotation
        if isinstance(annotation, cst.Subscript):
            annotation = annotation.value
        name = dotted_name(annotation) or ""
        last = name.rsplit(".", 1)[-1]
        if last in ("dict", "Dict", "Mapping", "MutableMapping", "OrderedDict", "TypedDict"):
            return True
        local = function.scope.lookup(name) if name else None
        if isinstance(local, ClassVal):
            return any(isinstance(b, ImportedVal) and b.qualified.endswith("TypedDict") for b in local.bases)
        return False

    def attach_class(self, task: TaskState, cls: ClassVal, explicit_no_push: bool, instance: Any = None) -> None:
        """A custom operator of the file or the project: its ``execute`` runs as the task."""
        found = find_method(cls, "execute")
        if found is None:
            task.pushes_known = False
            return
        current, execute = found
        function = FunctionVal(execute, current.scope, owner_class=current, self_value=instance)
        self.attach_callable(task, function, returns_pushed=not explicit_no_push, multiple_outputs=False)
        task.callable_name = f"{current.name}.execute"
        # a subclass of another operator inherits pushes we cannot see
        direct_bases = [b for b in current.bases if isinstance(b, ImportedVal)]
        if any((kb.airflow_name(b.qualified) or "") not in ("BaseOperator", "") for b in direct_bases):
            task.pushes_known = False

    def is_operator_class(self, cls: ClassVal, depth: int = 0) -> bool:
        for base in cls.bases:
            if isinstance(base, ImportedVal):
                name = kb.airflow_name(base.qualified) or ""
                if name.endswith(("Operator", "Sensor")) or name in ("BaseOperator", "BaseSensorOperator"):
                    return True
            if isinstance(base, ClassVal) and depth < 8 and self.is_operator_class(base, depth + 1):
                return True
        return False


def arguments_kept_in(cls: ClassVal, fields: frozenset) -> frozenset:
    """The parameters of the class's ``__init__`` (its own, or a base's of the
    project) that it keeps in a template field: ``self.json["notebook_task"] =
    notebook_task``, ``self.sql = query``, ``self.json.update(extra)``. Airflow
    renders the field, so a template in such an argument is rendered too."""
    found = find_method(cls, "__init__")
    if found is None:
        return frozenset()
    init = found[1]
    params = {p.name.value for p in list(init.params.posonly_params) + list(init.params.params)
              + list(init.params.kwonly_params)}
    kept: set = set()
    for node in walk(init.body):
        values: List[cst.CSTNode] = []
        if isinstance(node, cst.Assign) and any(_field_of_self(t.target) in fields for t in node.targets):
            values.append(node.value)
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign)) and _field_of_self(node.target) in fields:
            if node.value is not None:
                values.append(node.value)
        elif (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
              and _field_of_self(node.func.value) in fields):
            values.extend(arg.value for arg in node.args)  # self.json.update(extra)
        for value in values:
            kept.update(n.value for n in walk(value) if isinstance(n, cst.Name) and n.value in params)
    return frozenset(kept)


def _field_of_self(target: cst.BaseExpression) -> Optional[str]:
    """``F`` for ``self.F``, ``self.F[...]`` (any depth), else None."""
    while isinstance(target, cst.Subscript):
        target = target.value
    if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
        return target.attr.value
    return None


def imported_execute(cls: ClassVal, depth: int = 0) -> Optional[kb.OperatorInfo]:
    """For a class of the file that defines no ``execute`` along its first
    bases, what the knowledge base knows of the imported operator whose
    ``execute`` then runs (None when a class of the file defines it, or the
    operator is not known)."""
    if cls.method("execute") is not None or not cls.bases or depth > 8:
        return None
    base = cls.bases[0]
    if isinstance(base, ClassVal):
        return imported_execute(base, depth + 1)
    if isinstance(base, ImportedVal):
        return kb.operator_info(base.qualified)
    return None


def unique_task_id(dag: DagState, group: Optional[GroupState], core: str) -> str:
    """``get_unique_task_id``: ``name__N`` when the group-prefixed id is taken."""
    prefixed = group.child_id(core) if group is not None else core
    if not isinstance(prefixed, str) or not dag.has_task_id(prefixed):
        return core
    base = SUFFIX.split(prefixed)[0]
    pattern = re.compile(rf"^{re.escape(base)}__(\d+)$")
    suffixes = [int(m.group(1)) for t in dag.tasks if isinstance(t.task_id, str) for m in [pattern.match(t.task_id)] if m]
    return f"{SUFFIX.split(core)[0]}__{max(suffixes + [0]) + 1}"


def literal_dict_keys(expr: Optional[cst.BaseExpression], function: FunctionVal, builder: "TaskBuilding") -> Optional[List[str]]:
    """The keys of a returned dict literal, when all are literal strings."""
    summary = builder.summary(function)
    if isinstance(expr, cst.Name) and expr.value in summary.mutated_names:
        return None  # ``ids = {}`` then ``ids[c] = ...``: keys made at runtime
    if isinstance(expr, cst.Name) and expr.value in summary.single_assignments:
        expr = summary.single_assignments[expr.value]
    if isinstance(expr, cst.Call) and dotted_name(expr.func) == "dict":
        keys = []
        for arg in expr.args:
            if arg.keyword is None or arg.star:
                return None
            keys.append(arg.keyword.value)
        return keys
    if not isinstance(expr, cst.Dict):
        return None
    keys = []
    for element in expr.elements:
        if not isinstance(element, cst.DictElement):
            return None
        key = builder.evaluate(element.key, Scope(function.scope)) if isinstance(element.key, (cst.SimpleString, cst.ConcatenatedString)) else UNKNOWN
        if not (isinstance(key, StrVal) and key.known):
            return None
        keys.append(key.text)
    return keys


def identifier_strings(values: Iterable[Any], depth: int = 0) -> List[str]:
    found: List[str] = []
    for value in values:
        if isinstance(value, StrVal) and value.known and IDENTIFIER.match(value.text):
            found.append(value.text)
        elif isinstance(value, ListVal) and depth < 5:
            found.extend(identifier_strings(value.items, depth + 1))
        elif isinstance(value, DictVal) and depth < 5:
            found.extend(identifier_strings([v for _, v in value.items], depth + 1))
    return found

