"""XCL203 secret-in-xcom: a secret written to the XCom table in plaintext."""

from __future__ import annotations

from typing import Iterator

from ..model.records import Dag
from .context import RuleContext
from .pushes import describe, value_pushes
from .registry import Report, rule


@rule("XCL203", "secret-in-xcom", "A pushed or returned value derived from a variable, connection or env secret.")
def secret_in_xcom(dag: Dag, context: RuleContext) -> Iterator[Report]:
    for push in value_pushes(dag):
        if not push.value.secret:
            continue
        task, verb = describe(push)
        yield Report(
            push.span,
            f"{task} {verb} a value derived from {push.value.secret}: XComs are stored in plaintext in the "
            f"metadata database and shown in the UI and API; pass the variable or connection id and read the "
            f"secret inside the task that needs it",
            task_id=push.task_id if isinstance(push.task_id, str) else None,
        )
