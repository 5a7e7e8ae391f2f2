"""download pushes a key the allow-list does not declare."""
from __future__ import annotations

from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator


def download(ti):
    ti.xcom_push(key="path", value="s3://lake/raw/orders.csv")
    ti.xcom_push(key="etag", value="9f2c41")


def ingest(ti):
    print("INGESTED", ti.xcom_pull(task_ids="download", key="path"))


with DAG(dag_id="rt_pushes", schedule=None, start_date=datetime(2024, 1, 1), catchup=False) as dag:
    downloaded = PythonOperator(task_id="download", python_callable=download)
    downloaded >> PythonOperator(task_id="ingest", python_callable=ingest)
