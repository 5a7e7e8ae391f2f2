"""The graph as a Mermaid flowchart, for GitHub Markdown and other Mermaid renderers.

Node ids are the view's safe identifiers (task ids contain dots, which Mermaid
would misread); every label is quoted and its special characters are written as
Mermaid entity codes, so a key like ``a"b`` or ``<x>`` cannot break the diagram.
"""

from __future__ import annotations

from typing import Dict, List, Sequence

from .style import COLORS, PLACEHOLDER_NOTES, flow_colour, flow_label
from .view import MISSING, TASK, DagView, Node

# mermaid.js refuses a diagram longer than this (its ``maxTextSize`` setting,
# which GitHub leaves at the default) and draws an error message instead
MERMAID_MAX_TEXT_SIZE = 50_000


def mermaid_text_size(text: str) -> int:
    """The length mermaid.js compares with ``maxTextSize``: JavaScript's, in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# Mermaid decodes "#<decimal>;" inside labels; '#' itself must be encoded first.
_ENTITIES = {"#": "#35;", '"': "#34;", "<": "#60;", ">": "#62;", "&": "#38;", "`": "#96;", "|": "#124;"}

_ARROWS = {"xcom_pull": "==>", "template": "-.->", "xcomarg": "==>"}
_LINK_STYLES = {
    "dependency": f"stroke:{COLORS['dependency']},stroke-width:1.5px",
    "xcom_pull": f"stroke:{COLORS['xcom_pull']},stroke-width:2px",
    "template": f"stroke:{COLORS['template']},stroke-width:2px",
    "xcomarg": f"stroke:{COLORS['xcomarg']},stroke-width:2px,stroke-dasharray:3 4",
    "finding": f"stroke:{COLORS['finding']},stroke-width:2px",
}
_CLASS_DEFS = {
    "finding": f"fill:#fef2f2,stroke:{COLORS['finding']},stroke-width:2px,color:#7f1d1d",
    "missing": f"fill:#fffafa,stroke:{COLORS['finding']},stroke-dasharray:5 3,color:#b91c1c",
    "placeholder": "fill:#f8fafc,stroke:#64748b,stroke-dasharray:5 3,color:#334155",
}


def mermaid_text(text: str) -> str:
    return "".join(_ENTITIES.get(char, char) for char in text)


def _node_label(node: Node) -> str:
    if node.kind == TASK:
        lines = [node.label, node.operator]
        if node.codes:
            lines.append("\u26a0 " + " ".join(node.codes))
    else:
        lines = [node.label, PLACEHOLDER_NOTES[node.kind]]
    return "<br/>".join(mermaid_text(line) for line in lines)


class _Writer:
    def __init__(self) -> None:
        self.lines: List[str] = ["flowchart LR"]
        self.link_count = 0
        self.link_classes: Dict[str, List[int]] = {}
        self.node_classes: Dict[str, List[str]] = {}

    def link(self, line: str, style: str) -> None:
        self.lines.append(line)
        self.link_classes.setdefault(style, []).append(self.link_count)
        self.link_count += 1

    def dag(self, view: DagView, indent: str) -> None:
        children = view.subgroups()
        members = view.members()

        def emit(group_id: object, depth: str) -> None:
            for group in children.get(group_id, []):
                self.lines.append(f'{depth}subgraph {group.node_id}["{mermaid_text(group.label)}"]')
                emit(group.group_id, depth + "  ")
                self.lines.append(f"{depth}end")
            for node in members.get(group_id, []):
                self.lines.append(f'{depth}{node.node_id}["{_node_label(node)}"]')
                if node.kind == MISSING:
                    self.node_classes.setdefault("missing", []).append(node.node_id)
                elif node.kind != TASK:
                    self.node_classes.setdefault("placeholder", []).append(node.node_id)
                elif node.findings:
                    self.node_classes.setdefault("finding", []).append(node.node_id)

        emit(None, indent)
        for dependency in view.dependencies:
            self.link(f"{indent}{dependency.upstream} --> {dependency.downstream}", "dependency")
        for flow in view.flows:
            label = flow_label(flow)
            arrow = _ARROWS.get(flow.via, "==>")
            style = flow_colour(flow)
            self.link(f'{indent}{flow.producer} {arrow}|"{mermaid_text(label)}"| {flow.consumer}', style)

    def finish(self) -> str:
        for name, style in _CLASS_DEFS.items():
            if name in self.node_classes:
                self.lines.append(f"  classDef {name} {style}")
                self.lines.append(f"  class {','.join(self.node_classes[name])} {name}")
        for name in ("dependency", "xcom_pull", "template", "xcomarg", "finding"):
            if name in self.link_classes:
                indexes = ",".join(str(i) for i in self.link_classes[name])
                self.lines.append(f"  linkStyle {indexes} {_LINK_STYLES[name]}")
        return "\n".join(self.lines) + "\n"


def render_mermaid(views: Sequence[DagView]) -> str:
    """Dependencies are plain arrows; XCom reads are labelled with their key:
    thick for ``xcom_pull`` in Python, dotted for a Jinja template, thick and
    dashed for an XComArg; red for a read with a finding. Tasks with findings
    are red boxes that list the codes."""
    writer = _Writer()
    writer.lines.append("  %% xcomlint XCom graph: arrows are dependencies, labelled edges XCom reads (key)")
    if len(views) == 1:
        writer.dag(views[0], "  ")
    for index, view in enumerate(views if len(views) > 1 else []):
        writer.lines.append(f'  subgraph dag{index}["DAG {mermaid_text(view.dag_id)}"]')
        # a subgraph with no edge to the outside is laid out on its own, top to bottom unless told
        writer.lines.append("    direction LR")
        writer.dag(view, "    ")
        writer.lines.append("  end")
    return writer.finish()
