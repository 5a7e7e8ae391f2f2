"""Run one fixture project in a real Airflow, logging every xcom_pull: the proof that the
expected findings of ``expected.yaml`` are real bugs and that the rest of the code is clean.

Usage: python run_project.py PROJECT_DIR DAGS_FOLDER

Used by tests/test_projects.py with the Airflow environments .ci/run installs. The DAGs folder,
the plugins folder, the project root and src/ are on sys.path as in a deployment (Airflow puts
the DAG bundle and the plugins folder there; an Astro image runs from the project root; a src
layout is installed), and so is ``site-packages`` beside this file: stand-ins for the
third-party packages a project imports (they are outside every project root, so xcomlint
never reads them). Each DAG runs once with ``dag.test()``. stdout carries one
``XCOMLINT-PULL {json}`` line per pull (its task, arguments, where it was written, whether it
returned None) and a last ``XCOMLINT-RESULT {json}`` line (import errors, the state of each run).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, Optional

PULL_MARK = "XCOMLINT-PULL "
RESULT_MARK = "XCOMLINT-RESULT "


def where(project: Path) -> Dict[str, Any]:
    """Where the running pull was written: a line of the project's Python code, a Jinja template
    of an operator's field, an XComArg Airflow resolves, or Airflow's own machinery."""
    frame: Optional[Any] = sys._getframe(2)
    kind = "internal"
    while frame is not None:
        filename = os.path.abspath(frame.f_code.co_filename)
        if filename.startswith(str(project) + os.sep):
            return {"kind": "code", "path": Path(filename).relative_to(project).as_posix(), "line": frame.f_lineno}
        if kind == "internal":
            if "jinja2" in filename.split(os.sep) or frame.f_code.co_filename == "<template>":
                kind = "template"
            elif filename.endswith("xcom_arg.py"):
                kind = "xcomarg"
        frame = frame.f_back
    return {"kind": kind, "path": None, "line": None}


def watch_pulls(project: Path) -> None:
    import airflow

    if airflow.__version__.startswith("2."):
        from airflow.models.taskinstance import TaskInstance
    else:
        from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance as TaskInstance

    original = TaskInstance.xcom_pull

    def xcom_pull(self: Any, *args: Any, **kwargs: Any) -> Any:
        site = where(project)
        value = original(self, *args, **kwargs)
        names = ("task_ids", "dag_id", "key")
        bound = dict(zip(names, args), **{k: v for k, v in kwargs.items() if k in names})
        record = dict(site, dag_id=self.dag_id, task_id=self.task_id, task_ids=bound.get("task_ids"),
                      key=bound.get("key", "return_value"), none=value is None, value=repr(value)[:200])
        # a task may run in a forked process: print at once, never collect
        print(PULL_MARK + json.dumps(record, default=str), flush=True)
        return value

    TaskInstance.xcom_pull = xcom_pull


def main(project_dir: str, dags_folder: str) -> None:
    project = Path(project_dir).resolve()
    dags = project / dags_folder
    sys.path[:0] = [str(dags), str(project), str(project / "src"), str(Path(__file__).resolve().parent / "site-packages")]
    import airflow

    watch_pulls(project)
    try:
        from airflow.dag_processing.dagbag import DagBag  # Airflow 3.1+
    except ImportError:
        from airflow.models.dagbag import DagBag

    bag = DagBag(dag_folder=str(dags))  # examples are off: AIRFLOW__CORE__LOAD_EXAMPLES
    result: Dict[str, Any] = {"airflow": airflow.__version__, "import_errors": dict(bag.import_errors), "runs": {}}
    for dag_id, dag in sorted(bag.dags.items()):
        try:
            run = dag.test()
            result["runs"][dag_id] = {"state": str(getattr(run.state, "value", run.state)),
                                      "tasks": sorted(dag.task_ids)}
        except Exception as error:  # reported: the test fails on it
            result["runs"][dag_id] = {"state": f"error: {error!r}", "tasks": sorted(dag.task_ids)}
    sys.stdout.flush()
    print(RESULT_MARK + json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
