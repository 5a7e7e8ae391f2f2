"""XCL208 xcom-as-retry-state: a task reads back an XCom it pushes itself."""

from __future__ import annotations

from typing import Iterator, List

from ..model.records import ABSENT, RETURN_KEY, Dag, Pull, Push
from .context import RuleContext
from .pulls import pull_report, reads_this_dag
from .registry import Report, rule


@rule("XCL208", "xcom-as-retry-state", "A task reads back an XCom it pushes itself, as if it survived a retry.",
      severity="warning")
def xcom_as_retry_state(dag: Dag, context: RuleContext) -> Iterator[Report]:
    for pull in dag.pulls:
        task = pull.consumer
        key = pull.effective_key
        if not isinstance(task, str) or not isinstance(key, str) or not reads_this_dag(pull):
            continue
        if pull.include_prior_dates is True:
            continue  # reads an earlier run's value, which a retry of this run does not clear
        if pull.task_ids != task and not _bare_self_read(pull, key, context):
            continue
        own = [push for push in dag.pushes if push.task_id == task and push.key == key]
        if not own or _reads_back_a_push_just_made(pull, own):
            continue
        yield pull_report(pull, _message(pull, task, key, own, context), at="task_ids")


def _bare_self_read(pull: Pull, key: str, context: RuleContext) -> bool:
    """``xcom_pull(key=...)`` without task_ids reads the calling task on Airflow 3;
    XCL101 reports it unless the task pushes the key by hand (see reads_own_push)."""
    return (context.airflow_version >= 3 and pull.via == "xcom_pull" and pull.task_ids in (ABSENT, None)
            and key != RETURN_KEY)


def _reads_back_a_push_just_made(pull: Pull, own: List[Push]) -> bool:
    """A pull in code written after an explicit push of the key reads what this
    try pushed: no state is expected to survive a retry there."""
    if pull.via != "xcom_pull":
        return False  # a template is rendered before the task runs
    at = (pull.span.line, pull.span.column)
    return any(push.explicit and push.span.resolved and push.span.path == pull.span.path
               and (push.span.line, push.span.column) < at for push in own)


def _message(pull: Pull, task: str, key: str, own: List[Push], context: RuleContext) -> str:
    if pull.via == "template":
        what = (f"task '{task}' renders a pull of its own XCom '{key}' in a template: templates are rendered "
                f"before the task runs, and its XComs are cleared at the start of every try")
        return f"{what}, so it always renders 'None'; {_instead(context)}"
    if pull.task_ids in (ABSENT, None):
        return (f"xcom_pull() without task_ids reads task '{task}' itself on Airflow 3, and a task's XComs are "
                f"cleared at the start of every try: before '{task}' pushes '{key}' in this try the pull returns "
                f"None, so no value survives a retry (and no other task's '{key}' is read); name the producer "
                f"with task_ids=... if another task pushes it, or {_instead(context, lead=False)}")
    if all(push.via in ("return", "multiple_outputs") for push in own):
        why = ("its return value is pushed only after it ends, and a task's XComs are cleared at the start of "
               "every try, so the pull always returns None")
    else:
        why = ("a task's XComs are cleared at the start of every try (and between the pokes of a rescheduled "
               "sensor), so a retry never finds the value and starts over")
    return f"task '{task}' reads back its own XCom '{key}' as state: {why}; {_instead(context)}"


def _instead(context: RuleContext, lead: bool = True) -> str:
    keep = "keep state that must survive a retry" if lead else "keep state meant to survive a retry"
    if context.airflow_version >= 3:
        return (f"{keep} in the task state store (context['task_state_store'].get/.set, Airflow 3.3+), "
                f"a Variable or an external store")
    return f"{keep} in a Variable or an external store (a table, an object store)"


