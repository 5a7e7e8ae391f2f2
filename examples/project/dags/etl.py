from airflow import DAG
from airflow.operators.python import PythonOperator

from include.tasks import load


def extract():
    return "s3://bucket/orders.csv"


def report(ti):
    print(ti.xcom_pull(task_ids="load"))


with DAG(dag_id="etl", schedule=None) as dag:
    first = PythonOperator(task_id="extract", python_callable=extract)
    second = PythonOperator(task_id="load", python_callable=load)
    third = PythonOperator(task_id="report", python_callable=report)
    first >> second >> third
