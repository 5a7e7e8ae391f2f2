"""XCL101 pull-without-task-ids: ``xcom_pull()`` that names no task."""

from __future__ import annotations

from typing import Iterator

from ..model.records import ABSENT, FileModel
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
            if dag is not None and consumer is not None and isinstance(key, str):
                if any(p.task_id == consumer and p.key == key for p in dag.pushes):
                    continue  # reads back its own push: what Airflow 3 does here
            who = f"task '{consumer}' itself" if consumer else "the calling task itself"
            message = (
                f"xcom_pull() without task_ids reads {key_text} of {who} on Airflow 3, "
                f"so it returns None unless that task pushed it; name the producer with task_ids=..."
            )
        else:
            message = (
                f"xcom_pull() without task_ids returns the newest {key_text} pushed by any task "
                f"(and reads the calling task itself on Airflow 3); name the producer with task_ids=..."
            )
        yield pull_report(pull, message)


