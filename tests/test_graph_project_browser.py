"""The HTML page of a whole project in a real headless Chromium, used as a person
would: a generated project of 100+ DAG files, its index, typing in the search
box, the findings switch, clicking a DAG, following a cross-DAG read, and the
text size of a graph far wider than the window.

Set ``XCOMLINT_SCREENSHOTS=DIR`` to keep the screenshots the tests take.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
from chromium_cdp import Browser, find_chromium, start
from graph_project import BROKEN_FILE, BROKEN_POSITION, OUTSIDE_DAG, WIDE_DAG, Project, generate
from test_graph_browser import png_pixels

from xcomlint.graphs.page_script import MIN_FIT_SCALE

WIDTH, HEIGHT = 1400, 900


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return generate(tmp_path_factory.mktemp("project"), count=120)


@pytest.fixture(scope="module")
def page(project: Project) -> Path:
    """The page, written by the real command line, run from the project's root."""
    target = project.root / "xcom-graph.html"
    env = dict(os.environ, XCOMLINT_CACHE_DIR=str(project.root / "cache"))
    result = subprocess.run(
        [sys.executable, "-m", "xcomlint", "graph", "dags", "--format", "html", "--output", str(target)],
        cwd=project.root, capture_output=True, text=True, env=env, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    line, column = BROKEN_POSITION
    assert f"{BROKEN_FILE}:{line}:{column}: cannot parse the file" in result.stderr
    return target


@pytest.fixture(scope="module")
def model(project: Project) -> Dict[str, dict]:
    """What ``graph --format json`` says of each DAG: the page's counts must agree with it."""
    result = subprocess.run([sys.executable, "-m", "xcomlint", "graph", "dags", "--no-cache"], cwd=project.root,
                            capture_output=True, text=True, timeout=300)
    return {dag["dag_id"]: dag for dag in json.loads(result.stdout)["dags"]}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    profile = tmp_path_factory.mktemp("chromium")
    binary = find_chromium(str(profile / "probe"))
    with start(binary, str(profile / "profile"), WIDTH, HEIGHT) as opened:
        yield opened


@pytest.fixture
def opened(browser: Browser, page: Path) -> Iterator[Browser]:
    """The page freshly loaded, on its index; no script error may happen while a test uses it."""
    browser.exceptions()
    browser.open(page.as_uri())
    browser.settle()
    yield browser
    assert browser.exceptions() == []


def screenshot(browser: Browser, name: str, tmp_path: Path) -> bytes:
    keep = os.environ.get("XCOMLINT_SCREENSHOTS")
    folder = Path(keep) if keep else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return browser.screenshot(str(folder / f"{name}.png"))


def visible_dags(browser: Browser) -> List[str]:
    return browser.evaluate(
        "Array.from(document.querySelectorAll('#dags tbody tr')).filter(r => !r.hidden && r.offsetParent !== null)"
        ".map(r => r.querySelector('a.open').textContent)"
    )


def test_the_index_lists_every_dag_with_its_counts(opened: Browser, project: Project, model: Dict[str, dict],
                                                   tmp_path: Path) -> None:
    assert len(project.dags) >= 100
    rows = opened.evaluate(
        "Array.from(document.querySelectorAll('#dags tbody tr')).map(r => Array.from(r.cells).map(c => c.innerText))"
    )
    assert sorted(row[0] for row in rows) == sorted(project.dags) == sorted(model)
    assert visible_dags(opened) == sorted(project.dags)  # all shown, by DAG id
    for dag_id, file, tasks, reads, findings, _ in rows:
        assert file == f"{project.dags[dag_id]}:{model[dag_id]['line']}"
        assert int(tasks) == len(model[dag_id]["tasks"])
        assert int(reads) == len({(x["producer"], x["consumer"], x["key"], x["via"]) for x in model[dag_id]["xcoms"]})
        assert (findings.split()[-1] != "0") == (dag_id in project.with_findings), dag_id
    # nothing is drawn until a DAG is opened: the graphs wait in inert templates
    assert opened.evaluate("document.querySelectorAll('svg.graph').length") == 0
    assert opened.evaluate("document.querySelectorAll('template[data-anchor]').length") == len(project.dags)
    notice = opened.evaluate("document.querySelector('.notice').innerText")
    assert f"{BROKEN_FILE}:{BROKEN_POSITION[0]}:{BROKEN_POSITION[1]}" in notice
    shot = screenshot(opened, "index", tmp_path)
    assert png_pixels(shot)[:2] == (WIDTH, HEIGHT)


def _matching(project: Project, model: Dict[str, dict], *words: str) -> List[str]:
    """The DAGs a search for ``words`` should keep: each word is in the DAG id, its file,
    one of its task ids, or the id of a DAG it reads from."""
    def text(dag_id: str) -> str:
        reads_from = [producer for consumer, producer, _ in project.cross if consumer == dag_id]
        return " ".join([dag_id, project.dags[dag_id], *(t["task_id"] for t in model[dag_id]["tasks"]), *reads_from])

    return sorted(d for d in project.dags if all(word in text(d) for word in words))


def test_typing_in_the_search_box_filters_the_index(opened: Browser, project: Project, model: Dict[str, dict],
                                                    tmp_path: Path) -> None:
    opened.type_into("#search", "leads")
    expected = _matching(project, model, "leads")
    assert visible_dags(opened) == expected and 10 < len(expected) < len(project.dags)
    assert opened.evaluate("document.getElementById('shown').textContent") == f"{len(expected)} of {len(project.dags)} DAGs"
    screenshot(opened, "search", tmp_path)
    # words narrow each other down; task ids are searched too
    opened.type_into("#search", "ops leads")
    both = _matching(project, model, "ops", "leads")
    assert visible_dags(opened) == both and 0 < len(both) < len(expected)
    assert "finance_leads_054" in both  # it reads from ops_leads_053
    opened.type_into("#search", "backfill_partition_017")
    assert visible_dags(opened) == [WIDE_DAG]
    opened.type_into("#search", "no such dag anywhere")
    assert visible_dags(opened) == []
    assert opened.evaluate("document.getElementById('no-match').hidden") is False
    opened.type_into("#search", "")
    assert len(visible_dags(opened)) == len(project.dags)


def test_the_findings_switch_keeps_the_dags_with_findings(opened: Browser, project: Project, model: Dict[str, dict],
                                                          tmp_path: Path) -> None:
    opened.click("#only-findings")
    assert visible_dags(opened) == sorted(project.with_findings) and project.with_findings
    screenshot(opened, "findings-only", tmp_path)
    opened.type_into("#search", "ops")
    both = [d for d in _matching(project, model, "ops") if d in project.with_findings]
    assert visible_dags(opened) == both and 0 < len(both) < len(project.with_findings)
    opened.type_into("#search", "")
    opened.click("#only-findings")
    assert len(visible_dags(opened)) == len(project.dags)


def test_sorting_by_findings_puts_the_dags_with_findings_first(opened: Browser, project: Project) -> None:
    opened.click("th button[data-sort=findings]")  # a count sorts largest first
    shown = visible_dags(opened)
    counts = opened.evaluate("Array.from(document.querySelectorAll('#dags tbody tr'))"
                             ".map(r => parseInt(r.cells[4].innerText.split(/\\s+/).pop(), 10))")
    flagged = len(project.with_findings)
    assert set(shown[:flagged]) == set(project.with_findings) and sorted(shown) == sorted(project.dags)
    assert counts == sorted(counts, reverse=True) and counts[flagged - 1] > 0 == counts[flagged]
    for count in set(counts):  # equal counts stay in DAG id order
        same = [dag for dag, n in zip(shown, counts) if n == count]
        assert same == sorted(same)
    opened.click("th button[data-sort=findings]")  # the second click reverses
    assert sorted(visible_dags(opened)[-flagged:]) == sorted(project.with_findings)
    opened.click("th button[data-sort=file]")
    assert visible_dags(opened) == sorted(project.dags, key=lambda d: (project.dags[d], d))


def test_clicking_a_dag_shows_its_graph_and_back_returns_to_the_filtered_index(
        opened: Browser, project: Project, model: Dict[str, dict], tmp_path: Path) -> None:
    flagged = sorted(project.with_findings)[0]
    opened.click("#only-findings")
    opened.click(f"#dags tbody tr[data-anchor='{flagged}'] a.open")
    assert opened.evaluate("location.hash") == f"#dag={flagged}"
    assert opened.evaluate("document.getElementById('index').offsetParent") is None
    assert opened.evaluate("document.querySelector('#dag-body h2').textContent") == flagged
    assert opened.evaluate("document.title") == f"XCom graph: {flagged}"
    drawn = opened.evaluate("Array.from(document.querySelectorAll('svg.graph g.node.task')).map(g => g.dataset.taskId)")
    assert sorted(drawn) == sorted(t["task_id"] for t in model[flagged]["tasks"])
    assert opened.evaluate("document.querySelectorAll('svg.graph').length") == 1
    assert opened.evaluate("document.querySelectorAll('svg.graph g.node.flagged').length") >= 1
    assert opened.evaluate("document.querySelector('#dag-body table.findings').rows.length") > 1
    assert opened.evaluate("document.getElementById('position').textContent") == f"DAG 1 of {len(project.with_findings)}"
    screenshot(opened, "dag-with-findings", tmp_path)
    # "next" walks the filtered list
    opened.click("#next")
    assert opened.evaluate("location.hash") == f"#dag={sorted(project.with_findings)[1]}"
    opened.click("#back")
    assert opened.evaluate("document.getElementById('detail').hidden") is True
    assert visible_dags(opened) == sorted(project.with_findings)  # the filter is still on
    opened.click("#only-findings")


def test_a_link_to_a_dag_opens_it_directly(browser: Browser, page: Path, model: Dict[str, dict]) -> None:
    browser.open(page.as_uri() + "#dag=" + WIDE_DAG)
    browser.settle()
    assert browser.evaluate("document.querySelector('#dag-body h2').textContent") == WIDE_DAG
    browser.open(page.as_uri() + "#dag=no_such_dag")
    browser.settle()
    assert browser.evaluate("document.querySelector('#dag-body').innerText") == "This page has no DAG 'no_such_dag'."


def test_a_cross_dag_pull_links_to_the_dag_it_reads(opened: Browser, project: Project, tmp_path: Path) -> None:
    consumer, producer, task = next(c for c in project.cross if c[1] != OUTSIDE_DAG)
    opened.go(f"#dag={consumer}")
    link = opened.evaluate("document.querySelector('svg.graph a.dag-link').getAttribute('href')")
    assert link == f"#dag={producer}&task={task}"
    assert producer in opened.evaluate("document.querySelector('ul.cross').innerText")
    screenshot(opened, "cross-dag-reader", tmp_path)
    opened.click("svg.graph a.dag-link g.node")  # a real click on the placeholder of the other DAG's task
    assert opened.evaluate("document.querySelector('#dag-body h2').textContent") == producer
    target = opened.evaluate("Array.from(document.querySelectorAll('g.node.target')).map(g => g.dataset.taskId)")
    assert target == [task]
    assert f"Read by {consumer}" in opened.evaluate("document.querySelector('ul.cross').innerText")
    screenshot(opened, "cross-dag-producer", tmp_path)
    # a DAG outside the linted files is drawn and named, but there is nothing to link to
    outside = next(c[0] for c in project.cross if c[1] == OUTSIDE_DAG)
    opened.go(f"#dag={outside}")
    assert opened.evaluate("document.querySelectorAll('svg.graph a.dag-link').length") == 0
    assert opened.evaluate("document.querySelectorAll('svg.graph g.node.external').length") == 1
    assert "(not among the linted files)" in opened.evaluate("document.querySelector('ul.cross').innerText")


def _text_sizes(browser: Browser) -> Dict[str, float]:
    """On-screen sizes (CSS px) of a task id and of a key label, and the graph's frame."""
    return browser.evaluate("""(() => {
      const canvas = document.querySelector('#dag-body .canvas'), svg = canvas.querySelector('svg.graph');
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const font = el => parseFloat(getComputedStyle(el).fontSize) * scale;
      return {tid: font(svg.querySelector('g.node text.tid')), key: font(svg.querySelector('g.key text')),
              scale: scale, scrollWidth: canvas.scrollWidth, clientWidth: canvas.clientWidth,
              canvasRight: canvas.getBoundingClientRect().right, windowWidth: window.innerWidth};
    })()""")


def test_a_wide_dag_keeps_legible_text_and_scrolls(opened: Browser, tmp_path: Path) -> None:
    opened.go(f"#dag={WIDE_DAG}")
    sizes = _text_sizes(opened)
    assert sizes["tid"] >= 12.5 * MIN_FIT_SCALE and sizes["key"] >= 11 * MIN_FIT_SCALE, sizes
    assert sizes["scrollWidth"] > 3 * sizes["clientWidth"], sizes  # far wider than the window: it scrolls
    assert sizes["canvasRight"] <= sizes["windowWidth"], "the page itself does not scroll sideways"
    shot = screenshot(opened, "wide-dag", tmp_path)
    width, height, rows = png_pixels(shot)
    channels = len(rows[0]) // width
    top = int(opened.evaluate("document.querySelector('#dag-body .canvas').getBoundingClientRect().top"))
    dark = sum(1 for row in rows[top:top + 150] for i in range(0, len(row), channels) if max(row[i:i + 3]) < 60)
    assert dark > 500, "task ids are painted in the visible part of the graph"
    # the last task is reached by scrolling the graph, or by dragging it
    opened.evaluate("document.querySelector('#dag-body .canvas').scrollLeft = 1e9")
    last = opened.evaluate("""(() => {
      const canvas = document.querySelector('#dag-body .canvas').getBoundingClientRect();
      const node = document.querySelector('g.node[data-task-id="backfill_partition_035"]').getBoundingClientRect();
      return node.left >= canvas.left && node.right <= canvas.right;
    })()""")
    assert last is True
    before = opened.evaluate("document.querySelector('#dag-body .canvas').scrollLeft")
    box = opened.evaluate("(() => { const r = document.querySelector('#dag-body .canvas').getBoundingClientRect();"
                          " return [r.left + 200, r.top + 40]; })()")
    opened.call("Input.dispatchMouseEvent", type="mousePressed", x=box[0], y=box[1], button="left", clickCount=1)
    opened.call("Input.dispatchMouseEvent", type="mouseMoved", x=box[0] + 300, y=box[1], button="left", buttons=1)
    opened.call("Input.dispatchMouseEvent", type="mouseReleased", x=box[0] + 300, y=box[1], button="left", clickCount=1)
    opened.settle()
    assert opened.evaluate("document.querySelector('#dag-body .canvas').scrollLeft") == pytest.approx(before - 300, abs=2)
    # zooming: Fit shows the whole graph (small, on request); 1:1 brings the readable size back
    opened.click("#dag-body .zoom button[data-zoom=fit]")
    fitted = _text_sizes(opened)
    assert fitted["scrollWidth"] <= fitted["clientWidth"] + 1 and fitted["scale"] < MIN_FIT_SCALE
    screenshot(opened, "wide-dag-fitted", tmp_path)
    opened.click("#dag-body .zoom button[data-zoom=one]")
    assert _text_sizes(opened)["scale"] == pytest.approx(1.0, abs=0.005)


def test_the_keyboard_finds_and_opens_a_dag(opened: Browser, project: Project, model: Dict[str, dict]) -> None:
    opened.key("/", "Slash", 191)
    assert opened.evaluate("document.activeElement.id") == "search"
    opened.call("Input.insertText", text="twins")
    opened.settle()
    assert visible_dags(opened) == ["twins_left", "twins_right"]
    opened.key("Enter", "Enter", 13)
    assert opened.evaluate("location.hash") == "#dag=twins_left"
    assert opened.evaluate("document.querySelector('#dag-body h2').textContent") == "twins_left"
    scale = "document.querySelector('#dag-body .canvas').dataset.scale"
    before = float(opened.evaluate(scale))
    opened.key("-", "Minus", 189)
    assert float(opened.evaluate(scale)) == pytest.approx(before / 1.25, abs=0.002)
    opened.key("Escape", "Escape", 27)
    assert opened.evaluate("document.getElementById('index').hidden") is False
    assert visible_dags(opened) == ["twins_left", "twins_right"]  # the search is still there


def test_every_dag_of_odd_and_duplicate_ids_opens_without_a_script_error(browser: Browser, tmp_path: Path) -> None:
    """Ids with dots, dashes, quotes and markup, the same DAG id in two files: each row opens its own DAG."""
    root = Path(__file__).parent.parent
    (tmp_path / "dags").mkdir()
    for source in [*sorted((root / "tests" / "graph_cases").glob("*.py")), *sorted((root / "examples" / "dags").glob("*.py"))]:
        (tmp_path / "dags" / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    twin = (root / "examples" / "dags" / "orders_etl.py").read_text(encoding="utf-8")
    (tmp_path / "dags" / "orders_etl_copy.py").write_text(twin, encoding="utf-8")
    (tmp_path / "dags" / "quoted.py").write_text(
        'from airflow.sdk import DAG\nfrom airflow.providers.standard.operators.bash import BashOperator\n\n'
        'with DAG(dag_id="it\'s <b>&amp; \\"odd\\"", schedule=None):\n'
        '    BashOperator(task_id="a&b", bash_command="echo {{ ti.xcom_pull(task_ids=\'a&b\', dag_id=\'odd.names-v2\') }}")\n',
        encoding="utf-8",
    )
    target = tmp_path / "page.html"
    result = subprocess.run([sys.executable, "-m", "xcomlint", "graph", "dags", "--format", "html", "-o", str(target),
                             "--no-cache"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    browser.open(target.as_uri())
    browser.settle()
    rows = browser.evaluate("Array.from(document.querySelectorAll('#dags tbody tr'))"
                            ".map(r => [r.querySelector('a.open').getAttribute('href'), r.querySelector('a.open').textContent])")
    names = [name for _, name in rows]
    assert names.count("orders_etl") == 2 and "it's <b>&amp; \"odd\"" in names and "odd.names-v2" in names
    assert len({href for href, _ in rows}) == len(rows)  # every row has its own link
    for href, name in rows:
        browser.click(f"#dags tbody tr a.open[href=\"{href}\"]")
        assert browser.evaluate("document.querySelector('#dag-body h2').textContent") == name
        assert browser.evaluate("document.querySelectorAll('#dag-body svg.graph g.node').length") >= 1
        browser.click("#back")
    # the read from odd.names-v2 is a link there, at the task it names
    browser.go(next(href for href, name in rows if name.startswith("it's")))
    browser.click("svg.graph a.dag-link g.node")
    assert browser.evaluate("document.querySelector('#dag-body h2').textContent") == "odd.names-v2"
    assert browser.exceptions() == []


def test_a_graph_a_little_wider_than_the_window_is_fitted_a_much_wider_one_scrolls(opened: Browser) -> None:
    dag = "ads_orders_066"
    opened.go(f"#dag={dag}")
    width = float(opened.evaluate("document.querySelector('#dag-body svg.graph').getAttribute('width')"))
    # the canvas is the window less the page's margins, its border and padding
    margin = WIDTH - opened.evaluate("document.querySelector('#dag-body .canvas').clientWidth")
    try:
        opened.resize(int(width * 0.92) + margin + 14, HEIGHT)
        fitted = _text_sizes(opened)
        assert MIN_FIT_SCALE <= fitted["scale"] < 0.95, fitted
        assert fitted["scrollWidth"] <= fitted["clientWidth"] + 1 and fitted["tid"] >= 12.5 * MIN_FIT_SCALE
        opened.resize(int(width * 0.6) + margin + 14, HEIGHT)
        scrolled = _text_sizes(opened)
        assert scrolled["scale"] == pytest.approx(1.0, abs=0.005), scrolled
        assert scrolled["scrollWidth"] > scrolled["clientWidth"], scrolled
    finally:
        opened.resize(WIDTH, HEIGHT)
