"""XCL301-XCL305: the XCom flows of listed DAGs checked against the allow-list.

All five read the same flows (``allowlist.flows``) and run once per run:
XCL303 needs every file to know an entry is stale, and its findings are
reported in the allow-list file itself.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Dict, Iterator, List, Sequence, Tuple

from ..allowlist.flows import Flow, dag_flows, declared_pushes, run_dags
from ..model.records import FileModel, Span
from .context import RuleContext
from .registry import RUN_SCOPE, Report, rule


def _report(flow: Flow, message: str) -> Report:
    return Report(flow.span, message, task_id=flow.consumer, path=flow.path, dag_id=flow.dag_id,
                  extra_noqa_lines=(flow.end_line,) if flow.end_line else ())


def _listed(models: Sequence[FileModel], context: RuleContext):
    allowlist = context.allowlist
    if allowlist is None:
        return
    for path, dag in run_dags(models):
        rules = allowlist.rules_for(dag.dag_id)
        if rules is not None:
            yield path, dag, rules


@rule("XCL301", "key-leak", "A flow (producer, key, consumer) the allow-list does not permit.", scope=RUN_SCOPE)
def key_leak(models: Sequence[FileModel], context: RuleContext) -> Iterator[Report]:
    for path, dag, rules in _listed(models, context):
        for flow in dag_flows(path, dag):
            if flow.other_dag is not None or flow.producer == flow.consumer:
                continue
            if any(r.allows(flow.producer, flow.key, flow.consumer) for r in rules.xcoms):
                continue
            allowed = sorted({c for r in rules.xcoms if r.allows_push(flow.producer, flow.key) for c in r.consumers})
            hint = f"only {', '.join(repr(a) for a in allowed)} may" if allowed else "no task may"
            yield _report(
                flow,
                f"'{flow.consumer}' reads key '{flow.key}' of '{flow.producer}', which the allow-list does not "
                f"permit ({hint} read it in DAG '{flow.dag_id}'); add '{flow.consumer}' to that entry's 'to' "
                f"if the flow is intended",
            )


@rule("XCL302", "undeclared-push", "An explicit xcom_push of a key the allow-list does not declare.", scope=RUN_SCOPE)
def undeclared_push(models: Sequence[FileModel], context: RuleContext) -> Iterator[Report]:
    for path, dag, rules in _listed(models, context):
        for push in declared_pushes(dag):
            if any(r.allows_push(push.task_id, push.key) for r in rules.xcoms):  # type: ignore[arg-type]
                continue
            yield Report(
                push.span,
                f"task '{push.task_id}' pushes key '{push.key}', which the allow-list does not declare for DAG "
                f"'{dag.dag_id}'; declare it (from: {push.task_id}, key: {push.key}) with the tasks that may read it",
                task_id=push.task_id,  # type: ignore[arg-type]
                path=path,
                dag_id=dag.dag_id,  # type: ignore[arg-type]
            )


@rule("XCL303", "stale-allowlist-entry", "An allow-list entry that matches nothing in the linted code.", scope=RUN_SCOPE,
      severity="warning")
def stale_allowlist_entry(models: Sequence[FileModel], context: RuleContext) -> Iterator[Report]:
    allowlist = context.allowlist
    if allowlist is None:
        return
    present = {dag.dag_id: (path, dag) for path, dag in run_dags(models)}
    for dag_id, rules in sorted(allowlist.dags.items()):
        if dag_id not in present:
            continue  # a DAG not linted in this run cannot be judged
        path, dag = present[dag_id]
        if not (dag.tasks_complete and dag.edges_complete):
            continue  # the code may hold flows xcomlint cannot see
        flows = list(dag_flows(path, dag))
        # any push counts (return values and multiple_outputs keys too), not only explicit ones
        pushes = [(p.task_id, p.key) for p in dag.pushes if isinstance(p.task_id, str) and isinstance(p.key, str)]
        for entry in rules.xcoms:
            used = any(entry.allows(f.producer, f.key, f.consumer) for f in flows if f.other_dag is None)
            used = used or any(entry.allows_push(task_id, key) for task_id, key in pushes)
            if not used:
                yield Report(
                    Span(entry.line, entry.column, entry.line, entry.column),
                    f"allow-list entry (from: {entry.producer}, key: {entry.key}) for DAG '{dag_id}' matches no "
                    f"push or pull in the linted code; remove it, or fix the task id or key",
                    path=allowlist.path,
                    dag_id=dag_id,
                )
        for cross in rules.cross_dag:
            if not any(f.other_dag is not None and cross.allows(f.other_dag, f.producer, f.key, f.consumer) for f in flows):
                yield Report(
                    Span(cross.line, cross.column, cross.line, cross.column),
                    f"cross_dag entry (dag: {cross.dag}, from: {cross.producer}, key: {cross.key}) for DAG "
                    f"'{dag_id}' matches no pull in the linted code; remove it, or fix it",
                    path=allowlist.path,
                    dag_id=dag_id,
                )


@rule("XCL304", "cross-dag-pull", "A pull from another DAG that cross_dag does not permit.", scope=RUN_SCOPE)
def cross_dag_pull(models: Sequence[FileModel], context: RuleContext) -> Iterator[Report]:
    for path, dag, rules in _listed(models, context):
        for flow in dag_flows(path, dag):
            if flow.other_dag is None:
                continue
            if any(r.allows(flow.other_dag, flow.producer, flow.key, flow.consumer) for r in rules.cross_dag):
                continue
            yield _report(
                flow,
                f"'{flow.consumer}' reads key '{flow.key}' of '{flow.producer}' in another DAG, "
                f"'{flow.other_dag}', which the allow-list's cross_dag for '{flow.dag_id}' does not permit",
            )


@rule("XCL305", "shared-exclusive-key", "A key declared exclusive is pulled by more than one task.", scope=RUN_SCOPE)
def shared_exclusive_key(models: Sequence[FileModel], context: RuleContext) -> Iterator[Report]:
    for path, dag, rules in _listed(models, context):
        exclusive = [r for r in rules.xcoms if r.exclusive]
        if not exclusive:
            continue
        readers: Dict[Tuple[int, int], List[Flow]] = defaultdict(list)
        for flow in dag_flows(path, dag):
            for entry in exclusive:
                if flow.other_dag is None and flow.producer != flow.consumer and entry.allows_push(flow.producer, flow.key):
                    readers[(entry.line, entry.column)].append(flow)
        for entry in exclusive:
            flows = sorted(readers.get((entry.line, entry.column), []), key=lambda f: (f.span.line, f.span.column))
            consumers: List[str] = []
            for flow in flows:
                if flow.consumer not in consumers:
                    consumers.append(flow.consumer)
            if len(consumers) < 2:
                continue
            first = consumers[0]
            for flow in flows:
                if flow.consumer == first:
                    continue
                yield _report(
                    flow,
                    f"key '{flow.key}' of '{flow.producer}' is declared exclusive, but '{flow.consumer}' reads it "
                    f"besides '{first}'; only one task may read an exclusive key",
                )
