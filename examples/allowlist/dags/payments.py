"""The exclusive-XCom discipline: the charge token must reach `charge` only."""
from __future__ import annotations

from airflow.sdk import dag, task


@task
def fetch_token() -> str:
    return "vault:payments/charge-token"


@task
def charge(token: str, ti=None) -> str:
    rate = ti.xcom_pull(dag_id="fx_rates", task_ids="publish", key="eur_usd")
    return f"receipt-42 at {rate}"


@task
def report(receipt: str, token: str) -> None:
    print(receipt)


@dag(schedule="@daily")
def payments():
    token = fetch_token()  # returns a short-lived charge token
    receipt = charge(token)  # the only task that should see the token
    report(receipt, token)  # ...but this one reads it too


payments()
