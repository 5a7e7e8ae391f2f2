"""The HTML page of a whole project: an index of its DAGs and one DAG's graph at a time.

The index lists every DAG with its file and its counts of tasks, XCom reads
and findings; a search box and a "with findings only" switch filter it, and
its columns sort. Each DAG's section (graph, findings, cross-DAG reads) is an
inert ``<template>`` until it is opened (``#dag=ID``), so a page of hundreds
of DAGs loads and scrolls as fast as one of a few: the browser lays out only
the graph on screen. A pull with ``dag_id=`` naming another DAG of the page
links to that DAG, at the task it reads; the DAG read from lists its readers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html import escape
from typing import Dict, List, Optional, Sequence, Tuple
from urllib.parse import quote

from .. import __version__
from ..model.records import FileModel
from ..summary import plural
from .html import MONO, SANS, STYLE, dag_canvas, dag_meta, findings_table, legend, page_head, task_count
from .page_script import GRAPH_SCRIPT, PROJECT_SCRIPT
from .view import EXTERNAL, TASK, DagView


@dataclass(frozen=True)
class Unparsed:
    """A file that could not be read as Python: named on the page, not drawn."""

    path: str
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class CrossRead:
    """A task of ``consumer_dag`` pulls ``key`` from ``task`` of ``producer_dag``."""

    consumer_dag: str
    consumer_anchor: str
    consumer_task: str
    producer_dag: Optional[str]
    task: Optional[str]
    key: str


PROJECT_STYLE = f":root {{ --mono: {MONO}; --sans: {SANS}; }}" + """
header .summary { margin: 4px 0 0; color: #475569; font-size: 13.5px; }
header .summary .bad { color: #b91c1c; font-weight: 600; }
.notice { margin: 14px 0 0; padding: 10px 14px; border: 1px solid #fecaca; border-radius: 10px; background: #fef2f2;
  color: #7f1d1d; font-size: 13px; }
.notice ul { margin: 6px 0 0; padding-left: 20px; }
.notice code { font-family: var(--mono); }
.toolbar { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; align-items: center; gap: 10px 18px;
  margin: 16px 0 0; padding: 10px 0; background: #ffffff; border-bottom: 1px solid #e2e8f0; }
.toolbar input[type=search] { flex: 0 1 420px; min-width: 220px; height: 34px; padding: 0 12px; border: 1px solid #cbd5e1;
  border-radius: 8px; font: inherit; }
.toolbar input[type=search]:focus { outline: 2px solid #93c5fd; border-color: #2563eb; }
.toolbar label { display: inline-flex; align-items: center; gap: 6px; cursor: pointer; user-select: none; }
.toolbar #shown { color: #64748b; font-size: 13px; }
html:not(.scripted) .toolbar { display: none; }
table.index { width: 100%; border-collapse: collapse; margin-top: 4px; font-size: 13.5px; }
table.index th { position: sticky; top: var(--toolbar-height, 0); z-index: 1; background: #f8fafc; text-align: left;
  font-weight: 600; color: #475569; border-bottom: 1px solid #e2e8f0; padding: 0; white-space: nowrap; }
table.index th button { width: 100%; padding: 7px 10px; border: 0; background: none; font: inherit; color: inherit;
  text-align: inherit; cursor: pointer; }
table.index th button:hover { color: #0f172a; }
table.index th[aria-sort=ascending] button::after { content: " \\25B2"; font-size: 10px; }
table.index th[aria-sort=descending] button::after { content: " \\25BC"; font-size: 10px; }
table.index th.num { text-align: right; }
table.index td { padding: 6px 10px; border-bottom: 1px solid #f1f5f9; vertical-align: baseline; }
table.index tbody tr:hover { background: #f8fafc; }
table.index td.dag a { font: 600 13px var(--mono); color: #1d4ed8; text-decoration: none; }
table.index td.dag a:hover { text-decoration: underline; }
table.index td.file { font: 12.5px var(--mono); color: #475569; word-break: break-all; }
table.index td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.index td.bad { color: #b91c1c; font-weight: 700; }
table.index td .codes { margin-right: 4px; font: 400 11.5px var(--mono); color: #b91c1c; }
table.index td.cross { font: 12px var(--mono); color: #475569; }
table.index td.cross a { color: #1d4ed8; }
table.index td.cross span { display: block; }
table.index td.cross em { font: italic 12px var(--sans); color: #64748b; }
#no-match { color: #64748b; }
.detail-nav { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 18px; margin: 16px 0 0; font-size: 13.5px; }
.detail-nav a { color: #1d4ed8; text-decoration: none; }
.detail-nav a:hover { text-decoration: underline; }
.detail-nav a[aria-disabled] { color: #cbd5e1; pointer-events: none; }
.detail-nav #position { color: #64748b; }
#dag-body h2 { margin: 14px 0 0; font: 600 19px var(--mono); }
#dag-body .meta { margin: 2px 0 8px; color: #64748b; font-size: 13px; }
ul.cross { margin: 0 0 8px; padding-left: 18px; font-size: 13px; color: #334155; }
ul.cross li { margin: 2px 0; }
ul.cross code { font-family: var(--mono); font-size: 12.5px; }
ul.cross a { font-family: var(--mono); color: #1d4ed8; }
.legend-slot .legend { margin: 6px 0 10px; }
p.missing-dag { margin: 18px 0; color: #b91c1c; }
body.viewing-dag header > p:not(.summary), body.viewing-dag header .notice { display: none; }
"""


def anchors(views: Sequence[DagView]) -> List[str]:
    """The name of each view in the page's links: its DAG id, made unique with
    the file when several files define the same id."""
    counts = Counter(view.dag_id for view in views)
    names: List[str] = []
    for view in views:
        name = view.dag_id if counts[view.dag_id] == 1 else f"{view.dag_id}@{view.path}"
        base, number = name, 2
        while name in names:
            name, number = f"{base}#{number}", number + 1
        names.append(name)
    return names


def dag_href(anchor: str, task: Optional[str] = None) -> str:
    href = "#dag=" + quote(anchor, safe="")
    return href + ("&task=" + quote(task, safe="") if task else "")


def cross_reads(views: Sequence[DagView], names: Sequence[str]) -> List[CrossRead]:
    """Every pull with ``dag_id=`` of every view, drawn as a flow from an EXTERNAL node."""
    found = []
    for view, name in zip(views, names):
        nodes = {node.node_id: node for node in view.nodes}
        for flow in view.flows:
            producer = nodes[flow.producer]
            if producer.kind == EXTERNAL:
                found.append(CrossRead(view.dag_id, name, nodes[flow.consumer].label, producer.other_dag,
                                       producer.other_task, flow.key))
    return found


class _Project:
    def __init__(self, views: Sequence[DagView]) -> None:
        self.views = list(views)
        self.names = anchors(self.views)
        self.first_of: Dict[str, str] = {}  # DAG id -> anchor of the first DAG with that id
        for view, name in zip(self.views, self.names):
            self.first_of.setdefault(view.dag_id, name)
        self.reads = cross_reads(self.views, self.names)

    def link_to(self, dag_id: Optional[str], task: Optional[str] = None) -> Optional[str]:
        anchor = self.first_of.get(dag_id) if dag_id is not None else None
        return dag_href(anchor, task) if anchor is not None else None

    def dag_name(self, dag_id: Optional[str], task: Optional[str] = None) -> str:
        """A DAG id as a link when the page has it, else as text that says so."""
        href = self.link_to(dag_id, task)
        if href is not None:
            return f'<a href="{escape(href)}">{escape(dag_id or "")}</a>'
        return f"<code>{escape(dag_id or '?')}</code> (not among the linted files)"

    def dag_link(self, dag_id: Optional[str]) -> str:
        """A DAG id as a link when the page has it, else as plain text."""
        href = self.link_to(dag_id)
        return f'<a href="{escape(href)}">{escape(dag_id or "")}</a>' if href else escape(dag_id or "?")

    def node_links(self, view: DagView) -> Dict[str, str]:
        links = {}
        for node in view.nodes:
            if node.kind == EXTERNAL:
                href = self.link_to(node.other_dag, node.other_task)
                if href is not None:
                    links[node.node_id] = href
        return links

    def reads_by(self, name: str) -> List[CrossRead]:
        return [read for read in self.reads if read.consumer_anchor == name]

    def readers_of(self, view: DagView, name: str) -> List[CrossRead]:
        if self.first_of.get(view.dag_id) != name:
            return []  # a pull names a DAG id, and the page links it to the first DAG with that id
        return [read for read in self.reads if read.producer_dag == view.dag_id]


def _cross_list(project: _Project, view: DagView, name: str) -> str:
    items = []
    for read in project.reads_by(name):
        items.append(
            f"Reads from {project.dag_name(read.producer_dag, read.task)}: task <code>{escape(read.task or '?')}</code>, "
            f"key <code>{escape(read.key)}</code>, in <code>{escape(read.consumer_task)}</code>"
        )
    for read in project.readers_of(view, name):
        items.append(
            f'Read by <a href="{escape(dag_href(read.consumer_anchor, read.consumer_task))}">{escape(read.consumer_dag)}</a>: '
            f"<code>{escape(read.consumer_task)}</code> pulls <code>{escape(read.task or '?')}</code>, "
            f"key <code>{escape(read.key)}</code>"
        )
    return f'<ul class="cross">{"".join(f"<li>{item}</li>" for item in items)}</ul>' if items else ""


def _template(project: _Project, view: DagView, name: str, index: int) -> str:
    return (
        f'<template data-anchor="{escape(name)}" data-dag-id="{escape(view.dag_id)}">'
        f'<section class="dag" data-dag-id="{escape(view.dag_id)}"><h2>{escape(view.dag_id)}</h2>{dag_meta(view)}'
        f'{_cross_list(project, view, name)}<div class="legend-slot"></div>'
        f"{dag_canvas(view, index, project.node_links(view))}{findings_table(view)}</section></template>"
    )


def _cross_cell(project: _Project, view: DagView, name: str) -> Tuple[str, int]:
    sources = list(dict.fromkeys(read.producer_dag for read in project.reads_by(name)))
    readers = list(dict.fromkeys((read.consumer_dag, read.consumer_anchor) for read in project.readers_of(view, name)))
    parts = []
    if sources:
        names = ", ".join(project.dag_link(dag) for dag in sources)
        parts.append(f"<span><em>reads from</em> {names}</span>")
    if readers:
        if len(readers) > 3:
            shown = plural(len(readers), "DAG")
        else:
            shown = ", ".join(f'<a href="{escape(dag_href(anchor))}">{escape(dag)}</a>' for dag, anchor in readers)
        parts.append(f"<span><em>read by</em> {shown}</span>")
    return "".join(parts), len(sources) + len(readers)


def _row(project: _Project, view: DagView, name: str) -> str:
    tasks = task_count(view)
    codes = sorted({finding.code for finding in view.findings})
    words = [view.dag_id, view.path] + [node.label for node in view.nodes if node.kind == TASK]
    words += [read.producer_dag or "" for read in project.reads_by(name)]
    cross, cross_count = _cross_cell(project, view, name)
    findings = (
        f'<td class="num bad"><span class="codes">{escape(" ".join(codes))}</span> {len(view.findings)}</td>'
        if view.findings else '<td class="num">0</td>'
    )
    attributes = {
        "data-anchor": name, "data-dag": view.dag_id.lower(), "data-file": f"{view.path}:{view.line:06d}",
        "data-tasks": str(tasks), "data-reads": str(len(view.flows)), "data-findings": str(len(view.findings)),
        "data-cross": str(cross_count), "data-search": " ".join(words).lower(),
    }
    attribute_text = " ".join(f'{key}="{escape(value)}"' for key, value in attributes.items())
    return (
        f"<tr {attribute_text}>"
        f'<td class="dag"><a class="open" href="{escape(dag_href(name))}">{escape(view.dag_id)}</a></td>'
        f'<td class="file">{escape(view.path)}:{view.line}</td><td class="num">{tasks}</td>'
        f'<td class="num">{len(view.flows)}</td>{findings}<td class="cross">{cross}</td></tr>'
    )


_COLUMNS = (("dag", "DAG", False), ("file", "file", False), ("tasks", "tasks", True), ("reads", "XCom reads", True),
            ("findings", "findings", True), ("cross", "cross-DAG reads", True))


def _index(project: _Project) -> str:
    heads = "".join(
        f'<th{" class=num" if numeric and key != "cross" else ""}{" aria-sort=ascending" if key == "dag" else ""}>'
        f'<button type="button" data-sort="{key}"{" data-numeric" if numeric else ""}>{label}</button></th>'
        for key, label, numeric in _COLUMNS
    )
    order = sorted(range(len(project.views)), key=lambda i: (project.views[i].dag_id.lower(), project.names[i]))
    rows = "\n".join(_row(project, project.views[i], project.names[i]) for i in order)
    flagged = sum(1 for view in project.views if view.findings)
    return (
        '<section id="index" aria-label="DAGs">'
        '<div class="toolbar"><input type="search" id="search" autocomplete="off" spellcheck="false" '
        'placeholder="Search DAG id, file or task id  ( / )" aria-label="Search DAG id, file or task id">'
        f'<label><input type="checkbox" id="only-findings"> with findings only ({flagged})</label>'
        '<span id="shown" aria-live="polite"></span></div>'
        f'<table class="index" id="dags"><thead><tr>{heads}</tr></thead><tbody>\n{rows}\n</tbody></table>'
        f'<p id="no-match" hidden>{"No DAG matches." if project.views else "No DAG found."}</p></section>'
    )


def _unparsed_notice(unparsed: Sequence[Unparsed]) -> str:
    if not unparsed:
        return ""
    items = "".join(
        f"<li><code>{escape(u.path)}:{u.line}:{u.column}</code> {escape(u.message)}</li>" for u in unparsed
    )
    head = plural(len(unparsed), "file") + (" does" if len(unparsed) == 1 else " do") + " not parse; not drawn:"
    return f'<div class="notice" role="alert"><strong>{head}</strong><ul>{items}</ul></div>'


def _summary(project: _Project, files: int) -> str:
    findings = sum(len(view.findings) for view in project.views)
    flagged = sum(1 for view in project.views if view.findings)
    parts = [plural(len(project.views), "DAG") + " in " + plural(files, "file")]
    if findings:
        parts.append(f'<span class="bad">{plural(findings, "finding")} in {plural(flagged, "DAG")}</span>')
    else:
        parts.append("no findings")
    parts.append(plural(len(project.reads), "cross-DAG read"))
    return " · ".join(parts)


def render_project_html(views: Sequence[DagView], unparsed: Sequence[Unparsed] = ()) -> str:
    """The page of a project's DAGs: an index, and one graph at a time."""
    project = _Project(views)
    files = len({view.path for view in project.views})
    templates = "\n".join(
        _template(project, view, name, index) for index, (view, name) in enumerate(zip(project.views, project.names))
    )
    title = f"XCom graph: {plural(len(project.views), 'DAG')}"
    return (
        page_head(title, STYLE + PROJECT_STYLE)
        + f"<header><h1>XCom graph</h1><p class=\"summary\">{_summary(project, files)}</p>"
        f"<p>Which task pushes which XCom and who pulls it, as xcomlint {escape(__version__)} reads the DAG files. "
        "Open a DAG to see its graph; hover a task for its pushes, pulls and findings.</p>"
        f"{_unparsed_notice(unparsed)}</header>\n"
        '<noscript><p class="notice">The graphs on this page are drawn when a DAG is opened, which needs JavaScript.</p>'
        "</noscript>\n"
        f"{_index(project)}\n"
        '<section id="detail" hidden><nav class="detail-nav"><a href="#" id="back">\u2190 all DAGs</a>'
        '<a id="prev">\u2039 previous</a><span id="position"></span><a id="next">next \u203a</a></nav>'
        f'<div id="legend-home" hidden>{legend()}</div><div id="dag-body"></div></section>\n'
        f"{templates}\n"
        '<div id="tip" hidden></div>\n'
        f"<script>{GRAPH_SCRIPT}{PROJECT_SCRIPT}</script>\n</body>\n</html>\n"
    )


def unparsed_files(models: Sequence[FileModel]) -> List[Unparsed]:
    """The files of a run that did not parse, from their models."""
    found = []
    for model in models:
        if model.syntax_error is not None:
            message, span = model.syntax_error
            found.append(Unparsed(model.path, span.line, span.column, message))
    return found


__all__ = ["CrossRead", "Unparsed", "anchors", "cross_reads", "dag_href", "render_project_html", "unparsed_files"]
