"""DAG sources shared by the command-line and integration tests: one pull with a typo'd task id, and its fix."""

from __future__ import annotations

import textwrap

BUGGY = textwrap.dedent(
    """\
    from airflow.sdk import DAG
    from airflow.providers.standard.operators.python import PythonOperator


    def load(ti):
        return ti.xcom_pull(task_ids="extarct")


    with DAG(dag_id="etl", schedule=None):
        extract = PythonOperator(task_id="extract", python_callable=lambda: 1)
        loader = PythonOperator(task_id="load", python_callable=load)
        extract >> loader
    """
)
CLEAN = BUGGY.replace('"extarct"', '"extract"')
# where the pull in BUGGY stands, and what xcomlint says of it
LINE, COLUMN, END_COLUMN = 6, 12, 44
MESSAGE = "task 'extarct' does not exist in DAG 'etl'; did you mean 'extract'? (the pull returns None)"
