"""XCL108 empty-key: ``key=None`` or ``key=""``."""

from __future__ import annotations

from typing import Iterator, Optional

from ..findings import Fix
from ..model.records import RETURN_KEY, Dag, FileModel, Pull
from .context import RuleContext
from .fixes import UNSAFE, argument_removal, single_fix
from .pulls import named_producers, pull_report
from .registry import FILE_SCOPE, Report, rule


@rule("XCL108", "empty-key", "key=None or key=\"\": a wildcard on Airflow 2, an error on Airflow 3.", scope=FILE_SCOPE)
def empty_key(model: FileModel, context: RuleContext) -> Iterator[Report]:
    for dag, pull in model.all_pulls():
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
            message, severity=severity, at="key", fix=_fix(dag, pull, written),
        )


def _fix(dag: Optional[Dag], pull: Pull, written: str) -> Optional[Fix]:
    """Drop the argument, so that the pull reads ``return_value``, when every task
    it names pushes a return value. Unsafe: on Airflow 2 the pull may have meant
    another key, the newest of which it read."""
    producers = named_producers(pull)
    if dag is None or not producers or pull.targets_other_dag:
        return None
    returning = {push.task_id for push in dag.pushes if push.key == RETURN_KEY}
    if not all(producer in returning for producer in producers):
        return None
    argument = pull.argument("key")
    if argument is None:
        return None
    later = pull.arguments[pull.arguments.index(argument) + 1:]
    if not argument.keyword and any(not a.keyword for a in later):
        return None  # a positional argument after it would move into its place
    return single_fix(f"Remove {written} to read 'return_value'", UNSAFE, argument_removal(pull, argument))
