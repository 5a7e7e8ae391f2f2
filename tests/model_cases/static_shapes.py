"""Static shapes read from real DAG files: Enum task ids, DAG ids from the file
name, class constants, dag.tasks, dag.set_dependency, dag.add_task."""
import os
from datetime import datetime
from enum import Enum
from pathlib import Path

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator


class Step(Enum):
    EXTRACT = "extract"
    LOAD = "load"


class Name(str, Enum):
    REPORT = "report"


class Settings:
    PREFIX = "daily"


with DAG(Path(__file__).stem, start_date=datetime(2024, 1, 1), schedule=None) as dag:
    extract = BashOperator(task_id=Step.EXTRACT.value, bash_command="echo {{ ti.xcom_pull(task_ids='%s') }}" % "start")
    load = EmptyOperator(task_id=Step.LOAD.value)
    report = EmptyOperator(task_id=Name.REPORT)
    start = EmptyOperator(task_id="start")
    named = EmptyOperator(task_id=f"{Settings.PREFIX}_{Step.LOAD.name.lower()}")
    start >> extract >> load
    dag.set_dependency("load", "report")
    list(dag.tasks) >> EmptyOperator(task_id="finished")

second = DAG(os.path.basename(__file__).replace(".py", "_v2"), start_date=datetime(2024, 1, 1), schedule=None)
late = EmptyOperator(task_id="late")
second.add_task(late)
EmptyOperator(task_id="after", dag=second).set_upstream(late)
