"""XCL101 pull-without-task-ids: ``xcom_pull()`` that names no task."""

from __future__ import annotations

from typing import Iterator

from ..model.records import ABSENT, RETURN_KEY, Dag, FileModel, Pull
from .context import RuleContext
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
    for dag, pull in model.all_pulls():
        if pull.via == "xcomarg" or pull.has_star_args or pull.task_ids not in (ABSENT, None):
            continue
        if pull.include_prior_dates is True:
            continue  # a deliberate read of this task's value from earlier runs
        key = pull.effective_key
        key_text = f"key '{key}'" if isinstance(key, str) else "the key"
        consumer = pull.consumer if isinstance(pull.consumer, str) else None
        if context.airflow_version >= 3:
            if dag is not None and consumer is not None and _reads_own_push(dag, pull, consumer, key):
                continue  # reads back its own push: what Airflow 3 does here
            who = f"task '{consumer}' itself" if consumer else "the calling task itself"
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
        yield pull_report(pull, message)


def _reads_own_push(dag: Dag, pull: Pull, consumer: str, key: object) -> bool:
    """On Airflow 3 a bare pull reads the calling task's own XCom, which holds
    a value only if the task pushed it by hand before the pull, while it runs.
    Its return value (and each ``multiple_outputs`` key) is pushed after
    ``execute`` ends, and a template is rendered before ``execute`` starts, so
    a bare pull of ``return_value`` or a bare pull in a template finds nothing."""
    if pull.via != "xcom_pull" or not isinstance(key, str) or key == RETURN_KEY:
        return False
    return any(p.task_id == consumer and p.key == key and p.via == "xcom_push" for p in dag.pushes)

