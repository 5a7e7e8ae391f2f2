"""Daily ERP sync: the factory's extract/load pair alone."""

from datetime import datetime

from airflow import DAG
from dags.common.factory import make_etl

with DAG(dag_id="erp_sync", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=False) as dag:
    make_etl(dag, source="erp")
