"""Dynamic task mapping: partial/expand on operators and TaskFlow."""
from datetime import datetime

from airflow import DAG
from airflow.decorators import task
from airflow.operators.bash import BashOperator

with DAG("mapped", start_date=datetime(2024, 1, 1), schedule=None) as dag:

    @task
    def make_list():
        return [1, 2, 3]

    @task
    def double(x):
        return x * 2

    numbers = make_list()
    doubled = double.expand(x=numbers)
    echo = BashOperator.partial(task_id="echo").expand(bash_command=["echo 1", "echo 2"])
    doubled >> echo
