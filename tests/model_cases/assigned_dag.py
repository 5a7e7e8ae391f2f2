"""`dag = DAG(...)` with `dag=dag` on each operator; one operator joins through `>>`."""
from datetime import datetime

from airflow.models import DAG
from airflow.operators.bash import BashOperator

dag = DAG(dag_id="assigned", start_date=datetime(2024, 1, 1), schedule=None)

first = BashOperator(task_id="first", bash_command="echo 1", dag=dag)
second = BashOperator(task_id="second", bash_command="echo {{ task_instance.xcom_pull('first') }}", dag=dag)
third = BashOperator(task_id="third", bash_command="echo 3")

first >> second >> third
