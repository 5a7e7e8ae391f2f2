"""The partner feeds pipeline, written with the platform's framework."""

from framework import Pipeline, Step


def get_targets(ti):
    feeds = ["orders", "refunds", "stock"]
    ti.xcom_push(key="feeds", value=feeds)


def load_feeds(ti):
    feeds = ti.xcom_pull(task_ids="get_targets", key="feds")
    for feed in feeds or []:
        print(f"loading feed {feed}")


def publish(ti):
    print("feeds published")


pipeline = Pipeline("feeds")
targets = Step(pipeline, "get_targets", get_targets)
load = Step(pipeline, "load", load_feeds)
done = Step(pipeline, "publish", publish)
targets >> load >> done

dag = pipeline.airflow_dag
