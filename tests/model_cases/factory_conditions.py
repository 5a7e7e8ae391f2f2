"""A factory run for two DAGs on a house-made DAG object: each DAG gets its own
tasks, those made under ``if self.on_demand:`` only where it holds; an
``if``/``else`` whose test is not known at lint time, with a task of one id in
each branch, makes that one task."""
import os
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import PythonOperator


def check_queue(ti):
    ti.xcom_push(key="run_id_cleaned", value=ti.run_id.replace(":", "_"))


def cleanup(ti):
    print(ti.xcom_pull(task_ids="check_queue", key="run_id_cleaned"))


class Pipeline:
    def __init__(self, name, on_demand=False):
        self.on_demand = on_demand
        self.dag = DAG(dag_id=f"factory_{name}", start_date=datetime(2024, 1, 1), schedule=None)

    def build(self):
        with self.dag:
            start = EmptyOperator(task_id="start")
            done = PythonOperator(task_id="cleanup", python_callable=cleanup)
            if self.on_demand:
                check = PythonOperator(task_id="check_queue", python_callable=check_queue)
                start >> check >> done
            elif not self.on_demand:
                start >> done
            if os.environ.get("FAST_COPY"):
                copy = EmptyOperator(task_id="copy")
            else:
                copy = PythonOperator(task_id="copy", python_callable=lambda: 1)
            done >> copy
        return self.dag


daily = Pipeline("daily").build()
adhoc = Pipeline("adhoc", on_demand=True).build()
