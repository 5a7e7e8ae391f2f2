"""Stage a batch, load it with the team's operator, announce it."""

import pendulum
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG
from operators.warehouse import SlackNotifyOperator, WarehouseLoadOperator


def stage_batch(ds_nodash):
    return f"staging.orders_{ds_nodash}"


def audit(ti):
    rows = ti.xcom_pull(task_ids="load_orders")
    message_ts = ti.xcom_pull(task_ids="notify")
    print(f"loaded {rows} rows, announced in Slack message {message_ts}")


with DAG(
    dag_id="warehouse_daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule="@daily",
    catchup=False,
):
    stage = PythonOperator(task_id="stage_batch", python_callable=stage_batch)
    load = WarehouseLoadOperator(
        task_id="load_orders",
        sql="INSERT INTO analytics.orders SELECT * FROM {{ ti.xcom_pull(task_ids='stage_batch') }}",
        table="{{ ti.xcom_pull(task_ids='stage_batch') }}",
    )
    notify = SlackNotifyOperator(
        task_id="notify",
        message="orders loaded: {{ ti.xcom_pull(task_ids='load_orders') }} rows",
    )
    audit_load = PythonOperator(task_id="audit", python_callable=audit)

    stage >> load >> notify >> audit_load
