"""An order pipeline with the XCom mistakes xcomlint exists to catch.

Every pull below "works" in the sense that Airflow raises nothing: each one
quietly hands its task None instead of the value it wanted.
"""
from __future__ import annotations

import pendulum

from airflow.sdk import DAG, TaskGroup
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.python import PythonOperator


def extract_orders(ti):
    ti.xcom_push(key="orders_path", value="s3://lake/orders/2024-01-01.parquet")


def validate_orders(ti):
    path = ti.xcom_pull(task_ids="extract_orders", key="orders_path")  # not upstream: races
    print(f"validating {path}")


def load_orders(ti):
    path = ti.xcom_pull(task_ids="extract_orders", key="orders_pth")  # typo in the key
    table = ti.xcom_pull(task_ids="stage")  # bare id of a grouped task
    print(f"loading {path} into {table}")


def audit(ti):
    rows = ti.xcom_pull(key="row_count")  # no task_ids: reads this task's own XCom on Airflow 3
    print(rows)


with DAG(dag_id="orders_etl", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1)) as dag:
    extract = PythonOperator(task_id="extract_orders", python_callable=extract_orders)
    validate = PythonOperator(task_id="validate", python_callable=validate_orders)

    with TaskGroup("warehouse") as warehouse:
        stage = BashOperator(task_id="stage", bash_command="echo staging_orders")
        load = PythonOperator(task_id="load", python_callable=load_orders)
        stage >> load

    notify = BashOperator(
        task_id="notify",
        bash_command="echo loaded {{ ti.xcom_pull(task_ids='warehouse.lod') }}",
    )
    report = PythonOperator(task_id="audit", python_callable=audit)

    extract >> warehouse >> notify >> report
