"""The HTML graph page in a real headless Chromium: it renders offline, shows
every task, and its text fits the boxes the server-side layout drew."""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from click.testing import CliRunner
from debian_tools import chromium, run_chromium

from xcomlint.cli import main

ROOT = Path(__file__).parent.parent
BIG_DAG = ROOT / "tests" / "graph_cases" / "warehouse_daily.py"
EXAMPLE_DAG = ROOT / "examples" / "dags" / "orders_etl.py"

# Added to a copy of the page by the test only: measures what the browser drew.
MEASURE = """
<script>
(function () {
  function box(el) { var b = el.getBBox(); return [b.x, b.y, b.width, b.height]; }
  var out = {nodes: [], overflow: [], groups: [], keys: 0};
  document.querySelectorAll("svg.graph g.node").forEach(function (g) {
    var rect = box(g.querySelector("rect"));
    out.nodes.push({id: g.id, task: g.getAttribute("data-task-id"), rect: rect});
    g.querySelectorAll("text").forEach(function (t) {
      var width = t.getComputedTextLength();
      if (width > rect[2] - 12) { out.overflow.push([g.id, t.textContent, width, rect[2]]); }
    });
  });
  document.querySelectorAll("svg.graph g.key").forEach(function (g) {
    out.keys += 1;
    var rect = box(g.querySelector("rect")), text = g.querySelector("text");
    var width = text.getComputedTextLength();
    if (width > rect[2] - 4) { out.overflow.push(["key", text.textContent, width, rect[2]]); }
  });
  document.querySelectorAll("svg.graph g.group").forEach(function (g) {
    var rect = box(g.querySelector("rect")), text = g.querySelector("text");
    out.groups.push({id: g.getAttribute("data-group-id"), rect: rect});
    if (text.getComputedTextLength() > rect[2] - 12) { out.overflow.push(["group", text.textContent]); }
  });
  var pre = document.createElement("pre");
  pre.id = "measured";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> str:
    return chromium(str(tmp_path_factory.mktemp("chromium")))


def html_page(source: Path, target: Path, *args: str) -> Path:
    result = CliRunner().invoke(main, ["graph", str(source), "--format", "html", "--output", str(target), *args])
    assert result.exit_code == 0, result.output
    return target


def _overlaps(a: List[float], b: List[float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_page_is_self_contained(tmp_path: Path) -> None:
    text = html_page(BIG_DAG, tmp_path / "graph.html").read_text(encoding="utf-8")
    without_namespace = text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert not re.search(r"https?://|//cdn|@import|<link\b|\bsrc=", without_namespace)
    assert not re.search(r"url\((?!#)", text)  # only in-page references (the arrow markers)


def test_page_renders_every_task_in_chromium(browser: str, tmp_path: Path) -> None:
    page = html_page(BIG_DAG, tmp_path / "warehouse.html")
    result = run_chromium(browser, ["--dump-dom", page.as_uri()], str(tmp_path / "profile"))
    dom = result.stdout
    assert "<title>XCom graph: warehouse_daily</title>" in dom, result.stderr[-2000:]
    tasks = re.findall(r'<g class="node task[^"]*" id="[^"]+" data-task-id="([^"]+)"', dom)
    assert len(tasks) == 51 and len(set(tasks)) == 51
    assert {"start", "ingest.orders.fetch", "transform.dims.dim_date_test", "quality.compare", "end"} <= set(tasks)
    flagged = set(re.findall(r'<g class="node task flagged" id="[^"]+" data-task-id="([^"]+)" data-codes="([^"]+)"', dom))
    assert flagged == {
        ("model.score", "XCL103"), ("publish", "XCL104"), ("vacuum", "XCL102"), ("quality.log_today", "XCL102"),
    }
    missing = re.findall(r'<g class="node missing" id="[^"]+"', dom)
    assert len(missing) == 1 and "model.build_feature" in dom
    # the page's script ran: each tooltip moved from <title> to data-tip, with the task's details
    assert "<title>" not in dom.split("<body", 1)[1].split("<script", 1)[0]
    tip = re.search(r'data-tip="(quality\.compare\n[^"]*)"', dom)
    assert tip, "the tooltip of quality.compare"
    assert "operator: @task" in tip.group(1) and "pulls:" in tip.group(1) and "delta (multiple_outputs)" in tip.group(1)


def test_layout_and_text_hold_up_in_the_browser(browser: str, tmp_path: Path) -> None:
    page = html_page(BIG_DAG, tmp_path / "measured.html")
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    result = run_chromium(browser, ["--dump-dom", page.as_uri()], str(tmp_path / "profile"))
    found = re.search(r'<pre id="measured">(.*?)</pre>', result.stdout, re.S)
    assert found, result.stderr[-2000:]
    measured = json.loads(found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    nodes = measured["nodes"]
    assert len([n for n in nodes if n["task"]]) == 51 and measured["keys"] == 17
    assert measured["overflow"] == [], "every label fits its box"
    for i, first in enumerate(nodes):
        assert first["rect"][2] > 0 and first["rect"][3] > 0
        for second in nodes[i + 1:]:
            assert not _overlaps(first["rect"], second["rect"]), (first["id"], second["id"])
    assert {g["id"] for g in measured["groups"]} >= {"ingest", "ingest.orders", "transform.dims", "quality", "reports"}


def png_pixels(data: bytes) -> Tuple[int, int, List[bytes]]:
    """Width, height and raw RGB(A) rows of an 8-bit PNG (enough for screenshots)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind, body = data[position + 4:position + 8], data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and color in (2, 6)
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows: List[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b, c = previous[i], previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def _colour_counts(rows: List[bytes], channels: int, top: int) -> Dict[str, int]:
    """Pixels close to each colour the graph paints with, from row ``top`` down."""
    histogram: Counter = Counter()
    for row in rows[top:]:
        histogram.update(zip(row[0::channels], row[1::channels], row[2::channels]))
    wanted = {"flagged task fill": (0xFE, 0xF2, 0xF2), "group fill": (0xF1, 0xF5, 0xF9), "finding red": (0xDC, 0x26, 0x26)}
    return {
        name: sum(n for pixel, n in histogram.items() if all(abs(p - c) <= 6 for p, c in zip(pixel, colour)))
        for name, colour in wanted.items()
    }


def test_screenshot_shows_the_graph(browser: str, tmp_path: Path) -> None:
    page = html_page(EXAMPLE_DAG, tmp_path / "orders_etl.html")
    shot = tmp_path / "orders_etl.png"
    result = run_chromium(browser, [f"--screenshot={shot}", "--window-size=1400,1000", page.as_uri()], str(tmp_path / "profile"))
    assert shot.exists(), result.stderr[-2000:]
    data = shot.read_bytes()
    width, height, rows = png_pixels(data)
    assert (width, height) == (1400, 1000)
    channels = len(rows[0]) // width
    # below the header and legend (about 160 px) the graph itself is painted:
    # the flagged tasks, the red of findings, and the fill of the TaskGroup box
    counts = _colour_counts(rows, channels, top=200)
    assert counts["flagged task fill"] > 5000 and counts["group fill"] > 5000 and counts["finding red"] > 300, counts
