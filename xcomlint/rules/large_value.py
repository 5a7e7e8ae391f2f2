"""XCL202 large-value: a data payload pushed where a reference belongs."""

from __future__ import annotations

from typing import Iterator

from ..model.records import Dag
from .context import RuleContext
from .pushes import describe, value_pushes
from .registry import Report, rule

_WHY = (
    "XComs live in the metadata database (a MySQL row held 64 KiB before Airflow 2.9) and travel through "
    "the API server on Airflow 3; write the data to storage and push its URI, path or table name"
)


@rule("XCL202", "large-value", "A data payload (DataFrame, query rows, file contents, big literal) pushed to XCom.")
def large_value(dag: Dag, context: RuleContext) -> Iterator[Report]:
    limit = context.settings.large_value_bytes
    for push in value_pushes(dag):
        value = push.value
        what = value.payload
        if what is None and value.literal_bytes is not None and value.literal_bytes > limit:
            what = f"a {value.literal_bytes:,}-byte literal (more than large-value-bytes = {limit:,})"
        if what is None:
            continue
        task, verb = describe(push)
        yield Report(push.span, f"{task} {verb} {what}: {_WHY}", task_id=push.task_id if isinstance(push.task_id, str) else None)
