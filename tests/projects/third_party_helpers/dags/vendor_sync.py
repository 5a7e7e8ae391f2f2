"""Accounts sync through the vendor's packaged callables and operator."""

import pendulum
from acme_airflow.operators.export import AcmeExportOperator
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG
from some_vendor.helpers import run
from some_vendor.keys import STATUS_KEY


def report(ti):
    status = ti.xcom_pull(task_ids="vendor_sync", key="sync_status")
    export_id = ti.xcom_pull(task_ids="export_accounts", key="export_id")
    state = ti.xcom_pull(task_ids="vendor_sync", key=STATUS_KEY)
    print(f"sync {status} ({state}), export {export_id}")


with DAG(
    dag_id="vendor_sync",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule="@daily",
    catchup=False,
):
    sync = PythonOperator(task_id="vendor_sync", python_callable=run, op_kwargs={"job": "accounts"})
    export = AcmeExportOperator(
        task_id="export_accounts",
        target="accounts/{{ ti.xcom_pull(task_ids='vendor_sync', key='sync_status') }}",
    )
    summary = PythonOperator(task_id="report", python_callable=report)

    sync >> export >> summary
