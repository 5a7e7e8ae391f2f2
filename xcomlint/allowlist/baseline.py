"""``xcomlint allowlist init``: an allow-list that permits exactly today's flows.

A baseline for adopting the exclusive discipline on an existing repository:
every DAG is listed (so new flows are caught from now on), entries are sorted
so that the file diffs well in review, and each DAG names its file.

What would enshrine a mistake is left out and said so, in the file (as
comments) and to the caller: a flow whose pull has a finding (a pull of a task
that does not exist must not become a permitted flow), and a DAG whose id is
computed at runtime (no entry can name it).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Set, Tuple

from ..findings import Finding
from ..model.records import FileModel, Span
from .flows import Flow, dag_flows, declared_pushes, run_dags
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


@dataclass(frozen=True)
class LeftOut:
    """A flow not written because its pull has a finding."""

    flow: Flow
    finding: Finding

    def describe(self) -> str:
        f = self.flow
        where = f"{f.path}:{self.finding.line}:{self.finding.column}"
        source = f"'{f.other_dag}'.'{f.producer}'" if f.other_dag else f"'{f.producer}'"
        return f"'{f.consumer}' reads '{f.key}' of {source} ({where}: {self.finding.code} {self.finding.name})"


@dataclass
class Baseline:
    text: str
    dags: int
    entries: int
    left_out: List[LeftOut] = field(default_factory=list)
    # (path, line) of each DAG whose id is not a literal
    dynamic: List[Tuple[str, int]] = field(default_factory=list)


def _scalar(text: str) -> str:
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text)


def _inside(span: Span, finding: Finding) -> bool:
    """Whether the finding stands within the pull's span (a rule may point at
    an argument of the call rather than at its start)."""
    start, end = (span.line, span.column), (span.end_line, span.end_column)
    return start <= (finding.line, finding.column) <= end


def _finding_of(flow: Flow, findings: Dict[str, List[Finding]]) -> "Finding | None":
    for finding in findings.get(flow.path, ()):
        if _inside(flow.extent or flow.span, finding):
            return finding
    return None


def render_baseline(models: Sequence[FileModel], findings: Sequence[Finding] = ()) -> Baseline:
    """The YAML text and what it holds; ``findings`` are the run's, whose pulls stay out."""
    by_path: Dict[str, List[Finding]] = defaultdict(list)
    for finding in findings:
        by_path[finding.path].append(finding)
    consumers: Dict[str, Dict[Tuple[str, str], Set[str]]] = defaultdict(lambda: defaultdict(set))
    cross: Dict[str, Dict[Tuple[str, str, str], Set[str]]] = defaultdict(lambda: defaultdict(set))
    files: Dict[str, List[str]] = defaultdict(list)
    left_out: Dict[str, List[LeftOut]] = defaultdict(list)
    for path, dag in run_dags(models):
        dag_id = dag.dag_id  # a str: run_dags skips unknown ids
        if path not in files[dag_id]:  # type: ignore[index]
            files[dag_id].append(path)  # type: ignore[index]
        table = consumers[dag_id]  # type: ignore[index]
        for push in declared_pushes(dag):
            table[(push.task_id, push.key)]  # type: ignore[index]  # declared even if nobody reads it yet
        for flow in dag_flows(path, dag):
            if flow.other_dag is None and flow.producer == flow.consumer:
                continue
            reported = _finding_of(flow, by_path)
            if reported is not None:
                left_out[flow.dag_id].append(LeftOut(flow, reported))
            elif flow.other_dag is not None:
                cross[flow.dag_id][(flow.other_dag, flow.producer, flow.key)].add(flow.consumer)
            else:
                table[(flow.producer, flow.key)].add(flow.consumer)
    dynamic = sorted({(model.path, dag.span.line) for model in models for dag in model.dags
                      if not isinstance(dag.dag_id, str)})
    lines = [HEADER.rstrip("\n")]
    entries = 0
    for dag_id in sorted(files):
        where = ", ".join(files[dag_id])
        xcoms = consumers.get(dag_id, {})
        cross_dag = cross.get(dag_id, {})
        if not xcoms and not cross_dag:
            lines.append(f"  {_scalar(dag_id)}: {{}}  # {where}" + ("" if left_out.get(dag_id) else ": no XComs"))
        else:
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
        if left_out.get(dag_id):
            lines.append("    # left out, because the pull has a finding (fix it, then permit the flow here):")
            lines.extend(f"    #   {item.describe()}" for item in left_out[dag_id])
    if not files:
        lines[-1] = lines[-1].replace("dags:", "dags: {}")
    if dynamic:
        lines.append("# not listed: DAGs whose id is computed at runtime (no entry can name them):")
        lines.extend(f"#   {path}:{line}" for path, line in dynamic)
    flat = [item for dag_id in sorted(left_out) for item in left_out[dag_id]]
    return Baseline("\n".join(lines) + "\n", len(files), entries, flat, dynamic)
