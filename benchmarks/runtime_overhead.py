"""Measure what the allow-list XCom backend costs per pull, against Airflow's plain backend.

    python benchmarks/runtime_overhead.py --airflow-python PATH [--runs N] [--pulls P]

PATH is the Python of a virtual environment with Airflow and xcomlint installed
(``.ci/run`` makes one; ``$XCOMLINT_AIRFLOW3_PYTHON`` is the default). A DAG
``overhead`` runs with ``dag.test()``: ``produce`` pushes a value and ``consume``
pulls it P times (100 by default), timing its own loop of pulls. The DAG runs N
times in one process per backend (SQLite metadata database in a temporary
AIRFLOW_HOME, no scheduler), the two processes alternating run by run:

- plain: ``[core] xcom_backend`` unset (Airflow's own backend);
- enforce: ``xcomlint.airflow.backend.AllowListXCom`` with an allow-list that
  lists the DAG and permits the pull, mode enforce.

The first run of each process warms up (imports, the allow-list's load) and is
not counted. The table shows medians: the consume task's loop of pulls (wall and
CPU time of the process: under ``dag.test()`` the API server answering the pull
runs in the same process, and CPU time is steadier on a shared machine), per
pull, and the whole DAG run as ``dag.test()`` takes it. Under enforce the task also
times the check alone (finding the reading task and asking the allow-list, as
each pull does) over 10,000 repetitions, since a pull's own cost (a request to
the API server and a database query) varies by more than the check costs. It
asserts no timings.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from datetime import datetime, timedelta
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2024, 1, 1)

DAG = '''
from __future__ import annotations

import os
import sys
import time
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator

PULLS = {pulls}
CHECKS = 10000


def produce():
    return {{"path": "s3://lake/raw/orders.csv", "rows": 1234}}


def consume(ti):
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(PULLS):
        ti.xcom_pull(task_ids="produce")
    print("PULL-LOOP-SECONDS", time.perf_counter() - start, time.process_time() - cpu, flush=True)
    if os.environ.get("AIRFLOW__CORE__XCOM_BACKEND"):
        # what the backend adds to each pull, alone: find the reading task, ask the allow-list
        from xcomlint.airflow.backend import AllowListXCom

        backend = sys.modules[AllowListXCom.__module__]
        start = time.perf_counter()
        for _ in range(CHECKS):
            caller = backend._caller()
            backend._enforcer().policy().pull(caller.dag_id, caller.task_id, "overhead", "produce", "return_value")
        print("CHECK-SECONDS", (time.perf_counter() - start) / CHECKS, flush=True)


with DAG(dag_id="overhead", schedule=None, start_date=datetime(2024, 1, 1), catchup=False) as dag:
    PythonOperator(task_id="produce", python_callable=produce) >> PythonOperator(
        task_id="consume", python_callable=consume
    )
'''

ALLOWLIST = """
version: 1
dags:
  overhead:
    xcoms:
      - from: produce
        to: [consume]
"""

# one DAG run per line read on stdin (the logical date); prints its timings as JSON
DRIVER = '''
import importlib.util, json, sys, time
from datetime import datetime, timezone
import airflow
spec = importlib.util.spec_from_file_location("overhead_dag", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
dag = module.dag
for line in sys.stdin:
    date = datetime.fromisoformat(line.strip()).replace(tzinfo=timezone.utc)
    start = time.perf_counter()
    if airflow.__version__.startswith("2."):
        run = dag.test(execution_date=date)
    else:
        run = dag.test(logical_date=date, run_after=date)
    print("RUN-RESULT", json.dumps({"state": str(getattr(run.state, "value", run.state)),
                                     "seconds": time.perf_counter() - start}), flush=True)
'''


class Backend:
    """One long-running Airflow process that runs the DAG on demand."""

    def __init__(self, name: str, python: str, home: Path, settings: Dict[str, str], dag_file: Path) -> None:
        self.name = name
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
        env.update(AIRFLOW_HOME=str(home), AIRFLOW__CORE__LOAD_EXAMPLES="False",
                   AIRFLOW__CORE__DAGS_FOLDER=str(dag_file.parent), PYTHONPATH=str(ROOT), **settings)
        self.output = open(home / f"{name}.log", "w+")
        self.process = subprocess.Popen([python, "-c", DRIVER, str(dag_file)], env=env, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.output)
        self.loops: List[float] = []
        self.cpu: List[float] = []
        self.runs: List[float] = []
        self.checks: List[float] = []

    def run(self, date: str, count: bool) -> None:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(date + "\n")
        self.process.stdin.flush()
        loop = cpu = None
        for line in self.process.stdout:
            if line.startswith("PULL-LOOP-SECONDS"):
                loop, cpu = (float(x) for x in line.split()[1:3])
            elif line.startswith("CHECK-SECONDS") and count:
                self.checks.append(float(line.split()[1]))
            elif line.startswith("RUN-RESULT"):
                result = json.loads(line.split(" ", 1)[1])
                if result["state"] != "success" or loop is None:
                    self.output.seek(0)
                    raise SystemExit(f"{self.name}: the DAG run failed:\n{self.output.read()[-4000:]}")
                if count:
                    self.loops.append(loop)
                    self.cpu.append(cpu)
                    self.runs.append(result["seconds"])
                return
        self.output.seek(0)
        raise SystemExit(f"{self.name}: the Airflow process ended:\n{self.output.read()[-4000:]}")

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait(timeout=120)
        self.output.close()


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--airflow-python", default=os.environ.get("XCOMLINT_AIRFLOW3_PYTHON"))
    parser.add_argument("--runs", type=int, default=7, help="counted DAG runs per backend (default 7)")
    parser.add_argument("--pulls", type=int, default=100, help="pulls in the consume task (default 100)")
    args = parser.parse_args(argv)
    if not args.airflow_python:
        parser.error("--airflow-python (or XCOMLINT_AIRFLOW3_PYTHON) names the Python of an Airflow environment")
    with tempfile.TemporaryDirectory(prefix="xcomlint-overhead-") as tmp:
        home = Path(tmp)
        dag_file = home / "dags" / "overhead.py"
        dag_file.parent.mkdir()
        dag_file.write_text(textwrap.dedent(DAG.format(pulls=args.pulls)))
        allowlist = home / "allowlist.yaml"
        allowlist.write_text(ALLOWLIST)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
        env.update(AIRFLOW_HOME=str(home), AIRFLOW__CORE__LOAD_EXAMPLES="False")
        subprocess.run([args.airflow_python, "-m", "airflow", "db", "migrate"], env=env, check=True,
                       capture_output=True)
        version = subprocess.run([args.airflow_python, "-c", "import airflow; print(airflow.__version__)"],
                                 env=env, capture_output=True, text=True).stdout.strip()
        backends = [
            Backend("plain", args.airflow_python, home, {}, dag_file),
            Backend("enforce", args.airflow_python, home, {
                "AIRFLOW__CORE__XCOM_BACKEND": "xcomlint.airflow.backend.AllowListXCom",
                "AIRFLOW__XCOMLINT__ALLOWLIST": str(allowlist),
                "AIRFLOW__XCOMLINT__MODE": "enforce",
            }, dag_file),
        ]
        try:
            for index in range(args.runs + 1):
                for backend in backends if index % 2 == 0 else reversed(backends):
                    hours = len(backends) * index + backends.index(backend)  # a run of its own each time
                    backend.run((START + timedelta(hours=hours)).isoformat(), count=index > 0)
        finally:
            for backend in backends:
                backend.close()
    plain, enforce = backends
    per_pull = {b.name: statistics.median(b.cpu) / args.pulls * 1e6 for b in backends}
    print(f"Airflow {version}, Python {sys.version.split()[0]}, {args.pulls} pulls per run, median of {args.runs} runs")
    print()
    print("| backend | loop of pulls, wall (ms) | loop of pulls, CPU (ms) | per pull, CPU (µs) | DAG run, wall (s) |")
    print("|---|---:|---:|---:|---:|")
    for b in backends:
        print(f"| {b.name} | {statistics.median(b.loops) * 1e3:.1f} | {statistics.median(b.cpu) * 1e3:.1f} "
              f"| {per_pull[b.name]:.0f} | {statistics.median(b.runs):.2f} |")
    print()
    print(f"difference per pull (CPU): {per_pull['enforce'] - per_pull['plain']:+.1f} µs "
          f"({(per_pull['enforce'] / per_pull['plain'] - 1) * 100:+.1f}%)")
    check = statistics.median(enforce.checks) * 1e6
    print(f"the check alone (reading task + allow-list verdict), per pull: {check:.2f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
