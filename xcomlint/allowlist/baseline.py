"""``xcomlint allowlist init``: an allow-list that permits exactly today's flows.

A baseline for adopting the exclusive discipline on an existing repository:
every DAG is listed (so new flows are caught from now on), entries are sorted
so that the file diffs well in review, and each DAG names its file.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Dict, List, Sequence, Set, Tuple

from ..model.records import FileModel
from .flows import dag_flows, declared_pushes, run_dags
from .records import RETURN_KEY

_PLAIN = re.compile(r"^[A-Za-z_][\w.\-*]*$")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}

HEADER = """\
# xcomlint allow-list: which task may read which XCom key, per DAG.
# Written by `xcomlint allowlist init` from the XCom flows the code has today.
# Review it, then tighten it: drop consumers that should not read a key, and
# mark keys only one task may read with `exclusive: true`. From now on
# `xcomlint check --allowlist FILE` reports any flow this file does not permit.
version: 1
dags:
"""


def _scalar(text: str) -> str:
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text)


def render_baseline(models: Sequence[FileModel]) -> Tuple[str, int, int]:
    """The YAML text, the number of DAGs and the number of entries."""
    consumers: Dict[str, Dict[Tuple[str, str], Set[str]]] = defaultdict(lambda: defaultdict(set))
    cross: Dict[str, Dict[Tuple[str, str, str], Set[str]]] = defaultdict(lambda: defaultdict(set))
    files: Dict[str, List[str]] = defaultdict(list)
    for path, dag in run_dags(models):
        dag_id = dag.dag_id  # a str: run_dags skips unknown ids
        if path not in files[dag_id]:  # type: ignore[index]
            files[dag_id].append(path)  # type: ignore[index]
        table = consumers[dag_id]  # type: ignore[index]
        for push in declared_pushes(dag):
            table[(push.task_id, push.key)]  # type: ignore[index]  # declared even if nobody reads it yet
        for flow in dag_flows(path, dag):
            if flow.other_dag is not None:
                cross[flow.dag_id][(flow.other_dag, flow.producer, flow.key)].add(flow.consumer)
            elif flow.producer != flow.consumer:
                table[(flow.producer, flow.key)].add(flow.consumer)
    lines = [HEADER.rstrip("\n")]
    entries = 0
    for dag_id in sorted(files):
        where = ", ".join(files[dag_id])
        xcoms = consumers.get(dag_id, {})
        cross_dag = cross.get(dag_id, {})
        if not xcoms and not cross_dag:
            lines.append(f"  {_scalar(dag_id)}: {{}}  # {where}: no XComs")
            continue
        lines.append(f"  {_scalar(dag_id)}:  # {where}")
        if xcoms:
            lines.append("    xcoms:")
            for (producer, key), readers in sorted(xcoms.items()):
                lines.append(f"      - from: {_scalar(producer)}")
                if key != RETURN_KEY:
                    lines.append(f"        key: {_scalar(key)}")
                lines.append(f"        to: [{', '.join(_scalar(r) for r in sorted(readers))}]")
                entries += 1
        if cross_dag:
            lines.append("    cross_dag:")
            for (other, producer, key), readers in sorted(cross_dag.items()):
                lines.append(f"      - dag: {_scalar(other)}")
                lines.append(f"        from: {_scalar(producer)}")
                if key != RETURN_KEY:
                    lines.append(f"        key: {_scalar(key)}")
                lines.append(f"        to: [{', '.join(_scalar(r) for r in sorted(readers))}]")
                entries += 1
    if not files:
        lines[-1] = lines[-1].replace("dags:", "dags: {}")
    return "\n".join(lines) + "\n", len(files), entries
