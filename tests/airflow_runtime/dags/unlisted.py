"""A DAG the allow-list does not list: nothing is judged."""
from __future__ import annotations

from datetime import datetime

from airflow import DAG
from airflow.decorators import task


@task
def fetch_token():
    return "charge-token"


@task
def anyone(token):
    print("UNLISTED READ", token)


with DAG(dag_id="rt_unlisted", schedule=None, start_date=datetime(2024, 1, 1), catchup=False) as dag:
    anyone(fetch_token())
