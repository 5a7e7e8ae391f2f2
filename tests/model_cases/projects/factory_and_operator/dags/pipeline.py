import pendulum
from airflow import DAG
from airflow.operators.empty import EmptyOperator

from common.factory import make_etl
from operators.archive import ArchiveOperator

with DAG(dag_id="factory_pipeline", start_date=pendulum.datetime(2024, 1, 1), schedule=None) as dag:
    start = EmptyOperator(task_id="start")
    last = make_etl(dag)
    archive = ArchiveOperator(task_id="archive", source="{{ ti.xcom_pull(task_ids='load') }}")
    start >> last >> archive
    make_etl(dag, prefix="backfill_") >> archive
