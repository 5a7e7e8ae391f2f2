"""Callables of the sales DAG."""

from .constants import MANIFEST_KEY, SALES_PATH_KEY


def record_row_count(ti):
    path = ti.xcom_pull(task_ids="extract_sales", key=SALES_PATH_KEY)
    rows = ti.xcom_pull(task_ids="extract_sales")
    print(f"{rows} rows at {path}")
    return rows


def publish_manifest(ti):
    uri = ti.xcom_pull(task_ids="transform.build_manifest", key=MANIFEST_KEY)
    print(f"publishing {uri}")
