"""Stage the day's orders and load them, inside a "warehouse" TaskGroup."""

import pendulum
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, TaskGroup
from lib import helpers


def stage_orders(ti, ds_nodash):
    ti.xcom_push(key="staged_path", value=f"s3://staging/orders/{ds_nodash}.parquet")


def load_orders(ti, ds_nodash):
    path = helpers.read_staged_path(ti)
    table = helpers.table_for(ds_nodash)
    print(f"COPY {table} FROM '{path}'")


def check_stage(ti):
    path = ti.xcom_pull(task_ids="warehouse.stage", key="staged_path")
    print(f"checking {path}")


with DAG(
    dag_id="orders_warehouse",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule="@daily",
    catchup=False,
):
    with TaskGroup("warehouse"):
        stage = PythonOperator(task_id="stage", python_callable=stage_orders)
        check = PythonOperator(task_id="check", python_callable=check_stage)
        load = PythonOperator(task_id="load", python_callable=load_orders)
        stage >> check >> load
