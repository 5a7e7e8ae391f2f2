"""XCL207 unbounded-pushes: one XCom per item of a loop over data."""

from __future__ import annotations

from typing import Iterator

from ..model.records import Dag
from .context import RuleContext
from .pushes import describe
from .registry import Report, rule


@rule("XCL207", "unbounded-pushes", "A push under a key computed per item of a loop over data.", severity="warning")
def unbounded_pushes(dag: Dag, context: RuleContext) -> Iterator[Report]:
    for push in dag.pushes:
        # a literal key pushed in a loop is replaced each iteration: XCL205's one finding
        if not push.explicit or isinstance(push.key, str) or push.loop_over is None or not push.key_per_item:
            continue
        task, _ = describe(push)
        yield Report(
            push.span,
            f"{task} pushes an XCom under a key computed per item of {_over(push.loop_over)}: every item adds "
            f"a row to Airflow's metadata database in every run; push one reference instead (a list of ids, "
            f"the path of a file holding the items)",
            task_id=push.task_id if isinstance(push.task_id, str) else None,
        )


def _over(loop_over: str) -> str:
    return loop_over if loop_over == "a while loop" else f"a loop over '{loop_over}'"
