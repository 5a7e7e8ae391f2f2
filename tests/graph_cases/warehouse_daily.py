"""A larger DAG for the graph tests: 50+ tasks in nested TaskGroups, with
XComs passed by xcom_pull, Jinja templates and XComArgs, and a few mistakes."""
from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, TaskGroup, task

SOURCES = ["orders", "customers", "products", "payments", "shipments", "returns"]


def fetch(ti):
    ti.xcom_push(key="raw_path", value="s3://lake/raw/")


def check_rows(ti):
    return 1


def merge(ti):
    paths = ti.xcom_pull(task_ids=["ingest.orders.fetch", "ingest.customers.fetch"], key="raw_path")
    return paths


def build_model(ti):
    return ti.xcom_pull(task_ids="transform.merge_all")


def score(ti):
    table = ti.xcom_pull(task_ids="model.build_feature")  # typo: build_features
    return table


def publish(ti):
    return ti.xcom_pull(task_ids="model.score", key="scores")  # score only returns a value


def vacuum(ti):
    return ti.xcom_pull(task_ids="transform.merge_all")  # nothing orders vacuum after merge_all


@task
def count_rows(table: str) -> int:
    return 1


@task
def compare(today: int, baseline: int) -> dict[str, int]:
    return {"delta": today - baseline, "today": today}


@task
def alert(delta: int) -> None:
    print(delta)


with DAG(dag_id="warehouse_daily", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1)) as dag:
    start = EmptyOperator(task_id="start")
    with TaskGroup("ingest") as ingest:
        for source in SOURCES:
            with TaskGroup(source):
                fetched = PythonOperator(task_id="fetch", python_callable=fetch)
                checked = PythonOperator(task_id="check", python_callable=check_rows)
                landed = BashOperator(
                    task_id="land",
                    bash_command="load {{ ti.xcom_pull(task_ids='ingest." + source + ".fetch', key='raw_path') }}",
                )
                fetched >> checked >> landed
    with TaskGroup("transform") as transform:
        merged = PythonOperator(task_id="merge_all", python_callable=merge)
        with TaskGroup("dims") as dims:
            for name in ["dim_customer", "dim_product", "dim_date", "dim_region"]:
                EmptyOperator(task_id=name) >> BashOperator(task_id=name + "_test", bash_command="echo ok")
        with TaskGroup("facts") as facts:
            for name in ["fact_orders", "fact_payments", "fact_returns"]:
                EmptyOperator(task_id=name) >> BashOperator(task_id=name + "_test", bash_command="echo ok")
        merged >> [dims, facts]
    with TaskGroup("model") as model:
        features = PythonOperator(task_id="build_features", python_callable=build_model)
        scored = PythonOperator(task_id="score", python_callable=score)
        features >> scored
    with TaskGroup("reports") as reports:
        for name in ["daily_sales", "churn", "inventory", "finance", "marketing", "ops"]:
            BashOperator(task_id=name, bash_command="render " + name)
    with TaskGroup("quality") as quality:
        today = count_rows.override(task_id="count_today")("sales")
        baseline = count_rows.override(task_id="count_baseline")("sales_baseline")
        diff = compare(today, baseline)
        alert(diff["delta"])
        BashOperator(task_id="log_today", bash_command="echo {{ ti.xcom_pull(task_ids='quality.compare', key='today') }}")
    vacuum_task = PythonOperator(task_id="vacuum", python_callable=vacuum)
    published = PythonOperator(task_id="publish", python_callable=publish)
    audit = BashOperator(task_id="audit", bash_command="echo {{ ti.xcom_pull(task_ids='publish') }}")
    end = EmptyOperator(task_id="end")

    start >> ingest >> transform >> model >> reports >> published >> audit >> end
    transform >> quality >> published
    start >> vacuum_task
