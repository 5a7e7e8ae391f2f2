"""XCL301-XCL305: the XCom flows of listed DAGs checked against the allow-list.

All five read the same flows (``allowlist.flows``) and run once per run:
XCL303 needs every file to know an entry is stale, and its findings are
reported in the allow-list file itself.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, Sequence, Tuple

from ..findings import Edit, Fix
from ..model.records import Dag, FileModel, Push, Span
from .context import RuleContext
from .fixes import SAFE
from .registry import RUN_SCOPE, Report, rule
from .suggest import closest, grouped_id

if TYPE_CHECKING:
    from ..allowlist.flows import Flow
    from ..allowlist.records import DagRules, Position, Removal, XComRule


# The allow-list's flows and patterns are loaded by the first run that has an
# allow-list: without one, these rules read nothing, and every run loads them.
def run_dags(models: Sequence[FileModel]) -> Iterator[Tuple[str, Dag]]:
    from ..allowlist.flows import run_dags as listed_dags

    return listed_dags(models)


def dag_flows(path: str, dag: Dag) -> Iterator["Flow"]:
    from ..allowlist.flows import dag_flows as flows

    return flows(path, dag)


def declared_pushes(dag: Dag) -> Iterator[Push]:
    from ..allowlist.flows import declared_pushes as pushes

    return pushes(dag)


def matches(task_id: str, pattern: str) -> bool:
    from ..allowlist.records import matches as task_matches

    return task_matches(task_id, pattern)


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
            entries = [r for r in rules.xcoms if r.allows_push(flow.producer, flow.key)]
            allowed = sorted({c for r in entries for c in r.consumers})
            hint = f"only {', '.join(repr(a) for a in allowed)} may" if allowed else "no task may"
            yield _report(
                flow,
                f"'{flow.consumer}' reads key '{flow.key}' of '{flow.producer}', which the allow-list does not "
                f"permit ({hint} read it in DAG '{flow.dag_id}'); {_key_leak_advice(flow, rules, bool(entries))}",
            )


def _key_leak_advice(flow: Flow, rules: DagRules, has_entry: bool) -> str:
    """What to change in the allow-list: the entry's ``to`` when one lets the
    producer push the key; else the entry for the key whose ``from`` is a typo
    of the producer, or an entry to add."""
    if has_entry:
        return f"add '{flow.consumer}' to that entry's 'to' if the flow is intended"
    typo = closest(flow.producer, [r.producer for r in rules.xcoms if r.key == flow.key])
    if typo is not None:
        return (f"no entry lets '{flow.producer}' push it: the entry for key '{flow.key}' has from: '{typo}', "
                f"a typo of '{flow.producer}'?")
    return (f"no entry lets '{flow.producer}' push it: add one with from: '{flow.producer}', key: '{flow.key}' "
            f"and '{flow.consumer}' in its 'to' if the flow is intended")


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


def _span_at(position: Optional[Position], width: int, fallback: Position) -> Span:
    line, column = position or fallback
    return Span(line, column, line, column + max(1, width))


def _no_task(field: str, pattern: str, dag_id: str, task_ids: Sequence[str]) -> str:
    suggestion = closest(pattern, task_ids) or grouped_id(pattern, task_ids)
    hint = f"; did you mean '{suggestion}'?" if suggestion else ""
    return f"'{field}: {pattern}' names no task of DAG '{dag_id}'{hint} (the entry permits nothing)"


def _unknown_tasks(rules: DagRules, task_ids: Sequence[str]) -> Iterator[Tuple[Report, XComRule]]:
    """Each ``from``/``to`` of an ``xcoms`` entry that matches no task of the DAG."""
    for entry in rules.xcoms:
        fallback = (entry.line, entry.column)
        if not any(matches(task, entry.producer) for task in task_ids):
            yield Report(_span_at(entry.producer_at, len(entry.producer), fallback),
                         _no_task("from", entry.producer, rules.dag_id, task_ids), dag_id=rules.dag_id), entry
        for index, consumer in enumerate(entry.consumers):
            if not any(matches(task, consumer) for task in task_ids):
                at = entry.consumers_at[index] if index < len(entry.consumers_at) else None
                yield Report(_span_at(at, len(consumer), fallback),
                             _no_task("to", consumer, rules.dag_id, task_ids), dag_id=rules.dag_id), entry


@rule("XCL303", "stale-allowlist-entry", "An allow-list entry that matches nothing in the linted code.", scope=RUN_SCOPE,
      severity="warning")
def stale_allowlist_entry(models: Sequence[FileModel], context: RuleContext) -> Iterator[Report]:
    allowlist = context.allowlist
    if allowlist is None:
        return
    # a DAG id may be defined in several files (variants per environment, a copy
    # being migrated): an entry is stale only if it matches none of them
    defined: Dict[str, List[Tuple[str, Dag]]] = defaultdict(list)
    for path, dag in run_dags(models):
        defined[dag.dag_id].append((path, dag))  # type: ignore[index]
    dynamic_ids = any(not isinstance(dag.dag_id, str) for model in models for dag in model.dags)
    for dag_id, rules in sorted(allowlist.dags.items()):
        report = _report_in(allowlist.path, dag_id)
        if dag_id not in defined:
            # a typo here would leave the real DAG unchecked: never silent
            suggestion = closest(dag_id, defined)
            hint = f"; did you mean '{suggestion}'?" if suggestion else ""
            runtime = " (a DAG whose id is computed at runtime cannot be matched)" if dynamic_ids else ""
            yield report(Span(rules.line, rules.column, rules.line, rules.column + len(dag_id)),
                         f"DAG '{dag_id}' is listed in the allow-list, but no linted file defines it: its entries "
                         f"check nothing{runtime}{hint}")
            continue
        dags = defined[dag_id]
        if not all(dag.tasks_complete for _, dag in dags):
            continue  # the code may hold tasks xcomlint cannot name
        task_ids = sorted({task for _, dag in dags for task in dag.task_ids})
        mistyped = set()
        for found, entry in _unknown_tasks(rules, task_ids):
            mistyped.add(id(entry))
            yield report(found.span, found.message)
        for cross in rules.cross_dag:
            for index, consumer in enumerate(cross.consumers):
                if not any(matches(task, consumer) for task in task_ids):
                    mistyped.add(id(cross))
                    at = cross.consumers_at[index] if index < len(cross.consumers_at) else None
                    yield report(_span_at(at, len(consumer), (cross.line, cross.column)),
                                 _no_task("to", consumer, dag_id, task_ids))
        if not all(dag.edges_complete for _, dag in dags):
            continue  # the code may hold flows xcomlint cannot see
        flows = [flow for path, dag in dags for flow in dag_flows(path, dag)]
        # any push counts (return values and multiple_outputs keys too), not only explicit ones
        pushes = [(p.task_id, p.key) for _, dag in dags for p in dag.pushes
                  if isinstance(p.task_id, str) and isinstance(p.key, str)]
        for entry in rules.xcoms:
            if id(entry) in mistyped:
                continue
            used = any(entry.allows(f.producer, f.key, f.consumer) for f in flows if f.other_dag is None)
            used = used or any(entry.allows_push(task_id, key) for task_id, key in pushes)
            if not used:
                yield report(
                    Span(entry.line, entry.column, entry.line, entry.column),
                    f"allow-list entry (from: {entry.producer}, key: {entry.key}) for DAG '{dag_id}' matches no "
                    f"push or pull in the linted code; remove it, or fix the task id or key",
                    _removal_fix(entry.removal),
                )
        for cross in rules.cross_dag:
            if id(cross) in mistyped:
                continue
            if not any(f.other_dag is not None and cross.allows(f.other_dag, f.producer, f.key, f.consumer) for f in flows):
                other = closest(cross.dag, defined) if cross.dag not in defined else None
                hint = f"; did you mean dag '{other}'?" if other else ""
                yield report(
                    Span(cross.line, cross.column, cross.line, cross.column),
                    f"cross_dag entry (dag: {cross.dag}, from: {cross.producer}, key: {cross.key}) for DAG "
                    f"'{dag_id}' matches no pull in the linted code{hint}; remove it, or fix it",
                    _removal_fix(cross.removal),
                )


def _removal_fix(removal: Optional[Removal]) -> Optional[Fix]:
    """Delete the entry's lines (a text edit: comments and layout elsewhere stay
    as written). Safe: an entry that matches nothing permits nothing."""
    if removal is None:
        return None
    return Fix("Remove the stale entry", SAFE, (Edit(*removal, ""),))


def _report_in(path: str, dag_id: str):
    def report(span: Span, message: str, fix: Optional[Fix] = None) -> Report:
        return Report(span, message, path=path, dag_id=dag_id, fix=fix)

    return report


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
            # the reader kept is one the entry permits (the first of them in source
            # order), so the finding always falls on a reader it does not
            permitted = [c for c in consumers if any(matches(c, pattern) for pattern in entry.consumers)]
            owner = (permitted or consumers)[0]
            for flow in flows:
                if flow.consumer == owner:
                    continue
                yield _report(
                    flow,
                    f"key '{flow.key}' of '{flow.producer}' is declared exclusive, but '{flow.consumer}' reads it "
                    f"besides '{owner}'; only one task may read an exclusive key",
                )
