"""A row-count check task, added by every DAG that loads a table."""

from airflow.providers.standard.operators.python import PythonOperator


def add_row_count_check(dag, table, counted_by):
    def check_rows(ti):
        rows = ti.xcom_pull(task_ids=counted_by)
        if not rows:
            raise ValueError(f"{table} is empty")

    return PythonOperator(task_id=f"check_{table}_rows", python_callable=check_rows, dag=dag)
