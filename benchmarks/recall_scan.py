"""An independent reading of a DAG file with Python's ``ast``, for the recall benchmark.

The benchmark injects bugs at sites found here, never through xcomlint's own
model, so that a blind spot of the model cannot hide the sites it is blind
to. The reading is deliberately plain: literal task ids, the operator calls
and ``@task`` functions of the file, the TaskGroups around them, the pulls in
their callables and templates, and (for files simple enough to see whole) the
dependency graph of their one DAG. Whatever it cannot read with certainty it
leaves out: a site is only offered when the bug injected there is decidable
from the file.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Set, Tuple, Union

# --------------------------------------------------------------------------- imports


def import_table(tree: ast.Module) -> Dict[str, str]:
    """Local name -> dotted origin (``module.Name`` or ``module``) of every import."""
    table: Dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                table[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    table[alias.asname] = alias.name
                else:
                    table[alias.name.split(".")[0]] = alias.name.split(".")[0]
    return table


def dotted(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def resolve(node: ast.AST, imports: Dict[str, str]) -> Optional[str]:
    """The imported origin of a name or attribute chain (``airflow.operators.empty.EmptyOperator``)."""
    text = dotted(node)
    if text is None:
        return None
    head, _, rest = text.partition(".")
    origin = imports.get(head)
    if origin is None:
        return None
    return f"{origin}.{rest}" if rest else origin


def str_value(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def keyword(call: ast.Call, name: str) -> Optional[ast.keyword]:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


def has_splat(call: ast.Call) -> bool:
    return any(kw.arg is None for kw in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args)


# --------------------------------------------------------------------------- records


@dataclass
class Task:
    task_id: str  # with the TaskGroup prefix
    local_id: str  # as written
    kind: str  # "operator" or "taskflow"
    node: ast.AST  # the operator call, or the @task function
    call: Optional[ast.Call]  # the call creating the task (operator call or TaskFlow call)
    operator: Optional[str] = None  # class name as written
    origin: Optional[str] = None  # resolved import origin of the class
    var: Optional[str] = None
    callable_name: Optional[str] = None  # python_callable=NAME or the @task function
    group: Optional[str] = None
    dag: Optional[int] = None  # id() of the DAG context node, None if unknown
    in_loop: bool = False
    flavour: Optional[str] = None  # @task.<flavour>
    # made at module level outside any DAG context and without ``dag=``: in no DAG at all
    dagless: bool = False


@dataclass
class Pull:
    call: Optional[ast.Call]  # Python pulls
    jinja: bool
    lines: Tuple[int, int]  # first and last line a finding at this pull may point at
    # the literal task ids: (value, absolute (start, end) offsets of the literal's text incl. quotes)
    task_ids: List[Tuple[str, Tuple[int, int]]]
    task_ids_is_list: bool
    task_ids_literal: bool  # every element literal (or no task_ids at all: empty list)
    has_task_ids: bool
    key: Optional[str]  # None: absent
    key_literal: bool
    key_span: Optional[Tuple[int, int]]
    has_dag_id: bool
    include_prior_dates: bool
    consumer: Optional[Task] = None
    function: Optional[ast.AST] = None  # the enclosing function of a Python pull
    # offsets of the text to delete to remove task_ids (with its comma)
    task_ids_deletion: Optional[Tuple[int, int]] = None
    line: int = 0  # the line of the pull itself (inside a template: the line in the string)
    span: Tuple[int, int] = (0, 0)  # offsets of the pull's text (inside a template: ``ti.xcom_pull(...)``)


@dataclass
class Group:
    group_id: str
    node: ast.AST


@dataclass
class FileScan:
    path: str
    source: str
    tree: ast.Module
    line_offsets: List[int]
    imports: Dict[str, str]
    tasks: List[Task] = field(default_factory=list)
    pulls: List[Pull] = field(default_factory=list)
    groups: List[Group] = field(default_factory=list)
    dag_count: int = 0
    dynamic_task_ids: bool = False
    strings: Set[str] = field(default_factory=set)
    functions: Dict[str, List[ast.AST]] = field(default_factory=dict)
    parents: Dict[int, ast.AST] = field(default_factory=dict)
    _statements: Optional[List[ast.stmt]] = None
    _by_id: Optional[Dict[str, List[Task]]] = None  # once the scan is complete
    _graph: object = False  # not computed yet

    # -- positions
    def offset(self, line: int, col: int) -> int:
        """Absolute offset in ``source`` of an ast (line, UTF-8 byte column)."""
        start = self.line_offsets[line - 1]
        text = self.source[start:start + col + 1]
        # columns are in UTF-8 bytes: walk until that many bytes are covered
        if text.isascii():
            return start + col
        line_end = self.line_offsets[line] if line < len(self.line_offsets) else len(self.source)
        raw = self.source[start:line_end].encode("utf-8")[:col]
        return start + len(raw.decode("utf-8", "ignore"))

    def span(self, node: ast.AST) -> Tuple[int, int]:
        return (self.offset(node.lineno, node.col_offset), self.offset(node.end_lineno, node.end_col_offset))

    def line_of(self, offset: int) -> int:
        import bisect

        return bisect.bisect_right(self.line_offsets, offset)

    # -- queries
    def tasks_by_id(self) -> Dict[str, List[Task]]:
        if self._by_id is None:
            self._by_id = {}
            for task in self.tasks:
                self._by_id.setdefault(task.task_id, []).append(task)
        return self._by_id

    def task(self, task_id: str) -> Optional[Task]:
        """The one task with this id (None when none or several)."""
        found = self.tasks_by_id().get(task_id, [])
        return found[0] if len(found) == 1 else None

    def same_dag(self, a: Task, b: Task) -> bool:
        if a.dagless or b.dagless:
            return False
        if self.dag_count == 1:
            return True
        return a.dag is not None and a.dag == b.dag

    def statements(self) -> List[ast.stmt]:
        if self._statements is None:
            self._statements = [n for n in ast.walk(self.tree) if isinstance(n, ast.stmt)]
        return self._statements

    def graph(self) -> Optional["Graph"]:
        if self._graph is False:
            self._graph = simple_graph(self)
        return self._graph  # type: ignore[return-value]

    def enclosing_function(self, node: ast.AST) -> Optional[ast.AST]:
        current = self.parents.get(id(node))
        while current is not None:
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return current
            current = self.parents.get(id(current))
        return None


# --------------------------------------------------------------------------- scanning

TASK_DECORATOR_ORIGINS = ("airflow.decorators.task", "airflow.sdk.task")
TASK_GROUP_ORIGINS = ("airflow.decorators.task_group", "airflow.sdk.task_group")
DAG_DECORATOR_ORIGINS = ("airflow.decorators.dag", "airflow.sdk.dag", "airflow.models.dag.dag")
# methods that take a task_id= argument without creating a task
NOT_TASK_METHODS = ("xcom_pull", "xcom_push", "get_task", "get_task_instance", "get_flat_relative_ids", "has_task")
LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _decorator_root(decorator: ast.AST) -> Tuple[ast.AST, Optional[ast.Call]]:
    """``@task.bash(...)`` -> (``task.bash``, the call)."""
    if isinstance(decorator, ast.Call):
        return decorator.func, decorator
    return decorator, None


def task_decorator(func: ast.AST, imports: Dict[str, str]) -> Optional[Tuple[str, Optional[ast.Call]]]:
    """(flavour, decorator call) when ``func`` is a ``@task`` function."""
    for decorator in getattr(func, "decorator_list", []):
        root, call = _decorator_root(decorator)
        text = dotted(root)
        if text is None:
            continue
        head, _, flavour = text.partition(".")
        origin = imports.get(head)
        if origin in TASK_DECORATOR_ORIGINS:
            return flavour or "python", call
        if origin in ("airflow.decorators", "airflow.sdk") and flavour.startswith("task"):
            rest = flavour[len("task"):].lstrip(".")
            if flavour == "task" or flavour.startswith("task."):
                return rest or "python", call
    return None


def _decorated_with(func: ast.AST, imports: Dict[str, str], origins: Iterable[str]) -> Optional[Tuple[ast.AST, Optional[ast.Call]]]:
    for decorator in getattr(func, "decorator_list", []):
        root, call = _decorator_root(decorator)
        origin = resolve(root, imports)
        if origin in origins:
            return root, call
    return None


def is_dag_constructor(call: ast.Call, imports: Dict[str, str]) -> bool:
    origin = resolve(call.func, imports)
    if origin is not None:
        return origin.split(".")[-1] == "DAG" and origin.startswith("airflow")
    return False


def is_task_group_constructor(call: ast.Call, imports: Dict[str, str]) -> bool:
    origin = resolve(call.func, imports)
    return origin is not None and origin.startswith("airflow") and origin.split(".")[-1] == "TaskGroup"


def _group_id(call: ast.Call) -> Optional[str]:
    kw = keyword(call, "group_id")
    if kw is not None:
        return str_value(kw.value)
    if call.args:
        return str_value(call.args[0])
    return None


def _prefix_off(call: Optional[ast.Call]) -> bool:
    if call is None:
        return False
    kw = keyword(call, "prefix_group_id")
    return kw is not None and isinstance(kw.value, ast.Constant) and kw.value.value is False


class _Scanner(ast.NodeVisitor):
    """One pass over the module, tracking DAG, TaskGroup and loop contexts."""

    def __init__(self, scan: FileScan):
        self.scan = scan
        self.imports = scan.imports
        self.dag_stack: List[Optional[int]] = []
        self.group_stack: List[Optional[str]] = []  # None: a group without prefix
        self.loop_depth = 0
        self.dag_vars: Dict[str, int] = {}
        self.taskflow: Dict[str, Tuple[ast.AST, str, Optional[ast.Call]]] = {}
        self.taskflow_calls: Dict[str, int] = {}
        self.task_groups_fns: Dict[str, Tuple[str, bool]] = {}
        self.by_call: Dict[int, Task] = {}

    def add(self, task: Task) -> None:
        self.scan.tasks.append(task)
        if task.call is not None:
            self.by_call[id(task.call)] = task

    # contexts ------------------------------------------------------------
    def group_prefix(self) -> Optional[str]:
        parts = [g for g in self.group_stack if g]
        return ".".join(parts) if parts else None

    def current_dag(self) -> Optional[int]:
        for dag in reversed(self.dag_stack):
            if dag is not None:
                return dag
        return None

    def visit_With(self, node: ast.With) -> None:
        pushed_dag = pushed_group = 0
        for item in node.items:
            expr = item.context_expr
            if isinstance(expr, ast.Call) and is_dag_constructor(expr, self.imports):
                self.scan.dag_count += 1
                self.dag_stack.append(id(expr))
                pushed_dag += 1
                if isinstance(item.optional_vars, ast.Name):
                    self.dag_vars[item.optional_vars.id] = id(expr)
                for arg in list(expr.args) + [kw.value for kw in expr.keywords]:
                    self.visit(arg)
            elif isinstance(expr, ast.Call) and is_task_group_constructor(expr, self.imports):
                gid = _group_id(expr)
                if gid is None:
                    self.scan.dynamic_task_ids = True
                self.scan.groups.append(Group(gid or "", expr))
                self.group_stack.append(None if _prefix_off(expr) else (gid or "?"))
                pushed_group += 1
                for arg in list(expr.args) + [kw.value for kw in expr.keywords]:
                    self.visit(arg)
            elif isinstance(expr, ast.Name) and expr.id in self.dag_vars:
                self.dag_stack.append(self.dag_vars[expr.id])
                pushed_dag += 1
            else:
                self.visit(expr)
        for statement in node.body:
            self.visit(statement)
        del self.dag_stack[len(self.dag_stack) - pushed_dag:]
        del self.group_stack[len(self.group_stack) - pushed_group:]

    def _loop(self, node: ast.AST) -> None:
        self.loop_depth += 1
        self.generic_visit(node)
        self.loop_depth -= 1

    visit_For = visit_AsyncFor = visit_While = _loop
    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _loop

    def visit_Assign(self, node: ast.Assign) -> None:
        value = node.value
        if isinstance(value, ast.Call) and is_dag_constructor(value, self.imports):
            self.scan.dag_count += 1
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.dag_vars[target.id] = id(value)
        self.generic_visit(node)
        # name the tasks this statement created
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            for call in (value, _inner_call(value)):
                task = self.by_call.get(id(call)) if call is not None else None
                if task is not None:
                    task.var = node.targets[0].id

    def _function(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> None:
        self.scan.functions.setdefault(node.name, []).append(node)
        for decorator in node.decorator_list:
            self.visit(decorator)
        flavour = task_decorator(node, self.imports)
        if flavour is not None:
            self.taskflow[node.name] = (node, flavour[0], flavour[1])
        dag_deco = _decorated_with(node, self.imports, DAG_DECORATOR_ORIGINS)
        group_deco = _decorated_with(node, self.imports, TASK_GROUP_ORIGINS)
        if dag_deco is not None:
            self.scan.dag_count += 1
            self.dag_stack.append(id(node))
        if group_deco is not None:
            call = group_deco[1]
            gid = (str_value(keyword(call, "group_id").value) if call is not None and keyword(call, "group_id")
                   else (str_value(call.args[0]) if call is not None and call.args else node.name))
            self.scan.groups.append(Group(gid or node.name, node))
            self.group_stack.append(None if _prefix_off(call) else (gid or node.name))
        for statement in node.body:
            self.visit(statement)
        if dag_deco is not None:
            self.dag_stack.pop()
        if group_deco is not None:
            self.group_stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        task_id_kw = keyword(node, "task_id")
        func = node.func
        # Operator.partial(task_id=...) and TaskFlow .override(task_id=...)
        if isinstance(func, ast.Attribute) and func.attr == "override":
            return  # handled with the call of the override's result
        if isinstance(func, ast.Call) and isinstance(func.func, ast.Attribute) and func.func.attr == "override":
            inner = func
            name = dotted(inner.func.value)
            if name in self.taskflow:
                kw = keyword(inner, "task_id")
                local = str_value(kw.value) if kw is not None else None
                self._taskflow_task(name, node, local)
            return
        if isinstance(func, ast.Name) and func.id in self.taskflow:
            self._taskflow_task(func.id, node, None)
            return
        if isinstance(func, ast.Attribute) and func.attr in ("expand", "expand_kwargs") and isinstance(func.value, ast.Call):
            return  # the .partial() call inside made the task
        if task_id_kw is None or (isinstance(func, ast.Attribute) and func.attr in NOT_TASK_METHODS):
            return
        local = str_value(task_id_kw.value)
        if local is None:
            self.scan.dynamic_task_ids = True
            return
        op_node = func.value if isinstance(func, ast.Attribute) and func.attr == "partial" else func
        name = dotted(op_node)
        operator = name.split(".")[-1] if name else None
        origin = resolve(op_node, self.imports)
        callable_kw = keyword(node, "python_callable")
        callable_name = callable_kw.value.id if callable_kw is not None and isinstance(callable_kw.value, ast.Name) else None
        dag = self.current_dag()
        dag_kw = keyword(node, "dag")
        if dag_kw is not None and isinstance(dag_kw.value, ast.Name) and dag_kw.value.id in self.dag_vars:
            dag = self.dag_vars[dag_kw.value.id]
        prefix = self.group_prefix()
        self.add(Task(
            task_id=f"{prefix}.{local}" if prefix else local, local_id=local, kind="operator", node=node, call=node,
            operator=operator, origin=origin, callable_name=callable_name, group=prefix, dag=dag,
            in_loop=self.loop_depth > 0,
            dagless=(dag is None and dag_kw is None and not self.dag_stack and not self.group_stack
                     and self.scan.enclosing_function(node) is None),
        ))

    def _taskflow_task(self, name: str, call: ast.Call, override_id: Optional[str]) -> None:
        fn, flavour, deco_call = self.taskflow[name]
        local = override_id
        if local is None and deco_call is not None and keyword(deco_call, "task_id") is not None:
            local = str_value(keyword(deco_call, "task_id").value)
        if local is None:
            local = name
        prefix = self.group_prefix()
        full = f"{prefix}.{local}" if prefix else local
        count = self.taskflow_calls.get(full, 0)
        self.taskflow_calls[full] = count + 1
        if count:
            full = f"{full}__{count}"
        self.add(Task(
            task_id=full, local_id=local, kind="taskflow", node=fn, call=call, operator=None,
            origin=f"@task.{flavour}", callable_name=name, group=prefix, dag=self.current_dag(),
            in_loop=self.loop_depth > 0, flavour=flavour,
        ))


def _inner_call(value: ast.AST) -> Optional[ast.AST]:
    # x = Op.partial(...).expand(...): the task is the .partial() call
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in (
            "expand", "expand_kwargs") and isinstance(value.func.value, ast.Call):
        return value.func.value
    return None


# --------------------------------------------------------------------------- pulls

JINJA_PULL = re.compile(r"\b(?:ti|task_instance)\s*\.\s*xcom_pull\s*\(")
_QUOTED = r"(\\?['\"])([A-Za-z0-9_.\-]+)\1"
JINJA_TASK_IDS = re.compile(r"task_ids\s*=\s*" + _QUOTED)
JINJA_FIRST_POSITIONAL = re.compile(r"\s*" + _QUOTED + r"\s*[,)]")
JINJA_KEY = re.compile(r"\bkey\s*=\s*" + _QUOTED)
JINJA_TASK_IDS_KW = re.compile(r"task_ids\s*=\s*(?:\\?['\"][^'\"\\]*\\?['\"]|\[[^\]]*\]|[A-Za-z_][\w.]*)")


def _pull_receiver_is_self(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self"


def _python_pull(scan: FileScan, call: ast.Call) -> Pull:
    kws = {kw.arg: kw for kw in call.keywords if kw.arg}
    positional = [] if _pull_receiver_is_self(call) else list(call.args)
    ids_node: Optional[ast.AST] = kws["task_ids"].value if "task_ids" in kws else (positional[0] if positional else None)
    ids: List[Tuple[str, Tuple[int, int]]] = []
    literal = True
    is_list = False
    if ids_node is not None:
        if isinstance(ids_node, (ast.List, ast.Tuple)):
            is_list = True
            elements = ids_node.elts
        else:
            elements = [ids_node]
        for element in elements:
            value = str_value(element)
            if value is None:
                literal = False
            else:
                ids.append((value, scan.span(element)))
    key_node = kws["key"].value if "key" in kws else None
    key = str_value(key_node) if key_node is not None else None
    deletion = None
    if "task_ids" in kws:
        deletion = _argument_deletion(scan, call, kws["task_ids"])
    elif positional and len(positional) == 1 and not any(isinstance(a, ast.Starred) for a in call.args):
        deletion = _argument_deletion(scan, call, positional[0])
    prior = kws.get("include_prior_dates")
    return Pull(
        call=call, jinja=False, lines=(call.lineno, call.end_lineno), task_ids=ids, task_ids_is_list=is_list,
        task_ids_literal=literal and ids_node is not None, has_task_ids=ids_node is not None,
        key=key, key_literal=key_node is None or key is not None,
        key_span=scan.span(key_node) if key is not None else None,
        has_dag_id="dag_id" in kws or len(positional) > 1,
        include_prior_dates=prior is not None and not (isinstance(prior.value, ast.Constant) and not prior.value.value),
        task_ids_deletion=deletion, line=call.lineno, span=scan.span(call),
    )


def _argument_deletion(scan: FileScan, call: ast.Call, arg: ast.AST) -> Optional[Tuple[int, int]]:
    """Offsets of ``arg`` together with one adjoining comma, so that removing
    them leaves a valid call (newlines inside are kept by the mutator)."""
    items: List[ast.AST] = [a for a in call.args] + list(call.keywords)
    items.sort(key=lambda n: (n.lineno, n.col_offset))
    index = next((i for i, n in enumerate(items) if n is arg), None)
    if index is None:
        return None
    start, end = scan.span(arg)
    if index + 1 < len(items):
        next_start = scan.span(items[index + 1])[0]
        return start, next_start
    if index > 0:
        prev_end = scan.span(items[index - 1])[1]
        return prev_end, end
    # the only argument: remove it and a trailing comma, if any
    rest = scan.source[end:scan.span(call)[1]]
    comma = re.match(r"\s*,", rest)
    return start, end + (comma.end() if comma else 0)


def _call_arguments(text: str) -> bool:
    """Whether ``text`` (``...)``) reads as the arguments of a call; escaped quotes count as quotes."""
    try:
        tree = ast.parse("f(" + text.replace("\\'", "'").replace('\\"', '"'), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return isinstance(tree.body, ast.Call)


def _jinja_pulls(scan: FileScan, node: ast.Constant) -> List[Pull]:
    """The ``ti.xcom_pull(...)`` calls written inside a string literal, read
    from the literal's source text (so that offsets point into the file)."""
    start, end = scan.span(node)
    raw = scan.source[start:end]
    pulls = []
    for match in JINJA_PULL.finditer(raw):
        close = raw.find(")", match.end())
        if close < 0:
            continue
        base = start + match.end()
        args = raw[match.end():close + 1]
        if not _call_arguments(args):
            continue  # not a call Jinja can parse (``task_ids='a', 'key'``): no site
        ids: List[Tuple[str, Tuple[int, int]]] = []
        deletion = None
        by_keyword = JINJA_TASK_IDS.search(args)
        positional = None if by_keyword else JINJA_FIRST_POSITIONAL.match(args)
        found = by_keyword or positional
        if found:
            quote = found.group(1)
            ids.append((found.group(2), (base + found.start(1), base + found.end(2) + len(quote))))
        if by_keyword:
            whole = JINJA_TASK_IDS_KW.search(args)
            if whole:
                a, b = base + whole.start(), base + whole.end()
                comma_after = re.match(r"\s*,\s*", scan.source[b:base + len(args)])
                if comma_after:
                    deletion = (a, b + comma_after.end())
                else:
                    comma_before = re.search(r",\s*$", scan.source[base:a])
                    deletion = (a - (len(comma_before.group(0)) if comma_before else 0), b)
        key_match = JINJA_KEY.search(args)
        pulls.append(Pull(
            call=None, jinja=True, lines=(node.lineno, node.end_lineno), task_ids=ids,
            task_ids_is_list=False, task_ids_literal=bool(ids), has_task_ids=bool(found) or "task_ids" in args,
            key=key_match.group(2) if key_match else None,
            key_literal=key_match is not None or "key" not in args,
            key_span=(base + key_match.start(1), base + key_match.end(2) + len(key_match.group(1))) if key_match else None,
            has_dag_id="dag_id" in args, include_prior_dates="include_prior_dates" in args,
            task_ids_deletion=deletion, line=scan.line_of(start + match.start()),
            span=(start + match.start(), base + len(args)),
        ))
    return pulls


def scan_file(path: str, source: str) -> Optional[FileScan]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    offsets = [0]
    for line in source.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    scan = FileScan(path=path, source=source, tree=tree, line_offsets=offsets, imports=import_table(tree))
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            scan.parents[id(child)] = node
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            scan.strings.add(node.value)
    _Scanner(scan).visit(tree)
    _collect_pulls(scan)
    return scan


def _collect_pulls(scan: FileScan) -> None:
    callables: Dict[str, List[Task]] = {}
    for task in scan.tasks:
        if task.callable_name:
            callables.setdefault(task.callable_name, []).append(task)
    for node in ast.walk(scan.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "xcom_pull":
            pull = _python_pull(scan, node)
            function = scan.enclosing_function(node)
            pull.function = function
            pull.consumer = _consumer_of_function(scan, function, callables)
            scan.pulls.append(pull)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "xcom_pull" in node.value:
            if isinstance(scan.parents.get(id(node)), ast.JoinedStr):
                continue  # part of an f-string: a partly computed template
            if "{{{{" in scan.source[slice(*scan.span(node))]:
                continue  # braces doubled for str.format(): not a template until formatted
            owner = _owning_task_call(scan, node)
            if owner is None and scan.enclosing_function(node) is not None and _is_task_body(scan, node):
                continue  # a string in a task's own code (``hook.sql("... {{ }}")``): Airflow never renders it
            for pull in _jinja_pulls(scan, node):
                pull.consumer = owner
                scan.pulls.append(pull)


def _is_task_body(scan: FileScan, node: ast.AST) -> bool:
    """Whether ``node`` sits in the body of a task's callable (a @task function or a python_callable)."""
    function = scan.enclosing_function(node)
    callables = {t.callable_name for t in scan.tasks if t.callable_name}
    while function is not None:
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                function.name in callables or task_decorator(function, scan.imports) is not None):
            return True
        function = scan.enclosing_function(function)
    return False


def _consumer_of_function(scan: FileScan, function: Optional[ast.AST], callables: Dict[str, List[Task]]) -> Optional[Task]:
    """The one task that runs ``function`` (its callable, or a lambda given as python_callable)."""
    while function is not None:
        if isinstance(function, ast.Lambda):
            parent = scan.parents.get(id(function))
            if isinstance(parent, ast.keyword) and parent.arg == "python_callable":
                call = scan.parents.get(id(parent))
                owners = [t for t in scan.tasks if t.call is call]
                return owners[0] if len(owners) == 1 else None
        else:
            name = function.name  # type: ignore[attr-defined]
            owners = [t for t in scan.tasks if t.callable_name == name and (t.kind == "operator" or t.node is function)]
            if len(scan.functions.get(name, [])) == 1 and owners:
                return owners[0] if len(owners) == 1 else None
        function = scan.enclosing_function(function)
    return None


def _owning_task_call(scan: FileScan, node: ast.AST) -> Optional[Task]:
    current = scan.parents.get(id(node))
    while current is not None:
        if isinstance(current, ast.Call):
            owners = [t for t in scan.tasks if t.call is current and t.kind == "operator"]
            if owners:
                return owners[0]
        if isinstance(current, (ast.stmt,)) and not isinstance(current, (ast.Expr, ast.Assign, ast.Return)):
            return None
        current = scan.parents.get(id(current))
    return None


# --------------------------------------------------------------------------- callables


def function_returns(function: ast.AST) -> List[ast.Return]:
    """The ``return <value>`` statements of a function's own body (not of nested functions)."""
    found: List[ast.Return] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                continue
            if isinstance(child, ast.Return) and child.value is not None and not (
                    isinstance(child.value, ast.Constant) and child.value.value is None):
                found.append(child)
            walk(child)

    walk(function)
    return found


def function_pushes(function: ast.AST) -> Optional[Set[str]]:
    """The literal keys a function pushes with ``xcom_push`` (None when a push
    has a non-literal key, or the task instance or context escapes to a call
    that could push more)."""
    keys: Set[str] = set()
    args = function.args  # type: ignore[attr-defined]
    context_names = {a.arg for a in args.args + args.kwonlyargs}
    if args.kwarg:
        context_names.add(args.kwarg.arg)
    context_names &= {"ti", "task_instance", "context", "kwargs", "kw", "ctx", args.kwarg.arg if args.kwarg else "kwargs"}
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "xcom_push":
            key_node = keyword(node, "key")
            key_node = key_node.value if key_node is not None else (node.args[0] if node.args else None)
            key = str_value(key_node)
            if key is None:
                return None
            keys.add(key)
        elif isinstance(node, ast.Call):
            for arg in list(node.args) + [kw.value for kw in node.keywords]:
                names = {n.id for n in ast.walk(arg) if isinstance(n, ast.Name)}
                if names & (context_names | {"ti", "task_instance"}) and not (
                        isinstance(node.func, ast.Attribute) and node.func.attr in ("xcom_pull", "xcom_push", "get")):
                    return None
    return keys


# --------------------------------------------------------------------------- the graph of a simple DAG

DEPENDENCY_METHODS = ("set_upstream", "set_downstream")
HARMLESS_SINKS = ("watcher",)  # Airflow's system-test helper: a sink after every task


@dataclass
class Edge:
    upstream: str
    downstream: str
    statement: Optional[ast.stmt]  # None: not removable (XComArg, chain(), ...)


@dataclass
class Graph:
    edges: List[Edge]

    def reachable(self, source: str, target: str, without: Optional[Edge] = None) -> bool:
        adjacency: Dict[str, List[str]] = {}
        for edge in self.edges:
            if edge is without:
                continue
            adjacency.setdefault(edge.upstream, []).append(edge.downstream)
        seen = {source}
        stack = [source]
        while stack:
            node = stack.pop()
            if node == target:
                return True
            for nxt in adjacency.get(node, []):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False

    def descendants(self, source: str, without: Optional[Edge] = None) -> Set[str]:
        adjacency: Dict[str, List[str]] = {}
        for edge in self.edges:
            if edge is not without:
                adjacency.setdefault(edge.upstream, []).append(edge.downstream)
        seen: Set[str] = set()
        stack = [source]
        while stack:
            for nxt in adjacency.get(stack.pop(), []):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    def cut_pairs(self, edge: Edge) -> List[Tuple[str, str]]:
        """The (upstream, downstream) task pairs that removing ``edge`` disconnects."""
        nodes = sorted({e.upstream for e in self.edges} | {e.downstream for e in self.edges})
        pairs = []
        for node in nodes:
            lost = self.descendants(node) - self.descendants(node, without=edge)
            pairs.extend((node, other) for other in sorted(lost))
        return pairs

    def bridges(self, source: str, target: str) -> List[Edge]:
        """Removable edges whose removal leaves no path from source to target."""
        if not self.reachable(source, target):
            return []
        return [e for e in self.edges if e.statement is not None and not self.reachable(source, target, without=e)]


def simple_graph(scan: FileScan) -> Optional[Graph]:
    """The dependency graph of a file with one DAG whose every task and edge
    the scan can see, or None."""
    if scan.dag_count != 1 or scan.groups or scan.dynamic_task_ids:
        return None
    if any(t.in_loop for t in scan.tasks) or not scan.tasks:
        return None
    ids = scan.tasks_by_id()
    if any(len(v) > 1 for v in ids.values()):
        return None
    var_task: Dict[str, Task] = {}
    for task in scan.tasks:
        if task.var:
            if task.var in var_task:
                return None
            var_task[task.var] = task
    # every variable assigned twice is unreadable as a task reference
    assigned: Dict[str, int] = {}
    for node in ast.walk(scan.tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            assigned[node.id] = assigned.get(node.id, 0) + 1
    if any(assigned.get(v, 0) > 1 for v in var_task):
        return None
    refs = TaskRefs(scan)
    call_task, used, element_ids = refs.by_call, refs.used, refs.ids
    edges: List[Edge] = []

    for statement in ast.walk(scan.tree):
        if not isinstance(statement, ast.Expr):
            continue
        value = statement.value
        if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.RShift, ast.LShift)):
            operands = chain_operands(value)
            if operands is None:
                return None
            if _harmless_sink(operands, scan):
                continue
            lists = []
            for operand in operands[0]:
                got = element_ids(operand)
                if got is None:
                    return None
                lists.append(got)
            forward = operands[1] == ">>"
            for left, right in zip(lists, lists[1:]):
                for a in left:
                    for b in right:
                        edges.append(Edge(a, b, statement) if forward else Edge(b, a, statement))
        elif isinstance(value, (ast.Name, ast.List, ast.Tuple)):
            element_ids(value)  # a bare task reference (``a``, left by a split chain) makes no edge
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in DEPENDENCY_METHODS:
            owner = element_ids(value.func.value)
            if owner is None or len(owner) != 1 or len(value.args) != 1 or value.keywords:
                return None
            others = element_ids(value.args[0])
            if others is None:
                return None
            for other in others:
                if value.func.attr == "set_downstream":
                    edges.append(Edge(owner[0], other, statement))
                else:
                    edges.append(Edge(other, owner[0], statement))
        elif isinstance(value, ast.Call) and dotted(value.func) in ("chain", "cross_downstream", "chain_linear"):
            args = [element_ids(a) for a in value.args]
            if any(a is None for a in args) or value.keywords:
                return None
            name = dotted(value.func)
            if name == "cross_downstream":
                if len(args) != 2:
                    return None
                edges.extend(Edge(a, b, None) for a in args[0] for b in args[1])
            else:
                for left, right in zip(args, args[1:]):
                    if name == "chain" and len(left) > 1 and len(right) > 1:
                        if len(left) != len(right):
                            return None
                        edges.extend(Edge(a, b, None) for a, b in zip(left, right))
                    else:
                        edges.extend(Edge(a, b, None) for a in left for b in right)
    # XComArg edges: a task variable or .output inside another task's arguments
    for task in scan.tasks:
        if task.call is None:
            continue
        for node in ast.walk(task.call):
            if isinstance(node, ast.Name) and node.id in var_task and id(node) not in used:
                producer = var_task[node.id]
                if producer is task:
                    continue
                used.add(id(node))
                edges.append(Edge(producer.task_id, task.task_id, None))
            elif isinstance(node, ast.Call) and id(node) in call_task and node is not task.call:
                producer = call_task[id(node)]
                edges.append(Edge(producer.task_id, task.task_id, None))
    # any other reference to a task variable could add edges the scan cannot see
    for node in ast.walk(scan.tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in var_task and id(node) not in used:
            parent = scan.parents.get(id(node))
            if isinstance(parent, ast.Attribute) and parent.attr in ("output", "task_id"):
                continue
            return None
    return Graph(edges)


class TaskRefs:
    """The task ids an expression of a dependency statement names: a task
    variable, a call creating a task, or a flat list of those."""

    def __init__(self, scan: FileScan):
        self.by_var = {t.var: t for t in scan.tasks if t.var}
        self.by_call = {id(t.call): t for t in scan.tasks if t.call is not None}
        self.used: Set[int] = set()  # the Name nodes read so far

    def ids(self, node: ast.AST) -> Optional[List[str]]:
        if isinstance(node, ast.Name) and node.id in self.by_var:
            self.used.add(id(node))
            return [self.by_var[node.id].task_id]
        if isinstance(node, ast.Call) and id(node) in self.by_call:
            return [self.by_call[id(node)].task_id]
        if isinstance(node, (ast.List, ast.Tuple)):
            out: List[str] = []
            for element in node.elts:
                got = self.ids(element)
                if got is None or isinstance(element, (ast.List, ast.Tuple)):
                    return None
                out.extend(got)
            return out
        return None


def chain_operands(node: ast.BinOp) -> Optional[Tuple[List[ast.AST], str]]:
    """``a >> b >> [c, d]`` -> ([a, b, [c, d]], ">>"); None for mixed operators."""
    operands: List[ast.AST] = []
    ops: Set[str] = set()
    current: ast.AST = node
    while isinstance(current, ast.BinOp) and isinstance(current.op, (ast.RShift, ast.LShift)):
        ops.add(">>" if isinstance(current.op, ast.RShift) else "<<")
        operands.insert(0, current.right)
        current = current.left
    operands.insert(0, current)
    if len(ops) != 1:
        return None
    return operands, ops.pop()


def _harmless_sink(operands: Tuple[List[ast.AST], str], scan: FileScan) -> bool:
    """``list(dag.tasks) >> watcher()``: a sink after every task changes no path between them."""
    items, op = operands
    if op != ">>" or len(items) != 2:
        return False
    left, right = items
    left_text = ast.unparse(left)
    return left_text in ("list(dag.tasks)", "dag.tasks") and isinstance(right, ast.Call) and dotted(right.func) in HARMLESS_SINKS
