"""Daily orders ETL. The task callables live in include/tasks.py, as the Astro template suggests."""

from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
from include.tasks import extract_orders, load_orders

with DAG(
    dag_id="orders_etl",
    start_date=datetime(2024, 1, 1),
    schedule="@daily",
    catchup=False,
) as dag:
    extract = PythonOperator(task_id="extract", python_callable=extract_orders)
    load = PythonOperator(task_id="load", python_callable=load_orders)

    extract >> load
