"""XCL108 empty-key: ``key=None`` or ``key=""``."""

from __future__ import annotations

from typing import Iterator

from ..model.records import FileModel
from .context import RuleContext
from .pulls import pull_report
from .registry import FILE_SCOPE, Report, rule


@rule("XCL108", "empty-key", "key=None or key=\"\": a wildcard on Airflow 2, an error on Airflow 3.", scope=FILE_SCOPE)
def empty_key(model: FileModel, context: RuleContext) -> Iterator[Report]:
    for _, pull in model.all_pulls():
        if pull.via == "xcomarg" or pull.key not in (None, ""):
            continue
        written = "key=None" if pull.key is None else 'key=""'
        if context.airflow_version >= 3:
            message = (
                f"{written} is rejected on Airflow 3: the key must be a non-empty string and the pull fails; "
                f"drop the argument to read 'return_value' or name the key"
            )
            severity = "error"
        else:
            message = (
                f"{written} removes the key filter on Airflow 2: the pull returns the newest XCom of any key "
                f"(and fails on Airflow 3); drop the argument to read 'return_value' or name the key"
            )
            severity = "warning"
        yield pull_report(
            pull,
            message, severity=severity, at="key",
        )
