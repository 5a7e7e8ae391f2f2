def load(ti):
    path = ti.xcom_pull(task_ids="extarct")   # typo
    return path
