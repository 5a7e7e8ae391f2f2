"""XCL204 unused-push: an explicit ``xcom_push(key=K)`` no task ever pulls."""

from __future__ import annotations

from typing import Iterator, Sequence, Set

from ..model.records import RETURN_KEY, UNKNOWN, Dag, FileModel, Pull
from .context import RuleContext
from .registry import RUN_SCOPE, Report, RuleOption, rule


def _reads_any_key(pull: Pull) -> bool:
    """A pull whose key is not known, or a key wildcard, may read any push."""
    return pull.has_star_args or pull.key is UNKNOWN or pull.key is None or pull.key == ""


def _dag_is_open(dag: Dag) -> bool:
    """Pulls this run cannot see may read the DAG's keys."""
    return dag.has_template_files or any(_reads_any_key(p) for p in dag.pulls)


@rule(
    "XCL204",
    "unused-push",
    "An explicit xcom_push of a key that no task in the linted files pulls.",
    scope=RUN_SCOPE,
    severity="warning",
    options=(RuleOption("ignore-keys", list, [], "keys read outside the linted files (other repositories, the API)"),),
)
def unused_push(models: Sequence[FileModel], context: RuleContext) -> Iterator[Report]:
    pulled: Set[str] = set(context.settings.rule_option("XCL204", "ignore-keys", []))  # type: ignore[arg-type]
    wildcard_outside = False
    for model in models:
        for dag, pull in model.all_pulls():
            key = pull.effective_key
            if isinstance(key, str):
                pulled.add(key)
            # a loose helper or a cross-DAG pull with an unknown key may read anything
            if _reads_any_key(pull) and (dag is None or pull.targets_other_dag):
                wildcard_outside = True
    if wildcard_outside:
        return
    for model in models:
        for dag in model.dags:
            if _dag_is_open(dag):
                continue
            for push in dag.pushes:
                if not push.explicit or not isinstance(push.key, str) or push.key == RETURN_KEY:
                    continue
                # an operator xcomlint does not know may pull a key it is given: one
                # in the same DAG, as XComs belong to a DAG run (a pull from another
                # DAG names that DAG, and such pulls are in ``pulled`` above)
                if push.key in pulled or push.key in dag.opaque_strings:
                    continue
                yield Report(
                    push.span,
                    f"key '{push.key}' pushed by task '{push.task_id}' is never pulled in the linted files: "
                    f"it only adds a row to the metadata database; drop the push or pull it where it is needed",
                    task_id=push.task_id if isinstance(push.task_id, str) else None,
                    path=model.path,
                    dag_id=dag.dag_id if isinstance(dag.dag_id, str) else None,
                )
