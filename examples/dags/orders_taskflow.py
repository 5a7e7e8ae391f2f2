"""The same pipeline written so that every XCom is checked: TaskFlow passes
values as XComArgs, which also creates the dependencies."""
from __future__ import annotations

import pendulum

from airflow.sdk import dag, task, task_group
from airflow.providers.standard.operators.bash import BashOperator


@task
def extract_orders() -> dict[str, str]:
    return {"orders_path": "s3://lake/orders/2024-01-01.parquet", "day": "2024-01-01"}


@task
def validate(path: str) -> str:
    return path


@task_group
def warehouse(path: str):
    @task
    def stage(path: str) -> str:
        return "staging_orders"

    @task
    def load(path: str, table: str) -> int:
        return 42

    return load(path, stage(path))


@dag(schedule="@daily", start_date=pendulum.datetime(2024, 1, 1))
def orders_taskflow():
    orders = extract_orders()
    checked = validate(orders["orders_path"])
    rows = warehouse(checked)
    notify = BashOperator(task_id="notify", bash_command="echo loaded {{ ti.xcom_pull(task_ids='warehouse.load') }}")
    rows >> notify >> BashOperator(task_id="report", bash_command="echo done")


orders_taskflow()
