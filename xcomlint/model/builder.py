"""Turn a parsed DAG file into the XCom model by abstract interpretation.

The builder executes the module's statements *symbolically*: names are bound
to builder values (tasks, XComArgs, groups, DAGs, strings, lists), DAG and
TaskGroup contexts are entered by ``with`` blocks and decorated functions,
local helper functions are inlined, short literal loops are unrolled. It
mirrors how Airflow itself assigns task ids (group prefixes, ``__N`` suffixes,
overrides) and creates dependencies (``>>``, ``chain*``, XComArg passing, group
roots and leaves). Whatever it cannot follow becomes ``UNKNOWN``, and a DAG
whose tasks or edges may be incomplete says so, so that rules stay silent.
"""

from __future__ import annotations

import os
import re
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple, Union, cast

import libcst as cst

from .. import knowledge as kb
from .callables import IN_PLACE_METHODS, CallableSummary
from .imports import ImportTable, dotted_name
from .instances import Instances, InstanceVal
from .known_calls import WATCHER, known_call
from .literals import (
    MAX_UNROLL,
    PATH_FUNCTIONS,
    SUFFIX,
    call_builtin,
    child_task_id,
    file_path_attribute,
    format_call,
    format_value,
    formatted_id,
    id_text,
    json_dumps,
    path_function,
    percent_format,
    same_value,
    string_method,
    truth,
    xcomarg_string,
)
from .pending import BoundMethod, LabelVal, Star
from .project_values import ModuleContext, ProjectValues
from .records import CONTEXT_DAG, HIDDEN_CODE, REAL_DAG, RETURN_KEY, UNKNOWN, UNKNOWN_DAGS, UNKNOWN_ID
from .syntax import STRING_NODES, branch_list, walk
from .tasks import TaskBuilding, unique_task_id
from .text_gate import TextGate
from .values import (
    ClassVal,
    CombinedXComArg,
    ConstVal,
    DagFuncVal,
    DagRef,
    DagState,
    DictVal,
    EnumMemberVal,
    FilePathVal,
    FunctionVal,
    GroupRef,
    GroupState,
    ImportedVal,
    LambdaVal,
    ListVal,
    ModuleVal,
    OpaqueVal,
    PartialVal,
    Scope,
    StrVal,
    TaskFlowVal,
    TaskGroupFuncVal,
    TaskRef,
    TaskState,
    XComArgRef,
    enum_kind,
    fstring_text_value,
    simple_string_value,
    unknown_str,
)
from .wiring import Wiring, collect_graph_parts, touches_graph

MAX_INLINE_DEPTH = 8
MAX_STEPS = 200_000  # statements and expressions evaluated per file, a guard against blow-ups

# modules whose functions never create tasks; calls to anything else imported
# may be a task factory, which makes the DAG's task list incomplete
_PURE_MODULES = frozenset(
    {"os", "json", "datetime", "pendulum", "logging", "time", "re", "pathlib", "random", "math",
     "uuid", "textwrap", "functools", "itertools", "collections", "typing", "sys", "airflow",
     "dateutil", "yaml", "csv", "string", "copy", "decimal", "hashlib", "base64", "shlex",
     "tempfile", "urllib", "pprint", "warnings", "inspect", "enum", "dataclasses"}
)
# builtins that never add tasks or edges, whatever they are given
_PURE_BUILTINS = frozenset(
    {"str", "repr", "int", "float", "bool", "len", "print", "list", "dict", "set", "tuple", "sorted",
     "isinstance", "getattr", "hasattr", "range", "min", "max", "sum", "any", "all", "format", "open",
     "enumerate", "zip", "abs", "round", "type", "iter", "next", "frozenset", "reversed", "id", "hash"}
)


# what ``eval_comparison`` evaluates on each side of ``==``: names, attributes, literals
_COMPARED = (cst.Name, cst.Attribute, cst.SimpleString, cst.Integer)


class _Budget(Exception):
    """Raised when a file takes more evaluation steps than MAX_STEPS."""


class Builder(TaskBuilding, Wiring, ProjectValues, Instances):
    def __init__(self, module: cst.Module, imports: ImportTable, path: str = "", source: Optional[str] = None,
                 project: Any = None) -> None:
        self.module = module
        self.imports = imports
        self.source = source if source is not None else module.code
        # the file's name, which ``__file__`` ends with wherever the DAG folder is deployed
        self.file_name = path.replace("\\", "/").rsplit("/", 1)[-1]
        self.home = ModuleContext(os.path.abspath(path) if path else "", imports, module, self.source, home=True)
        self.init_project(project)
        self.module_scope = self.home.scope = Scope(context=self.home)
        self.dags: List[DagState] = []
        self.dag_stack: List[DagState] = []
        self.group_stack: List[GroupState] = []
        self.inline_stack: List[Union[cst.FunctionDef, cst.Lambda]] = []
        self.return_frames: List[List[Any]] = []
        self.summaries: Dict[int, CallableSummary] = {}
        self.attached_pull_calls: Set[int] = set()
        # string literals holding a template some task renders, and where in
        # them each template pull it read is written
        self.template_nodes: Set[int] = set()
        self.template_pull_places: Set[Tuple[int, Optional[int]]] = set()
        # string literals of the project's other modules the builder evaluated
        self.foreign_strings: Set[int] = set()
        self.dag_functions: List[DagFuncVal] = []
        self.created_tasks: List[TaskState] = []
        self.creating: Dict[int, bool] = {}  # function node -> whether running it may make tasks
        self._makers: Optional[Tuple[int, FrozenSet[str]]] = None  # see maker_names
        # with a project, any imported name may be its code that makes tasks
        self.text_gate = self.home.text_gate = TextGate(self.source, self.maker_names, frozenset(
            local for local, qualified in imports.names.items()
            if kb.airflow_name(qualified) or project is not None), self.imported_maker)
        # functions of the module the builder ran (called, or referenced by name)
        self.used_functions: set = set()
        self.steps = 0
        self.pure = False  # evaluate without effects: no tasks, no edges
        # names bound on a path that may not run (an ``except`` handler, a branch
        # of an ``if`` whose test is not known): what they hold last is not certain,
        # so an ``if`` testing one runs every branch
        self.uncertain_names: Set[str] = set()
        # id(value) -> the argument expression it came from, so that an XComArg
        # passed by name is located where it is passed, not where it was made
        self.arg_nodes: Dict[int, Tuple[Any, cst.CSTNode]] = {}

    def remember_node(self, value: Any, node: cst.CSTNode) -> None:
        if isinstance(value, (XComArgRef, CombinedXComArg)):
            # the value is kept alive beside its node so that its id stays unique
            self.arg_nodes[id(value)] = (value, node)

    def node_of(self, value: Any) -> Optional[cst.CSTNode]:
        found = self.arg_nodes.get(id(value))
        return found[1] if found is not None and found[0] is value else None

    # ------------------------------------------------------------------ driving
    def run(self) -> None:
        body = self.module.body
        self.hoist_definitions(body, self.module_scope)
        try:
            self.exec_block(body, self.module_scope)
            for dag_function in self.dag_functions:
                if dag_function.built is None:
                    self.build_dag_function(dag_function, dag_function.function.node)
            self.run_library_code()
        except (_Budget, RecursionError):
            for dag in self.dags:
                dag.edges_complete = False
                self.may_add_tasks(dag, ".*", None)
        self.gather_orphans()
        self.dags = [dag for dag in self.dags if dag.kind == REAL_DAG or dag.tasks]

    def run_library_code(self) -> None:
        """What the file offers to other modules: a task factory that no code of
        the file calls runs when another module calls it, inside that module's DAG
        (one the model cannot name); an uncalled ``@task`` function is a task of
        whatever DAG calls it. Their tasks are modelled in such DAGs, so that the
        rules that need no graph still check their pulls, pushes and values."""
        for name, value in list(self.module_scope.names.items()):
            if isinstance(value, ClassVal) and not self.is_operator_class(value):
                # a house-made DAG class: its methods build DAGs and tasks for its users
                for method in _suite_statements(value.node.body):
                    if isinstance(method, cst.FunctionDef) and method not in self.used_functions:
                        function = FunctionVal(method, value.scope, owner_class=value)
                        if self.may_create_tasks(function):
                            self.run_factory(function)
            if isinstance(value, FunctionVal) and value.node not in self.used_functions:
                if self.may_create_tasks(value):
                    self.run_factory(value)
            elif isinstance(value, TaskGroupFuncVal) and value.function.node not in self.used_functions:
                dag = self.pseudo_dag(CONTEXT_DAG, value.function.node, "factory")
                self.dag_stack.append(dag)
                try:
                    self.call_task_group(value, value.function.node, [], {})
                finally:
                    self.dag_stack.pop()
            elif isinstance(value, TaskFlowVal) and value.function.node not in self.used_functions:
                dag = self.library_dag()
                self.dag_stack.append(dag)
                try:
                    self.create_taskflow_task(value, value.function.node, [], {})
                finally:
                    self.dag_stack.pop()

    def may_create_tasks(self, function: FunctionVal, depth: int = 0) -> bool:
        """Whether running ``function`` may make a task or a TaskGroup: whether it
        calls something with a ``task_id``/``group_id``, an operator or TaskGroup
        class, a TaskFlow function, or a function of the file that may. Most of a
        file's functions are callables and helpers: running them all would cost
        more than the rest of the model."""
        key = id(function.node)
        if key in self.creating:
            return self.creating[key]
        self.creating[key] = False  # a recursive call adds nothing
        gate = self.context_of(function.scope).text_gate or self.text_gate
        if not gate.may_make_tasks(function.name):
            return False
        found = False
        stack: List[cst.CSTNode] = [function.node.body]
        while stack and not found:
            node = stack.pop()
            if type(node) is cst.Call:
                found = self.call_may_create_tasks(node, function, depth)
            elif type(node) is cst.FunctionDef:
                # a nested ``@task`` function: calling it makes a task
                found = any(self.decorator_kind(d.decorator, function.scope)[0] is not None for d in node.decorators)
            stack.extend(branch_list(node))
        self.creating[key] = found
        return found

    def maker_names(self) -> FrozenSet[str]:
        """Names the file binds to what makes a task when called (the same set
        until the module binds a name again)."""
        bindings = self.module_scope.bindings
        if self._makers is None or self._makers[0] != bindings:
            self._makers = (bindings, self.maker_names_of(self.module_scope))
        return self._makers[1]

    def maker_names_of(self, scope: Scope) -> FrozenSet[str]:
        return frozenset(
            n for n, v in scope.names.items()
            if isinstance(v, (TaskFlowVal, TaskGroupFuncVal, DagFuncVal))
            or (isinstance(v, ClassVal) and self.is_operator_class(v)))

    def imported_maker(self, dotted: str, context: Optional[ModuleContext] = None) -> bool:
        context = context or self.home
        head, _, rest = dotted.partition(".")
        base = context.imports.names.get(head)
        if base is None:
            return False
        qualified = f"{base}.{rest}" if rest else base
        if _makes_tasks(qualified):
            return True
        if self.project is None:
            return False
        # a name of the project's own code: a factory, a @task function, an operator class
        value = self.project_value(qualified, context)
        if isinstance(value, FunctionVal):
            return self.may_create_tasks(value)
        return isinstance(value, (ClassVal, TaskFlowVal, TaskGroupFuncVal, DagFuncVal))

    def call_may_create_tasks(self, node: cst.Call, function: FunctionVal, depth: int) -> bool:
        if any(arg.keyword is not None and arg.keyword.value in ("task_id", "group_id") for arg in node.args):
            return True
        name = dotted_name(node.func)
        if name is None:
            return False
        target = function.scope.lookup(name) if "." not in name else None
        qualified = self.context_of(function.scope).imports.qualify(node.func)
        if target is None and qualified and self.project is not None and not _makes_tasks(qualified):
            target = self.project_value(qualified, self.context_of(function.scope))
        if isinstance(target, (TaskFlowVal, TaskGroupFuncVal, DagFuncVal)):
            return True
        if isinstance(target, ClassVal):
            return self.is_operator_class(target)
        if isinstance(target, FunctionVal) and depth < MAX_INLINE_DEPTH:
            return self.may_create_tasks(target, depth + 1)
        return bool(qualified) and _makes_tasks(qualified)  # type: ignore[arg-type]

    def run_factory(self, function: FunctionVal) -> None:
        """Run a function no code of the file calls, as its callers' DAG would."""
        dag = self.pseudo_dag(CONTEXT_DAG, function.node, "factory")
        created = len(self.created_tasks)
        self.dag_stack.append(dag)
        try:
            self.inline(function, [], {})
            for dag_function in self.dag_functions:  # a @dag function it defined and never called
                if dag_function.built is None:
                    self.build_dag_function(dag_function, dag_function.function.node)
        finally:
            self.dag_stack.pop()
        if len(self.created_tasks) == created or not dag.tasks:
            self.dags.remove(dag)

    def library_dag(self) -> DagState:
        """The DAG of the file's tasks whose DAG is not known at all."""
        found = next((d for d in self.dags if d.kind == UNKNOWN_DAGS), None)
        return found if found is not None else self.pseudo_dag(UNKNOWN_DAGS, self.module)

    def gather_orphans(self) -> None:
        """Tasks created outside any DAG the model knows (``dag=`` a value it
        cannot follow) and never wired to one: tasks of a DAG it cannot name."""
        orphans = [task for task in self.created_tasks if task.dag is None]
        if orphans:
            dag = self.library_dag()
            for task in orphans:
                self.adopt(task, dag)

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _Budget()

    @property
    def current_dag(self) -> Optional[DagState]:
        return self.dag_stack[-1] if self.dag_stack else None

    @property
    def current_group(self) -> Optional[GroupState]:
        return self.group_stack[-1] if self.group_stack else None

    def lose_edges(self, *dags: Optional[DagState]) -> None:
        """Dependencies between known tasks may exist that the model cannot see:
        a value it cannot follow was wired (in these DAGs, else the current one)."""
        targets = [d for d in dags if d is not None] or (
            [self.current_dag] if self.current_dag else list(self.dags)
        )
        for dag in targets:
            dag.edges_complete = False

    def may_add_tasks(self, dag: Optional[DagState], pattern: str, group: Optional[GroupState],
                      origin: str = UNKNOWN_ID) -> None:
        """Tasks the model cannot name may exist in ``dag``: their full ids match
        ``pattern``, they were created under ``group``, for the reason ``origin``
        (see ``UnknownIds``)."""
        if dag is None:
            return
        dag.tasks_complete = False
        namespace = group.namespace if group is not None else None
        if (pattern, namespace, origin) not in dag.unknown_ids:
            dag.unknown_ids.append((pattern, namespace, origin))

    def opaque(self, args: List[Any], kwargs: Dict[str, Any], creates_tasks: bool, node: Optional[cst.CSTNode] = None) -> Any:
        """The result of code the model cannot see (a function imported from
        elsewhere, a call too deep to follow) that was handed graph objects or ran
        inside a DAG. What it was handed it may have wired in any way, and a group
        or DAG it was handed it may have added tasks to; the rest of the graph it
        cannot reach. ``creates_tasks``: the call stands alone inside a DAG, as a
        factory that adds tasks to it does."""
        members: List[Any] = []
        groups: List[GroupState] = []
        whole: List[DagState] = []
        collect_graph_parts(list(args) + list(kwargs.values()), members, groups, whole)
        dag = self.current_dag or next((m.dag for m in members if m.dag is not None), None)
        if self.pure or (node is None and not (members or groups or whole) and dag is None):
            return UNKNOWN
        value = OpaqueVal(dag, self.current_group, [], node=node)
        for group in groups:
            group.closed = False
            owner = next((t.dag for t in group.members if t.dag is not None), dag)
            self.may_add_tasks(owner, group.id_pattern(".*"), group, HIDDEN_CODE)
        for handed in whole:
            # given the DAG itself, the code can add any task and wire any two
            handed.edges_complete = False
            self.may_add_tasks(handed, ".*", None, HIDDEN_CODE)
        for member in members:
            self.add_edge(member, value, "opaque")
            self.add_edge(value, member, "opaque")
        if creates_tasks:
            self.note_wired(value)
        return value

    def note_wired(self, value: OpaqueVal) -> None:
        """An opaque value used as a task: the code that returned it may have
        created tasks, under the group that was current when it ran."""
        if not value.wired:
            value.wired = True
            pattern = value.group.id_pattern(".*") if value.group is not None else ".*"
            self.may_add_tasks(value.dag, pattern, value.group, HIDDEN_CODE)

    def place_opaque(self, value: OpaqueVal, dag: DagState) -> None:
        """An opaque value made outside any DAG, wired to a task of ``dag``."""
        value.dag = dag
        if value.wired:
            value.wired = False
            self.note_wired(value)

    # --------------------------------------------------------------- statements
    def hoist_definitions(self, body: Sequence[cst.CSTNode], scope: Scope) -> None:
        """Bind every function and class of a block up front: DAG functions are
        usually called at the end of a file and may use callables defined later."""
        for statement in body:
            if isinstance(statement, cst.FunctionDef):
                scope.bind(statement.name.value, self.define_function(statement, scope))
            elif isinstance(statement, cst.ClassDef):
                scope.bind(statement.name.value, self.define_class(statement, scope))

    def exec_block(self, body: Sequence[cst.CSTNode], scope: Scope) -> None:
        for statement in body:
            self.exec_statement(statement, scope)

    def exec_statement(self, statement: cst.CSTNode, scope: Scope) -> None:
        self.tick()
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                self.exec_small(small, scope)
        elif isinstance(statement, cst.FunctionDef):
            value = self.define_function(statement, scope)
            scope.bind(statement.name.value, value)
        elif isinstance(statement, cst.ClassDef):
            scope.bind(statement.name.value, self.define_class(statement, scope))
        elif isinstance(statement, cst.With):
            self.exec_with(statement, scope)
        elif isinstance(statement, cst.For):
            self.exec_for(statement, scope)
        elif isinstance(statement, cst.If):
            self.exec_if(statement, scope)
        elif isinstance(statement, cst.Try):
            self.exec_suite(statement.body, scope)
            for handler in statement.handlers:
                self.exec_uncertain(handler.body, scope)
            if statement.orelse is not None:
                self.exec_suite(statement.orelse.body, scope)
            if statement.finalbody is not None:
                self.exec_suite(statement.finalbody.body, scope)
        elif isinstance(statement, cst.While):
            self.exec_suite(statement.body, scope)
        elif hasattr(cst, "TryStar") and isinstance(statement, getattr(cst, "TryStar")):
            self.exec_suite(statement.body, scope)
        elif hasattr(cst, "Match") and isinstance(statement, getattr(cst, "Match")):
            for case in statement.cases:
                self.exec_suite(case.body, scope)

    def exec_if(self, statement: cst.If, scope: Scope) -> None:
        """``if``/``elif``/``else``: a test whose value is known (a constant, a
        factory's argument: ``if on_demand:``) runs its branch alone, as Python
        would; otherwise every branch that may run is run. Tasks of one id made in
        two branches that exclude each other are one task at runtime."""
        branches: List[List[TaskState]] = []
        current: Optional[Union[cst.If, cst.Else]] = statement
        certain = True  # every test so far was known
        while current is not None:
            if isinstance(current, cst.Else):
                taken: Optional[bool] = True if certain else None
            else:
                value = self.evaluate(current.test, scope)
                taken = None if self.mentions_uncertain(current.test) else truth(value)
            if taken is not False:
                before = len(self.created_tasks)
                if taken is True:
                    self.exec_suite(current.body, scope)
                else:
                    self.exec_uncertain(current.body, scope)
                branches.append(self.created_tasks[before:])
                if taken is True:
                    break
            certain = certain and taken is not None
            current = current.orelse if isinstance(current, cst.If) else None
        if len(branches) > 1:
            self.fold_branches(branches, scope)

    def exec_uncertain(self, suite: Union[cst.BaseSuite, cst.BaseExpression], scope: Scope) -> None:
        """A block that may not run: the names it binds become uncertain."""
        before = dict(scope.names)
        self.exec_suite(suite, scope)
        self.uncertain_names.update(name for name, value in scope.names.items() if before.get(name) is not value)

    def mentions_uncertain(self, test: cst.BaseExpression) -> bool:
        return any(type(node) is cst.Name and cast(cst.Name, node).value in self.uncertain_names for node in walk(test))

    def fold_branches(self, branches: List[List[TaskState]], scope: Scope) -> None:
        """Fold each task of a later branch into the task of the same id an
        earlier branch made; names bound to the folded task name the kept one."""
        for index, made in enumerate(branches[1:], 1):
            for task in made:
                earlier = next((t for branch in branches[:index] for t in branch
                                if t.task_id == task.task_id and t in self.created_tasks), None)
                if earlier is None or self.either_task(TaskRef(earlier), TaskRef(task)) is None:
                    continue
                for name, value in list(scope.names.items()):
                    if isinstance(value, TaskRef) and value.task is task:
                        scope.names[name] = TaskRef(earlier)

    def exec_suite(self, suite: Union[cst.BaseSuite, cst.BaseExpression], scope: Scope) -> None:
        # a lambda's body is an expression: no statements (lambdas are not inlined)
        if isinstance(suite, cst.IndentedBlock):
            self.exec_block(suite.body, scope)
        elif isinstance(suite, cst.SimpleStatementSuite):
            for small in suite.body:
                self.exec_small(small, scope)

    def exec_small(self, small: cst.BaseSmallStatement, scope: Scope) -> None:
        if isinstance(small, cst.Expr):
            self.evaluate(small.value, scope, statement=True)
        elif isinstance(small, cst.Assign):
            # an assigned result is judged where it is used: an unknown value in
            # ``>>`` or a graph object handed to a factory marks the DAG incomplete
            value = self.evaluate(small.value, scope)
            for target in small.targets:
                self.assign(target.target, value, scope)
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            self.assign(small.target, self.evaluate(small.value, scope), scope)
        elif isinstance(small, cst.AugAssign):
            value = self.evaluate(small.value, scope)
            if isinstance(small.target, cst.Name):
                current = scope.lookup(small.target.value)
                if isinstance(small.operator, cst.AddAssign) and isinstance(current, ListVal) and isinstance(value, ListVal):
                    current.items.extend(value.items)
                elif isinstance(small.operator, cst.AddAssign) and isinstance(current, StrVal) and isinstance(value, StrVal):
                    scope.bind(small.target.value, current + value)
                elif isinstance(small.operator, (cst.RightShiftAssign, cst.LeftShiftAssign)):
                    self.depend(current, value) if isinstance(small.operator, cst.RightShiftAssign) else self.depend(value, current)
                else:
                    scope.bind(small.target.value, UNKNOWN)
        elif isinstance(small, cst.Return):
            value = self.evaluate(small.value, scope) if small.value is not None else ConstVal(None)
            if self.return_frames:
                self.return_frames[-1].append(value)

    def assign(self, target: cst.BaseExpression, value: Any, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            scope.bind(target.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = [el.value for el in target.elements]
            items = value.items if isinstance(value, ListVal) else None
            for index, element in enumerate(elements):
                item = items[index] if items is not None and len(items) == len(elements) else UNKNOWN
                self.assign(element, item, scope)
        elif isinstance(target, cst.Subscript):
            # ``settings["task_id"] = ...``: the dict holds it from now on
            owner = self.evaluate(target.value, scope)
            if isinstance(owner, DictVal):
                part = target.slice[0].slice if len(target.slice) == 1 else None
                key = self.evaluate(part.value, scope) if isinstance(part, cst.Index) else UNKNOWN
                owner.items.append((key, value) if isinstance(key, StrVal) and key.known else (UNKNOWN, UNKNOWN))
        elif isinstance(target, cst.Attribute):
            # ``op.bash_command = xcomarg`` wires the XComArg like an __init__ argument
            owner = self.evaluate(target.value, scope)
            if isinstance(owner, InstanceVal):
                owner.attributes[target.attr.value] = value
            elif isinstance(owner, TaskRef):
                self.scan_arguments(owner.task, {target.attr.value: value}, self.templated_fields(owner.task))

    def exec_with(self, statement: cst.With, scope: Scope) -> None:
        pushed_dags = pushed_groups = 0
        saved_groups: Optional[List[GroupState]] = None
        for item in statement.items:
            value = self.evaluate(item.item, scope)
            if isinstance(value, InstanceVal):
                # ``with Wrapper(...) as w:`` binds what ``__enter__`` returns, and
                # enters the DAG the wrapper holds
                entered = self.call_instance_method(value, "__enter__", item.item, [], {})
                if item.asname is not None:
                    self.assign(item.asname.name, entered if entered is not None else UNKNOWN, scope)
                value = self.held_dag(value) or UNKNOWN
            elif item.asname is not None:
                self.assign(item.asname.name, value, scope)
            if isinstance(value, DagRef):
                self.dag_stack.append(value.dag)
                if saved_groups is None:
                    saved_groups = self.group_stack
                    self.group_stack = []
                pushed_dags += 1
            elif isinstance(value, GroupRef):
                self.group_stack.append(value.group)
                pushed_groups += 1
            elif isinstance(value, (TaskRef, XComArgRef, ListVal)):
                # ``with setup >> teardown:`` wires the body's tasks in ways not modelled
                self.lose_edges()
            elif self.current_dag is None and (value is UNKNOWN or isinstance(value, OpaqueVal)):
                # ``with CompanyDag(...).airflow_dag as dag:``: tasks made in the block
                # join the context's DAG, if it is one; the model cannot name it
                dag = value.as_dag if isinstance(value, OpaqueVal) and value.as_dag is not None else None
                if dag is None:
                    dag = self.pseudo_dag(CONTEXT_DAG, item.item, "call")
                    if isinstance(value, OpaqueVal):
                        value.as_dag = dag
                    elif item.asname is not None:
                        self.assign(item.asname.name, DagRef(dag), scope)
                self.dag_stack.append(dag)
                if saved_groups is None:
                    saved_groups = self.group_stack
                    self.group_stack = []
                pushed_dags += 1
        try:
            self.exec_suite(statement.body, scope)
        finally:
            for _ in range(pushed_groups):
                self.group_stack.pop()
            for _ in range(pushed_dags):
                self.dag_stack.pop()
            if saved_groups is not None:
                self.group_stack = saved_groups

    def exec_for(self, statement: cst.For, scope: Scope) -> None:
        iterable = self.evaluate(statement.iter, scope)
        if isinstance(iterable, ListVal) and len(iterable.items) <= MAX_UNROLL:
            for item in list(iterable.items):
                self.assign(statement.target, item, scope)
                self.exec_suite(statement.body, scope)
        elif isinstance(iterable, DictVal) and len(iterable.items) <= MAX_UNROLL:
            for key, _ in list(iterable.items):
                self.assign(statement.target, key, scope)
                self.exec_suite(statement.body, scope)
        else:
            self.assign(statement.target, UNKNOWN, scope)
            self.exec_suite(statement.body, scope)
        if statement.orelse is not None:
            self.exec_suite(statement.orelse.body, scope)

    # -------------------------------------------------------------- definitions
    def decorator_info(self, decorator: cst.Decorator, scope: Scope) -> Tuple[Optional[str], str, Dict[str, Any]]:
        """``("task", flavour, options)``, ``("dag", ...)``, ``("task_group", ...)`` or None."""
        expr = decorator.decorator
        options: Dict[str, Any] = {}
        positional: List[Any] = []
        if isinstance(expr, cst.Call):
            for arg in expr.args:
                if arg.keyword is not None:
                    options[arg.keyword.value] = self.evaluate(arg.value, scope)
                elif not arg.star:
                    positional.append(self.evaluate(arg.value, scope))
        kind, flavour, dag = self.decorator_kind(expr, scope)
        if dag is not None:
            options["dag"] = dag
        if kind == "dag" and positional and "dag_id" not in options:
            options["dag_id"] = positional[0]
        if kind == "task_group" and positional and "group_id" not in options:
            options["group_id"] = positional[0]
        return kind, flavour, options

    def decorator_kind(self, expr: cst.BaseExpression, scope: Scope) -> Tuple[Optional[str], str, Optional[DagRef]]:
        """What a decorator makes of a function, without evaluating its
        arguments: ``("task", flavour, dag)`` (``dag`` for ``@my_dag.task``),
        ``("dag", "", None)``, ``("task_group", "", None)`` or ``(None, "", None)``."""
        if isinstance(expr, cst.Call):
            expr = expr.func
        dotted = dotted_name(expr) or ""
        head, _, rest = dotted.partition(".")
        owner = scope.lookup(head) if rest else None
        if isinstance(owner, DagRef) and rest.split(".")[0] == "task":
            return "task", rest.split(".")[1] if "." in rest else "python", owner
        qualified = self.context_of(scope).imports.qualify(expr)
        local = scope.lookup(dotted) if qualified is None else None
        if isinstance(local, ImportedVal):
            qualified = local.qualified
        if not qualified or not qualified.startswith("airflow"):
            return None, "", None
        parts = qualified.split(".")
        if parts[-1] in kb.TASK_DECORATORS or parts[-1] in kb.SETUP_TEARDOWN:
            return "task", "python", None
        if len(parts) >= 2 and parts[-2] in kb.TASK_DECORATORS:
            return "task", parts[-1], None
        if parts[-1] in kb.DAG_DECORATORS:
            return "dag", "", None
        if parts[-1] in kb.TASK_GROUP_DECORATORS:
            return "task_group", "", None
        return None, "", None

    def define_function(self, node: cst.FunctionDef, scope: Scope) -> Any:
        function = FunctionVal(node, scope)
        result: Any = function
        task_options: Dict[str, Any] = {}
        flavour = None
        for decorator in node.decorators:
            kind, kind_flavour, options = self.decorator_info(decorator, scope)
            if kind == "task":
                # ``@task.virtualenv`` beside ``@setup`` keeps the more specific flavour
                if flavour is None or flavour == "python":
                    flavour = kind_flavour
                task_options.update(options)
            elif kind == "dag":
                # hoisting and then executing the ``def`` must not make two DAGs;
                # a factory called twice runs its ``def`` in two scopes: two DAGs
                for known in self.dag_functions:
                    if known.function.node is node and known.function.scope is scope:
                        return known
                dag_function = DagFuncVal(function, options)
                if not self.is_foreign(scope):
                    # a @dag function of a followed module makes a DAG only where it is called
                    self.dag_functions.append(dag_function)
                return dag_function
            elif kind == "task_group":
                return TaskGroupFuncVal(function, options)
        if flavour is not None:
            result = TaskFlowVal(function, flavour, task_options)
        return result

    def define_class(self, node: cst.ClassDef, scope: Scope) -> ClassVal:
        bases = tuple(self.evaluate(arg.value, scope) for arg in node.bases if arg.keyword is None)
        # the class body's plain assignments, evaluated without effects: constants,
        # Enum members, ``template_fields`` (which may extend a base class's)
        attributes: Dict[str, Any] = {}
        body_scope = Scope(scope)
        saved, self.pure = self.pure, True
        try:
            for statement in _suite_statements(node.body):
                if not isinstance(statement, cst.SimpleStatementLine):
                    continue
                for small in statement.body:
                    if isinstance(small, cst.Assign):
                        targets = [t.target for t in small.targets]
                    elif isinstance(small, cst.AnnAssign) and small.value is not None:
                        targets = [small.target]
                    else:
                        continue
                    value = self.evaluate(small.value, body_scope)
                    for target in targets:
                        if isinstance(target, cst.Name):
                            attributes[target.value] = value
                            body_scope.bind(target.value, value)
        finally:
            self.pure = saved
        fields = None
        declared = attributes.get("template_fields")
        if declared is not None:
            names = declared.items if isinstance(declared, ListVal) else [declared]
            if all(isinstance(n, StrVal) and n.known for n in names):
                fields = frozenset(n.text for n in names)
        elif bases:
            fields = inherited_template_fields(bases[0])
        str_mixin = any(isinstance(arg.value, cst.Name) and arg.value.value == "str" for arg in node.bases)
        return ClassVal(node, bases, scope, fields, attributes, enum_kind(bases, str_mixin))

    # -------------------------------------------------------------- expressions
    def evaluate(self, node: Optional[cst.BaseExpression], scope: Scope, statement: bool = False) -> Any:
        if node is None:
            return UNKNOWN
        self.tick()
        # ``type(node) is`` instead of ``isinstance``: libcst's classes are ABCs,
        # whose isinstance runs Python code, and no concrete libcst class has
        # subclasses, so the two agree. The type checker does not narrow through
        # ``kind``: each branch casts ``node`` to the class it checked
        kind = type(node)
        if kind in STRING_NODES and self.is_foreign(scope):
            self.foreign_strings.add(id(node))  # a literal of another module (see template_pull_places)
        if kind is cst.SimpleString:
            return simple_string_value(cast(cst.SimpleString, node)) or UNKNOWN
        if kind is cst.ConcatenatedString:
            concatenated = cast(cst.ConcatenatedString, node)
            left, right = self.evaluate(concatenated.left, scope), self.evaluate(concatenated.right, scope)
            if isinstance(left, StrVal) and isinstance(right, StrVal):
                return left + right
            return UNKNOWN
        if kind is cst.FormattedString:
            return self.eval_fstring(cast(cst.FormattedString, node), scope)
        if kind is cst.Integer:
            try:
                return ConstVal(int(cast(cst.Integer, node).value.replace("_", ""), 0))
            except ValueError:
                return UNKNOWN
        if kind is cst.Float:
            return UNKNOWN
        if kind is cst.Name:
            return self.eval_name(cast(cst.Name, node).value, scope)
        if kind is cst.Attribute:
            return self.eval_attribute(cast(cst.Attribute, node), scope)
        if kind is cst.Subscript:
            return self.eval_subscript(cast(cst.Subscript, node), scope)
        if kind in (cst.List, cst.Tuple, cst.Set):
            items: List[Any] = []
            for element in cast("Union[cst.List, cst.Tuple, cst.Set]", node).elements:
                value = self.evaluate(element.value, scope)
                if isinstance(element, cst.StarredElement):
                    if isinstance(value, ListVal):
                        items.extend(value.items)
                    else:
                        items.append(UNKNOWN)
                else:
                    items.append(value)
                    self.remember_node(value, element.value)
            return ListVal(items)
        if kind is cst.Dict:
            pairs: List[Tuple[Any, Any]] = []
            for entry in cast(cst.Dict, node).elements:
                if isinstance(entry, cst.DictElement):
                    item = self.evaluate(entry.value, scope)
                    self.remember_node(item, entry.value)
                    pairs.append((self.evaluate(entry.key, scope), item))
                else:
                    value = self.evaluate(entry.value, scope)
                    if isinstance(value, DictVal):
                        pairs.extend(value.items)
                    else:
                        pairs.append((UNKNOWN, UNKNOWN))
            return DictVal(pairs)
        if kind is cst.BinaryOperation:
            return self.eval_binary(cast(cst.BinaryOperation, node), scope)
        if kind is cst.Call:
            return UNKNOWN if self.pure else self.eval_call(cast(cst.Call, node), scope, statement)
        if kind in (cst.ListComp, cst.SetComp, cst.GeneratorExp):
            return self.eval_comprehension(node, scope)
        if kind is cst.DictComp:
            self.eval_comprehension(node, scope)
            return UNKNOWN
        if kind is cst.IfExp:
            if_exp = cast(cst.IfExp, node)
            self.evaluate(if_exp.test, scope)
            body, orelse = self.evaluate(if_exp.body, scope), self.evaluate(if_exp.orelse, scope)
            if same_value(body, orelse):
                return body
            either = None if self.pure else self.either_task(body, orelse)
            return either if either is not None else UNKNOWN
        if kind is cst.BooleanOperation:
            boolean = cast(cst.BooleanOperation, node)
            self.evaluate(boolean.left, scope)
            self.evaluate(boolean.right, scope)
            return UNKNOWN
        if kind is cst.NamedExpr:
            named = cast(cst.NamedExpr, node)
            value = self.evaluate(named.value, scope)
            self.assign(named.target, value, scope)
            return value
        if kind is cst.UnaryOperation:
            unary = cast(cst.UnaryOperation, node)
            operand = self.evaluate(unary.expression, scope)
            if isinstance(unary.operator, cst.Minus) and isinstance(operand, ConstVal) and isinstance(operand.value, int):
                return ConstVal(-operand.value)
            if isinstance(unary.operator, cst.Not) and truth(operand) is not None:
                return ConstVal(not truth(operand))
            return UNKNOWN
        if kind is cst.Comparison:
            return self.eval_comparison(cast(cst.Comparison, node), scope)
        if kind is cst.Await:
            return self.evaluate(cast(cst.Await, node).expression, scope)
        if kind is cst.Lambda:
            return LambdaVal(FunctionVal(cast(cst.Lambda, node), scope))
        return UNKNOWN

    def eval_comparison(self, node: cst.Comparison, scope: Scope) -> Any:
        """``name == "adhoc"``, ``mode != "dry"``: known when both sides are known
        strings or constants; nothing else is worked out (nor evaluated, as before)."""
        if len(node.comparisons) != 1 or not isinstance(node.comparisons[0].operator, (cst.Equal, cst.NotEqual)):
            return UNKNOWN
        written = (node.left, node.comparisons[0].comparator)
        if not all(isinstance(side, _COMPARED) for side in written):
            return UNKNOWN  # a call or an index: not worth the steps (test files compare thousands of those)
        sides = [self.pure_evaluate(side, scope) for side in written]
        plain = [side.text if isinstance(side, StrVal) and side.known else
                 side.value if isinstance(side, ConstVal) else UNKNOWN for side in sides]
        if any(value is UNKNOWN for value in plain):
            return UNKNOWN
        equal = type(plain[0]) is type(plain[1]) and plain[0] == plain[1]
        return ConstVal(equal if isinstance(node.comparisons[0].operator, cst.Equal) else not equal)

    def eval_name(self, name: str, scope: Scope) -> Any:
        if name in ("True", "False", "None"):
            return ConstVal({"True": True, "False": False, "None": None}[name])
        value = scope.lookup(name)
        if value is not None:
            if isinstance(value, FunctionVal):
                self.used_functions.add(value.node)
            elif isinstance(value, (TaskFlowVal, TaskGroupFuncVal)):
                self.used_functions.add(value.function.node)
            return value
        qualified = self.context_of(scope).imports.names.get(name)
        if qualified is not None:
            return self.imported_value(qualified, scope)
        if name == "__file__" and self.file_name and not self.is_foreign(scope):
            return FilePathVal(self.file_name)
        return UNKNOWN

    def eval_fstring(self, node: cst.FormattedString, scope: Scope) -> StrVal:
        is_raw = "r" in node.prefix.lower()
        result = StrVal("", ())
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                result = result + fstring_text_value(part, is_raw)
            else:
                hole = cast(cst.FormattedStringExpression, part)  # the only other kind of part
                value = self.evaluate(hole.expression, scope)
                if isinstance(value, XComArgRef):
                    result = result + xcomarg_string(value, "f-string", hole)
                    continue
                text = format_value(value) if hole.conversion is None and hole.format_spec is None else None
                result = result + (StrVal(text, ()) if text is not None else unknown_str())
        return result

    def eval_attribute(self, node: cst.Attribute, scope: Scope) -> Any:
        base = self.evaluate(node.value, scope)
        attr = node.attr.value
        if isinstance(base, TaskRef):
            if attr == "output":
                return XComArgRef(base.task, RETURN_KEY, node)
            if attr == "task_id":
                return StrVal(base.task.task_id) if isinstance(base.task.task_id, str) else UNKNOWN
            return BoundMethod(base, attr)
        if isinstance(base, XComArgRef) and attr == "operator":
            return TaskRef(base.task)
        if isinstance(base, DagRef) and attr == "tasks":
            return ListVal([TaskRef(t) for t in base.dag.tasks])
        if isinstance(base, GroupRef) and attr == "group_id":
            # TaskGroup.group_id: the full id, with the parent groups' prefixes
            full = base.group.full_id
            return StrVal(full) if isinstance(full, str) else UNKNOWN
        if isinstance(base, InstanceVal):
            value = self.instance_attribute(base, attr, node)
            return value if value is not None else UNKNOWN
        if isinstance(base, ModuleVal):
            found = self.attribute_of_module(base, attr)
            return found if found is not None and found is not UNKNOWN else ImportedVal(f"{base.ref.name}.{attr}")
        if isinstance(base, ImportedVal):
            if attr == "partial":
                return BoundMethod(base, attr)
            if attr == "template_fields":
                fields = inherited_template_fields(base)
                return ListVal([StrVal(f) for f in sorted(fields)]) if fields is not None else UNKNOWN
            return ImportedVal(f"{base.qualified}.{attr}")
        if isinstance(base, ClassVal):
            found = base.attribute(attr)
            return found if found is not None else BoundMethod(base, attr)
        if isinstance(base, (TaskFlowVal, PartialVal)):
            return BoundMethod(base, attr)
        if isinstance(base, (TaskRef, XComArgRef, CombinedXComArg, GroupRef, ListVal, DictVal, StrVal, TaskGroupFuncVal,
                             DagRef)):
            return BoundMethod(base, attr)
        if isinstance(base, DagFuncVal):
            return BoundMethod(base, attr)
        if isinstance(base, EnumMemberVal):
            if attr == "value":
                return base.value
            return StrVal(base.name) if attr == "name" else UNKNOWN
        if isinstance(base, FilePathVal):
            value = file_path_attribute(base, attr)
            return BoundMethod(base, attr) if value is UNKNOWN else value
        return UNKNOWN

    def eval_subscript(self, node: cst.Subscript, scope: Scope) -> Any:
        base = self.evaluate(node.value, scope)
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return UNKNOWN
        index = self.evaluate(node.slice[0].slice.value, scope)
        if isinstance(base, XComArgRef):
            key = index.text if isinstance(index, StrVal) and index.known else UNKNOWN
            return XComArgRef(base.task, key, node)
        if isinstance(base, ListVal) and isinstance(index, ConstVal) and isinstance(index.value, int):
            try:
                return base.items[index.value]
            except IndexError:
                return UNKNOWN
        if isinstance(base, DictVal) and isinstance(index, StrVal) and index.known:
            return base.get(index.text)
        return UNKNOWN

    def eval_binary(self, node: cst.BinaryOperation, scope: Scope) -> Any:
        left = self.evaluate(node.left, scope)
        right = self.evaluate(node.right, scope)
        if self.pure:
            pass
        elif isinstance(node.operator, (cst.RightShift, cst.LeftShift)) and (
                isinstance(left, InstanceVal) or isinstance(right, InstanceVal)):
            return self.shift_instances(node, left, right)
        elif isinstance(node.operator, cst.RightShift):
            self.depend(left, right)
            return right
        elif isinstance(node.operator, cst.LeftShift):
            self.depend(right, left)
            return right
        if isinstance(node.operator, cst.Add):
            if isinstance(left, StrVal) and isinstance(right, StrVal):
                return left + right
            if isinstance(left, ListVal) and isinstance(right, ListVal):
                return ListVal(left.items + right.items)
        if isinstance(node.operator, cst.Modulo) and isinstance(left, StrVal):
            if isinstance(right, ListVal):
                right = ListVal([self.formatted(v, node) for v in right.items])
            elif isinstance(right, DictVal):
                right = DictVal([(k, self.formatted(v, node)) for k, v in right.items])
            else:
                right = self.formatted(right, node)
            return percent_format(left, right)
        return UNKNOWN

    def shift_instances(self, node: cst.BinaryOperation, left: Any, right: Any) -> Any:
        """``a >> b`` with a wrapper on either side: its ``__rshift__`` (or the
        right side's ``__rrshift__``; ``<<`` likewise), as Python runs them."""
        name, reflected = ("__rshift__", "__rrshift__") if isinstance(node.operator, cst.RightShift) \
            else ("__lshift__", "__rlshift__")
        if isinstance(left, InstanceVal):
            result = self.call_instance_method(left, name, node, [right], {})
            if result is not None:
                return result
        if isinstance(right, InstanceVal):
            result = self.call_instance_method(right, reflected, node, [left], {})
            if result is not None:
                return result
        # a wrapper without the operator: the model cannot tell what it wires
        self.lose_edges()
        return right

    def formatted(self, value: Any, call: cst.CSTNode) -> Any:
        """An XComArg formatted into a string becomes the Jinja text Airflow
        writes for it, remembered as a misuse at the argument that passed it."""
        if isinstance(value, XComArgRef):
            return xcomarg_string(value, "format", self.node_of(value) or call)
        return value

    def eval_comprehension(self, node: Any, scope: Scope) -> Any:
        """``[Op(task_id=f"t_{x}") for x in [...]]``: unrolled over a literal list."""
        inner = Scope(scope)
        clause = node.for_in
        iterable = self.evaluate(clause.iter, scope)
        element = node.key if isinstance(node, cst.DictComp) else node.elt
        simple = clause.inner_for_in is None and not clause.ifs
        if simple and isinstance(iterable, ListVal) and len(iterable.items) <= MAX_UNROLL:
            items = []
            for item in iterable.items:
                self.assign(clause.target, item, inner)
                items.append(self.evaluate(element, inner))
            return ListVal(items)
        self.assign(clause.target, UNKNOWN, inner)
        for_in: Optional[cst.CompFor] = clause
        while for_in is not None:
            self.assign(for_in.target, UNKNOWN, inner)
            for_in = for_in.inner_for_in
        created_before = sum(len(d.tasks) for d in self.dags)
        value = self.evaluate(element, inner)
        if sum(len(d.tasks) for d in self.dags) != created_before:
            # the tasks made for unknown items: one, of unknown id, stands for all
            return ListVal([value])
        return UNKNOWN

    # -------------------------------------------------------------------- calls
    def eval_call(self, node: cst.Call, scope: Scope, statement: bool = False) -> Any:
        callee = self.evaluate(node.func, scope)
        args, kwargs = self.eval_args(node, scope)
        return self.call(callee, node, args, kwargs, scope, statement)

    def eval_args(self, node: cst.Call, scope: Scope) -> Tuple[List[Any], Dict[str, Any]]:
        args: List[Any] = []
        kwargs: Dict[str, Any] = {}
        for arg in node.args:
            value = self.evaluate(arg.value, scope)
            if arg.star == "*":
                if isinstance(value, ListVal):
                    args.extend(value.items)
                else:
                    args.append(Star(value))
            elif arg.star == "**":
                if isinstance(value, DictVal) and all(isinstance(k, StrVal) and k.known for k, _ in value.items):
                    kwargs.update({k.text: v for k, v in value.items})
                else:
                    kwargs["**"] = Star(value)
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
                self.remember_node(value, arg.value)
            else:
                args.append(value)
                self.remember_node(value, arg.value)
        return args, kwargs

    def call(self, callee: Any, node: cst.Call, args: List[Any], kwargs: Dict[str, Any], scope: Scope, statement: bool) -> Any:
        if isinstance(callee, BoundMethod):
            return self.call_method(callee, node, args, kwargs, scope, statement)
        if isinstance(callee, TaskFlowVal):
            return self.create_taskflow_task(callee, node, args, kwargs)
        if isinstance(callee, TaskGroupFuncVal):
            return self.call_task_group(callee, node, args, kwargs)
        if isinstance(callee, DagFuncVal):
            return DagRef(self.build_dag_function(callee, node))
        if isinstance(callee, FunctionVal):
            return self.inline(callee, args, kwargs, node)
        if isinstance(callee, ClassVal):
            if "task_id" in kwargs or self.is_operator_class(callee):
                return self.create_classic_task(callee.name, node, args, kwargs, local_class=callee)
            if callee.enum is not None:
                return UNKNOWN  # ``Tasks("extract")``: a member looked up at runtime
            return self.instantiate(callee, node, args, kwargs)
        if isinstance(callee, ImportedVal):
            return self.call_imported(callee.qualified, node, args, kwargs, statement)
        if callee is UNKNOWN and "task_id" in kwargs:
            return self.create_classic_task(dotted_name(node.func) or "?", node, args, kwargs)
        if callee is UNKNOWN and isinstance(node.func, cst.Name) and node.func.value in _PURE_BUILTINS:
            if node.func.value == "str" and len(args) == 1 and isinstance(args[0], XComArgRef):
                return xcomarg_string(args[0], "str()", node)
            if node.func.value == "dict":
                # dict(key=value): the values may be XComArgs that Airflow resolves
                base = args[0] if len(args) == 1 and isinstance(args[0], DictVal) else DictVal([])
                if len(args) > 1 or (args and not isinstance(args[0], DictVal)) or "**" in kwargs:
                    return self.opaque(args, kwargs, False, node=node) if touches_graph(args, kwargs) else UNKNOWN
                return DictVal(list(base.items) + [(StrVal(k), v) for k, v in kwargs.items()])
            return call_builtin(node.func.value, args)
        if touches_graph(args, kwargs):
            return self.opaque(args, kwargs, creates_tasks=False, node=node)
        return UNKNOWN

    def call_imported(self, qualified: str, node: cst.Call, args: List[Any], kwargs: Dict[str, Any], statement: bool) -> Any:
        name = kb.airflow_name(qualified)
        if name in kb.DAG_CLASSES:
            return DagRef(self.create_dag(node, args, kwargs))
        if name in kb.TASK_GROUP_CLASSES:
            return self.create_group(node, args, kwargs, suffix_on_collision=False)
        if name == kb.CHAIN:
            self.chain(args, linear=False)
            return ConstVal(None)
        if name == kb.CHAIN_LINEAR:
            self.chain(args, linear=True)
            return ConstVal(None)
        if name == kb.CROSS_DOWNSTREAM:
            if len(args) == 2:
                self.depend(args[0], args[1])
            else:
                self.lose_edges()
            return ConstVal(None)
        if name == "Label":
            return LabelVal([])
        if name in kb.XCOMARG_CLASSES:
            producer = args[0] if args else kwargs.get("operator", UNKNOWN)
            key = kwargs.get("key", args[1] if len(args) > 1 else StrVal(RETURN_KEY))
            if isinstance(producer, TaskRef):
                return XComArgRef(producer.task, key.text if isinstance(key, StrVal) and key.known else UNKNOWN, node)
            return UNKNOWN
        if name in kb.TASK_DECORATORS and args and isinstance(args[0], FunctionVal):
            return TaskFlowVal(args[0], "python", dict(kwargs))
        if name is not None and (kb.operator_info(qualified) is not None or "task_id" in kwargs):
            return self.create_classic_task(name, node, args, kwargs, qualified=qualified)
        if "task_id" in kwargs:
            return self.create_classic_task(qualified.rsplit(".", 1)[-1], node, args, kwargs)
        if qualified == "typing.cast" and len(args) == 2:
            return args[1]
        if qualified in PATH_FUNCTIONS:
            return path_function(qualified, args)
        if qualified == "json.dumps":
            return json_dumps(args, kwargs)
        known = known_call(qualified)
        if known is not None:
            return self.known_call(known, node, args, kwargs)
        root = qualified.split(".")[0]
        if root in _PURE_MODULES:
            return UNKNOWN
        # what the imported function returns may be a DAG or tasks, and a bare call
        # to it inside a DAG may be a factory that adds tasks
        return self.opaque(args, kwargs, creates_tasks=statement and self.current_dag is not None, node=node)

    def known_call(self, effect: str, node: cst.Call, args: List[Any], kwargs: Dict[str, Any]) -> Any:
        """A function of Airflow's test utilities (see ``known_calls``)."""
        if effect != WATCHER:
            return UNKNOWN
        dag, group = self.place({})
        if dag is None:
            return UNKNOWN
        core = unique_task_id(dag, group, "watcher")
        task = TaskState(group.child_id(core) if group is not None else core, "@task", node, dag, callable_name="watcher")
        self.register(task, group)
        return XComArgRef(task, RETURN_KEY, node)

    def call_method(self, method: "BoundMethod", node: cst.Call, args: List[Any], kwargs: Dict[str, Any], scope: Scope, statement: bool) -> Any:
        owner, name = method.owner, method.name
        if isinstance(owner, InstanceVal):
            result = self.call_instance_method(owner, name, node, args, kwargs)
            if result is not None:
                return result
            if touches_graph(args, kwargs):
                return self.opaque([owner] + list(args), kwargs, creates_tasks=False, node=node)
            return UNKNOWN
        if name in ("set_downstream", "set_upstream") and args:
            if name == "set_downstream":
                self.depend(owner, args[0])
            else:
                self.depend(args[0], owner)
            return ConstVal(None)
        if isinstance(owner, TaskFlowVal):
            if name == "override":
                options = dict(owner.options)
                options.update(kwargs)
                return TaskFlowVal(owner.function, owner.flavour, options)
            if name == "partial":
                return PartialVal(owner, node, kwargs, self.entry_stack[0] if self.entry_stack else None)
            if name in ("expand", "expand_kwargs"):
                return self.create_taskflow_task(owner, node, [], kwargs, mapped=True, expand_input=_expand_input(name, args))
        if isinstance(owner, PartialVal) and name in ("expand", "expand_kwargs"):
            merged = dict(owner.kwargs)
            merged.update(kwargs)
            expand_input = _expand_input(name, args)
            if isinstance(owner.target, TaskFlowVal):
                return self.create_taskflow_task(owner.target, owner.call, [], merged, mapped=True,
                                                 expand_input=expand_input)
            # what .expand() maps is resolved by Airflow whether or not the operator templates it
            return self.call_partial_operator(owner, merged, frozenset(kwargs), expand_input, node)
        if isinstance(owner, ClassVal) and name == "partial":
            return PartialVal(owner, node, kwargs, self.entry_stack[0] if self.entry_stack else None)
        if isinstance(owner, ImportedVal) and name == "partial":
            return PartialVal(owner, node, kwargs, self.entry_stack[0] if self.entry_stack else None)
        if isinstance(owner, TaskGroupFuncVal):
            if name == "override":
                options = dict(owner.options)
                options.update(kwargs)
                return TaskGroupFuncVal(owner.function, options)
            if name in ("expand", "expand_kwargs", "partial"):
                expand_input = _expand_input(name, args)
                if expand_input is not None:
                    # each mapped group gets one of its dicts: every parameter is read from it
                    kwargs = {name: expand_input for name in self.summary(owner.function).params}
                return self.call_task_group(owner, node, [], kwargs)
        if isinstance(owner, DictVal):
            if name == "get" and args and len(args) <= 2:
                return dict_get(owner, args[0], args[1] if len(args) == 2 else ConstVal(None))
            if name in IN_PLACE_METHODS:
                owner.items.append((UNKNOWN, UNKNOWN))  # changed in a way not followed: keys unknown
        if isinstance(owner, ListVal):
            if name == "append" and args:
                owner.items.append(args[0])
                return ConstVal(None)
            if name == "extend" and args:
                owner.items.extend(args[0].items if isinstance(args[0], ListVal) else [UNKNOWN])
                return ConstVal(None)
        if isinstance(owner, StrVal) and name == "format":
            return format_call(owner, [self.formatted(v, node) for v in args],
                               {k: self.formatted(v, node) for k, v in kwargs.items()})
        if isinstance(owner, StrVal) and owner.known:
            return string_method(owner.text, name, args, kwargs)
        if isinstance(owner, FilePathVal) and name in ("resolve", "absolute"):
            return owner
        if isinstance(owner, FilePathVal) and name in ("split", "rsplit") and [id_text(a) for a in args] == ["/"]:
            return ListVal([UNKNOWN, StrVal(owner.name)])  # the directories, then the file name
        if isinstance(owner, (TaskRef, XComArgRef)):
            if name == "as_setup":
                return owner
            if name == "as_teardown":
                setups = kwargs.get("setups", args[0] if args else None)
                if setups is not None:
                    self.depend(setups, owner)
                return owner
        if isinstance(owner, (XComArgRef, CombinedXComArg)) and name in ("map", "zip", "concat"):
            # Airflow's MapXComArg, ZipXComArg, ConcatXComArg: resolved from each source
            sources = list(owner.sources) if isinstance(owner, CombinedXComArg) else [owner]
            for other in args if name != "map" else []:
                if isinstance(other, XComArgRef):
                    sources.append(other)
                elif isinstance(other, CombinedXComArg):
                    sources.extend(other.sources)
                else:
                    return self.opaque([owner] + list(args), kwargs, creates_tasks=False, node=node)
            return CombinedXComArg(tuple(sources), node)
        if isinstance(owner, (DagRef, GroupRef)) and name in ("add_task", "add_tasks", "add"):
            return self.add_tasks_by_hand(owner, args)
        if isinstance(owner, DagRef) and name == "get_task" and len(args) == 1:
            task_id = id_text(args[0])
            found = next((t for t in owner.dag.tasks if t.task_id == task_id), None) if isinstance(task_id, str) else None
            return TaskRef(found) if found is not None else self.opaque([owner], {}, False, node=node)
        if isinstance(owner, DagRef) and name == "set_dependency" and len(args) == 2:
            ends = [next((t for t in owner.dag.tasks if t.task_id == id_text(a)), None) for a in args]
            if ends[0] is not None and ends[1] is not None:
                self.add_edge(ends[0], ends[1], ">>")
            else:
                self.lose_edges(owner.dag)
            return ConstVal(None)
        if isinstance(owner, GroupRef) and name == "child_id" and len(args) == 1:
            child = child_task_id(owner.group, args[0])
            return StrVal(child) if isinstance(child, str) else UNKNOWN
        if touches_graph(args, kwargs):
            return self.opaque([owner] + list(args), kwargs, creates_tasks=False, node=node)
        return UNKNOWN

    def add_tasks_by_hand(self, owner: Any, args: List[Any]) -> Any:
        """``dag.add_task(t)``, ``group.add(t)``: a known task joins; anything else may be any task."""
        items = args[0].items if len(args) == 1 and isinstance(args[0], ListVal) else list(args)
        dag = owner.dag if isinstance(owner, DagRef) else self.current_dag
        for item in items:
            if isinstance(item, TaskRef) and dag is not None and item.task.dag is None:
                self.adopt(item.task, dag)
            elif not isinstance(item, TaskRef):
                return self.opaque([owner], {}, creates_tasks=True)
        return ConstVal(None)

    def call_partial_operator(self, partial: PartialVal, kwargs: Dict[str, Any], mapped: FrozenSet[str],
                              expand_input: Any, call: Optional[cst.CSTNode] = None) -> Any:
        """``Op.partial(...).expand(...)``: ``mapped`` names the expanded arguments,
        ``expand_input`` is what ``.expand_kwargs()`` was given (``call``: the
        ``.expand()`` call, where the linted file makes a partial of another module a task)."""
        target = partial.target
        if isinstance(target, ClassVal):
            made = self.create_classic_task(target.name, partial.call, [], kwargs, local_class=target, mapped=True,
                                            resolved=mapped, expand_input=expand_input)
        elif isinstance(target, ImportedVal):
            name = target.qualified.rsplit(".", 1)[-1]
            made = self.create_classic_task(name, partial.call, [], kwargs, qualified=target.qualified, mapped=True,
                                            resolved=mapped, expand_input=expand_input)
        else:
            return UNKNOWN
        if isinstance(made, TaskRef) and made.task.entry is None:
            made.task.entry = partial.entry or (call if partial.entry is None and not self.entry_stack else None)
        return made

    def inline(self, function: FunctionVal, args: List[Any], kwargs: Dict[str, Any],
               call: Optional[cst.CSTNode] = None) -> Any:
        """Run a helper function's body with its arguments bound (``call``: the
        call that runs it, where foreign code is entered from the linted file)."""
        node = function.node
        if len(self.inline_stack) >= MAX_INLINE_DEPTH or node in self.inline_stack:
            if touches_graph(args, kwargs) or self.current_dag is not None:
                return self.opaque(args, kwargs, creates_tasks=True)
            return UNKNOWN
        scope = Scope(function.scope)
        self.bind_params(node, scope, args, kwargs, function.scope)
        self.hoist_definitions(_suite_statements(node.body), scope)
        entered = self.entering(function.scope, call)
        self.inline_stack.append(node)
        self.return_frames.append([])
        try:
            self.exec_suite(node.body, scope)
        finally:
            self.inline_stack.pop()
            returned = self.return_frames.pop()
            if entered:
                self.entry_stack.pop()
        if not returned:
            return ConstVal(None)
        return returned[0] if len(returned) == 1 else UNKNOWN

    def bind_params(self, node: Union[cst.FunctionDef, cst.Lambda], scope: Scope, args: List[Any], kwargs: Dict[str, Any], defaults_scope: Scope) -> None:
        params = list(node.params.posonly_params) + list(node.params.params)
        positional = list(args)
        for param in params:
            name = param.name.value
            if positional:
                value = positional.pop(0)
            elif name in kwargs:
                value = kwargs[name]
            elif param.default is not None:
                value = self.evaluate(param.default, defaults_scope)
            else:
                value = UNKNOWN
            scope.bind(name, UNKNOWN if isinstance(value, Star) else value)
        for param in node.params.kwonly_params:
            name = param.name.value
            if name in kwargs:
                scope.bind(name, kwargs[name])
            elif param.default is not None:
                scope.bind(name, self.evaluate(param.default, defaults_scope))
            else:
                scope.bind(name, UNKNOWN)
        if isinstance(node.params.star_arg, cst.Param):
            scope.bind(node.params.star_arg.name.value, UNKNOWN)
        if isinstance(node.params.star_kwarg, cst.Param):
            # ``**kwargs``: the keyword arguments no parameter took, when all are known
            named = {p.name.value for p in params} | {p.name.value for p in node.params.kwonly_params}
            extra = UNKNOWN if "**" in kwargs else DictVal(
                [(StrVal(key), value) for key, value in kwargs.items() if key not in named])
            scope.bind(node.params.star_kwarg.name.value, extra)

    # --------------------------------------------------------------------- DAGs
    def create_dag(self, node: cst.Call, args: List[Any], kwargs: Dict[str, Any]) -> DagState:
        dag_id = kwargs.get("dag_id", args[0] if args else UNKNOWN)
        dag = DagState(id_text(dag_id), node, entry=self.entry_stack[0] if self.entry_stack else None)
        if "default_args" in kwargs:
            dag.default_args = kwargs["default_args"]
        self.dags.append(dag)
        return dag

    def build_dag_function(self, dag_function: DagFuncVal, call_node: cst.CSTNode) -> DagState:
        if dag_function.built is not None:
            return dag_function.built
        function = dag_function.function
        # ``define_function`` makes DagFuncVals of ``def`` statements only
        assert isinstance(function.node, cst.FunctionDef)
        dag_id = dag_function.options.get("dag_id", StrVal(function.name))
        dag = DagState(id_text(dag_id), function.node.name)
        if "default_args" in dag_function.options:
            dag.default_args = dag_function.options["default_args"]
        dag_function.built = dag
        self.dags.append(dag)
        scope = Scope(function.scope)
        self.bind_params(function.node, scope, [], {}, function.scope)
        for name in list(scope.names):
            scope.bind(name, UNKNOWN)  # DAG params are runtime values
        self.hoist_definitions(_suite_statements(function.node.body), scope)
        saved_groups, self.group_stack = self.group_stack, []
        entered = self.entering(function.scope, call_node)
        self.dag_stack.append(dag)
        self.return_frames.append([])
        try:
            self.exec_suite(function.node.body, scope)
        finally:
            self.return_frames.pop()
            self.dag_stack.pop()
            self.group_stack = saved_groups
            if entered:
                self.entry_stack.pop()
        return dag

    # ------------------------------------------------------------------- groups
    def create_group(self, node: cst.CSTNode, args: List[Any], kwargs: Dict[str, Any], suffix_on_collision: bool) -> Any:
        own_value = kwargs.get("group_id", args[0] if args else UNKNOWN)
        parent_value = kwargs.get("parent_group")
        parent = parent_value.group if isinstance(parent_value, GroupRef) else self.current_group
        # the group's id prefixes its children's (``f"{group_id}.{label}"``), so
        # it is formatted whether or not a parent prefixes it
        own = formatted_id(own_value)
        dag_value = kwargs.get("dag")
        dag = dag_value.dag if isinstance(dag_value, DagRef) else self.current_dag
        prefix_value = kwargs.get("prefix_group_id", ConstVal(True))
        prefix = prefix_value.value if isinstance(prefix_value, ConstVal) else True
        full = parent.child_id(own) if parent is not None else own
        if suffix_on_collision and dag is not None and isinstance(full, str) and full in dag.group_ids:
            base = SUFFIX.split(full)[0]
            suffixes = [int(g.rsplit("__", 1)[1]) for g in dag.group_ids
                        if isinstance(g, str) and re.match(rf"^{re.escape(base)}__\d+$", g)]
            new_full = f"{base}__{max(suffixes) + 1 if suffixes else 1}"
            own = new_full.rsplit(".", 1)[-1] if isinstance(own, str) else own
            full = new_full
        group = GroupState(own, full, bool(prefix), node, parent=parent)
        if dag is not None:
            dag.group_ids.append(full)
            dag.groups.append(group)
        return GroupRef(group)

    def call_task_group(self, group_function: TaskGroupFuncVal, node: cst.CSTNode, args: List[Any], kwargs: Dict[str, Any]) -> Any:
        function = group_function.function
        options = dict(group_function.options)
        group_id = options.pop("group_id", StrVal(function.name))
        group_ref = self.create_group(node, [group_id], options, suffix_on_collision=True)
        self.group_stack.append(group_ref.group)
        try:
            result = self.inline(function, args, kwargs, node)
        finally:
            self.group_stack.pop()
        if isinstance(result, ConstVal) and result.value is None:
            return group_ref
        return result


def _makes_tasks(qualified: str) -> bool:
    """Whether calling what this dotted name imports makes a task, a TaskGroup
    or a DAG (an operator or sensor class, ``TaskGroup``, a TaskFlow decorator)."""
    last = kb.airflow_name(qualified) or ""
    if not last:
        return False
    parts = set(qualified.split(".")[1:])
    decorators = kb.DAG_DECORATORS | kb.TASK_DECORATORS | kb.TASK_GROUP_DECORATORS | kb.SETUP_TEARDOWN
    return (last in kb.TASK_GROUP_CLASSES or last in kb.DAG_CLASSES or last.endswith(("Operator", "Sensor"))
            or bool(parts & decorators))


def inherited_template_fields(base: Any) -> Optional[frozenset]:
    """The ``template_fields`` a class inherits from ``base``: a class of the
    file, or an operator the knowledge base knows; None when not known."""
    if isinstance(base, ClassVal):
        return base.template_fields
    if isinstance(base, ImportedVal):
        info = kb.operator_info(base.qualified)
        return info.template_fields if info is not None else None
    return None


def dict_get(mapping: DictVal, key: Any, default: Any) -> Any:
    """``mapping.get(key, default)``: the value, the default when every key is
    known and none is ``key``, else unknown."""
    if not (isinstance(key, StrVal) and key.known):
        return UNKNOWN
    if all(isinstance(found, StrVal) and found.known and found.text != key.text for found, _ in mapping.items):
        return default
    return mapping.get(key.text)


def _expand_input(method: str, args: List[Any]) -> Any:
    """What ``.expand_kwargs(value)`` maps over (``.expand()`` takes keywords only)."""
    return args[0] if method == "expand_kwargs" and len(args) == 1 else None


def _suite_statements(suite: Union[cst.BaseSuite, cst.BaseExpression]) -> Sequence[cst.CSTNode]:
    # a one-line suite holds no definition; a lambda's body is an expression
    return suite.body if isinstance(suite, cst.IndentedBlock) else []
