"""An operator of Airflow pushes keys of its own (a link, the triggered run's id): like the
static check, the runtime leaves them to the reads, which no task here makes."""
from __future__ import annotations

from datetime import datetime

from airflow import DAG
from airflow.decorators import task
from airflow.operators.trigger_dagrun import TriggerDagRunOperator


@task
def noop():
    print("TARGET RAN")


with DAG(dag_id="rt_target", schedule=None, start_date=datetime(2024, 1, 1), catchup=False) as target:
    noop()

with DAG(dag_id="rt_trigger", schedule=None, start_date=datetime(2024, 1, 1), catchup=False) as dag:
    TriggerDagRunOperator(task_id="kick", trigger_dag_id="rt_target")
