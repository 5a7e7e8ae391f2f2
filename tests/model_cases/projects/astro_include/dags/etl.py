import pendulum
from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.utils.task_group import TaskGroup

from include import constants
from include.constants import EXTRACT, Step
from include.steps import count, extract, summarize


def load(ti):
    return ti.xcom_pull(task_ids=EXTRACT, key=constants.KEY)


with DAG(dag_id="astro_etl", start_date=pendulum.datetime(2024, 1, 1), schedule=None) as dag:
    first = PythonOperator(task_id=EXTRACT, python_callable=extract)
    with TaskGroup("warehouse") as warehouse:
        second = PythonOperator(task_id=Step.LOAD.value, python_callable=load)
        total = count(second.output)
    first >> warehouse
    summarize(total) >> PythonOperator(task_id=Step.REPORT.value, python_callable=load)
