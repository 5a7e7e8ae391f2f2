"""Run DAGs with ``dag.test()`` in the Airflow of this interpreter and report what happened.

Usage: python run_dags.py [--executor] DAGS_DIR LOGICAL_DATE DAG_ID...

With ``--executor`` the tasks go through the configured executor (each in a task
process of its own, forked by the supervisor, talking to a running API server),
as in production; without, ``dag.test()`` runs them in this process. The DAGs
run in the order given, all with the same logical date (so a cross-DAG
pull finds the run of the other DAG). The last line of stdout is
``XCOMLINT-RESULT {json}``: per DAG, the run's state, each task instance's state
and the XCom rows as the metadata database holds them. Settings come from the
environment (AIRFLOW_HOME, AIRFLOW__CORE__XCOM_BACKEND, AIRFLOW__XCOMLINT__*).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict


def load_dags(folder: Path) -> Dict[str, Any]:
    """The DAGs of ``folder``, as Airflow's own DagBag loads them."""
    try:
        from airflow.dag_processing.dagbag import DagBag  # Airflow 3.1+
    except ImportError:
        from airflow.models.dagbag import DagBag

    bag = DagBag(dag_folder=str(folder))  # examples are off: AIRFLOW__CORE__LOAD_EXAMPLES
    if bag.import_errors:
        raise SystemExit(f"DAG files failed to import: {bag.import_errors}")
    return dict(bag.dags)


def plain(value: Any) -> Any:
    value = getattr(value, "value", value)  # enum states
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return value if isinstance(value, (str, int, float, bool, type(None), list, dict)) else str(value)


def outcome(dag_id: str, run_id: str) -> Dict[str, Any]:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    try:
        from airflow.models.xcom import XComModel as XComRow  # Airflow 3
    except ImportError:
        from airflow.models.xcom import BaseXCom as XComRow  # Airflow 2

    with create_session() as session:
        tasks = session.query(TaskInstance.task_id, TaskInstance.map_index, TaskInstance.state).filter(
            TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id
        )
        xcoms = session.query(XComRow.task_id, XComRow.map_index, XComRow.key, XComRow.value).filter(
            XComRow.dag_id == dag_id, XComRow.run_id == run_id
        )
        return {
            "run_id": run_id,
            "tasks": {
                (task_id if map_index < 0 else f"{task_id}[{map_index}]"): plain(state)
                for task_id, map_index, state in tasks
            },
            "xcoms": [[task_id, map_index, key, plain(value)] for task_id, map_index, key, value in xcoms],
        }


def main(folder: str, date: str, *dag_ids: str, executor: bool = False) -> None:
    import airflow

    dags = load_dags(Path(folder))
    if airflow.__version__.startswith("2."):  # a triggered DAG must be in the database, serialized
        from airflow.models.dag import DAG
        from airflow.models.serialized_dag import SerializedDagModel

        DAG.bulk_write_to_db(list(dags.values()))
        for dag in dags.values():
            SerializedDagModel.write_dag(dag)
    logical_date = datetime.fromisoformat(date).replace(tzinfo=timezone.utc)
    results: Dict[str, Any] = {"airflow": airflow.__version__}
    for dag_id in dag_ids:
        dag = dags[dag_id]
        if airflow.__version__.startswith("2."):
            run = dag.test(execution_date=logical_date)
        else:
            run = dag.test(logical_date=logical_date, run_after=logical_date, use_executor=executor)
        results[dag_id] = dict(outcome(dag_id, run.run_id), state=plain(run.state))
    sys.stdout.flush()
    print("XCOMLINT-RESULT " + json.dumps(results), flush=True)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    use_executor = "--executor" in arguments
    main(*[a for a in arguments if a != "--executor"], executor=use_executor)
