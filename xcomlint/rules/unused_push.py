"""XCL204 unused-push: an explicit ``xcom_push(key=K)`` no pull can read."""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

from ..model.records import ABSENT, RETURN_KEY, UNKNOWN, Dag, FileModel, Pull, Push
from .context import RuleContext
from .pull_unknown_task import missing_producers
from .pull_without_task_ids import reads_own_push
from .registry import RUN_SCOPE, Report, RuleOption, rule
from .suggest import closest


def _reads_any_key(pull: Pull) -> bool:
    """A pull whose key is not known, or a key wildcard, may read any push."""
    return pull.has_star_args or pull.key is UNKNOWN or pull.key is None or pull.key == ""


def _reads_key(pull: Pull, key: str) -> bool:
    return _reads_any_key(pull) or pull.effective_key == key


def _may_name_task(pull: Pull, task_id: str, airflow_version: int) -> bool:
    """Whether the pull's ``task_ids`` can select ``task_id``."""
    if pull.has_star_args or pull.task_ids is UNKNOWN:
        return True
    if pull.task_ids in (ABSENT, None):
        # Airflow 2 reads any task; Airflow 3 the calling task itself
        return airflow_version < 3 or pull.consumer is UNKNOWN or pull.consumer == task_id
    producers = pull.producers
    return not producers or task_id in producers or UNKNOWN in producers


def _may_read(pull: Pull, pull_dag: Optional[Dag], push_dag: Dag, push: Push, airflow_version: int) -> bool:
    """Whether ``pull`` can read ``push``: same key (or any), a ``task_ids`` that
    can name the pushing task, and a DAG that can be the pushing task's DAG."""
    assert isinstance(push.key, str) and isinstance(push.task_id, str)
    if not _reads_key(pull, push.key) or not _may_name_task(pull, push.task_id, airflow_version):
        return False
    if pull.targets_other_dag:
        # ``dag_id=`` names the DAG read (a ``run_id`` alone keeps the pulling DAG)
        if pull.dag_id in (ABSENT, None):
            return pull_dag is None or pull_dag is push_dag or not isinstance(pull_dag.dag_id, str)
        return pull.dag_id is UNKNOWN or not isinstance(push_dag.dag_id, str) or pull.dag_id == push_dag.dag_id
    if pull_dag is None or not isinstance(pull_dag.dag_id, str) or not isinstance(push_dag.dag_id, str):
        return True  # a helper, or a DAG of unknown id: it may run in the pushing DAG
    # a DAG id defined in two files is one DAG to Airflow
    return pull_dag is push_dag or pull_dag.dag_id == push_dag.dag_id


def _broken_readers(models: Sequence[FileModel], airflow_version: int) -> Dict[Tuple[object, str], Set[str]]:
    """The pushes a pull would read but for a bug another rule reports, by
    (DAG id, task id) to keys: a key typo that XCL104 corrects to the pushed key,
    a task id that names no task of the DAG (XCL103), a pull without task_ids
    (XCL101; on Airflow 3 it reads the calling task). Such a push is unread only
    because of that bug: one bug, one finding (SPEC section 1)."""
    broken: Dict[Tuple[object, str], Set[str]] = {}
    # XCL101's pulls by key, which may read another DAG (``dag_id=``)
    bare: Dict[str, List[Tuple[Dag, Pull]]] = {}
    for model in models:
        for dag in model.dags:
            task_ids = set(dag.task_ids)
            pushed: Dict[str, Set[str]] = {}
            for push in dag.pushes:
                if isinstance(push.task_id, str) and isinstance(push.key, str):
                    pushed.setdefault(push.task_id, set()).add(push.key)
            known = {t.task_id for t in dag.tasks if t.pushes_known and isinstance(t.task_id, str)}
            for pull in dag.pulls:
                key = pull.effective_key
                if not isinstance(key, str) or pull.has_star_args:
                    continue
                if pull.task_ids in (ABSENT, None):
                    # XCL101's finding (not a deliberate read of the task's own value)
                    own = isinstance(pull.consumer, str) and reads_own_push(dag, pull, pull.consumer, key)
                    if airflow_version >= 3 and pull.include_prior_dates is not True and not own:
                        bare.setdefault(key, []).append((dag, pull))
                    continue
                # XCL103's finding: a typo in the id; the key says which task was meant
                if next(missing_producers(dag, pull, task_ids), None) is not None:
                    for task_id, keys in pushed.items():
                        if key in keys:
                            broken.setdefault((dag.dag_id, task_id), set()).add(key)
                    continue
                for producer in pull.producers:
                    if isinstance(producer, str) and producer in known and key not in pushed.get(producer, ()):
                        meant = closest(key, pushed.get(producer, ()))
                        if meant is not None:
                            broken.setdefault((dag.dag_id, producer), set()).add(meant)
    # a bare pull was meant for a task that pushes its key: the one it reads on
    # Airflow 2, where it names any task, in its own DAG or the one ``dag_id=`` names
    for model in models:
        for dag in model.dags:
            for push in dag.pushes:
                if isinstance(push.task_id, str) and isinstance(push.key, str) and any(
                        _may_read(pull, pull_dag, dag, push, 2) for pull_dag, pull in bare.get(push.key, ())):
                    broken.setdefault((dag.dag_id, push.task_id), set()).add(push.key)
    return broken


def _dag_is_open(dag: Dag) -> bool:
    """A DAG whose templated arguments name template files may hold pulls xcomlint cannot read."""
    return dag.has_template_files


@rule(
    "XCL204",
    "unused-push",
    "An explicit xcom_push of a key that no pull in the linted files can read.",
    scope=RUN_SCOPE,
    severity="warning",
    # off by default: most unread pushes on real repositories are kept on purpose
    # (values shown in the UI, read by another repository or the API); rules/XCL204.md
    default=False,
    options=(RuleOption("ignore-keys", list, [], "keys read outside the linted files (other repositories, the API)"),),
)
def unused_push(models: Sequence[FileModel], context: RuleContext) -> Iterator[Report]:
    # a list of strings: the configuration checks an option against its declared kind
    ignored = set(context.settings.rule_option("XCL204", "ignore-keys", []))  # type: ignore[call-overload]
    version = context.airflow_version
    # pulls by the key they read; those that may read any key under None
    pulls: Dict[Optional[str], List[Tuple[Optional[Dag], Pull]]] = {}
    for model in models:
        for pull_dag, pull in model.all_pulls():
            key = None if _reads_any_key(pull) else pull.effective_key
            if key is None or isinstance(key, str):
                pulls.setdefault(key, []).append((pull_dag, pull))
    broken = _broken_readers(models, version)
    for model in models:
        for dag in model.dags:
            if _dag_is_open(dag):
                continue
            for push in dag.pushes:
                if not push.explicit or not isinstance(push.key, str) or push.key == RETURN_KEY:
                    continue
                if not isinstance(push.task_id, str) or push.key in ignored:
                    continue
                # an operator xcomlint does not know may pull a key it is given: one
                # in the same DAG, as XComs belong to a DAG run
                if push.key in dag.opaque_strings:
                    continue
                if push.key in broken.get((dag.dag_id, push.task_id), ()):
                    continue  # read by a pull another finding reports as broken
                if any(_may_read(pull, pull_dag, dag, push, version)
                       for readers in (pulls.get(push.key, ()), pulls.get(None, ())) for pull_dag, pull in readers):
                    continue
                bare = version >= 3 and any(pull.task_ids in (ABSENT, None) for _, pull in pulls.get(push.key, []))
                hint = (f"; the pulls of '{push.key}' without task_ids read their own task on Airflow 3, "
                        f"name '{push.task_id}' in them" if bare else "; drop the push or pull it where it is needed")
                yield Report(
                    push.span,
                    f"key '{push.key}' pushed by task '{push.task_id}' is never pulled from that task in the "
                    f"linted files: it only adds a row to the metadata database{hint}",
                    task_id=push.task_id,
                    path=model.path,
                    dag_id=dag.dag_id if isinstance(dag.dag_id, str) else None,
                )
