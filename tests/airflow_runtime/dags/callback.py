"""A callback of consume reads a key no task may read. Callbacks run after the
task's context is gone; the reader is the task Airflow exported for the process."""
from __future__ import annotations

from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator


def produce(ti):
    ti.xcom_push(key="token", value="callback-token")


def consume():
    print("CONSUMED")


def peek(context):
    print("PEEKED", context["ti"].xcom_pull(task_ids="produce", key="token"))


with DAG(dag_id="rt_callback", schedule=None, start_date=datetime(2024, 1, 1), catchup=False) as dag:
    PythonOperator(task_id="produce", python_callable=produce) >> PythonOperator(
        task_id="consume", python_callable=consume, on_success_callback=peek
    )
