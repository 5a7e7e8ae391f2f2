"""dispatch reads a task whose id it gets at runtime: the static check cannot see which."""
from __future__ import annotations

from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator


def router():
    return "fetch_token"


def fetch_token():
    return "charge-token"


def dispatch(ti):
    source = ti.xcom_pull(task_ids="router")
    print("DISPATCHED", ti.xcom_pull(task_ids=source))


def charge(ti):
    print("CHARGED with", ti.xcom_pull(task_ids="fetch_token"))


with DAG(dag_id="rt_computed", schedule=None, start_date=datetime(2024, 1, 1), catchup=False) as dag:
    routed = PythonOperator(task_id="router", python_callable=router)
    fetched = PythonOperator(task_id="fetch_token", python_callable=fetch_token)
    [routed, fetched] >> PythonOperator(task_id="dispatch", python_callable=dispatch)
    fetched >> PythonOperator(task_id="charge", python_callable=charge)
