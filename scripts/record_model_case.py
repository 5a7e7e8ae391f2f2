#!/usr/bin/env python3
"""Record what a real Airflow makes of a model case: its DAGs' task ids and edges.

    record_model_case.py CASE.py --python AIRFLOW_PYTHON [--python ANOTHER_AIRFLOW_PYTHON ...]
    record_model_case.py projects/CASE --python ...     (a multi-file case: a project folder)

Each ``--python`` is the interpreter of a virtual environment with Airflow
installed (for example Airflow 2.10.5 and 3.3.2). The case file is loaded with
Airflow's own ``DagBag`` in that interpreter, in a throwaway AIRFLOW_HOME; the
task ids and direct edges of every DAG must be the same under each Airflow,
and are written to ``CASE.airflow.json`` beside the case, with the versions
that produced them. ``tests/test_model_against_airflow.py`` then holds the
model to that file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# runs inside the Airflow environment: prints {"version": ..., "dags": {...}}
_PROBE = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
import airflow
from airflow.models.dagbag import DagBag

try:
    bag = DagBag(dag_folder=sys.argv[1], include_examples=False)
except TypeError:  # Airflow 3.3 reads examples from the configuration only
    bag = DagBag(dag_folder=sys.argv[1])
if bag.import_errors:
    print(json.dumps({"errors": {k: str(v) for k, v in bag.import_errors.items()}}))
    sys.exit(1)
dags = {}
for dag_id, dag in sorted(bag.dags.items()):
    edges = sorted([t.task_id, d] for t in dag.tasks for d in t.downstream_task_ids)
    dags[dag_id] = {"tasks": sorted(dag.task_ids), "edges": edges}
print(json.dumps({"version": airflow.__version__, "dags": dags}))
"""


def record(case: Path, python: str) -> dict:
    """A case is one DAG file, or a project folder (a multi-file case: ``dags/``,
    ``plugins/``, ``include/`` ...) laid out as an Airflow home, as Astro
    projects and DAG bundles are: its DAGs folder and plugins folder are on
    ``sys.path`` as Airflow puts them (Airflow 3's DAG processor adds the
    bundle's folder itself, which a bare DagBag does not: ``PYTHONPATH`` here),
    and its root too, as Astro's image has it."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, AIRFLOW_HOME=home, AIRFLOW__CORE__LOAD_EXAMPLES="False",
                   AIRFLOW__CORE__UNIT_TEST_MODE="True", PYTHONWARNINGS="ignore")
        folder = Path(home) / "dags"
        if case.is_dir():
            shutil.copytree(case, home, dirs_exist_ok=True)
            env.update(AIRFLOW__CORE__DAGS_FOLDER=str(folder), AIRFLOW__CORE__PLUGINS_FOLDER=str(Path(home) / "plugins"),
                       PYTHONPATH=os.pathsep.join([home, str(folder)]))
            target = folder
        else:
            folder.mkdir()
            (folder / case.name).write_bytes(case.read_bytes())
            target = folder / case.name
        result = subprocess.run([python, "-c", _PROBE, str(target)], env=env,
                                capture_output=True, text=True, check=False)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"{python}: could not load {case}:\n{result.stdout}\n{result.stderr[-3000:]}")
    return json.loads(lines[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case", type=Path)
    parser.add_argument("--python", action="append", required=True, help="an interpreter with Airflow installed")
    args = parser.parse_args()
    results = [record(args.case, python) for python in args.python]
    first = results[0]["dags"]
    for other in results[1:]:
        if other["dags"] != first:
            print(f"Airflow {results[0]['version']} and {other['version']} disagree on {args.case}", file=sys.stderr)
            return 1
    out = args.case.parent / f"{args.case.name}.airflow.json" if args.case.is_dir() else args.case.with_suffix(".airflow.json")
    out.write_text(json.dumps({"verified_with_airflow": [r["version"] for r in results], "dags": first}, indent=1) + "\n")
    print(f"wrote {out}: {', '.join(sorted(first))} (Airflow {', '.join(r['version'] for r in results)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
