"""Names that a careless renderer would break: keys with quotes and markup,
deeply nested groups, a self-read, a pull from another DAG, a dynamic key."""
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, TaskGroup


def push(ti):
    ti.xcom_push(key='say "hi"', value=1)
    ti.xcom_push(key="<b>&#35;|`1`", value=2)


def pull(ti, params):
    ti.xcom_pull(task_ids="outer.middle.inner.push", key='say "hi"')
    ti.xcom_pull(task_ids="outer.middle.inner.push", key="<b>&#35;|`1`")
    ti.xcom_pull(task_ids="publish", dag_id="other.dag")
    ti.xcom_pull(task_ids="end", key="previous", include_prior_dates=True)
    ti.xcom_pull(task_ids="outer.middle.inner.push", key=params["which"])


with DAG(dag_id="odd.names-v2", schedule=None) as dag:
    with TaskGroup("outer"):
        with TaskGroup("middle"):
            with TaskGroup("inner"):
                pushed = PythonOperator(task_id="push", python_callable=push)
    end = PythonOperator(task_id="end", python_callable=pull)
    pushed >> end
