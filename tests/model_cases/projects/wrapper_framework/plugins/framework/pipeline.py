import pendulum
from airflow import DAG
from airflow.operators.python import PythonOperator


class Pipeline:
    def __init__(self, name, schedule=None):
        self.name = name
        self.airflow_dag = DAG(dag_id=name, start_date=pendulum.datetime(2024, 1, 1), schedule=schedule)

    @property
    def dag(self):
        return self.airflow_dag


class Step:
    def __init__(self, pipeline, name, fn):
        self.pipeline = pipeline
        self.operator = PythonOperator(task_id=name, python_callable=fn, dag=pipeline.dag)

    def __rshift__(self, other):
        self.operator >> other.operator
        return other

    def __lshift__(self, other):
        self.operator << other.operator
        return other
