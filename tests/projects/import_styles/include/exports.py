"""Callables of the partner export DAG."""

EXPORT_KEY = "export_uri"


def build_export(ti, ds):
    ti.xcom_push(key=EXPORT_KEY, value=f"s3://exports/{ds}/accounts.csv")


def deliver_export(ti):
    uri = ti.xcom_pull(task_ids="build_exports", key=EXPORT_KEY)
    print(f"delivering {uri}")
