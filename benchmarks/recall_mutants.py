"""Realistic one-bug mutants of a DAG file, at sites found by ``recall_scan``.

Every mutant changes one thing and keeps the file's line count, so findings
on the original and on the mutant compare line by line. Sites are taken from
the file's own pulls, edges and returns, and chosen with a seeded random
generator, so a run is reproducible.
"""

from __future__ import annotations

import ast
import hashlib
import random
import string
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from recall_scan import (
    LOOPS,
    Edge,
    FileScan,
    Pull,
    Task,
    TaskRefs,
    chain_operands,
    dotted,
    function_pushes,
    function_returns,
    has_splat,
    keyword,
    str_value,
    task_decorator,
)

Span = Tuple[int, int]  # offsets into the original source

# kind -> the code xcomlint should report
EXPECTED: Dict[str, str] = {
    "task_id_typo_python": "XCL103",
    "task_id_typo_jinja": "XCL103",
    "group_prefix_dropped": "XCL103",
    "key_typo": "XCL104",
    "task_ids_deleted": "XCL101",
    "task_ids_deleted_jinja": "XCL101",
    "edge_removed": "XCL102",
    "returns_set": "XCL201",
    "returns_datetime": "XCL201",
    "do_xcom_push_false": "XCL106",
    "pull_from_silent_operator": "XCL106",
    "push_in_data_loop": "XCL207",
    "pull_self_read": "XCL208",
    "producer_mapped": "XCL209",
}
KINDS: Tuple[str, ...] = tuple(EXPECTED)

# Operators whose ``execute`` pushes no XCom at all (it returns nothing and calls
# no xcom_push), read in the sources of Airflow 2.10 and of the providers
# (amazon 3.0.0 and 9.39, google 6.4.0 and 22.8, slack 4.2.3 and 9.11, hive
# 2.3.2 and 9.7, common-sql 2.4, standard 1.21, smtp 3.2, cncf-kubernetes
# 4.0.1 and 10.25): in every version read, `execute` ends without `return
# <value>`. Operators whose behaviour changed between versions are left out
# (SlackAPIPostOperator returns the API response since slack 8, SparkSubmit-
# Operator's resumable execute, TimeDeltaSensor's deferrable path returns
# True, GCSObjectExistenceSensor returns its match, BigQueryCheckOperator
# pushes a job id).
SILENT_OPERATORS: Dict[str, str] = {
    # execute() is `pass`
    "EmptyOperator": "execute is `pass`",
    "DummyOperator": "execute is `pass` (the old name of EmptyOperator)",
    # send the mail, return nothing (smtp: send_email_smtp() -> None)
    "EmailOperator": "execute sends the mail and returns None",
    # amazon: execute calls the hook and returns nothing
    "S3CreateBucketOperator": "execute creates the bucket, returns nothing",
    "S3DeleteBucketOperator": "execute deletes the bucket, returns nothing",
    "S3DeleteObjectsOperator": "execute deletes the keys, returns nothing",
    "S3CopyObjectOperator": "execute copies the object, returns nothing",
    "S3CreateObjectOperator": "execute writes the object, returns nothing",
    "S3FileTransformOperator": "execute transforms and uploads, returns nothing",
    "LocalFilesystemToS3Operator": "execute uploads the file, returns nothing",
    "SqlToS3Operator": "execute uploads the query result, returns nothing",
    "S3ToRedshiftOperator": "execute runs COPY, returns nothing",
    "RedshiftToS3Operator": "execute runs UNLOAD, returns nothing",
    # google: bucket and table housekeeping
    "GCSCreateBucketOperator": "execute creates the bucket, returns nothing",
    "GCSDeleteObjectsOperator": "execute deletes the objects, returns nothing",
    "GCSDeleteBucketOperator": "execute deletes the bucket, returns nothing",
    "BigQueryDeleteDatasetOperator": "execute deletes the dataset, returns nothing",
    "BigQueryDeleteTableOperator": "execute deletes the table, returns nothing",
    # others
    "SlackWebhookOperator": "execute posts the message, returns nothing",
    "HiveOperator": "execute runs the HQL, returns nothing",
    "SQLCheckOperator": "execute raises or logs success, returns nothing",
    "SQLValueCheckOperator": "execute raises or logs success, returns nothing",
    "SQLIntervalCheckOperator": "execute raises or logs success, returns nothing",
    # sensors push only a PokeReturnValue; these pokes return a bool
    "FileSensor": "poke returns a bool: BaseSensorOperator.execute pushes nothing",
    "ExternalTaskSensor": "poke returns a bool: BaseSensorOperator.execute pushes nothing",
    "DateTimeSensor": "poke returns a bool: BaseSensorOperator.execute pushes nothing",
    "SqlSensor": "poke returns a bool: BaseSensorOperator.execute pushes nothing",
    "S3KeySensor": "poke returns a bool: BaseSensorOperator.execute pushes nothing",
    # do_xcom_push defaults to False
    "KubernetesPodOperator": "do_xcom_push defaults to False: nothing is pushed unless it is set",
}


@dataclass
class Mutant:
    kind: str
    source: str
    edit: Tuple[int, int, int]  # (start, end) of the original text replaced, and the new text's length
    line: int  # the line the bug is written on
    sites: List[Span]  # where xcomlint's finding should point (the pull, the return...)
    lines: List[Tuple[int, int]]  # the lines of the sites
    # findings of other codes (or at other places) the bug explains:
    # (code, sites or None = anywhere, a text the message must hold or None)
    explained: List[Tuple[str, Optional[List[Span]], Optional[str]]] = field(default_factory=list)
    origin: Optional[str] = None  # "provider" / "classic" / "unknown" operator of an XCL106 kind
    before: str = ""
    after: str = ""
    detail: Dict[str, object] = field(default_factory=dict)
    replacement: str = ""
    # explanations worth working out only for a sampled mutant
    late: Optional[Callable[[], List[Tuple[str, Optional[List[Span]], Optional[str]]]]] = None

    def in_mutant(self, span: Span) -> Span:
        """Where the original's ``span`` is in the mutant."""
        start, end, length = self.edit
        delta = length - (end - start)

        def moved(offset: int, is_end: bool) -> int:
            if offset < start or (is_end and offset == start):
                return offset
            if offset >= end:
                return offset + delta
            return start + length if is_end else start

        return moved(span[0], False), moved(span[1], True)

    @property
    def expected(self) -> str:
        return EXPECTED[self.kind]


# --------------------------------------------------------------------------- editing


def edit(source: str, start: int, end: int, new: str) -> str:
    return source[:start] + new + source[end:]


def keep_lines(old: str, new: str) -> str:
    """``new`` padded with the newlines ``old`` had, so the line count stays."""
    missing = old.count("\n") - new.count("\n")
    if missing < 0:
        raise ValueError("replacement has more lines than the text it replaces")
    return new + "\n" * missing


def valid(original: str, mutant: str) -> bool:
    if mutant == original or mutant.count("\n") != original.count("\n"):
        return False
    try:
        ast.parse(mutant)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def line_text(source: str, line: int) -> str:
    start = 0
    for _ in range(line - 1):
        start = source.find("\n", start) + 1
        if start == 0:
            return ""
    end = source.find("\n", start)
    return source[start:] if end < 0 else source[start:end]


def rng_for(seed: int, path: str, kind: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}\0{path}\0{kind}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def typo(value: str, rng: random.Random, forbidden: Set[str], part_from: int = 0) -> Optional[str]:
    """A one-letter typo (substitute, insert or delete) in ``value[part_from:]``
    that is no string in ``forbidden``."""
    letters = string.ascii_lowercase
    tail = value[part_from:]
    positions = [i for i, ch in enumerate(tail) if ch.isalnum()]
    if not positions:
        return None
    for _ in range(40):
        op = rng.choice(("substitute", "insert", "delete"))
        i = rng.choice(positions)
        if op == "substitute":
            choices = [c for c in letters if c != tail[i].lower()]
            new_tail = tail[:i] + rng.choice(choices) + tail[i + 1:]
        elif op == "insert":
            new_tail = tail[:i] + rng.choice(letters) + tail[i:]
        else:
            if len(tail) < 3:
                continue
            new_tail = tail[:i] + tail[i + 1:]
        candidate = value[:part_from] + new_tail
        if candidate != value and candidate not in forbidden and not candidate.endswith((".", "_", "-")) \
                and not candidate.startswith((".", "_", "-")) and ".." not in candidate:
            return candidate
    return None


def operator_origin(task: Task) -> str:
    origin = task.origin or ""
    if origin.startswith("airflow.providers."):
        return "provider"
    if origin.startswith("airflow."):
        return "classic"
    return "unknown"


# --------------------------------------------------------------------------- sites


def _literal_pulls(scan: FileScan) -> Iterable[Pull]:
    for pull in scan.pulls:
        if pull.task_ids_literal and not pull.has_dag_id and pull.task_ids:
            yield pull


def _single_target(scan: FileScan, pull: Pull) -> Optional[Task]:
    if pull.task_ids_is_list or len(pull.task_ids) != 1 or pull.has_dag_id:
        return None
    return scan.task(pull.task_ids[0][0])


def _reads_return_value(pull: Pull) -> bool:
    return pull.key_literal and pull.key in (None, "return_value")


def _all_pull_spans(scan: FileScan, task_id: str) -> List[Span]:
    return [p.span for p in scan.pulls if len(p.task_ids) == 1 and p.task_ids[0][0] == task_id
            and not p.has_dag_id and _reads_return_value(p)]


def _quoted(scan: FileScan, span: Span, new_value: str) -> str:
    text = scan.source[span[0]:span[1]]
    quote = text[0] if text[0] in "'\"" else text[:2]
    return f"{quote}{new_value}{quote}"


def _mutant(scan: FileScan, kind: str, start: int, end: int, new: str, sites: List[Span], **extra) -> Optional[Mutant]:
    """A candidate: the mutated source is made only for the candidates sampled (``materialize``)."""
    if scan.source[start:end] == new or scan.source.count("\n", start, end) != new.count("\n"):
        return None
    lines = [(scan.line_of(a), scan.line_of(max(a, b - 1))) for a, b in sites]
    return Mutant(kind=kind, source="", edit=(start, end, len(new)), line=scan.line_of(start), sites=sites,
                  lines=lines, replacement=new, **extra)


def materialize(scan: FileScan, mutant: Mutant) -> bool:
    """Write the mutant's source; False when it does not parse."""
    start, end, _ = mutant.edit
    mutant.source = edit(scan.source, start, end, mutant.replacement)
    if not valid(scan.source, mutant.source):
        return False
    if mutant.late is not None:
        mutant.explained = mutant.explained + mutant.late()
        mutant.late = None
    mutant.before = line_text(scan.source, mutant.line).strip()
    mutant.after = line_text(mutant.source, mutant.line).strip()
    return True


def sites_task_id_typo(scan: FileScan, rng: random.Random, jinja: bool) -> List[Mutant]:
    kind = "task_id_typo_jinja" if jinja else "task_id_typo_python"
    known = scan.tasks_by_id()
    forbidden = scan.strings | set(known)
    out = []
    for pull in _literal_pulls(scan):
        if pull.jinja != jinja:
            continue
        for value, span in pull.task_ids:
            if value not in known:
                continue
            new = typo(value, rng, forbidden, part_from=value.rfind(".") + 1)
            if new is None:
                continue
            mutant = _mutant(scan, kind, span[0], span[1], _quoted(scan, span, new), [pull.span],
                             explained=[("XCL103", [pull.span], None), ("XCL204", None, f"pushed by task '{value}'")],
                             detail={"task_ids": value, "typo": new, "pull_line": pull.line,
                                     "consumer": pull.consumer.task_id if pull.consumer else None})
            if mutant:
                out.append(mutant)
    return out


def sites_group_prefix(scan: FileScan, rng: random.Random) -> List[Mutant]:
    known = scan.tasks_by_id()
    out = []
    for pull in _literal_pulls(scan):
        for value, span in pull.task_ids:
            if "." not in value or value not in known:
                continue
            if not any(t.group for t in known[value]):
                continue
            bare = value.rsplit(".", 1)[1]
            if bare in known:
                continue
            mutant = _mutant(scan, "group_prefix_dropped", span[0], span[1], _quoted(scan, span, bare), [pull.span],
                             explained=[("XCL103", [pull.span], None), ("XCL204", None, f"pushed by task '{value}'")],
                             detail={"task_ids": value, "now": bare, "jinja": pull.jinja, "pull_line": pull.line})
            if mutant:
                out.append(mutant)
    return out


def _task_function(scan: FileScan, task: Task) -> Optional[ast.AST]:
    if task.kind == "taskflow":
        return task.node
    if task.callable_name and len(scan.functions.get(task.callable_name, [])) == 1:
        return scan.functions[task.callable_name][0]
    return None


def _is_python_task(task: Task) -> bool:
    """A task whose callable's return value is its XCom: PythonOperator or a plain @task."""
    if task.kind == "taskflow":
        return task.flavour == "python"
    return task.operator == "PythonOperator"


def _multiple_outputs(scan: FileScan, task: Task) -> bool:
    calls = [task.call] if task.kind == "operator" else []
    if task.kind == "taskflow":
        found = task_decorator(task.node, scan.imports)
        if found and found[1] is not None:
            calls.append(found[1])
    for call in calls:
        if call is not None and keyword(call, "multiple_outputs") is not None:
            return True
    returns = getattr(task.node, "returns", None)
    return returns is not None and "dict" in ast.unparse(returns).lower()


def _pushes_nothing(task: Task) -> bool:
    kw = keyword(task.call, "do_xcom_push") if task.kind == "operator" and task.call is not None else None
    return kw is not None and not (isinstance(kw.value, ast.Constant) and kw.value.value is True)


def sites_key_typo(scan: FileScan, rng: random.Random) -> List[Mutant]:
    out = []
    for pull in _literal_pulls(scan):
        if pull.key is None or pull.key_span is None:
            continue
        producer = _single_target(scan, pull)
        if producer is None or not _is_python_task(producer) or _multiple_outputs(scan, producer) or _pushes_nothing(producer):
            continue
        function = _task_function(scan, producer)
        if function is None or isinstance(function, ast.Lambda):
            continue
        keys = function_pushes(function)
        if keys is None:
            continue
        if function_returns(function):
            keys = keys | {"return_value"}
        if pull.key not in keys:
            continue
        new = typo(pull.key, rng, scan.strings | keys)
        if new is None:
            continue
        a, b = pull.key_span
        mutant = _mutant(scan, "key_typo", a, b, _quoted(scan, pull.key_span, new), [pull.span],
                         explained=[("XCL104", [pull.span], None),
                                    ("XCL204", None, f"key '{pull.key}' pushed by task '{producer.task_id}'")],
                         detail={"key": pull.key, "typo": new, "producer": producer.task_id, "pushed": sorted(keys),
                                 "jinja": pull.jinja, "pull_line": pull.line})
        if mutant:
            out.append(mutant)
    return out


def sites_task_ids_deleted(scan: FileScan, rng: random.Random, jinja: bool) -> List[Mutant]:
    kind = "task_ids_deleted_jinja" if jinja else "task_ids_deleted"
    out = []
    for pull in scan.pulls:
        if pull.jinja != jinja or not pull.has_task_ids or pull.task_ids_deletion is None:
            continue
        if pull.include_prior_dates or pull.has_dag_id or not pull.task_ids_literal:
            continue
        if pull.jinja and pull.consumer is None and not any(v in scan.tasks_by_id() for v, _ in pull.task_ids):
            continue  # a string no task of the file is known to render, naming no task of it
        if not pull.jinja and pull.function is not None and pull.key is not None:
            pushes = function_pushes(pull.function) if not isinstance(pull.function, ast.Lambda) else set()
            if pushes is None or pull.key in pushes:
                continue  # a bare pull of a key the task pushes itself may be a deliberate self-read
        start, end = pull.task_ids_deletion
        removed = scan.source[start:end]
        mutant = _mutant(scan, kind, start, end, keep_lines(removed, ""), [pull.span],
                         explained=[("XCL101", [pull.span], None)]
                         + [("XCL204", None, f"pushed by task '{value}'") for value, _ in pull.task_ids],
                         detail={"removed": removed.strip(), "pull_line": pull.line,
                                 "consumer": pull.consumer.task_id if pull.consumer else None})
        if mutant:
            out.append(mutant)
    return out


# -- edges


def _statement_lines_free(scan: FileScan, statement: ast.stmt) -> bool:
    """No other statement shares the statement's lines (``a >> b; c >> d``)."""
    for node in scan.statements():
        if node.lineno <= statement.end_lineno and node.end_lineno >= statement.lineno \
                and node is not statement and not _contains(node, statement) and not _contains(statement, node):
            return False
    return True


def _contains(outer: ast.AST, inner: ast.AST) -> bool:
    return any(n is inner for n in ast.walk(outer))


def _without_edge(statement: ast.stmt, edge: Edge, ids_of: Callable[[ast.AST], Optional[List[str]]]) -> Optional[str]:
    """The statement's code with ``edge`` removed and every other edge kept, or None."""
    value = statement.value  # type: ignore[attr-defined]
    if isinstance(value, ast.Call):  # a.set_downstream(b) / a.set_upstream([b, c])
        arg = value.args[0]
        elements = arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else [arg]
        other = edge.downstream if value.func.attr == "set_downstream" else edge.upstream
        kept = [e for e in elements if ids_of(e) != [other]]
        if len(kept) == len(elements):
            return None
        if not kept:
            return "pass"
        return f"{ast.unparse(value.func)}([{', '.join(ast.unparse(e) for e in kept)}])"
    operands, op = chain_operands(value)  # type: ignore[misc]
    ids = [ids_of(o) for o in operands]
    forward = op == ">>"
    for i in range(len(operands) - 1):
        left, right = (ids[i], ids[i + 1]) if forward else (ids[i + 1], ids[i])
        if left is None or right is None or edge.upstream not in left or edge.downstream not in right:
            continue
        parts = [f" {op} ".join(ast.unparse(o) for o in operands[: i + 1]),
                 f" {op} ".join(ast.unparse(o) for o in operands[i + 1:])]
        # the edges between the two operands that must stay
        upstream_nodes = _elements(operands[i] if forward else operands[i + 1])
        downstream_nodes = _elements(operands[i + 1] if forward else operands[i])
        for u in upstream_nodes:
            targets = [d for d in downstream_nodes if (ids_of(u), ids_of(d)) != ([edge.upstream], [edge.downstream])]
            if not targets:
                continue
            if not isinstance(u, ast.Name) or not all(isinstance(d, ast.Name) for d in targets):
                return None  # restoring would create a task twice
            rhs = ast.unparse(targets[0]) if len(targets) == 1 else f"[{', '.join(ast.unparse(d) for d in targets)}]"
            parts.append(f"{ast.unparse(u)} >> {rhs}")
        return "; ".join(parts)
    return None


def _elements(node: ast.AST) -> List[ast.AST]:
    return list(node.elts) if isinstance(node, (ast.List, ast.Tuple)) else [node]


def sites_edge_removed(scan: FileScan, rng: random.Random) -> List[Mutant]:
    graph = scan.graph()
    if graph is None:
        return []
    ids_of = TaskRefs(scan).ids
    out = []
    done: Set[Tuple[str, str]] = set()
    for pull in _literal_pulls(scan):
        producer = _single_target(scan, pull)
        consumer = pull.consumer
        if producer is None or consumer is None or producer is consumer:
            continue
        bridges = graph.bridges(producer.task_id, consumer.task_id)
        if not bridges:
            continue
        direct = [e for e in bridges if e.upstream == producer.task_id and e.downstream == consumer.task_id]
        edge = direct[0] if direct else rng.choice(bridges)
        if (edge.upstream, edge.downstream) in done:
            continue
        statement = edge.statement
        assert statement is not None
        if not _statement_lines_free(scan, statement):
            continue
        code = _without_edge(statement, edge, ids_of)
        if code is None:
            continue
        start, end = scan.span(statement)
        old = scan.source[start:end]
        mutant = _mutant(scan, "edge_removed", start, end, keep_lines(old, code), [pull.span],
                         late=lambda graph=graph, edge=edge: [
                             ("XCL102", None, f"'{c}' pulls from '{p}', which is not upstream")
                             for p, c in graph.cut_pairs(edge)],
                         detail={"edge": f"{edge.upstream} >> {edge.downstream}", "producer": producer.task_id,
                                 "consumer": consumer.task_id, "statement": old.strip(), "now": code,
                                 "pull_line": pull.line, "jinja": pull.jinja})
        if mutant:
            done.add((edge.upstream, edge.downstream))
            out.append(mutant)
    return out


# -- returns


def _datetime_expression(scan: FileScan) -> Optional[str]:
    for name, origin in sorted(scan.imports.items()):
        if origin == "datetime.datetime":
            return f"{name}.now()"
    for name, origin in sorted(scan.imports.items()):
        if origin == "datetime":
            return f"{name}.datetime.now()"
    for name, origin in sorted(scan.imports.items()):
        if origin == "datetime.date":
            return f"{name}.today()"
    return None


def _callables(scan: FileScan) -> List[Tuple[ast.AST, Task, bool]]:
    """(function, a task running it, whether a task of the file runs it) of
    every PythonOperator callable and plain @task function defined in the file."""
    seen: Set[int] = set()
    out = []
    for task in scan.tasks:
        function = _task_function(scan, task) if _is_python_task(task) else None
        if function is None or id(function) in seen or isinstance(function, ast.Lambda):
            continue
        seen.add(id(function))
        if not _pushes_nothing(task) and not _multiple_outputs(scan, task):
            out.append((function, task, True))
    # @task functions no DAG of the file calls still push their return value when they run
    for functions in scan.functions.values():
        for function in functions:
            found = task_decorator(function, scan.imports)
            if id(function) in seen or found is None or found[0] != "python":
                continue
            seen.add(id(function))
            name = getattr(function, "name")
            task = Task(name, name, "taskflow", function, None, flavour="python")
            if not _multiple_outputs(scan, task):
                out.append((function, task, False))
    return out


def sites_returns(scan: FileScan, rng: random.Random, kind: str) -> List[Mutant]:
    now = _datetime_expression(scan) if kind == "returns_datetime" else None
    if kind == "returns_datetime" and now is None:
        return []
    out = []
    for function, task, called in _callables(scan):
        for ret in function_returns(function):
            value = ret.value
            assert value is not None
            start, end = scan.span(value)
            old = scan.source[start:end]
            if kind == "returns_set":
                if isinstance(value, (ast.Set, ast.SetComp)):
                    continue
                new = "{" + old + "}"
            else:
                if "xcom_pull" in old:
                    continue  # replacing the value would also remove a pull
                new = keep_lines(old, now or "")
            site = scan.span(ret)
            mutant = _mutant(scan, kind, start, end, new, [site], explained=[("XCL201", [site], None)],
                             detail={"function": getattr(function, "name", "?"), "task": task.task_id,
                                     "task_kind": task.kind, "called_in_file": called})
            if mutant:
                out.append(mutant)
    return out


# -- XCL106


def sites_do_xcom_push_false(scan: FileScan, rng: random.Random) -> List[Mutant]:
    out = []
    done: Set[int] = set()
    for pull in _literal_pulls(scan):
        producer = _single_target(scan, pull)
        if producer is None or producer.kind != "operator" or producer.call is None or id(producer) in done:
            continue
        if not _reads_return_value(pull) or pull.consumer is producer:
            continue
        if not (producer.operator or "a")[0].isupper():
            continue  # a factory function, not an operator class: it may not take do_xcom_push
        call = producer.call
        if keyword(call, "do_xcom_push") is not None or has_splat(call):
            continue
        task_id_kw = keyword(call, "task_id")
        at = scan.span(task_id_kw.value)[1]
        pulls = _all_pull_spans(scan, producer.task_id)
        mutant = _mutant(scan, "do_xcom_push_false", at, at, ", do_xcom_push=False", pulls,
                         explained=[("XCL106", None, f"'{producer.task_id}'")],
                         origin=operator_origin(producer),
                         detail={"producer": producer.task_id, "operator": producer.operator,
                                 "module": producer.origin, "pull_line": pull.line, "jinja": pull.jinja})
        if mutant:
            done.add(id(producer))
            out.append(mutant)
    return out


def silent(task: Task) -> bool:
    if task.kind != "operator" or task.operator not in SILENT_OPERATORS or task.call is None:
        return False
    if not (task.origin or "").startswith("airflow."):
        return False
    if task.operator == "KubernetesPodOperator":
        kw = keyword(task.call, "do_xcom_push")
        return not has_splat(task.call) and (kw is None or (isinstance(kw.value, ast.Constant) and kw.value.value is False))
    return True


def sites_pull_from_silent(scan: FileScan, rng: random.Random) -> List[Mutant]:
    candidates = [t for t in scan.tasks if silent(t)]
    if not candidates:
        return []
    known = scan.tasks_by_id()
    graph = scan.graph()
    out = []
    for pull in _literal_pulls(scan):
        target = _single_target(scan, pull)
        if target is None or not _reads_return_value(pull):
            continue
        choices = [s for s in candidates if s is not target and s is not pull.consumer and len(known[s.task_id]) == 1
                   and scan.same_dag(s, target) and "'" not in s.task_id and '"' not in s.task_id]
        if not choices:
            continue
        if graph is not None and pull.consumer is not None:
            upstream = [s for s in choices if graph.reachable(s.task_id, pull.consumer.task_id)]
            choices = upstream or choices
        chosen = rng.choice(choices)
        span = pull.task_ids[0][1]
        mutant = _mutant(scan, "pull_from_silent_operator", span[0], span[1], _quoted(scan, span, chosen.task_id),
                         [pull.span], explained=[("XCL106", [pull.span], None), ("XCL102", [pull.span], None),
                                                 ("XCL204", None, f"pushed by task '{target.task_id}'")],
                         origin=operator_origin(chosen),
                         detail={"was": target.task_id, "now": chosen.task_id, "operator": chosen.operator,
                                 "module": chosen.origin, "why_silent": SILENT_OPERATORS[chosen.operator or ""],
                                 "pull_line": pull.line, "jinja": pull.jinja})
        if mutant:
            out.append(mutant)
    return out


# -- XCL207, XCL208, XCL209: the Don'ts of XCom


def _in_loop(scan: FileScan, node: ast.AST, function: ast.AST) -> bool:
    current = scan.parents.get(id(node))
    while current is not None and current is not function:
        if isinstance(current, LOOPS):
            return True
        current = scan.parents.get(id(current))
    return False


def _literal_bound(function: ast.AST, name: str) -> bool:
    """Whether ``name`` is given, in the function, a value that is no data: a
    literal, a literal collection, a comprehension or ``range()``."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = node.value
            if isinstance(value, (ast.Constant, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.JoinedStr)):
                return True
    return False


def _data_value(scan: FileScan, function: ast.AST, value: ast.AST) -> bool:
    """A pushed value that holds data at runtime: a call, an attribute, a
    subscript, or a name that is neither a module constant nor a literal."""
    if isinstance(value, ast.Call):
        return dotted(value.func) not in ("list", "tuple", "set", "dict", "range", "sorted", "str", "len",
                                               "int", "float", "bool")
    if isinstance(value, (ast.Attribute, ast.Subscript)):
        return True
    if isinstance(value, ast.Name):
        module_names = {t.id for n in scan.tree.body if isinstance(n, ast.Assign)
                        for t in n.targets if isinstance(t, ast.Name)}
        return value.id not in module_names and not _literal_bound(function, value.id)
    return False


def sites_push_in_data_loop(scan: FileScan, rng: random.Random) -> List[Mutant]:
    """A push of a literal key, written alone on its line, wrapped in a loop over
    its value with a key computed per item: ``for _item in rows:
    ti.xcom_push(key=f"rows_{_item}", value=_item)``."""
    out = []
    for function, task, called in _callables(scan):
        if not called:
            continue
        for node in ast.walk(function):
            if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
                continue
            call = node.value
            if not (isinstance(call.func, ast.Attribute) and call.func.attr == "xcom_push") or has_splat(call):
                continue
            if node.lineno != node.end_lineno or scan.enclosing_function(node) is not function:
                continue
            if _in_loop(scan, node, function) or not _statement_lines_free(scan, node):
                continue
            key_kw, value_kw = keyword(call, "key"), keyword(call, "value")
            if key_kw is None or value_kw is None or call.args or len(call.keywords) != 2:
                continue
            key = str_value(key_kw.value)
            if key is None or not key or any(ch in key for ch in "{}'\\\"\n"):
                continue
            if not _data_value(scan, function, value_kw.value):
                continue
            start, end = scan.span(node)
            receiver = scan.source[slice(*scan.span(call.func.value))]
            data = scan.source[slice(*scan.span(value_kw.value))]
            new = f'for _item in {data}: {receiver}.xcom_push(key=f"{key}_{{_item}}", value=_item)'
            site = (start, end)
            mutant = _mutant(scan, "push_in_data_loop", start, end, new, [site],
                             # the task no longer pushes the literal key: a pull of it finds no push
                             # (XCL104), and a bare pull of it by the task is no longer a self-read (XCL101)
                             explained=[("XCL104", None, f"'{key}'"), ("XCL101", None, f"key '{key}'")],
                             detail={"task": task.task_id, "key": key, "over": data})
            if mutant:
                out.append(mutant)
    return out


def sites_pull_self_read(scan: FileScan, rng: random.Random) -> List[Mutant]:
    """A Python pull of another task's value, in the callable of exactly one
    task T that pushes the same key itself (returns a value, or pushes the key
    with ``xcom_push`` after the pull), retargeted to T itself."""
    out = []
    callables: Dict[int, List[Task]] = {}
    for task in scan.tasks:
        function = _task_function(scan, task) if _is_python_task(task) else None
        if function is not None:
            callables.setdefault(id(function), []).append(task)
    for pull in _literal_pulls(scan):
        if pull.jinja or pull.include_prior_dates or pull.function is None or isinstance(pull.function, ast.Lambda):
            continue
        runners = callables.get(id(pull.function), [])
        if len(runners) != 1 or len(scan.tasks_by_id().get(runners[0].task_id, [])) != 1:
            continue
        task = runners[0]
        target = _single_target(scan, pull)
        if target is None or target is task or not pull.key_literal or _pushes_nothing(task):
            continue
        if "'" in task.task_id or '"' in task.task_id or _multiple_outputs(scan, task):
            continue
        function = pull.function
        if _reads_return_value(pull):
            if not function_returns(function):
                continue
        else:
            pushes = _push_lines(function, pull.key or "")
            if not pushes or min(pushes) <= pull.line:
                continue  # a push written before the pull: read back in the same try
        span = pull.task_ids[0][1]
        mutant = _mutant(scan, "pull_self_read", span[0], span[1], _quoted(scan, span, task.task_id), [pull.span],
                         explained=[("XCL204", None, f"pushed by task '{target.task_id}'")],
                         detail={"was": target.task_id, "now": task.task_id, "key": pull.key or "return_value",
                                 "pull_line": pull.line})
        if mutant:
            out.append(mutant)
    return out


def _push_lines(function: ast.AST, key: str) -> List[int]:
    return [node.lineno for node in ast.walk(function)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "xcom_push"
            and str_value((keyword(node, "key").value if keyword(node, "key") else (node.args[0] if node.args else None))) == key]


def sites_producer_mapped(scan: FileScan, rng: random.Random) -> List[Mutant]:
    """A PythonOperator made mapped (``PythonOperator.partial(...).expand(op_args=[[1], [2]])``)
    and a pull of it, without map_indexes, read as one value (``xcom_pull(...)["value"]``):
    one edit from the first change to the last."""
    out = []
    for pull in _literal_pulls(scan):
        producer = _single_target(scan, pull)
        if producer is None or producer.kind != "operator" or producer.call is None or producer.operator != "PythonOperator":
            continue
        if pull.consumer is None or pull.consumer is producer or not scan.same_dag(pull.consumer, producer):
            continue
        if not _reads_return_value(pull) or (pull.call is not None and keyword(pull.call, "map_indexes") is not None):
            continue
        call = producer.call
        if has_splat(call) or not isinstance(call.func, (ast.Name, ast.Attribute)):
            continue
        if isinstance(call.func, ast.Attribute) and call.func.attr == "partial":
            continue  # mapped already: ``PythonOperator.partial(...).expand(...)``
        func_end = scan.span(call.func)[1]
        call_end = scan.span(call)[1]
        pull_end = pull.span[1]
        quote = scan.source[pull.task_ids[0][1][0]]
        if quote not in "'\"":
            continue
        if func_end <= pull.span[0] < call_end or func_end < pull_end <= call_end:
            continue  # the pull is written inside the producer's call
        inserts = sorted([(func_end, ".partial"), (call_end, ".expand(op_args=[[1], [2]])"),
                          (pull_end, f"[{quote}value{quote}]")])
        start, end = inserts[0][0], inserts[-1][0]
        new, at = "", start
        for offset, text in inserts:
            new += scan.source[at:offset] + text
            at = offset
        mutant = _mutant(scan, "producer_mapped", start, end, new, [pull.span],
                         explained=[("XCL209", None, f"'{producer.task_id}'")],
                         detail={"producer": producer.task_id, "pull_line": pull.line, "jinja": pull.jinja,
                                 "consumer": pull.consumer.task_id})
        if mutant:
            out.append(mutant)
    return out


# --------------------------------------------------------------------------- all kinds

GENERATORS: Dict[str, Callable[[FileScan, random.Random], List[Mutant]]] = {
    "task_id_typo_python": lambda s, r: sites_task_id_typo(s, r, jinja=False),
    "task_id_typo_jinja": lambda s, r: sites_task_id_typo(s, r, jinja=True),
    "group_prefix_dropped": sites_group_prefix,
    "key_typo": sites_key_typo,
    "task_ids_deleted": lambda s, r: sites_task_ids_deleted(s, r, jinja=False),
    "task_ids_deleted_jinja": lambda s, r: sites_task_ids_deleted(s, r, jinja=True),
    "edge_removed": sites_edge_removed,
    "returns_set": lambda s, r: sites_returns(s, r, "returns_set"),
    "returns_datetime": lambda s, r: sites_returns(s, r, "returns_datetime"),
    "do_xcom_push_false": sites_do_xcom_push_false,
    "pull_from_silent_operator": sites_pull_from_silent,
    "push_in_data_loop": sites_push_in_data_loop,
    "pull_self_read": sites_pull_self_read,
    "producer_mapped": sites_producer_mapped,
}


def mutants_of(scan: FileScan, seed: int, kinds: Sequence[str] = KINDS, per_file: int = 3) -> List[Mutant]:
    """Up to ``per_file`` mutants of each kind, sampled with a generator seeded
    by (seed, file, kind): the same corpus and seed give the same mutants.
    Only the sampled mutants are compiled (a candidate that does not parse is
    replaced by the next one)."""
    out: List[Mutant] = []
    for kind in kinds:
        rng = rng_for(seed, scan.path.rsplit("/", 1)[-1], kind)
        found = GENERATORS[kind](scan, rng)
        chosen: List[int] = []
        for index in rng.sample(range(len(found)), len(found)):
            if len(chosen) == per_file:
                break
            if materialize(scan, found[index]):
                chosen.append(index)
        out.extend(found[i] for i in sorted(chosen))
    return out
