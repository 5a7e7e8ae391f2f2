"""Two DAGs of one project, one reading the other's XComs with dag_id=, and a
read from a DAG outside the linted files."""
from airflow.sdk import DAG
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.python import PythonOperator


def export(ti):
    ti.xcom_push(key="export_path", value="s3://lake/export.parquet")


def report(ti):
    path = ti.xcom_pull(dag_id="nightly_export", task_ids="export", key="export_path")
    legacy = ti.xcom_pull(dag_id="legacy_billing", task_ids="close_books")
    return f"{path} {legacy}"


with DAG(dag_id="nightly_export", schedule="@daily"):
    PythonOperator(task_id="export", python_callable=export)

with DAG(dag_id="morning_report", schedule="@daily"):
    build = PythonOperator(task_id="build_report", python_callable=report)
    send = BashOperator(task_id="send", bash_command="echo {{ ti.xcom_pull(task_ids='build_report') }}")
    build >> send
