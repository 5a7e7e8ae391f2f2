"""The feeds pipeline: an Airflow DAG built with the in-house framework."""

from framework import Pipeline, Step


def get_targets(ti):
    ti.xcom_push(key="feeds", value=["orders"])


def load(ti):
    return ti.xcom_pull(task_ids="get_targets", key="feeds")


def publish():
    print("done")


pipeline = Pipeline("feeds")
targets = Step(pipeline, "get_targets", get_targets)
loading = Step(pipeline, "load", load)
done = Step(pipeline, "publish", publish)
targets >> loading >> done
done << Step(pipeline, "audit", publish)
dag = pipeline.dag
