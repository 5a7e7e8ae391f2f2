"""XCL101 pull-without-task-ids: ``xcom_pull()`` that names no task."""

from __future__ import annotations

from typing import Dict, Iterator, Optional, Set

from ..findings import Fix
from ..model.records import ABSENT, REAL_DAG, RETURN_KEY, Dag, FileModel, Pull, Span
from .context import RuleContext
from .fixes import UNSAFE, first_argument_insertion, literal_like, quote_of, replacement, single_fix
from .pulls import pull_report
from .registry import FILE_SCOPE, Report, rule


@rule(
    "XCL101",
    "pull-without-task-ids",
    "xcom_pull() without task_ids reads an arbitrary task (Airflow 2) or the calling task (Airflow 3).",
    scope=FILE_SCOPE,
    severity="warning",
)
def pull_without_task_ids(model: FileModel, context: RuleContext) -> Iterator[Report]:
    # a helper run by several tasks: each reads its own key, and one finding says so
    consumers: Dict[Span, Set[object]] = {}
    for _, pull in model.all_pulls():
        consumers.setdefault(pull.span, set()).add(pull.consumer)
    for dag, pull in model.all_pulls():
        if pull.via == "xcomarg" or pull.has_star_args or pull.task_ids not in (ABSENT, None):
            continue
        if pull.include_prior_dates is True:
            continue  # a deliberate read of this task's value from earlier runs
        key = pull.effective_key
        key_text = f"key '{key}'" if isinstance(key, str) else "the key"
        consumer = pull.consumer if isinstance(pull.consumer, str) else None
        # a helper of another module: other tasks, in other DAG files, may run it too
        shared = len(consumers[pull.span]) > 1 or pull.span.path is not None
        if context.airflow_version >= 3:
            if dag is not None and consumer is not None and reads_own_push(dag, pull, consumer, key):
                continue  # reads back its own push: what Airflow 3 does here
            who = f"task '{consumer}' itself" if consumer and not shared else "the calling task itself"
            if pull.via == "template":
                why = ": a template is rendered before the task runs, so it always renders 'None'"
            elif key == RETURN_KEY:
                why = ": a task's own return value is pushed only after it ends, so the pull always returns None"
            else:
                why = ", so it returns None unless that task pushed it"
            message = (
                f"xcom_pull() without task_ids reads {key_text} of {who} on Airflow 3{why}; "
                f"name the producer with task_ids=..."
            )
        else:
            message = (
                f"xcom_pull() without task_ids returns the newest {key_text} pushed by any task "
                f"(and reads the calling task itself on Airflow 3); name the producer with task_ids=..."
            )
        yield pull_report(pull, message, fix=None if shared else _fix(dag, pull, key, context))


def _fix(dag: Optional[Dag], pull: Pull, key: object, context: RuleContext) -> Optional[Fix]:
    """``task_ids=`` the one upstream task that pushes the key. Unsafe: the pull
    may have meant a task that pushes the key at runtime only. Offered only in a
    DAG whose tasks and dependencies are all known, when no other upstream task
    may push the key and the pulling task does not push it itself."""
    consumer = pull.consumer
    if dag is None or dag.kind != REAL_DAG or not dag.tasks_complete or not dag.edges_complete:
        return None
    if not isinstance(consumer, str) or not isinstance(key, str) or pull.targets_other_dag:
        return None
    pushers = {push.task_id for push in dag.pushes if push.key == key}
    if consumer in pushers:
        return None
    upstream = context.upstream(dag).get(consumer, frozenset())
    candidates = sorted(task_id for task_id in upstream if task_id in pushers)
    unsure = [task for task in dag.tasks if task.task_id in upstream and task.task_id not in pushers
              and not task.pushes_known and not task.pushes_nothing]
    if len(candidates) != 1 or unsure:
        return None
    # in a template, the quote of another argument: the other would end the Python string
    quote = quote_of(pull.arguments) or ('"' if pull.via == "xcom_pull" else None)
    literal = literal_like(candidates[0], quote, quote) if quote else None
    if literal is None:
        return None
    written = pull.argument("task_ids")
    if written is not None:  # task_ids=None
        edit = replacement(written.value, literal) if written.value.resolved and written.written == "None" else None
    else:
        edit = first_argument_insertion(pull, f"task_ids={literal}")
    return single_fix(f"Pull from '{candidates[0]}', the one upstream task that pushes '{key}'", UNSAFE, edit)


def reads_own_push(dag: Dag, pull: Pull, consumer: str, key: object) -> bool:
    """On Airflow 3 a bare pull reads the calling task's own XCom, which holds
    a value only if the task pushed it by hand before the pull, while it runs.
    Its return value (and each ``multiple_outputs`` key) is pushed after
    ``execute`` ends, and a template is rendered before ``execute`` starts, so
    a bare pull of ``return_value`` or a bare pull in a template finds nothing."""
    if pull.via != "xcom_pull" or not isinstance(key, str) or key == RETURN_KEY:
        return False
    return any(p.task_id == consumer and p.key == key and p.via == "xcom_push" for p in dag.pushes)

