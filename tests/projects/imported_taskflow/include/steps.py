"""TaskFlow steps the export DAGs share."""

from airflow.sdk import task


@task(multiple_outputs=True)
def read_export_config(dataset):
    return {"bucket": "partner-exports", "prefix": f"daily/{dataset}"}


@task
def check_file_count(count):
    if int(count) == 0:
        raise ValueError("the partner bucket is empty after the sync")
    return int(count)
