"""Dynamic task mapping over derived inputs: .expand_kwargs(), .map(), .zip(), .concat(),
a non-templated argument mapped with .expand(), and a mapped task group."""
from datetime import datetime

from airflow import DAG
from airflow.decorators import task, task_group
from airflow.operators.bash import BashOperator

with DAG("mapped_inputs", start_date=datetime(2024, 1, 1), schedule=None) as dag:

    @task
    def files():
        return ["a", "b"]

    @task
    def sizes():
        return [1, 2]

    @task
    def commands():
        return [{"bash_command": "echo 1"}, {"bash_command": "echo 2"}]

    @task
    def exit_codes():
        return [[99], [100]]

    @task
    def handle(name, size):
        return f"{name}:{size}"

    @task
    def shout(x):
        return x.upper()

    @task
    def count(item):
        return 1

    @task
    def total(values):
        return sum(values)

    f, s = files(), sizes()
    handled = handle.expand_kwargs(f.zip(s).map(lambda pair: {"name": pair[0], "size": pair[1]}))
    shouted = shout.expand(x=f.map(lambda name: name + "!"))
    counted = count.expand(item=f.concat(s))
    run = BashOperator.partial(task_id="run").expand_kwargs(commands())
    tolerant = BashOperator.partial(task_id="tolerant", bash_command="exit 99").expand(skip_on_exit_code=exit_codes())

    @task_group
    def per_file(name):
        @task
        def stage(value):
            return value

        @task
        def publish(value):
            return value

        publish(stage(name))

    groups = per_file.expand_kwargs(f.map(lambda name: {"name": name}))
    [handled, shouted, counted, run, tolerant, groups] >> total([1, 2])
