"""Every flow here is permitted: pushes, pulls in code and templates, XComArgs,
mapped tasks and their reduction, multiple_outputs, and an exclusive key that
only one of the tasks its glob admits reads."""
from __future__ import annotations

from datetime import datetime

from airflow import DAG
from airflow.decorators import task
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator


def extract(ti):
    ti.xcom_push(key="s3_path", value="s3://lake/raw/orders.csv")
    return [1, 2, 3]


def transform(ti):
    return ti.xcom_pull(task_ids="extract", key="s3_path").upper()


@task
def load(value):
    print("LOADED", value)


@task
def split(numbers):
    return numbers


@task
def double(n):
    return n * 2


@task
def total(values):
    print("TOTAL", sum(values))


@task(multiple_outputs=True)
def stats():
    return {"rows": 3, "bytes": 42, "spare": 1}  # 'spare' is part of the return value, read by nobody


@task
def report(rows, size):
    print("REPORT", rows, size)


@task
def issue_token():
    return "one-time-token"


@task
def upload_eu(token):
    print("UPLOADED EU with", token)


@task
def upload_us():
    print("UPLOADED US")


@task
def selfie(ti=None):
    ti.xcom_push(key="note", value="own")
    print("SELF", ti.xcom_pull(task_ids="selfie", key="note"))


with DAG(dag_id="rt_permitted", schedule=None, start_date=datetime(2024, 1, 1), catchup=False) as dag:
    extracted = PythonOperator(task_id="extract", python_callable=extract)
    transformed = PythonOperator(task_id="transform", python_callable=transform)
    announce = BashOperator(
        task_id="announce", bash_command="echo ANNOUNCED {{ ti.xcom_pull(task_ids='extract', key='s3_path') }}"
    )
    extracted >> [transformed, announce]
    load(transformed.output)
    total(double.expand(n=split(extracted.output)))
    figures = stats()
    report(figures["rows"], figures["bytes"])
    upload_eu(issue_token())
    upload_us()
    selfie()
