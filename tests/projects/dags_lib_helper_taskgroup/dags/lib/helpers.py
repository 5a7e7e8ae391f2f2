"""Small helpers for the warehouse DAGs' callables (dags/lib is skipped by .airflowignore)."""


def read_staged_path(ti):
    return ti.xcom_pull(task_ids="stage", key="staged_path")


def table_for(ds_nodash):
    return f"analytics.orders_{ds_nodash}"
