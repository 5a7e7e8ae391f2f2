"""The scripts of the HTML pages, inline in each page (nothing is fetched).

``GRAPH_SCRIPT`` gives every drawn graph its behaviour: a zoom bar, dragging
to pan, styled tooltips and highlighting a task's edges on hover. It defines
``xcomGraph.prepare(root)``, which the single-DAG page calls on the whole
document and the project page on each DAG it shows. ``PROJECT_SCRIPT`` is the
project page's own: the index's search, filter and sort, and the navigation
between the index and one DAG at a time (``#dag=ID``, optionally ``&task=ID``).
"""

from __future__ import annotations

# The smallest scale at which a graph is fitted to the window by default: task
# ids are set at 12.5 px, so they stay above 10.5 px; a wider graph keeps its
# size and scrolls (or is zoomed out on request).
MIN_FIT_SCALE = 0.85

GRAPH_SCRIPT = """
var xcomGraph = (function () {
  "use strict";
  var MIN_FIT = %(min_fit)s, STEP = 1.25, MIN_ZOOM = 0.1, MAX_ZOOM = 3;
  var tip = document.getElementById("tip");

  function zoomBar(canvas, svg) {
    var width = parseFloat(svg.getAttribute("width")), height = parseFloat(svg.getAttribute("height"));
    var bar = document.createElement("div");
    bar.className = "zoom";
    bar.innerHTML = '<button type="button" data-zoom="out" title="Zoom out (-)">\\u2212</button>' +
      '<button type="button" data-zoom="in" title="Zoom in (+)">+</button>' +
      '<button type="button" data-zoom="fit" title="Fit the whole graph in the window">Fit</button>' +
      '<button type="button" data-zoom="one" title="Actual size">1:1</button>' +
      '<span class="level" aria-live="polite"></span>' +
      '<span class="hint">drag the graph to pan</span>';
    canvas.parentNode.insertBefore(bar, canvas);
    var level = bar.querySelector(".level"), hint = bar.querySelector(".hint"), chosen = false;
    function room() { return Math.max(120, canvas.clientWidth - 14); }
    function set(scale) {
      scale = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, scale));
      canvas.setAttribute("data-scale", scale.toFixed(3));
      svg.style.width = width * scale + "px";
      svg.style.height = height * scale + "px";
      level.textContent = Math.round(scale * 100) + "\\u202f%%";
      hint.hidden = canvas.scrollWidth <= canvas.clientWidth + 1 && canvas.scrollHeight <= canvas.clientHeight + 1;
    }
    function automatic() {
      // a graph a little wider than the window is scaled to fit; a much wider
      // one keeps a readable size and scrolls
      var fit = room() / width;
      set(fit >= 1 ? 1 : fit >= MIN_FIT ? fit : 1);
    }
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-zoom]");
      if (!button) { return; }
      var now = parseFloat(canvas.getAttribute("data-scale")), how = button.getAttribute("data-zoom");
      chosen = true;
      if (how === "in") { set(now * STEP); } else if (how === "out") { set(now / STEP); }
      else if (how === "fit") { set(Math.min(1, room() / width)); } else { set(1); }
    });
    automatic();
    canvas.xcomRefit = function () { if (!chosen) { automatic(); } };
    canvas.xcomZoom = function (factor) { chosen = true; set(parseFloat(canvas.getAttribute("data-scale")) * factor); };
  }

  // one set of window listeners for every graph: the project page replaces its graph on each navigation
  var drag = null;
  window.addEventListener("resize", function () {
    document.querySelectorAll(".canvas[data-scale]").forEach(function (canvas) { canvas.xcomRefit(); });
  });
  document.addEventListener("mousedown", function (event) {
    var canvas = event.button === 0 && event.target.closest ? event.target.closest(".canvas[data-scale]") : null;
    drag = canvas && {canvas: canvas, x: event.clientX, y: event.clientY, left: canvas.scrollLeft, top: canvas.scrollTop,
                      moved: false};
  });
  window.addEventListener("mousemove", function (event) {
    if (!drag) { return; }
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
    drag.moved = true;
    drag.canvas.classList.add("panning");
    drag.canvas.scrollLeft = drag.left - dx;
    drag.canvas.scrollTop = drag.top - dy;
    event.preventDefault();
  });
  window.addEventListener("mouseup", function () {
    if (drag) { drag.canvas.classList.remove("panning"); }
    setTimeout(function () { drag = null; }, 0);
  });
  // a drag that ends on a link is a pan, not a click
  document.addEventListener("click", function (event) {
    if (drag && drag.moved) { event.preventDefault(); event.stopPropagation(); }
  }, true);

  function prepare(root) {
    root.querySelectorAll(".canvas").forEach(function (canvas) {
      var svg = canvas.querySelector("svg.graph");
      if (!svg || canvas.getAttribute("data-ready")) { return; }
      canvas.setAttribute("data-ready", "1");
      zoomBar(canvas, svg);
    });
    // each SVG <title> becomes data-tip, so the styled tooltip replaces the browser's own
    root.querySelectorAll("svg.graph [class] > title").forEach(function (title) {
      title.parentNode.setAttribute("data-tip", title.textContent);
      title.remove();
    });
  }

  function place(event) {
    var x = event.clientX + 14, y = event.clientY + 14;
    var box = tip.getBoundingClientRect();
    if (x + box.width > window.innerWidth - 8) { x = Math.max(8, event.clientX - box.width - 14); }
    if (y + box.height > window.innerHeight - 8) { y = Math.max(8, event.clientY - box.height - 14); }
    tip.style.left = x + "px"; tip.style.top = y + "px";
  }
  function focus(svg, id) {
    svg.classList.add("focus");
    svg.querySelectorAll("[data-from='" + id + "'], [data-to='" + id + "']").forEach(function (edge) {
      edge.classList.add("hl");
      [edge.getAttribute("data-from"), edge.getAttribute("data-to")].forEach(function (end) {
        var node = svg.querySelector("#" + end);
        if (node) { node.classList.add("hl"); }
      });
    });
    var self = svg.querySelector("#" + id);
    if (self) { self.classList.add("hl"); }
  }
  function unfocus(svg) {
    svg.classList.remove("focus");
    svg.querySelectorAll(".hl").forEach(function (el) { el.classList.remove("hl"); });
  }
  document.addEventListener("mouseover", function (event) {
    var target = event.target.closest ? event.target.closest("[data-tip]") : null;
    if (!target) { tip.hidden = true; return; }
    tip.textContent = target.getAttribute("data-tip");
    tip.hidden = false;
    place(event);
    var svg = target.closest("svg.graph");
    if (svg && target.classList.contains("node")) { focus(svg, target.id); }
  });
  document.addEventListener("mousemove", function (event) { if (!tip.hidden) { place(event); } });
  document.addEventListener("mouseout", function (event) {
    var node = event.target.closest ? event.target.closest(".node") : null;
    if (node) { unfocus(node.closest("svg.graph")); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.target.closest && event.target.closest("input, textarea, select")) { return; }
    if (event.key !== "+" && event.key !== "-" && event.key !== "=") { return; }
    var canvas = Array.prototype.find.call(document.querySelectorAll(".canvas[data-scale]"), function (c) {
      return c.offsetParent !== null;
    });
    if (canvas) { canvas.xcomZoom(event.key === "-" ? 1 / STEP : STEP); }
  });
  return {prepare: prepare, focus: focus};
})();
""" % {"min_fit": MIN_FIT_SCALE}

SINGLE_PAGE_SCRIPT = "xcomGraph.prepare(document);\n"

PROJECT_SCRIPT = """
(function () {
  "use strict";
  var index = document.getElementById("index"), detail = document.getElementById("detail");
  var body = document.getElementById("dag-body"), search = document.getElementById("search");
  var onlyFindings = document.getElementById("only-findings"), shown = document.getElementById("shown");
  var table = document.getElementById("dags"), tbody = table.tBodies[0], empty = document.getElementById("no-match");
  var rows = Array.prototype.slice.call(tbody.rows);
  var templates = {};
  document.querySelectorAll("template[data-anchor]").forEach(function (t) { templates[t.getAttribute("data-anchor")] = t; });
  var baseTitle = document.title, indexScroll = 0, legend = document.querySelector("#legend-home .legend");

  function filter() {
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean), count = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-search");
      var visible = words.every(function (w) { return text.indexOf(w) >= 0; }) &&
        (!onlyFindings.checked || row.getAttribute("data-findings") !== "0");
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = count === rows.length ? "all " + rows.length + " DAGs" : count + " of " + rows.length + " DAGs";
    empty.hidden = count !== 0;
  }
  search.addEventListener("input", filter);
  onlyFindings.addEventListener("change", filter);
  search.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    var first = rows.filter(function (row) { return !row.hidden; })[0];
    if (first) { location.hash = first.querySelector("a.open").getAttribute("href"); }
  });

  function compare(x, y) { return x < y ? -1 : x > y ? 1 : 0; }  // by code point, like the page's first order
  table.querySelectorAll("th button[data-sort]").forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-sort"), th = button.parentNode, numeric = button.hasAttribute("data-numeric");
      // a count sorts largest first, a name A to Z; a second click reverses
      var now = th.getAttribute("aria-sort");
      var descending = now ? now === "ascending" : numeric;
      table.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      rows.sort(function (a, b) {
        var x = a.getAttribute("data-" + key), y = b.getAttribute("data-" + key);
        var order = numeric ? parseFloat(x) - parseFloat(y) : compare(x, y);
        if (order !== 0) { return descending ? -order : order; }
        return compare(a.getAttribute("data-dag"), b.getAttribute("data-dag"));  // ties: by DAG id
      });
      rows.forEach(function (row) { tbody.appendChild(row); });
    });
  });

  function parseHash() {
    var found = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at > 0) {
        try {
          found[decodeURIComponent(part.slice(0, at))] = decodeURIComponent(part.slice(at + 1));
        } catch (e) { /* a malformed link: ignored */ }
      }
    });
    return found;
  }
  function link(anchor) { return "#dag=" + encodeURIComponent(anchor); }

  function neighbours(anchor) {
    var visible = rows.filter(function (row) { return !row.hidden; });
    var list = visible.some(function (row) { return row.getAttribute("data-anchor") === anchor; }) ? visible : rows;
    var at = list.findIndex(function (row) { return row.getAttribute("data-anchor") === anchor; });
    return {list: list, at: at};
  }
  function setNav(anchor) {
    var found = neighbours(anchor), prev = document.getElementById("prev"), next = document.getElementById("next");
    [[prev, found.at - 1], [next, found.at + 1]].forEach(function (pair) {
      var row = found.list[pair[1]];
      if (row) { pair[0].href = link(row.getAttribute("data-anchor")); pair[0].removeAttribute("aria-disabled"); }
      else { pair[0].removeAttribute("href"); pair[0].setAttribute("aria-disabled", "true"); }
    });
    document.getElementById("position").textContent =
      found.at >= 0 ? "DAG " + (found.at + 1) + " of " + found.list.length : "";
  }

  function showIndex() {
    document.body.classList.remove("viewing-dag");
    if (!detail.hidden) {
      detail.hidden = true;
      body.textContent = "";
    }
    index.hidden = false;
    document.title = baseTitle;
    window.scrollTo(0, indexScroll);
  }
  function showDag(anchor, task) {
    if (!index.hidden) { indexScroll = window.scrollY; }
    index.hidden = true;
    detail.hidden = false;
    document.body.classList.add("viewing-dag");
    var template = templates[anchor];
    body.textContent = "";
    if (!template) {
      var missing = document.createElement("p");
      missing.className = "missing-dag";
      missing.textContent = "This page has no DAG '" + anchor + "'.";
      body.appendChild(missing);
      document.title = baseTitle;
      setNav("");
      return;
    }
    body.appendChild(template.content.cloneNode(true));
    var slot = body.querySelector(".legend-slot");
    if (slot && legend) { slot.appendChild(legend); }
    document.title = "XCom graph: " + template.getAttribute("data-dag-id");
    setNav(anchor);
    xcomGraph.prepare(body);
    window.scrollTo(0, 0);
    if (task !== undefined) { showTask(task); }
  }
  function showTask(task) {
    var svg = body.querySelector("svg.graph"), canvas = body.querySelector(".canvas");
    var node = svg && Array.prototype.find.call(svg.querySelectorAll("g.node[data-task-id]"), function (g) {
      return g.getAttribute("data-task-id") === task;
    });
    if (!node) { return; }
    node.classList.add("target");
    var box = node.getBoundingClientRect(), frame = canvas.getBoundingClientRect();
    canvas.scrollLeft += box.left + box.width / 2 - (frame.left + frame.width / 2);
    canvas.scrollTop += box.top + box.height / 2 - (frame.top + frame.height / 2);
    canvas.scrollIntoView({block: "nearest"});
  }
  function route() {
    var wanted = parseHash();
    if (wanted.dag !== undefined) { showDag(wanted.dag, wanted.task); } else { showIndex(); }
  }

  document.addEventListener("keydown", function (event) {
    var typing = event.target.closest && event.target.closest("input, textarea, select");
    if (event.key === "/" && !typing && !index.hidden) { event.preventDefault(); search.focus(); search.select(); }
    else if (event.key === "Escape" && !detail.hidden) { location.hash = ""; }
  });
  window.addEventListener("hashchange", route);
  // the table's header row sticks just below the search bar, however tall the bar wraps
  function stick() {
    document.documentElement.style.setProperty("--toolbar-height", document.querySelector(".toolbar").offsetHeight + "px");
  }
  window.addEventListener("resize", stick);
  document.documentElement.classList.add("scripted");
  stick();
  filter();
  route();
})();
"""
