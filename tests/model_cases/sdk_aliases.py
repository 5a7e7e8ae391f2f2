"""Airflow 3 imports through a module alias, loops unrolled, a local task factory."""
import airflow.sdk as sdk
from airflow.providers.standard.operators.bash import BashOperator


def make_step(name):
    return BashOperator(task_id=f"step_{name}", bash_command="echo " + name)


with sdk.DAG(dag_id="sdk_aliases", schedule=None) as dag:
    steps = []
    for name in ["a", "b", "c"]:
        steps.append(make_step(name))
    sdk.chain(*steps)

    @sdk.task
    def collect(ti=None):
        return ti.xcom_pull(task_ids="step_c")

    steps[-1] >> collect()
