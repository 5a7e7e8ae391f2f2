"""TaskGroups: nesting, prefix_group_id=False, @task_group prefixes and suffixes, group edges."""
from datetime import datetime

from airflow import DAG
from airflow.decorators import task, task_group
from airflow.operators.empty import EmptyOperator
from airflow.utils.task_group import TaskGroup


@task
def step(value):
    return value


@task_group
def tg(value):
    return step(value)


with DAG("groups", start_date=datetime(2024, 1, 1), schedule=None) as dag:
    start = EmptyOperator(task_id="start")
    with TaskGroup("outer") as outer:
        first = EmptyOperator(task_id="first")
        with TaskGroup("inner") as inner:
            deep = EmptyOperator(task_id="deep")
        with TaskGroup("flat", prefix_group_id=False) as flat:
            bare = EmptyOperator(task_id="bare")
        first >> inner >> flat
    end = EmptyOperator(task_id="end")
    start >> outer >> end
    a = tg(1)
    b = tg(a)
    end >> a
