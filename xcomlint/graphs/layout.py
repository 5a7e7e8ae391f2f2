"""A layered (Sugiyama-style) left-to-right layout for DAGs with nested groups.

The HTML page draws its graph server-side, so it needs positions without
Graphviz or a browser library. The steps are the classic ones:

1. break cycles by reversing edges (weak edges first: an XCom read that goes
   against the dependencies is reversed before a dependency is);
2. longest-path layering, with sources pulled next to their first consumer;
3. long edges split into dummy points, one per layer they cross, so that they
   run between nodes instead of through them; an edge's label is a dummy of the
   label's size, in a layer of its own between two node layers, so labels never
   cover nodes;
4. barycentric ordering sweeps to reduce crossings;
5. vertical placement by repeated least-squares alignment with neighbours under
   the order and spacing constraints (isotonic regression, pool-adjacent-violators).

Groups are laid out as compound nodes, innermost first: a group's content is a
layout of its own, and the group is then one box in its parent's layout. An
edge that enters or leaves a group passes through a port on the group's left
or right border, laid out like a dummy, so it reaches its node without crossing
the group's other nodes. By construction no two boxes overlap and every edge
runs left to right except the few reversed to break a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

Point = Tuple[float, float]


@dataclass(frozen=True)
class LayoutNode:
    node_id: str
    width: float
    height: float
    group: Optional[str] = None


@dataclass(frozen=True)
class LayoutGroup:
    group_id: str
    parent: Optional[str] = None
    title_width: float = 0.0


@dataclass(frozen=True)
class LayoutEdge:
    source: str
    target: str
    label_width: float = 0.0
    label_height: float = 0.0
    weak: bool = False


@dataclass(frozen=True)
class Spacing:
    layer_gap: float = 26.0  # between a node column and the label column beside it
    node_gap: float = 18.0  # vertical space between two boxes of a layer
    dummy_gap: float = 8.0  # vertical space next to an edge passing through a layer
    group_padding: float = 14.0
    group_header: float = 22.0  # room for the group's title


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def overlaps(self, other: "Box") -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def contains(self, other: "Box") -> bool:
        return self.x <= other.x and self.y <= other.y and other.right <= self.right and other.bottom <= self.bottom


@dataclass(frozen=True)
class Route:
    """An edge's path from its source to its target (already in drawing direction).

    Consecutive points either share a y (a straight run through a layer) or
    are joined by a curve with horizontal tangents. ``label`` is where the
    edge's label goes. A self-loop has no points: the renderer draws it beside its node.
    """

    points: Tuple[Point, ...]
    label: Optional[Box] = None
    reversed: bool = False

    @property
    def self_loop(self) -> bool:
        return not self.points


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    nodes: Dict[str, Box]
    groups: Dict[str, Box]
    routes: Tuple[Route, ...]


# Items of a block: a node ("n", id) or a child group ("g", id).
Item = Tuple[str, str]
ROOT: Optional[str] = None


class _Element:
    """One slot in a layer: an item, an edge's dummy point, or a border port."""

    __slots__ = ("kind", "item", "port", "width", "height", "layer", "top", "weight")

    def __init__(self, kind: str, layer: int, width: float = 0.0, height: float = 0.0,
                 item: Optional[Item] = None, port: Optional[tuple] = None) -> None:
        self.kind = kind  # "item" | "dummy" | "port"
        self.item = item
        self.port = port  # a port's key (see _EdgePlan.out_port)
        self.width = width
        self.height = height
        self.layer = layer
        self.top = 0.0
        self.weight = 4.0 if kind == "dummy" else 1.0  # straight long edges matter more


@dataclass
class _Segment:
    upper: _Element  # in layer l
    lower: _Element  # in layer l + 1
    upper_anchor: float  # y offset from the element's top where the edge attaches
    lower_anchor: float


@dataclass
class _BlockResult:
    width: float
    height: float
    items: Dict[Item, Box]
    in_ports: Dict[tuple, float] = field(default_factory=dict)  # port key -> y on the left border
    out_ports: Dict[tuple, float] = field(default_factory=dict)  # port key -> y on the right border
    pieces: Dict[int, List[Point]] = field(default_factory=dict)  # edge -> its points inside this block
    labels: Dict[int, Box] = field(default_factory=dict)


class _Hierarchy:
    def __init__(self, nodes: Sequence[LayoutNode], groups: Sequence[LayoutGroup]) -> None:
        known = {g.group_id for g in groups}
        self.parent: Dict[Optional[str], Optional[str]] = {
            g.group_id: g.parent if g.parent in known and g.parent != g.group_id else ROOT for g in groups
        }
        self.node_group: Dict[str, Optional[str]] = {n.node_id: n.group if n.group in known else ROOT for n in nodes}
        self._break_parent_cycles()

    def _break_parent_cycles(self) -> None:
        for group in list(self.parent):
            seen = {group}
            current = self.parent[group]
            while current is not ROOT:
                if current in seen:  # malformed input: hang the group at the top
                    self.parent[group] = ROOT
                    break
                seen.add(current)
                current = self.parent[current]

    def chain(self, node_id: str) -> List[Optional[str]]:
        """The blocks containing a node, innermost first, ending with the root."""
        blocks: List[Optional[str]] = []
        current = self.node_group[node_id]
        while current is not ROOT:
            blocks.append(current)
            current = self.parent[current]
        blocks.append(ROOT)
        return blocks

    def depth(self, group: Optional[str]) -> int:
        depth = 0
        while group is not ROOT:
            depth, group = depth + 1, self.parent[group]
        return depth


class _EdgePlan:
    """Where an edge lives: the block where it joins two items, and the blocks it crosses."""

    def __init__(self, index: int, source: str, target: str, hierarchy: _Hierarchy, mergeable: bool) -> None:
        self.index = index
        self.mergeable = mergeable
        self.source, self.target = source, target
        self.reversed = False
        up, down = hierarchy.chain(source), hierarchy.chain(target)
        self.lca = next(b for b in up if b in down)
        self.source_side = up[: up.index(self.lca)]
        self.target_side = down[: down.index(self.lca)]
        self.source_item = _item_in(self.lca, source, up)
        self.target_item = _item_in(self.lca, target, down)

    def flip(self) -> None:
        self.reversed = not self.reversed
        self.source, self.target = self.target, self.source
        self.source_side, self.target_side = self.target_side, self.source_side
        self.source_item, self.target_item = self.target_item, self.source_item

    # Unlabelled edges that leave a group for the same item (or come from the
    # same item) share one port on each border they cross and one route between
    # them: TaskGroup edges join every leaf to every root, and drawn one by one
    # they would fill the page with parallel lines.
    def out_port(self) -> tuple:
        return ("out", self.lca, self.target_item) if self.mergeable else ("edge", self.index)

    def in_port(self) -> tuple:
        return ("in", self.lca, self.source_item) if self.mergeable else ("edge", self.index)


def _item_in(block: Optional[str], node_id: str, chain: List[Optional[str]]) -> Item:
    position = chain.index(block)
    return ("n", node_id) if position == 0 else ("g", chain[position - 1])  # type: ignore[return-value]


def _reachable(adjacency: Dict[Item, List[Item]], start: Item, goal: Item) -> bool:
    stack, seen = [start], {start}
    while stack:
        current = stack.pop()
        if current == goal:
            return True
        for following in adjacency.get(current, ()):
            if following not in seen:
                seen.add(following)
                stack.append(following)
    return False


def _break_cycles(plans: Sequence[_EdgePlan], weak: Sequence[bool]) -> None:
    """Greedy feedback-arc choice per block: keep edges in order (strong ones
    first) while they keep the block acyclic, reverse the rest."""
    by_block: Dict[Optional[str], List[_EdgePlan]] = {}
    for plan in plans:
        by_block.setdefault(plan.lca, []).append(plan)
    for block_plans in by_block.values():
        adjacency: Dict[Item, List[Item]] = {}
        for plan in sorted(block_plans, key=lambda p: weak[p.index]):
            if _reachable(adjacency, plan.target_item, plan.source_item):
                plan.flip()
            adjacency.setdefault(plan.source_item, []).append(plan.target_item)


def _ranks(items: Sequence[Item], arcs: Sequence[Tuple[Item, Item]]) -> Dict[Item, int]:
    predecessors: Dict[Item, List[Item]] = {i: [] for i in items}
    successors: Dict[Item, List[Item]] = {i: [] for i in items}
    for a, b in arcs:
        predecessors[b].append(a)
        successors[a].append(b)
    # longest path over a topological order (Kahn), iterative so that long chains cannot overflow the stack
    waiting = {i: len(predecessors[i]) for i in items}
    ready = [i for i in items if waiting[i] == 0]
    rank: Dict[Item, int] = {}
    while ready:
        item = ready.pop(0)
        rank[item] = max((rank[p] + 1 for p in predecessors[item]), default=0)
        for following in successors[item]:
            waiting[following] -= 1
            if waiting[following] == 0:
                ready.append(following)
    for item in items:
        rank.setdefault(item, 0)  # only on a cycle the caller failed to break
    # A source sits just before its nearest consumer rather than in the first
    # column, which keeps edges from placeholder and side-input nodes short.
    for item in items:
        if not predecessors[item] and successors[item]:
            rank[item] = max(0, min(rank[s] for s in successors[item]) - 1)
    return rank


def _crossings(segments: Sequence[_Segment], position: Dict[int, int]) -> int:
    pairs = sorted((position[id(s.upper)], position[id(s.lower)]) for s in segments)
    count = 0
    for i, (a1, b1) in enumerate(pairs):
        for a2, b2 in pairs[i + 1:]:
            if a2 > a1 and b2 < b1:
                count += 1
    return count


def _isotonic(values: Sequence[float], weights: Sequence[float]) -> List[float]:
    """Weighted least-squares non-decreasing fit (pool adjacent violators)."""
    pools: List[List[float]] = []  # [weighted sum, total weight, count]
    for value, weight in zip(values, weights):
        pools.append([value * weight, weight, 1])
        while len(pools) > 1 and pools[-2][0] / pools[-2][1] > pools[-1][0] / pools[-1][1]:
            total, w, n = pools.pop()
            pools[-1][0] += total
            pools[-1][1] += w
            pools[-1][2] += n
    fitted: List[float] = []
    for total, weight, count in pools:
        fitted.extend([total / weight] * int(count))
    return fitted


class _BlockLayout:
    """Lays out the direct content of one block (the root or a group)."""

    def __init__(self, block: Optional[str], items: List[Item], sizes: Dict[Item, Tuple[float, float]],
                 children: Dict[str, _BlockResult], plans: Sequence[_EdgePlan], edges: Sequence[LayoutEdge],
                 spacing: Spacing, title_width: float) -> None:
        self.block = block
        self.items = items
        self.sizes = sizes
        self.children = children
        self.spacing = spacing
        self.title_width = title_width
        self.internal = [p for p in plans if p.lca == block]
        self.outgoing = [p for p in plans if block in p.source_side]
        self.incoming = [p for p in plans if block in p.target_side]
        self.edges = edges
        self.layers: List[List[_Element]] = []
        self.segments: List[List[_Segment]] = []  # segments[l]: between layer l and l + 1
        self.chains: Dict[int, List[_Element]] = {}  # edge -> its chain, shared by merged edges
        self.shared_chains: Dict[tuple, List[_Element]] = {}
        self.ports: Dict[tuple, _Element] = {}
        self.item_elements: Dict[Item, _Element] = {}
        self.plans: Dict[int, _EdgePlan] = {}  # the edges with a chain in this block

    # ---------------------------------------------------------------- structure
    def _item_of(self, plan: _EdgePlan, side: str) -> Item:
        chain = plan.source_side if side == "source" else plan.target_side
        node = plan.source if side == "source" else plan.target
        full = chain + [plan.lca]
        return _item_in(self.block, node, full)  # type: ignore[arg-type]

    def _anchor(self, element: _Element, plan: _EdgePlan, as_source: bool) -> float:
        if element.kind == "item" and element.item is not None and element.item[0] == "g":
            child = self.children[element.item[1]]
            return child.out_ports[plan.out_port()] if as_source else child.in_ports[plan.in_port()]
        if element.kind == "port":
            return 0.0
        return element.height / 2

    def build(self) -> None:
        arcs = [(p.source_item, p.target_item) for p in self.internal]
        rank = _ranks(self.items, arcs)
        top_rank = max(rank.values(), default=0)
        layer_count = 2 * top_rank + 3  # ports, then node / label layers, then ports
        self.layers = [[] for _ in range(layer_count)]
        # items in rank order, ties in input order: a decent first ordering
        for item in sorted(self.items, key=lambda i: rank[i]):
            width, height = self.sizes[item]
            element = _Element("item", 1 + 2 * rank[item], width, height, item=item)
            self.item_elements[item] = element
            self.layers[element.layer].append(element)
        for plan in self.incoming:
            self._chain(plan, None, self.item_elements[self._item_of(plan, "target")])
        for plan in self.internal:
            self._chain(plan, self.item_elements[plan.source_item], self.item_elements[plan.target_item])
        for plan in self.outgoing:
            self._chain(plan, self.item_elements[self._item_of(plan, "source")], None)

    def _port(self, key: tuple, layer: int) -> _Element:
        if key not in self.ports:
            self.ports[key] = self._add(_Element("port", layer, port=key))
        return self.ports[key]

    def _end_key(self, element: _Element, plan: _EdgePlan, as_source: bool) -> tuple:
        if element.kind == "port":
            return (id(element),)
        if element.item is not None and element.item[0] == "g":
            return (id(element), plan.out_port() if as_source else plan.in_port())
        return (id(element),)

    def _chain(self, plan: _EdgePlan, start: Optional[_Element], end: Optional[_Element]) -> None:
        self.plans[plan.index] = plan
        first = start if start is not None else self._port(plan.in_port(), 0)
        last = end if end is not None else self._port(plan.out_port(), len(self.layers) - 1)
        key = self._end_key(first, plan, True) + self._end_key(last, plan, False)
        if plan.mergeable and key in self.shared_chains:
            self.chains[plan.index] = self.shared_chains[key]
            return
        label_layer = -1
        spec = self.edges[plan.index]
        if start is not None and end is not None and spec.label_width > 0:
            middle = (first.layer + last.layer) // 2
            label_layer = middle - 1 if middle % 2 else middle  # label columns are the even layers
        chain = [first]
        for layer in range(first.layer + 1, last.layer):
            if layer == label_layer:
                chain.append(self._add(_Element("dummy", layer, spec.label_width, spec.label_height)))
            else:
                chain.append(self._add(_Element("dummy", layer)))
        chain.append(last)
        self.chains[plan.index] = chain
        if plan.mergeable:
            self.shared_chains[key] = chain

    def _add(self, element: _Element) -> _Element:
        self.layers[element.layer].append(element)
        return element

    def _make_segments(self) -> None:
        self.segments = [[] for _ in range(len(self.layers) - 1)]
        seen = set()
        for edge, chain in self.chains.items():
            if id(chain) in seen:
                continue  # a merged route counts once for ordering and placement
            seen.add(id(chain))
            plan = self.plans[edge]
            for upper, lower in zip(chain, chain[1:]):
                self.segments[upper.layer].append(
                    _Segment(upper, lower, self._anchor(upper, plan, True), self._anchor(lower, plan, False))
                )

    # ----------------------------------------------------------------- ordering
    def _positions(self) -> Dict[int, int]:
        return {id(e): i for layer in self.layers for i, e in enumerate(layer)}

    def _total_crossings(self) -> int:
        position = self._positions()
        return sum(_crossings(s, position) for s in self.segments)

    def _sweep(self, downward: bool) -> None:
        order = range(1, len(self.layers)) if downward else range(len(self.layers) - 2, -1, -1)
        for layer in order:
            position = self._positions()
            sums: Dict[int, List[float]] = {}
            segments = self.segments[layer - 1] if downward else self.segments[layer]
            for segment in segments:
                mine, other = (segment.lower, segment.upper) if downward else (segment.upper, segment.lower)
                sums.setdefault(id(mine), []).append(position[id(other)])
            current = self.layers[layer]
            keyed = []
            for index, element in enumerate(current):
                neighbours = sums.get(id(element))
                key = sum(neighbours) / len(neighbours) if neighbours else float(index)
                keyed.append((key, index, element))
            keyed.sort(key=lambda k: (k[0], k[1]))
            self.layers[layer] = [k[2] for k in keyed]

    def _order(self, sweeps: int = 12) -> None:
        best = [list(layer) for layer in self.layers]
        best_count = self._total_crossings()
        for sweep in range(sweeps):
            self._sweep(downward=sweep % 2 == 0)
            count = self._total_crossings()
            if count < best_count:
                best, best_count = [list(layer) for layer in self.layers], count
            if best_count == 0:
                break
        self.layers = best

    # ---------------------------------------------------------------- placement
    def _gap(self, a: _Element, b: _Element) -> float:
        if a.kind == "item" and b.kind == "item":
            return self.spacing.node_gap
        return self.spacing.dummy_gap

    def _place(self, layer: List[_Element], desired: Dict[int, float], weights: Dict[int, float]) -> None:
        offsets, offset = [], 0.0
        for index, element in enumerate(layer):
            offsets.append(offset)
            if index + 1 < len(layer):
                offset += element.height + self._gap(element, layer[index + 1])
        values = [desired.get(id(e), e.top) - o for e, o in zip(layer, offsets)]
        fitted = _isotonic(values, [weights.get(id(e), 0.05) for e in layer])
        for element, value, o in zip(layer, fitted, offsets):
            element.top = value + o

    def _align(self, layer_index: int, upward: bool, downward: bool) -> None:
        desired: Dict[int, List[float]] = {}
        if downward and layer_index > 0:
            for s in self.segments[layer_index - 1]:
                desired.setdefault(id(s.lower), []).append(s.upper.top + s.upper_anchor - s.lower_anchor)
        if upward and layer_index < len(self.segments):
            for s in self.segments[layer_index]:
                desired.setdefault(id(s.upper), []).append(s.lower.top + s.lower_anchor - s.upper_anchor)
        layer = self.layers[layer_index]
        means = {key: sum(v) / len(v) for key, v in desired.items()}
        weights = {id(e): e.weight for e in layer if id(e) in means}
        self._place(layer, means, weights)

    def _vertical(self, rounds: int = 8) -> None:
        for layer in self.layers:
            self._place(layer, {}, {})  # stacked from 0 with the right gaps
        last = len(self.layers) - 1
        for round_ in range(rounds):
            both = round_ >= rounds // 2  # settle between the two sides at the end
            for index in range(1, last + 1):
                self._align(index, upward=both, downward=True)
            for index in range(last - 1, -1, -1):
                self._align(index, upward=True, downward=both)

    # ------------------------------------------------------------------- result
    def _layer_x(self, is_group: bool) -> Tuple[List[float], List[float], float]:
        """Each layer's left x and width. A group keeps its port layers (its
        borders) even when no edge crosses them; empty layers take no room."""
        widths = [max((e.width for e in layer), default=0.0) for layer in self.layers]
        last = len(self.layers) - 1
        xs = [0.0] * len(self.layers)
        x, started = 0.0, False
        for index, layer in enumerate(self.layers):
            if layer or (is_group and index in (0, last)):
                x += self.spacing.layer_gap if started else 0.0
                started = True
                xs[index] = x
                x += widths[index]
            else:
                xs[index] = x
        width = x
        if is_group and width < self.title_width + 2 * self.spacing.group_padding:
            width = xs[last] = self.title_width + 2 * self.spacing.group_padding
        return xs, widths, width

    def result(self) -> _BlockResult:
        self.build()
        self._make_segments()
        self._order()
        self._vertical()
        is_group = self.block is not ROOT
        xs, widths, width = self._layer_x(is_group)
        elements = [e for layer in self.layers for e in layer]
        top_margin = self.spacing.group_header + self.spacing.group_padding / 2 if is_group else 0.0
        lowest = min((e.top for e in elements), default=0.0)
        for element in elements:
            element.top += top_margin - lowest
        height = max((e.top + e.height for e in elements), default=top_margin)
        height += self.spacing.group_padding if is_group else 0.0
        result = _BlockResult(width=width, height=height, items={})
        for item, element in self.item_elements.items():
            x = xs[element.layer] + (widths[element.layer] - element.width) / 2
            result.items[item] = Box(x, element.top, element.width, element.height)
        for edge, chain in self.chains.items():
            plan = self.plans[edge]
            points: List[Point] = []
            for position, element in enumerate(chain):
                column, column_width = xs[element.layer], widths[element.layer]
                if element.kind == "port":
                    points.append((column, element.top))
                    (result.in_ports if position == 0 else result.out_ports)[element.port] = element.top  # type: ignore[index]
                elif element.kind == "dummy":
                    y = element.top + element.height / 2
                    points.extend([(column, y), (column + column_width, y)])
                    if element.width > 0:
                        result.labels[edge] = Box(column + (column_width - element.width) / 2, element.top,
                                                  element.width, element.height)
                else:
                    # Items are centred in their column: a straight lead joins the
                    # item's side to the column's edge, so that curves stay in the
                    # gaps between columns and never cut across a wider neighbour.
                    box = result.items[element.item]  # type: ignore[index]
                    if position == 0:
                        y = box.y + self._anchor(element, plan, True)
                        points.extend([(box.right, y), (column + column_width, y)])
                    else:
                        y = box.y + self._anchor(element, plan, False)
                        points.extend([(column, y), (box.x, y)])
            result.pieces[edge] = points
        self._spread_endpoints(result)
        return result

    def _spread_endpoints(self, result: _BlockResult) -> None:
        """Edges on one side of a node fan out over its height instead of meeting
        in one point; edges that go on through the same element stay together."""
        sides: Dict[Tuple[int, bool], Dict[tuple, List[int]]] = {}
        order: Dict[tuple, float] = {}
        for edge, chain in self.chains.items():
            plan = self.plans[edge]
            for outgoing in (True, False):
                node, neighbour = (chain[0], chain[1]) if outgoing else (chain[-1], chain[-2])
                if node.kind != "item" or node.item is None or node.item[0] != "n":
                    continue
                slot = self._end_key(neighbour, plan, not outgoing)
                sides.setdefault((id(node), outgoing), {}).setdefault(slot, []).append(edge)
                order[slot] = neighbour.top + self._anchor(neighbour, plan, not outgoing)
        for (_, outgoing), slots in sides.items():
            if len(slots) < 2:
                continue
            first_edge = next(iter(slots.values()))[0]
            node = self.chains[first_edge][0 if outgoing else -1]
            box = result.items[node.item]  # type: ignore[index]
            step = min(8.0, box.height * 0.6 / (len(slots) - 1))
            for rank, slot in enumerate(sorted(slots, key=lambda k: order[k])):
                y = box.y + box.height / 2 + (rank - (len(slots) - 1) / 2) * step
                for edge in slots[slot]:
                    points = result.pieces[edge]
                    ends = (0, 1) if outgoing else (-1, -2)
                    for index in ends:
                        points[index] = (points[index][0], y)


def layered_layout(nodes: Sequence[LayoutNode], edges: Sequence[LayoutEdge],
                   groups: Sequence[LayoutGroup] = (), spacing: Spacing = Spacing()) -> Layout:
    """Positions for ``nodes`` and ``groups`` and a route for each of ``edges`` (same order)."""
    hierarchy = _Hierarchy(nodes, groups)
    node_ids = {n.node_id for n in nodes}
    plans: List[Optional[_EdgePlan]] = []
    for index, edge in enumerate(edges):
        if edge.source == edge.target or edge.source not in node_ids or edge.target not in node_ids:
            plans.append(None)
        else:
            plans.append(_EdgePlan(index, edge.source, edge.target, hierarchy, mergeable=edge.label_width <= 0))
    real_plans = [p for p in plans if p is not None]
    _break_cycles(real_plans, [e.weak for e in edges])

    group_info = {g.group_id: g for g in groups}
    members: Dict[Optional[str], List[Item]] = {}
    for node in nodes:
        members.setdefault(hierarchy.node_group[node.node_id], []).append(("n", node.node_id))
    populated = {g for g in hierarchy.parent if _has_nodes(g, hierarchy)}
    for group in group_info:
        if group in populated:
            members.setdefault(hierarchy.parent[group], []).append(("g", group))

    results: Dict[Optional[str], _BlockResult] = {}
    sizes: Dict[Item, Tuple[float, float]] = {("n", n.node_id): (n.width, n.height) for n in nodes}
    blocks = sorted(populated, key=hierarchy.depth, reverse=True) + [ROOT]
    for block in blocks:
        title = group_info[block].title_width if block is not None else 0.0
        children = {item[1]: results[item[1]] for item in members.get(block, []) if item[0] == "g"}
        layout = _BlockLayout(block, members.get(block, []), sizes, children, real_plans, edges, spacing, title)
        results[block] = layout.result()
        if block is not None:
            sizes[("g", block)] = (results[block].width, results[block].height)

    origins: Dict[Optional[str], Point] = {ROOT: (0.0, 0.0)}
    node_boxes: Dict[str, Box] = {}
    group_boxes: Dict[str, Box] = {}
    for block in reversed(blocks):  # outermost first, so a block's origin is known
        ox, oy = origins[block]
        for (kind, name), box in results[block].items.items():
            placed = Box(ox + box.x, oy + box.y, box.width, box.height)
            if kind == "n":
                node_boxes[name] = placed
            else:
                group_boxes[name] = placed
                origins[name] = (placed.x, placed.y)

    raw: List[List[Point]] = []
    labels: List[Optional[Box]] = []
    for plan in plans:
        if plan is None:
            raw.append([])
            labels.append(None)
            continue
        sequence = list(plan.source_side) + [plan.lca] + list(reversed(plan.target_side))
        points: List[Point] = []
        for block in sequence:
            ox, oy = origins[block]
            for x, y in results[block].pieces[plan.index]:
                point = (ox + x, oy + y)
                if not points or abs(points[-1][0] - point[0]) > 1e-6 or abs(points[-1][1] - point[1]) > 1e-6:
                    points.append(point)
        raw.append(points)
        label = results[plan.lca].labels.get(plan.index)
        ox, oy = origins[plan.lca]
        labels.append(Box(ox + label.x, oy + label.y, label.width, label.height) if label else None)

    routes = []
    for points, label, plan in zip(raw, labels, plans):
        if plan is not None and plan.reversed:
            points = list(reversed(points))
        routes.append(Route(tuple(points), label, plan.reversed if plan else False))
    root = results[ROOT]
    return Layout(root.width, root.height, node_boxes, group_boxes, tuple(routes))


def _has_nodes(group: Optional[str], hierarchy: _Hierarchy) -> bool:
    return any(group in hierarchy.chain(node) for node in hierarchy.node_group)
