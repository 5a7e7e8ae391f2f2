"""Campaign and budget loads; the callables live in the marketing package."""

import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG
from marketing.callables import fetch_config, load_budgets, load_campaigns

with DAG(
    dag_id="campaigns",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule="@daily",
    catchup=False,
):
    start = EmptyOperator(task_id="start")
    config = PythonOperator(task_id="fetch_config", python_callable=fetch_config)
    campaigns = PythonOperator(task_id="load_campaigns", python_callable=load_campaigns)
    budgets = PythonOperator(task_id="load_budgets", python_callable=load_budgets)

    start >> config >> budgets
    start >> campaigns
