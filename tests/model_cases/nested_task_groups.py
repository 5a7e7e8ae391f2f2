"""@task_group nesting, groups fed XComArgs, overrides inside groups, a group id kwarg.

Airflow 3 suffixes the second `stage` inside `region` (region.stage__1); Airflow 2.10 compares
the bare group id with full ids and fails with DuplicateTaskIdFound instead, so this DAG only
loads on Airflow 3. The model follows Airflow 3.
"""
from datetime import datetime

from airflow.decorators import dag, task, task_group
from airflow.operators.empty import EmptyOperator
from airflow.utils.task_group import TaskGroup


@task
def load(value):
    return value


@task
def clean(value):
    return value


@task_group(group_id="stage")
def stage(value):
    cleaned = clean(value)
    return load(cleaned)


@task_group
def region(value):
    first = stage(value)
    second = stage(first)
    return clean.override(task_id="final")(second)


@dag(start_date=datetime(2024, 1, 1), schedule=None)
def nested_groups():
    start = EmptyOperator(task_id="start")
    eu = region(1)
    us = region(eu)
    with TaskGroup("manual", prefix_group_id=False) as manual:
        loose = clean(us)
    start >> eu
    manual >> EmptyOperator(task_id="end")


nested_groups()
