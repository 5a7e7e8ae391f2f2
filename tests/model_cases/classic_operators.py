"""Classic operators in a `with DAG` block: >>, <<, lists, set_upstream/downstream."""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import PythonOperator


def extract(ti):
    ti.xcom_push(key="s3_path", value="s3://bucket/key")
    return 3


def load(**context):
    path = context["ti"].xcom_pull(task_ids="extract", key="s3_path")
    print(path)


with DAG("classic", start_date=datetime(2024, 1, 1), schedule=None) as dag:
    start = EmptyOperator(task_id="start")
    extract_task = PythonOperator(task_id="extract", python_callable=extract)
    report = BashOperator(
        task_id="report",
        bash_command="echo {{ ti.xcom_pull(task_ids='extract') }}",
    )
    load_task = PythonOperator(task_id="load", python_callable=load)
    end = EmptyOperator(task_id="end")
    cleanup = EmptyOperator(task_id="cleanup")

    start >> extract_task >> [report, load_task]
    end << load_task
    report.set_downstream(end)
    cleanup.set_upstream(end)
