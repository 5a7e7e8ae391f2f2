"""Draws a ``DagView`` as inline SVG, positioned by ``layout.layered_layout``.

Text is set in a monospace font so that a label's width can be computed from
its length here, without font metrics or a browser: about 0.6 em per character.
"""

from __future__ import annotations

from html import escape
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from .layout import Box, Layout, LayoutEdge, LayoutGroup, LayoutNode, Route, layered_layout
from .style import COLORS, DASHES, PLACEHOLDER_NOTES, flow_colour, flow_label, node_tooltip
from .view import TASK, DagView, Node

MONO_EM = 0.6  # advance width of a monospace glyph, in em
TITLE_SIZE, SMALL_SIZE = 12.5, 11.0
NODE_PAD_X, LINE_HEIGHT, NODE_PAD_Y = 12.0, 15.0, 7.0
LABEL_HEIGHT = 18.0
MARGIN = 16.0


def text_width(text: str, size: float) -> float:
    return len(text) * size * MONO_EM


def node_lines(node: Node, self_reads: Sequence[str] = ()) -> List[Tuple[str, str]]:
    """The lines of a node's box as (css class, text). A task that reads its own
    XComs says so inside its box: a self-loop has no room for a label."""
    if node.kind == TASK:
        lines = [("tid", node.label), ("op", node.operator)]
        if self_reads:
            lines.append(("self", "\u21ba reads own " + ", ".join(self_reads)))
        if node.codes:
            lines.append(("codes", "\u26a0 " + " ".join(node.codes)))
        return lines
    return [("tid", node.label), ("op", PLACEHOLDER_NOTES[node.kind])]


def self_reads(view: DagView, node: Node) -> List[str]:
    return [f.key for f in view.flows if f.producer == node.node_id and f.consumer == node.node_id]


def node_size(node: Node, reads: Sequence[str] = ()) -> Tuple[float, float]:
    lines = node_lines(node, reads)
    width = max(text_width(text, TITLE_SIZE if cls == "tid" else SMALL_SIZE) for cls, text in lines)
    return max(width + 2 * NODE_PAD_X, 90.0), len(lines) * LINE_HEIGHT + 2 * NODE_PAD_Y


def compute_layout(view: DagView) -> Layout:
    nodes = [LayoutNode(n.node_id, *node_size(n, self_reads(view, n)), group=n.group_id) for n in view.nodes]
    groups = [LayoutGroup(g.group_id, g.parent, text_width(g.label, TITLE_SIZE)) for g in view.groups]
    edges = [LayoutEdge(d.upstream, d.downstream) for d in view.dependencies]
    edges += [
        LayoutEdge(f.producer, f.consumer, text_width(flow_label(f), SMALL_SIZE) + 12, LABEL_HEIGHT, weak=True)
        for f in view.flows
    ]
    return layered_layout(nodes, edges, groups)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def path_data(points: Sequence[Tuple[float, float]]) -> str:
    """Straight runs through layers, S-curves with horizontal tangents between them."""
    unique = [p for i, p in enumerate(points) if i == 0 or abs(p[0] - points[i - 1][0]) + abs(p[1] - points[i - 1][1]) > 0.05]
    parts = [f"M{_n(unique[0][0])},{_n(unique[0][1])}"]
    for (x0, y0), (x1, y1) in zip(unique, unique[1:]):
        if abs(y1 - y0) < 0.5:
            parts.append(f"L{_n(x1)},{_n(y1)}")
        else:
            middle = (x1 - x0) / 2
            parts.append(f"C{_n(x0 + middle)},{_n(y0)} {_n(x1 - middle)},{_n(y1)} {_n(x1)},{_n(y1)}")
    return " ".join(parts)


def _self_loop(box: Box) -> str:
    x, y = box.right - 14, box.y
    return f"M{_n(x)},{_n(y)} C{_n(x)},{_n(y - 26)} {_n(box.right + 22)},{_n(y - 14)} {_n(box.right)},{_n(y + 10)}"


def _markers(prefix: str) -> str:
    markers = []
    for name, color in COLORS.items():
        markers.append(
            f'<marker id="{prefix}arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" '
            f'markerWidth="9" markerHeight="9" orient="auto"><path d="M0,0.5 L10,5 L0,9.5 z" fill="{color}"/></marker>'
        )
    return "<defs>" + "".join(markers) + "</defs>"


def _edge(route: Route, kind: str, color_key: str, source: str, target: str, prefix: str, layout: Layout) -> str:
    d = _self_loop(layout.nodes[source]) if route.self_loop else path_data(route.points)
    return (
        f'<path class="edge {kind}" d="{d}" data-from="{source}" data-to="{target}" '
        f'marker-end="url(#{prefix}arrow-{color_key})"/>'
    )


def _group_depths(view: DagView) -> Dict[str, int]:
    parents = {g.group_id: g.parent for g in view.groups}
    depths = {}
    for group in parents:
        depth, current = 0, parents[group]
        while current is not None and depth < len(parents):
            depth, current = depth + 1, parents.get(current)
        depths[group] = depth
    return depths


def dag_svg(view: DagView, layout: Layout, prefix: str = "", links: Optional[Mapping[str, str]] = None) -> str:
    """``prefix`` keeps the arrow markers' ids apart when a page holds several graphs;
    ``links`` maps node ids to the href the node links to (a DAG read from)."""
    width, height = layout.width + 2 * MARGIN, layout.height + 2 * MARGIN + 12
    out = [
        f'<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="{_n(-MARGIN)} {_n(-MARGIN - 12)} {_n(width)} {_n(height)}" role="img" '
        f'aria-label="XCom graph of DAG {escape(view.dag_id)}">',
        _markers(prefix),
    ]
    depths = _group_depths(view)
    for group in sorted(view.groups, key=lambda g: depths[g.group_id]):
        box = layout.groups[group.group_id]
        out.append(
            f'<g class="group depth{depths[group.group_id] % 2}" id="{group.node_id}" data-group-id="{escape(group.group_id)}">'
            f"<title>TaskGroup {escape(group.group_id)}</title>"
            f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.width)}" height="{_n(box.height)}" rx="10"/>'
            f'<text x="{_n(box.x + 12)}" y="{_n(box.y + 16)}">{escape(group.label)}</text></g>'
        )
    routes = list(layout.routes)
    dependency_routes = routes[: len(view.dependencies)]
    flow_routes = routes[len(view.dependencies):]
    for dependency, route in zip(view.dependencies, dependency_routes):
        out.append(_edge(route, "dependency", "dependency", dependency.upstream, dependency.downstream, prefix, layout))
    for flow, route in zip(view.flows, flow_routes):
        color = flow_colour(flow)
        kind = flow.via if flow.via in DASHES else "xcom_pull"  # a new kind of read still gets drawn
        classes = f"flow {kind}" + (" flagged" if flow.codes else "")
        title = f"{view.node(flow.producer).label} \u2192 {view.node(flow.consumer).label}: key {flow.key} ({flow.via})"
        if flow.codes:
            title += " " + " ".join(flow.codes)
        out.append(
            f'<g class="{classes}" data-from="{flow.producer}" data-to="{flow.consumer}"><title>{escape(title)}</title>'
            + _edge(route, "line", color, flow.producer, flow.consumer, prefix, layout)
            + "</g>"
        )
    for flow, route in zip(view.flows, flow_routes):
        if route.label is None:
            continue
        box = route.label
        color = COLORS[flow_colour(flow)]
        out.append(
            f'<g class="key" data-from="{flow.producer}" data-to="{flow.consumer}">'
            f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.width)}" height="{_n(box.height)}" rx="4" stroke="{color}"/>'
            f'<text x="{_n(box.x + box.width / 2)}" y="{_n(box.y + 12.5)}" fill="{color}">{escape(flow_label(flow))}</text></g>'
        )
    for node in view.nodes:
        href = (links or {}).get(node.node_id)
        if href is None:
            out.append(_node(node, view, layout.nodes[node.node_id]))
        else:
            note = f"click to open DAG {node.other_dag}" if node.other_dag else "click to open"
            drawn = _node(node, view, layout.nodes[node.node_id], note)
            out.append(f'<a class="dag-link" href="{escape(href)}">{drawn}</a>')
    out.append("</svg>")
    return "\n".join(out)


def _node(node: Node, view: DagView, box: Box, note: str = "") -> str:
    classes = ["node", node.kind] + (["flagged"] if node.findings else [])
    attributes = f'class="{" ".join(classes)}" id="{node.node_id}"'
    if node.kind == TASK:
        attributes += f' data-task-id="{escape(node.label)}"'
    if node.codes:
        attributes += f' data-codes="{" ".join(node.codes)}"'
    tooltip = node_tooltip(node, view) + (f"\n{note}" if note else "")
    parts = [f"<g {attributes}><title>{escape(tooltip)}</title>"]
    parts.append(f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.width)}" height="{_n(box.height)}" rx="7"/>')
    y = box.y + NODE_PAD_Y + 11.5
    for cls, text in node_lines(node, self_reads(view, node)):
        if cls == "tid" and node.kind == TASK and node.group_id and text.startswith(node.group_id + "."):
            # the group prefix is dimmed: the box already says it, but xcom_pull needs the full id
            head, tail = text[: len(node.group_id) + 1], text[len(node.group_id) + 1:]
            content = f'<tspan class="prefix">{escape(head)}</tspan>{escape(tail)}'
        else:
            content = escape(text)
        parts.append(f'<text class="{cls}" x="{_n(box.x + NODE_PAD_X)}" y="{_n(y)}">{content}</text>')
        y += LINE_HEIGHT
    parts.append("</g>")
    return "".join(parts)
