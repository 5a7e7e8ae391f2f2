"""An exclusive key that two of the tasks its glob admits read: the second is refused."""
from __future__ import annotations

from datetime import datetime

from airflow import DAG
from airflow.decorators import task


@task
def issue_token():
    return "one-time-token"


@task
def upload_eu(token):
    print("UPLOADED EU with", token)


@task
def upload_us(token):
    print("UPLOADED US with", token)


with DAG(dag_id="rt_exclusive", schedule=None, start_date=datetime(2024, 1, 1), catchup=False) as dag:
    token = issue_token()
    upload_eu(token) >> upload_us(token)
