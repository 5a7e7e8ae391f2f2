"""A conditional expression whose branches make tasks of one id is that task:
whichever operator runs, ``copy`` is wired between ``extract`` and ``report``."""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import PythonOperator

DRY_RUN = False


def copy_rows(ti):
    return {"rows": ti.xcom_pull(task_ids="extract")}


with DAG("either_branch_task", start_date=datetime(2024, 1, 1), schedule=None) as dag:
    extract = PythonOperator(task_id="extract", python_callable=lambda: 10)
    copy = (
        EmptyOperator(task_id="copy")
        if DRY_RUN
        else PythonOperator(task_id="copy", python_callable=copy_rows)
    )
    report = BashOperator(task_id="report", bash_command="echo {{ ti.xcom_pull(task_ids='copy') }}")
    extract >> copy >> report
