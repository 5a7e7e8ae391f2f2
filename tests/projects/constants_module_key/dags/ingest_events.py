"""Land the day's events in S3, validate them and load them (the dags/ folder is on sys.path)."""

import pendulum
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG
from common import keys


def upload_events(ti, ds):
    path = f"s3://events-landing/{ds}/events.jsonl"
    ti.xcom_push(key=keys.S3_KEY, value=path)
    ti.xcom_push(key=keys.ROW_COUNT_KEY, value=1200)


def validate_events(ti):
    path = ti.xcom_pull(task_ids="upload_events", key=keys.S3_KEY)
    rows = ti.xcom_pull(task_ids="upload_events", key=keys.ROW_COUNT_KEY)
    print(f"validating {rows} rows at {path}")


def load_events(ti):
    path = ti.xcom_pull(task_ids="upload_events", key="s3_paht")
    print(f"COPY events FROM '{path}'")


with DAG(
    dag_id="ingest_events",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule="@daily",
    catchup=False,
):
    upload = PythonOperator(task_id="upload_events", python_callable=upload_events)
    validate = PythonOperator(task_id="validate_events", python_callable=validate_events)
    load = PythonOperator(task_id="load_events", python_callable=load_events)

    upload >> validate >> load
