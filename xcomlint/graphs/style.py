"""The visual vocabulary the Mermaid, DOT and HTML pictures share: colours,
line styles, and the words on placeholders, labels and tooltips."""

from __future__ import annotations

from .view import EXTERNAL, MISSING, TASK, UNNAMED, DagView, Flow, Node

COLORS = {
    "dependency": "#94a3b8",
    "xcom_pull": "#2563eb",
    "template": "#7c3aed",
    "xcomarg": "#0d9488",
    "finding": "#dc2626",
}
DASHES = {"xcom_pull": "", "template": "7 4", "xcomarg": "1.5 4"}

PLACEHOLDER_NOTES = {
    MISSING: "no such task",
    UNNAMED: "pull without a producer",
    EXTERNAL: "in another DAG",
}


def flow_colour(flow: Flow) -> str:
    """The key into ``COLORS`` for a flow: red with a finding, else by how it reads."""
    if flow.codes:
        return "finding"
    return flow.via if flow.via in COLORS else "xcom_pull"


def flow_label(flow: Flow) -> str:
    return f"{flow.key} \u26a0 {' '.join(flow.codes)}" if flow.codes else flow.key


def node_tooltip(node: Node, view: DagView) -> str:
    if node.kind != TASK:
        readers = sorted({view.node(f.consumer).label for f in view.flows if f.producer == node.node_id})
        return "\n".join([node.label, PLACEHOLDER_NOTES[node.kind], "pulled by: " + ", ".join(readers)])
    lines = [node.label, f"operator: {node.operator}"]
    if node.group_id:
        lines.append(f"group: {node.group_id}")
    if node.line:
        lines.append(f"line {node.line}")
    if node.pushes:
        lines.append("pushes: " + ", ".join(node.pushes) + ("" if node.pushes_known else ", maybe more"))
    else:
        lines.append("pushes: nothing" if node.pushes_known else "pushes: nothing known")
    lines.extend(["pulls:"] + [f"  {p}" for p in node.pulls] if node.pulls else ["pulls: nothing"])
    for finding in node.findings:
        lines.append(f"{finding.code} (line {finding.line}): {finding.message}")
    return "\n".join(lines)
