"""The graph in Graphviz DOT (``dot -Tsvg``, ``dot -Tpng``).

TaskGroups are ``cluster_`` subgraphs, nested like the groups. The graph's
title is an HTML-like label that doubles as the legend. Node and edge
``tooltip`` attributes carry the details, which SVG output shows on hover.
"""

from __future__ import annotations

from html import escape
from typing import Dict, List, Sequence

from .style import COLORS, PLACEHOLDER_NOTES, flow_colour, flow_label, node_tooltip
from .view import MISSING, TASK, DagView, Node

_STYLES = {"xcom_pull": "solid", "template": "dashed", "xcomarg": "dotted"}


def dot_string(text: str) -> str:
    """A DOT quoted string. Backslashes are doubled so that escapes such as
    ``\\N`` (the node's name) in user text are not expanded, and ``&`` is
    written ``&amp;`` because Graphviz decodes HTML entities in every label."""
    text = text.replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\n", "\\n") + '"'


def _attributes(values: Dict[str, str]) -> str:
    return "[" + ", ".join(f"{name}={value}" for name, value in values.items()) + "]"


def _node(node: Node, view: DagView) -> str:
    if node.kind == TASK:
        lines = [node.label, node.operator] + (["\u26a0 " + " ".join(node.codes)] if node.codes else [])
    else:
        lines = [node.label, PLACEHOLDER_NOTES[node.kind]]
    values = {"label": dot_string("\n".join(lines)), "tooltip": dot_string(node_tooltip(node, view))}
    if node.kind == MISSING:
        values.update(style='"rounded,dashed,filled"', color=f'"{COLORS["finding"]}"', fillcolor='"#fffafa"',
                      fontcolor='"#b91c1c"')
    elif node.kind != TASK:
        values.update(style='"rounded,dashed,filled"', color='"#64748b"', fillcolor='"#f8fafc"')
    elif node.findings:
        values.update(color=f'"{COLORS["finding"]}"', fillcolor='"#fef2f2"', penwidth="2", fontcolor='"#7f1d1d"')
    return f"{node.node_id} {_attributes(values)};"


def _legend(title: str) -> str:
    """The graph label: a bold title over one line of coloured line samples."""
    samples = [
        (COLORS["dependency"], "grey: dependency"),
        (COLORS["xcom_pull"], "solid: xcom_pull"),
        (COLORS["template"], "dashed: xcom_pull in a template"),
        (COLORS["xcomarg"], "dotted: XComArg"),
        (COLORS["finding"], "red: a finding (codes in the box)"),
    ]
    legend = " \u00b7 ".join(f'<font color="{color}">{escape(text)}</font>' for color, text in samples)
    return f'<<b>{escape(title)}</b><br/><font point-size="10">{legend}</font>>'


class _Writer:
    def __init__(self) -> None:
        self.lines: List[str] = []

    def dag(self, view: DagView, indent: str) -> None:
        children = view.subgroups()
        members = view.members()

        def emit(group_id: object, depth: str) -> None:
            for group in children.get(group_id, []):
                self.lines.append(f"{depth}subgraph cluster_{group.node_id} {{")
                tooltip = dot_string("TaskGroup " + group.group_id)
                self.lines.append(f"{depth}  label={dot_string(group.label)}; tooltip={tooltip};")
                emit(group.group_id, depth + "  ")
                self.lines.append(f"{depth}}}")
            for node in members.get(group_id, []):
                self.lines.append(depth + _node(node, view))

        emit(None, indent)
        for dependency in view.dependencies:
            self.lines.append(f"{indent}{dependency.upstream} -> {dependency.downstream};")
        for flow in view.flows:
            label = flow_label(flow)
            color = COLORS[flow_colour(flow)]
            producer, consumer = view.node(flow.producer).label, view.node(flow.consumer).label
            values = {
                "label": dot_string(label),
                "style": _STYLES.get(flow.via, "solid"),
                "color": f'"{color}"',
                "fontcolor": f'"{color}"',
                "penwidth": "2",
                "tooltip": dot_string(f"{producer} \u2192 {consumer}: key {flow.key} ({flow.via})"),
            }
            self.lines.append(f"{indent}{flow.producer} -> {flow.consumer} {_attributes(values)};")


def render_dot(views: Sequence[DagView]) -> str:
    title = "XCom graph: " + (", ".join(v.dag_id for v in views) if views else "no DAG")
    writer = _Writer()
    writer.lines += [
        "digraph xcom {",
        f"  graph [rankdir=LR, labelloc=t, label={_legend(title)}, fontname=Helvetica, fontsize=14,",
        '         nodesep=0.3, ranksep=0.5, style="rounded,filled", fillcolor="#f1f5f9", color="#cbd5e1"];',
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#94a3b8", fontname=Courier, fontsize=11];',
        f'  edge [color="{COLORS["dependency"]}", fontname=Courier, fontsize=10, arrowsize=0.7];',
    ]
    if len(views) == 1:
        writer.dag(views[0], "  ")
    for index, view in enumerate(views if len(views) > 1 else []):
        writer.lines.append(f"  subgraph cluster_dag{index} {{")
        writer.lines.append(f'    label={dot_string("DAG " + view.dag_id)}; fillcolor="#ffffff";')
        writer.dag(view, "    ")
        writer.lines.append("  }")
    writer.lines.append("}")
    return "\n".join(writer.lines) + "\n"
