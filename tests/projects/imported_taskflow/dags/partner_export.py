"""Sync the day's invoices to the partner's bucket; the location comes from an imported @task."""

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG
from include.steps import check_file_count, read_export_config

with DAG(
    dag_id="partner_export",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule="@daily",
    catchup=False,
):
    config = read_export_config("invoices")
    sync = BashOperator(
        task_id="sync_to_partner",
        bash_command=(
            "aws s3 sync /data/invoices "
            "s3://{{ ti.xcom_pull(task_ids='read_export_config', key='bucket') }}"
            "/{{ ti.xcom_pull(task_ids='read_export_config', key='prefx') }}/"
        ),
    )
    count = BashOperator(
        task_id="count_partner_files",
        bash_command="aws s3 ls --recursive s3://{{ ti.xcom_pull(task_ids='read_export_config', key='bucket') }}/ | wc -l",
    )
    config >> sync >> count
    check_file_count(count.output)
