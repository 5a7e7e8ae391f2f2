from airflow.operators.python import PythonOperator


def _extract():
    return "s3://bucket/raw.csv"


def _load(ti):
    return ti.xcom_pull(task_ids="extract")


def make_etl(dag, prefix=""):
    extract = PythonOperator(task_id=f"{prefix}extract", python_callable=_extract, dag=dag)
    load = PythonOperator(task_id=f"{prefix}load", python_callable=_load, dag=dag)
    extract >> load
    return load
