"""XCL107 positional-pull-arguments: ``xcom_pull("t", "k")`` passes "k" as dag_id."""

from __future__ import annotations

from typing import Iterator, Optional

from ..findings import Fix
from ..model.records import ABSENT, FileModel, Pull
from .context import RuleContext
from .fixes import SAFE, insertion, single_fix
from .pulls import pull_report
from .registry import FILE_SCOPE, Report, rule


@rule(
    "XCL107",
    "positional-pull-arguments",
    "A second positional argument to xcom_pull is dag_id, not key.",
    scope=FILE_SCOPE,
)
def positional_pull_arguments(model: FileModel, context: RuleContext) -> Iterator[Report]:
    for _, pull in model.all_pulls():
        # exactly (task_ids, dag_id) with no key: the classic slip; with a third
        # positional or key= the caller clearly knows the signature
        if pull.via == "xcomarg" or pull.positional_count != 2 or pull.key is not ABSENT or pull.dag_id is None:
            continue
        second = f"'{pull.dag_id}'" if isinstance(pull.dag_id, str) else "the second argument"
        task = f"'{pull.task_ids}'" if isinstance(pull.task_ids, str) else "..."
        yield pull_report(
            pull,
            f"the second positional argument of xcom_pull is dag_id, not key: {second} is taken as a DAG id "
            f"and the pull returns None; write xcom_pull(task_ids={task}, key={second})",
            fix=_fix(pull),
        )


def _fix(pull: Pull) -> Optional[Fix]:
    """Name both arguments: ``task_ids=`` before the first, ``key=`` before the second."""
    first, second = pull.argument("task_ids"), pull.argument("dag_id")
    if first is None or second is None or first.keyword or second.keyword:
        return None
    edits = [insertion(first.whole.line, first.whole.column, "task_ids=") if first.whole.resolved else None,
             insertion(second.whole.line, second.whole.column, "key=") if second.whole.resolved else None]
    return single_fix("Pass task_ids and key by keyword", SAFE, *edits)
