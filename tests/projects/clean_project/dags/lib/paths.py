"""Where the sales DAG's files are."""


def sales_path(ti):
    return ti.xcom_pull(task_ids="extract_sales", key="sales_path")
