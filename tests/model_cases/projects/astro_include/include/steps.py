from airflow.decorators import task

from include.constants import KEY


def extract(ti):
    ti.xcom_push(key=KEY, value="s3://bucket/raw.csv")


@task
def summarize(rows: int) -> dict:
    return {"rows": rows}


@task(task_id="count_rows")
def count(path: str) -> int:
    return len(path)
