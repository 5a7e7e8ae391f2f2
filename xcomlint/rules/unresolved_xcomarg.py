"""XCL109 unresolved-xcomarg: an XComArg Airflow never resolves."""

from __future__ import annotations

from typing import Iterator

from ..model.records import Dag
from .context import RuleContext
from .registry import Report, rule


@rule("XCL109", "unresolved-xcomarg", "An XComArg in a non-templated argument or formatted into a string.")
def unresolved_xcomarg(dag: Dag, context: RuleContext) -> Iterator[Report]:
    for misuse in dag.xcomarg_misuses:
        producer = f"'{misuse.producer}'" if isinstance(misuse.producer, str) else "its task"
        key = f"['{misuse.key}']" if isinstance(misuse.key, str) and misuse.key != "return_value" else ""
        if misuse.how == "argument":
            message = (
                f"the XComArg of {producer}{key} is passed to '{misuse.argument}', which {misuse.operator} does "
                f"not template: the operator receives the XComArg object itself, not the value, and no "
                f"dependency on {producer} is created; pass it to a templated argument"
            )
        else:
            verb = {"f-string": "formatted into an f-string", "str()": "turned into a string with str()"}.get(
                misuse.how, "formatted into a string"
            )
            message = (
                f"the XComArg of {producer}{key} is {verb}: that only yields a Jinja xcom_pull template, "
                f"rendered only in a templated field and without a dependency on {producer}; "
                f"pass the XComArg itself"
            )
        yield Report(
            misuse.span,
            message,
            task_id=misuse.consumer if isinstance(misuse.consumer, str) else None,
        )
