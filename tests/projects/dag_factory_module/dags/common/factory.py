"""The extract/load pair every source system gets, built by one factory."""

from airflow.operators.python import PythonOperator


def extract_rows(source, ds):
    path = f"s3://lake/{source}/{ds}.parquet"
    print(f"extracted {source} to {path}")
    return path


def load_rows(source, ti):
    path = ti.xcom_pull(task_ids="extract")
    row_count = ti.xcom_pull(task_ids="extract", key="row_count")
    print(f"loading {row_count} rows of {source} from {path}")
    return f"raw.{source}_rows"


def make_etl(dag, source):
    extract = PythonOperator(task_id="extract", python_callable=extract_rows, op_kwargs={"source": source}, dag=dag)
    load = PythonOperator(task_id="load", python_callable=load_rows, op_kwargs={"source": source}, dag=dag)
    extract >> load
    return load
