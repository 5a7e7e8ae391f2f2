"""rt_billing reads rt_fx_rates: one key its cross_dag permits, one it does not.
A cross-DAG pull reads the run with the caller's run id: run both with one logical date."""
from __future__ import annotations

from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator


def publish(ti):
    ti.xcom_push(key="eur_usd", value=1.08)
    ti.xcom_push(key="secret", value="fx-desk-password")


def invoice(ti):
    print("RATE", ti.xcom_pull(dag_id="rt_fx_rates", task_ids="publish", key="eur_usd"))


def audit(ti):
    print("SECRET", ti.xcom_pull(dag_id="rt_fx_rates", task_ids="publish", key="secret"))


with DAG(dag_id="rt_fx_rates", schedule=None, start_date=datetime(2024, 1, 1), catchup=False) as dag:
    PythonOperator(task_id="publish", python_callable=publish)

with DAG(dag_id="rt_billing", schedule=None, start_date=datetime(2024, 1, 1), catchup=False) as dag2:
    PythonOperator(task_id="invoice", python_callable=invoice)
    PythonOperator(task_id="audit", python_callable=audit)
