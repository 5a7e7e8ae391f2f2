"""The model's task ids and edges equal what Airflow itself builds.

Each ``model_cases/NAME.py`` has a ``NAME.airflow.json`` written from a real
``DagBag`` (Airflow 2.10.5 and 3.3.2, recorded in the file): the task ids and
direct edges Airflow created. The model must produce exactly the same.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xcomlint.model import build_file_model

CASES = Path(__file__).parent / "model_cases"


@pytest.mark.parametrize("case", sorted(p.stem for p in CASES.glob("*.py")))
def test_tasks_and_edges_match_airflow(case: str) -> None:
    expected = json.loads((CASES / f"{case}.airflow.json").read_text())
    assert expected["verified_with_airflow"], "expectations must come from a real Airflow run"
    source = (CASES / f"{case}.py").read_text()
    model = build_file_model(f"{case}.py", source)
    got = {
        dag.dag_id: {
            "tasks": sorted(dag.task_ids),
            "edges": sorted([edge.upstream, edge.downstream] for edge in dag.edges),
        }
        for dag in model.real_dags
    }
    assert got == expected["dags"]
    for dag in model.real_dags:
        assert dag.tasks_complete and dag.edges_complete, dag.dag_id


@pytest.mark.parametrize("case", sorted(p.name for p in (CASES / "projects").iterdir() if p.is_dir()))
def test_project_tasks_and_edges_match_airflow(case: str) -> None:
    """A multi-file case: every DAG file of the project's ``dags/``, linted with
    the project (its own modules followed), gives the DAGs Airflow loaded from
    that folder with the project's folders on ``sys.path``."""
    from xcomlint.project import project_for
    from xcomlint.project.resolution import ABSENT
    from xcomlint.settings import Settings

    root = CASES / "projects" / case
    expected = json.loads((CASES / "projects" / f"{case}.airflow.json").read_text())
    assert expected["verified_with_airflow"], "expectations must come from a real Airflow run"
    project = project_for(Settings(project_root=str(root), dags_folder=str(root / "dags"),
                                   plugins_folder=str(root / "plugins")), [str(root)])
    got = {}
    for path in sorted((root / "dags").rglob("*.py")):
        model = build_file_model(str(path), path.read_text(), project=project)
        if model.real_dags:
            assert [d for d in model.dependencies if d[1] != ABSENT], f"{path.name} reads the project's modules"
        for dag in model.real_dags:
            got[dag.dag_id] = {
                "tasks": sorted(dag.task_ids),
                "edges": sorted([edge.upstream, edge.downstream] for edge in dag.edges),
            }
            assert dag.tasks_complete and dag.edges_complete, dag.dag_id
    assert got == expected["dags"]
