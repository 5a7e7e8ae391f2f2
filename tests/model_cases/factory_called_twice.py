"""A @dag function defined in a factory that is called once per stream: one DAG per call."""
from datetime import datetime
from airflow.decorators import dag, task

current = None


def build(stream):
    @dag(dag_id=f"{stream}_load", start_date=datetime(2024, 1, 1), schedule=None)
    def domain_dag():
        pass

    dag_obj = domain_dag()
    with dag_obj:
        @task
        def handle_month_context(**context):
            context["ti"].xcom_push(key="stream", value=stream)

        handle_month_context()


def generate():
    if current:
        build(current)
        return
    for stream in ["orders", "refunds"]:
        build(stream)


generate()
