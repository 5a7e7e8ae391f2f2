"""Hourly CRM sync: the factory's extract/load pair, then a report of what was loaded."""

from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
from dags.common.factory import make_etl


def report(ti):
    table = ti.xcom_pull(task_ids="laod")
    print(f"crm sync refreshed {table}")


with DAG(dag_id="crm_sync", start_date=datetime(2024, 1, 1), schedule="@hourly", catchup=False) as dag:
    load = make_etl(dag, source="crm")
    summary = PythonOperator(task_id="report", python_callable=report)

    load >> summary
