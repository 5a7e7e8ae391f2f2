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
