"""The layered layout behind the HTML page: geometry checked on generated DAGs."""

from __future__ import annotations

import random
from typing import Dict, List, Optional, Sequence, Tuple

import pytest

from xcomlint.graphs.layout import Box, Layout, LayoutEdge, LayoutGroup, LayoutNode, layered_layout

EPSILON = 0.01


def generated_dag(seed: int, tasks: int = 60) -> Tuple[List[LayoutNode], List[LayoutEdge], List[LayoutGroup]]:
    """A DAG shaped like real ones: tasks in index order, edges only forward,
    TaskGroups (some nested three deep) over contiguous runs of tasks, and XCom
    flows with labels of varying width."""
    rng = random.Random(seed)
    groups = [
        LayoutGroup("ingest", None, 50), LayoutGroup("ingest.a", "ingest", 60), LayoutGroup("ingest.b", "ingest", 60),
        LayoutGroup("transform", None, 80), LayoutGroup("transform.dims", "transform", 90),
        LayoutGroup("transform.dims.deep", "transform.dims", 100), LayoutGroup("report", None, 50),
    ]
    spans = {"ingest.a": (2, 8), "ingest.b": (8, 14), "ingest": (14, 16), "transform.dims.deep": (20, 24),
             "transform.dims": (24, 30), "transform": (30, 36), "report": (44, 52)}
    nodes = []
    for index in range(tasks):
        group = next((g for g, (low, high) in spans.items() if low <= index < high), None)
        width = rng.choice([90, 120, 160, 210])
        nodes.append(LayoutNode(f"t{index}", width, rng.choice([44, 59]), group))
    edges: List[LayoutEdge] = []
    for index in range(1, tasks):
        for source in rng.sample(range(index), k=min(index, rng.choice([1, 1, 2, 3]))):
            edges.append(LayoutEdge(f"t{source}", f"t{index}"))
    for _ in range(25):
        source, target = sorted(rng.sample(range(tasks), 2))
        edges.append(LayoutEdge(f"t{source}", f"t{target}", rng.choice([60, 95, 140]), 18, weak=True))
    return nodes, edges, groups


def _ancestors(group: Optional[str], parents: Dict[str, Optional[str]]) -> List[str]:
    chain = []
    while group is not None:
        chain.append(group)
        group = parents[group]
    return chain


def _strictly_inside(point: Tuple[float, float], box: Box) -> bool:
    x, y = point
    return box.x + EPSILON < x < box.right - EPSILON and box.y + EPSILON < y < box.bottom - EPSILON


def _crosses(a: Tuple[float, float], b: Tuple[float, float], box: Box) -> bool:
    """Does the horizontal run from a to b cut through the box's interior?"""
    (x1, y), (x2, _) = a, b
    low, high = min(x1, x2), max(x1, x2)
    return box.y + EPSILON < y < box.bottom - EPSILON and low < box.right - EPSILON and high > box.x + EPSILON


def check_geometry(layout: Layout, nodes: Sequence[LayoutNode], edges: Sequence[LayoutEdge],
                   groups: Sequence[LayoutGroup], expect_rightward: bool = True) -> None:
    parents = {g.group_id: g.parent for g in groups}
    boxes = layout.nodes
    assert set(boxes) == {n.node_id for n in nodes}
    for node in nodes:
        box = boxes[node.node_id]
        assert (box.width, box.height) == (node.width, node.height)
        assert box.x >= -EPSILON and box.y >= -EPSILON
        assert box.right <= layout.width + EPSILON and box.bottom <= layout.height + EPSILON
    # no two tasks overlap
    ordered = sorted(nodes, key=lambda n: boxes[n.node_id].x)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1:]:
            assert not boxes[first.node_id].overlaps(boxes[second.node_id]), (first.node_id, second.node_id)
    # every task sits in its group's box, and in no other group's box
    for node in nodes:
        mine = set(_ancestors(node.group, parents))
        for group_id, group_box in layout.groups.items():
            if group_id in mine:
                assert group_box.contains(boxes[node.node_id]), (node.node_id, group_id)
            else:
                assert not group_box.overlaps(boxes[node.node_id]), (node.node_id, group_id)
    # groups nest like the TaskGroups and otherwise keep apart
    for group_id, box in layout.groups.items():
        for other_id, other in layout.groups.items():
            if group_id == other_id:
                continue
            if other_id in _ancestors(parents[group_id], parents):
                assert other.contains(box), (group_id, other_id)
            elif group_id not in _ancestors(parents[other_id], parents):
                assert not box.overlaps(other), (group_id, other_id)
    # edges: from the source's right side to the target's left side, left to right
    for edge, route in zip(edges, layout.routes):
        source, target = boxes[edge.source], boxes[edge.target]
        (x0, y0), (x1, y1) = route.points[0], route.points[-1]
        # a reversed edge leaves its source on the left and enters its target on the right
        source_side, target_side = (source.x, target.right) if route.reversed else (source.right, target.x)
        assert abs(x0 - source_side) < EPSILON and source.y <= y0 <= source.bottom, edge
        assert abs(x1 - target_side) < EPSILON and target.y <= y1 <= target.bottom, edge
        if expect_rightward:
            assert not route.reversed, edge
            assert target.x > source.right, edge  # a later layer
            xs = [x for x, _ in route.points]
            assert all(b >= a - EPSILON for a, b in zip(xs, xs[1:])), edge
        for (ax, ay), (bx, by) in zip(route.points, route.points[1:]):
            for other in boxes.values():
                if abs(ay - by) < EPSILON and other not in (source, target):
                    assert not _crosses((ax, ay), (bx, by), other), (edge, other)
        for point in route.points[1:-1]:
            for other in boxes.values():
                assert not _strictly_inside(point, other), (edge, point, other)
        if edge.label_width:
            label = route.label
            assert label is not None and (label.width, label.height) == (edge.label_width, edge.label_height)
            assert any(  # a straight run of the edge passes under the whole label
                abs(ay - by) < EPSILON and label.y <= ay <= label.bottom
                and min(ax, bx) <= label.x + EPSILON and max(ax, bx) >= label.right - EPSILON
                for (ax, ay), (bx, by) in zip(route.points, route.points[1:])
            ), "the label sits on its edge"
            for other in boxes.values():
                assert not label.overlaps(other), (edge, other)
    labels = [r.label for r in layout.routes if r.label is not None]
    for i, first in enumerate(labels):
        for second in labels[i + 1:]:
            assert not first.overlaps(second), (first, second)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_sixty_task_dag_lays_out_without_overlaps_and_left_to_right(seed: int) -> None:
    nodes, edges, groups = generated_dag(seed)
    assert len(nodes) == 60 and len(edges) > 100
    layout = layered_layout(nodes, edges, groups)
    check_geometry(layout, nodes, edges, groups)


def test_layout_is_deterministic() -> None:
    nodes, edges, groups = generated_dag(7)
    assert layered_layout(nodes, edges, groups) == layered_layout(nodes, edges, groups)


def test_longest_path_layering_puts_each_task_right_of_all_its_upstreams() -> None:
    nodes = [LayoutNode(name, 80, 40) for name in "abcde"]
    edges = [LayoutEdge("a", "b"), LayoutEdge("b", "c"), LayoutEdge("c", "d"), LayoutEdge("a", "d"), LayoutEdge("e", "d")]
    layout = layered_layout(nodes, edges)
    columns = sorted({round(box.x) for box in layout.nodes.values()})
    column = {name: columns.index(round(box.x)) for name, box in layout.nodes.items()}
    assert column == {"a": 0, "b": 1, "c": 2, "d": 3, "e": 2}  # a source sits next to its consumer


def test_a_cycle_is_broken_by_reversing_a_weak_edge() -> None:
    nodes = [LayoutNode(name, 80, 40) for name in "abc"]
    edges = [LayoutEdge("a", "b"), LayoutEdge("b", "c"), LayoutEdge("c", "a", 50, 18, weak=True)]
    layout = layered_layout(nodes, edges)
    assert [route.reversed for route in layout.routes] == [False, False, True]
    back = layout.routes[2]
    assert back.points[0][0] == layout.nodes["c"].x and back.points[-1][0] == layout.nodes["a"].right
    check_geometry(layout, nodes, edges, [], expect_rightward=False)


def test_groups_that_depend_on_each_other_both_ways_still_lay_out() -> None:
    # a >> x >> b with a and b in one group: at the group level this is a cycle
    nodes = [LayoutNode("a", 80, 40, "g"), LayoutNode("b", 80, 40, "g"), LayoutNode("x", 80, 40)]
    edges = [LayoutEdge("a", "x"), LayoutEdge("x", "b")]
    layout = layered_layout(nodes, edges, [LayoutGroup("g")])
    assert sum(route.reversed for route in layout.routes) == 1
    check_geometry(layout, nodes, edges, [LayoutGroup("g")], expect_rightward=False)


def test_self_loops_and_unknown_ends_get_no_route() -> None:
    nodes = [LayoutNode("a", 80, 40)]
    layout = layered_layout(nodes, [LayoutEdge("a", "a"), LayoutEdge("a", "nowhere")])
    assert [route.self_loop for route in layout.routes] == [True, True]


def test_parallel_group_edges_share_one_route_between_groups() -> None:
    # every leaf of one group to every root of the next, as TaskGroup edges are
    nodes = [LayoutNode(f"l{i}", 80, 40, "left") for i in range(4)] + [LayoutNode(f"r{i}", 80, 40, "right") for i in range(3)]
    edges = [LayoutEdge(f"l{i}", f"r{j}") for i in range(4) for j in range(3)]
    groups = [LayoutGroup("left"), LayoutGroup("right")]
    layout = layered_layout(nodes, edges, groups)
    check_geometry(layout, nodes, edges, groups)
    left, right = layout.groups["left"], layout.groups["right"]
    exits = {p for route in layout.routes for p in route.points if abs(p[0] - left.right) < EPSILON}
    entries = {p for route in layout.routes for p in route.points if abs(p[0] - right.x) < EPSILON}
    assert len(exits) == 1 and len(entries) == 1
