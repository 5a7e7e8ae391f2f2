"""The daily sales pipeline: every import shape, every pull correct."""

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, TaskGroup
from common.checks import add_row_count_check
from include.callables import publish_manifest, record_row_count
from include.constants import SALES_PATH_KEY
from include.steps import summarize
from lib.paths import sales_path
from operators.manifest import ManifestOperator


def extract_sales(ti, ds):
    ti.xcom_push(key=SALES_PATH_KEY, value=f"s3://sales-lake/sales/{ds}.parquet")
    return 1200


def archive(ti):
    print(f"archiving {sales_path(ti)}")


with DAG(
    dag_id="sales_daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule="@daily",
    catchup=False,
) as dag:
    extract = PythonOperator(task_id="extract_sales", python_callable=extract_sales)
    with TaskGroup("transform"):
        manifest = ManifestOperator(task_id="build_manifest", prefix="sales/{{ ds }}")
        rows = PythonOperator(task_id="record_rows", python_callable=record_row_count)
    publish = PythonOperator(task_id="publish", python_callable=publish_manifest)
    check = add_row_count_check(dag, "sales", counted_by="transform.record_rows")
    summary = summarize(rows.output)
    announce = BashOperator(
        task_id="announce",
        bash_command="echo sales: {{ ti.xcom_pull(task_ids='summarize', key='files') }} files written",
    )
    done = PythonOperator(task_id="archive", python_callable=archive)

    extract >> [manifest, rows]
    manifest >> publish
    rows >> check
    summary >> announce >> done
