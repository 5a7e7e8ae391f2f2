"""Callables of the orders pipeline (include/ is importable: the project root is on sys.path)."""


def extract_orders(ds):
    path = f"s3://raw-orders/{ds}/orders.json"
    print(f"extracted the orders of {ds} to {path}")
    return path


def load_orders(ti):
    path = ti.xcom_pull(task_ids="extarct")
    print(f"loading {path} into analytics.orders")
