"""report reads the token that only charge may read."""
from __future__ import annotations

from datetime import datetime

from airflow import DAG
from airflow.decorators import task


@task
def fetch_token():
    return "charge-token"


@task
def charge(token):
    return "receipt-42"


@task
def report(receipt, token):
    print("REPORTED", receipt, token)


with DAG(dag_id="rt_leaky", schedule=None, start_date=datetime(2024, 1, 1), catchup=False) as dag:
    token = fetch_token()
    report(charge(token), token)
