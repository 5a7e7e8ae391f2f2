"""The HTML graph page of one DAG: one self-contained file that opens offline in any browser.

Everything is inline: the SVG is drawn here (see ``svg.py`` and ``layout.py``),
the style sheet and the script (``page_script.py``) that adds zooming, styled
tooltips and highlights a task's edges on hover. Without the script, the SVG
``<title>`` tooltips still work. Nothing is fetched from the network.

The pieces of a DAG's section (its line of counts, its graph, its findings)
are shared with the page of a whole project (``project_page.py``).
"""

from __future__ import annotations

from html import escape
from typing import List, Mapping, Optional, Sequence

from .. import __version__
from ..summary import plural
from .page_script import GRAPH_SCRIPT, SINGLE_PAGE_SCRIPT
from .style import COLORS, DASHES
from .svg import compute_layout, dag_svg
from .view import TASK, DagView

MONO = '"DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace'
SANS = 'system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", sans-serif'

STYLE = f"""
:root {{ color-scheme: light; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; padding: 24px 32px 40px; font: 14px/1.45 {SANS}; color: #0f172a; background: #ffffff; }}
header h1 {{ margin: 0; font-size: 22px; font-weight: 650; }}
header h1 .dag {{ font-family: {MONO}; font-size: 20px; color: #1d4ed8; }}
header p {{ margin: 4px 0 0; color: #64748b; font-size: 13px; }}
.legend {{ display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 16px 0 8px; padding: 10px 14px;
  border: 1px solid #e2e8f0; border-radius: 10px; background: #f8fafc; font-size: 12.5px; color: #334155; }}
.legend span {{ display: inline-flex; align-items: center; gap: 7px; white-space: nowrap; }}
section.dag {{ margin-top: 22px; }}
section.dag h2 {{ margin: 0; font: 600 17px {MONO}; }}
section.dag .meta {{ margin: 2px 0 10px; color: #64748b; font-size: 13px; }}
.meta .bad {{ color: #b91c1c; font-weight: 600; }}
.canvas {{ overflow: auto; max-height: calc(100vh - 110px); min-height: 120px; border: 1px solid #e2e8f0;
  border-radius: 12px; padding: 6px; background: #ffffff; cursor: grab; }}
.canvas.panning {{ cursor: grabbing; user-select: none; }}
.zoom {{ display: flex; align-items: center; gap: 6px; margin: 0 0 6px; font-size: 12.5px; color: #64748b; }}
.zoom button {{ min-width: 30px; height: 26px; padding: 0 8px; border: 1px solid #cbd5e1; border-radius: 6px;
  background: #ffffff; color: #0f172a; font: inherit; cursor: pointer; }}
.zoom button:hover {{ background: #f1f5f9; }}
.zoom .level {{ min-width: 44px; text-align: right; font-variant-numeric: tabular-nums; }}
.zoom .hint {{ margin-left: 8px; color: #94a3b8; }}
svg.graph {{ display: block; }}
svg.graph text {{ font-family: {MONO}; }}
.group rect {{ fill: #f1f5f9; stroke: #cbd5e1; stroke-width: 1.2; }}
.group.depth1 rect {{ fill: #e6ecf3; }}
.group text {{ font-size: 12.5px; font-weight: 700; fill: #475569; }}
.node rect {{ fill: #ffffff; stroke: #94a3b8; stroke-width: 1.3; }}
.node.flagged rect {{ fill: #fef2f2; stroke: {COLORS["finding"]}; stroke-width: 2; }}
.node.missing rect {{ fill: #fffafa; stroke: {COLORS["finding"]}; stroke-dasharray: 5 3; }}
.node.unnamed rect, .node.external rect {{ fill: #f8fafc; stroke: #64748b; stroke-dasharray: 5 3; }}
a.dag-link .node.external rect {{ fill: #eff6ff; stroke: #2563eb; }}
a.dag-link .node.external text.op {{ fill: #1d4ed8; text-decoration: underline; }}
a.dag-link:hover .node.external rect {{ fill: #dbeafe; }}
.node.target rect {{ stroke: #f59e0b; stroke-width: 3; }}
.node text.tid {{ font-size: 12.5px; font-weight: 700; fill: #0f172a; }}
.node text.tid .prefix {{ fill: #94a3b8; font-weight: 400; }}
.node.missing text.tid {{ fill: #b91c1c; }}
.node text.op {{ font-size: 11px; fill: #64748b; }}
.node.missing text.op {{ fill: #dc2626; font-style: italic; }}
.node text.self {{ font-size: 11px; fill: {COLORS["xcom_pull"]}; }}
.node text.codes {{ font-size: 11px; font-weight: 700; fill: #b91c1c; }}
path.edge {{ fill: none; }}
path.dependency {{ stroke: {COLORS["dependency"]}; stroke-width: 1.5; }}
.flow path {{ stroke-width: 2.2; stroke-linecap: round; }}
.flow.xcom_pull path {{ stroke: {COLORS["xcom_pull"]}; }}
.flow.template path {{ stroke: {COLORS["template"]}; stroke-dasharray: {DASHES["template"]}; }}
.flow.xcomarg path {{ stroke: {COLORS["xcomarg"]}; stroke-dasharray: {DASHES["xcomarg"]}; }}
.flow.flagged path {{ stroke: {COLORS["finding"]}; }}
.key rect {{ fill: #ffffff; stroke-width: 1; }}
.key text {{ font-size: 11px; text-anchor: middle; }}
svg.graph.focus .node, svg.graph.focus .flow, svg.graph.focus .key, svg.graph.focus path.dependency {{ opacity: 0.22; }}
svg.graph.focus .hl {{ opacity: 1 !important; }}
a.dag-link {{ cursor: pointer; }}
table.findings {{ border-collapse: collapse; margin-top: 12px; font-size: 13px; }}
table.findings th {{ text-align: left; color: #64748b; font-weight: 600; padding: 4px 12px 4px 0; }}
table.findings td {{ padding: 4px 12px 4px 0; vertical-align: top; border-top: 1px solid #f1f5f9; }}
table.findings td.code {{ font: 700 12px {MONO}; color: #b91c1c; white-space: nowrap; }}
table.findings td.task {{ font-family: {MONO}; font-size: 12px; white-space: nowrap; }}
p.clean {{ color: #15803d; margin: 10px 0 0; }}
#tip {{ position: fixed; z-index: 10; max-width: 560px; padding: 8px 10px; border-radius: 8px; pointer-events: none;
  background: #0f172a; color: #f8fafc; font: 12px/1.45 {MONO}; white-space: pre-wrap;
  box-shadow: 0 6px 20px rgba(15,23,42,.25); }}
"""


def _swatch_line(color: str, dash: str = "", width: float = 2.2) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<svg width="38" height="12" aria-hidden="true"><path d="M2,6 L30,6" stroke="{color}" stroke-width="{width}"'
        f' stroke-linecap="round"{dash_attr} fill="none"/><path d="M29,2 L36,6 L29,10 z" fill="{color}"/></svg>'
    )


def _swatch_box(fill: str, stroke: str, dash: str = "", width: float = 1.3, radius: int = 4) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<svg width="30" height="18" aria-hidden="true"><rect x="1.5" y="1.5" width="27" height="15" rx="{radius}"'
        f' fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash_attr}/></svg>'
    )


def legend() -> str:
    items = [
        (_swatch_line(COLORS["dependency"], width=1.5), "dependency"),
        (_swatch_line(COLORS["xcom_pull"]), "xcom_pull() in Python, labelled with its key"),
        (_swatch_line(COLORS["template"], DASHES["template"]), "xcom_pull in a Jinja template"),
        (_swatch_line(COLORS["xcomarg"], DASHES["xcomarg"]), "XComArg (.output, TaskFlow value)"),
        (_swatch_line(COLORS["finding"]), "XCom read with a finding"),
        (_swatch_box("#fef2f2", COLORS["finding"], width=2), "task with findings (codes in the box)"),
        (_swatch_box("#fffafa", COLORS["finding"], "4 2"), "pulled task id that does not exist"),
        (_swatch_box("#f1f5f9", "#cbd5e1", radius=6), "TaskGroup"),
    ]
    spans = "".join(f"<span>{swatch}{escape(text)}</span>" for swatch, text in items)
    return f'<div class="legend" aria-label="Legend">{spans}</div>'


def task_count(view: DagView) -> int:
    return sum(1 for n in view.nodes if n.kind == TASK)


def findings_table(view: DagView) -> str:
    if not view.findings:
        return '<p class="clean">No findings in this DAG.</p>'
    tasks_by_line = {}
    for node in view.nodes:
        for finding in node.findings:
            tasks_by_line[(finding.code, finding.line, finding.message)] = node.label
    rows = []
    for finding in view.findings:
        task = tasks_by_line.get((finding.code, finding.line, finding.message), "")
        rows.append(
            f'<tr><td class="code">{escape(finding.code)}</td><td>{finding.line}</td>'
            f'<td class="task">{escape(task)}</td><td>{escape(finding.message)}</td></tr>'
        )
    return (
        '<table class="findings"><thead><tr><th>code</th><th>line</th><th>task</th><th>finding</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def dag_meta(view: DagView) -> str:
    """The DAG's place and counts: ``dags/etl.py:12 · 4 tasks · 3 XCom reads · 1 finding``."""
    meta = [f"{escape(view.path)}:{view.line}", plural(task_count(view), "task"), plural(len(view.flows), "XCom read")]
    findings = plural(len(view.findings), "finding")
    meta.append(f'<span class="bad">{findings}</span>' if view.findings else findings)
    return f'<p class="meta">{" · ".join(meta)}</p>'


def dag_canvas(view: DagView, index: int, links: Optional[Mapping[str, str]] = None) -> str:
    """The DAG's graph in its scrolling frame; ``links`` makes nodes links (node id to href)."""
    svg = dag_svg(view, compute_layout(view), prefix=f"g{index}-", links=links)
    return f'<div class="canvas">{svg}</div>'


def _section(view: DagView, index: int) -> str:
    return (
        f'<section class="dag" data-dag-id="{escape(view.dag_id)}"><h2>{escape(view.dag_id)}</h2>'
        f"{dag_meta(view)}{dag_canvas(view, index)}{findings_table(view)}</section>"
    )


def page_title(views: Sequence[DagView]) -> str:
    names = ", ".join(v.dag_id for v in views) if views else "no DAG"
    return f"XCom graph: {names}"


def page_head(title: str, style: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="xcomlint">\n'
        f"<title>{escape(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
    )


def render_html(views: Sequence[DagView]) -> str:
    """The page of one DAG (or of a few, one after the other)."""
    sections: List[str] = [_section(view, index) for index, view in enumerate(views)]
    if not sections:
        sections.append('<p class="clean">No DAG found.</p>')
    names = ", ".join(f'<span class="dag">{escape(v.dag_id)}</span>' for v in views)
    return (
        page_head(page_title(views), STYLE)
        + f"<header><h1>XCom graph {names}</h1>"
        f"<p>Which task pushes which XCom and who pulls it, as xcomlint {escape(__version__)} reads the DAG files. "
        "Hover a task for its pushes, pulls and findings.</p></header>\n"
        f"{legend()}\n" + "\n".join(sections) + '\n<div id="tip" hidden></div>\n'
        f"<script>{GRAPH_SCRIPT}{SINGLE_PAGE_SCRIPT}</script>\n</body>\n</html>\n"
    )
