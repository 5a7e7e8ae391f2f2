"""chain, chain_linear, cross_downstream, Label edges and XComArgs into templated fields."""
from datetime import datetime

from airflow import DAG
from airflow.models.baseoperator import chain, chain_linear, cross_downstream
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator
from airflow.utils.edgemodifier import Label

with DAG("helpers", start_date=datetime(2024, 1, 1), schedule=None) as dag:
    c1, c2, c3, c4 = [EmptyOperator(task_id=f"c{i}") for i in range(1, 5)]
    chain(c1, [c2, c3], c4)
    x1, x2, y1, y2 = [EmptyOperator(task_id=name) for name in ["x1", "x2", "y1", "y2"]]
    cross_downstream([x1, x2], [y1, y2])
    l1, l2, m1, m2, n1 = [EmptyOperator(task_id=name) for name in ["l1", "l2", "m1", "m2", "n1"]]
    chain_linear([l1, l2], [m1, m2], n1)
    producer = BashOperator(task_id="producer", bash_command="echo hi")
    consumer = BashOperator(task_id="consumer", bash_command=producer.output)
    labelled = EmptyOperator(task_id="labelled")
    c4 >> Label("when done") >> labelled
