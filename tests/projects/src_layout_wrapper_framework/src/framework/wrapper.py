"""A Pipeline holds one Airflow DAG; a Step holds one PythonOperator of it."""

import pendulum
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG


class Pipeline:
    def __init__(self, name, schedule="@daily", owner="data-platform"):
        self.name = name
        self.airflow_dag = DAG(
            dag_id=name,
            schedule=schedule,
            start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
            catchup=False,
            default_args={"owner": owner, "retries": 2},
        )


class Step:
    def __init__(self, pipeline, name, fn, **op_kwargs):
        self.pipeline = pipeline
        self.operator = PythonOperator(
            task_id=name,
            dag=pipeline.airflow_dag,
            python_callable=fn,
            op_kwargs=op_kwargs,
        )

    def __rshift__(self, other):
        self.operator >> other.operator
        return other

    def __lshift__(self, other):
        self.operator << other.operator
        return other
