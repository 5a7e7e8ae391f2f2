"""TaskFlow: @dag, @task, task_id=, .override(task_id=), __N suffixes, XComArg passing."""
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2024, 1, 1), schedule=None)
def taskflow_etl():
    @task
    def extract() -> dict:
        return {"a": 1, "b": 2}

    @task(task_id="transform_it")
    def transform(data):
        return data

    @task(multiple_outputs=True)
    def split(value):
        return {"left": value, "right": value}

    @task
    def add_one(x):
        return x + 1

    raw = extract()
    shaped = transform(raw["a"])
    parts = split(shaped)
    first = add_one(parts["left"])
    second = add_one(first)
    third = add_one.override(task_id="add_final")(second)
    add_one(third)


taskflow_etl()
