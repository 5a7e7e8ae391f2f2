"""Build the accounts export, upload it to the partner, tell them."""

import include.exports as exports
import pendulum
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG
from operators.sftp import PartnerUploadOperator as Upload

with DAG(
    dag_id="partner_accounts_export",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule="@daily",
    catchup=False,
):
    build = PythonOperator(task_id="build_export", python_callable=exports.build_export)
    upload = Upload(
        task_id="upload",
        local_path="{{ ti.xcom_pull(task_ids='build_export', key='export_uri') }}",
        remote_path="/inbound/{{ ds }}/accounts.csv",
        archive_to="{{ ti.xcom_pull(task_ids='build_export', key='export_uri') }}.sent",
    )
    deliver = PythonOperator(task_id="deliver", python_callable=exports.deliver_export)

    build >> upload >> deliver
