"""Manual backfill of the orders table: the same callables as orders_etl, triggered by hand."""

from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
from include.tasks import extract_orders, load_orders

with DAG(
    dag_id="orders_backfill",
    start_date=datetime(2024, 1, 1),
    schedule=None,
    catchup=False,
    params={"reason": "manual backfill"},
) as dag:
    extract = PythonOperator(task_id="extract", python_callable=extract_orders)
    load = PythonOperator(task_id="load", python_callable=load_orders, retries=2)

    extract >> load
