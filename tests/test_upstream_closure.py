"""The upstream closure the graph rules read, against its plain definition."""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Set, Tuple

from hypothesis import given, settings
from hypothesis import strategies as st

from xcomlint.model.graph import upstream_closure
from xcomlint.model.records import Dag, Edge, Span, Task

IDS = ["a", "b", "c", "d", "e", "?x", "?y"]


def plain_closure(edges: List[Tuple[str, str]], task_ids: List[str]) -> Dict[str, FrozenSet[str]]:
    """Every task reachable upward, by a search from each task on its own."""
    result = {}
    for task_id in task_ids:
        seen: Set[str] = set()
        frontier = [up for up, down in edges if down == task_id]
        while frontier:
            current = frontier.pop()
            if current not in seen:
                seen.add(current)
                frontier.extend(up for up, down in edges if down == current)
        result[task_id] = frozenset(t for t in seen if not t.startswith("?"))
    return result


def make_dag(edges: List[Tuple[str, str]], hidden: List[Tuple[str, str]]) -> Dag:
    span = Span(1, 0, 1, 1)
    tasks = tuple(Task(task_id=t, operator="EmptyOperator", span=span) for t in IDS if not t.startswith("?"))
    return Dag(dag_id="d", span=span, tasks=tasks, edges=tuple(Edge(u, d) for u, d in edges),
               hidden_edges=tuple(hidden))


pairs = st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from(IDS)), max_size=14)


@settings(max_examples=150, deadline=None)
@given(pairs, pairs, st.permutations([t for t in IDS if not t.startswith("?")]))
def test_closure_matches_the_plain_definition_in_any_order_of_questions(edges, hidden, order) -> None:
    """Cycles, placeholders and the order tasks are asked in (answers are
    remembered and reused) never change an answer."""
    dag = make_dag(edges, hidden)
    expected = plain_closure(edges + hidden, list(dag.task_ids))
    closure = upstream_closure(dag)
    assert {task_id: closure[task_id] for task_id in order} == expected
    assert dict(closure) == expected
    assert closure.get("?x") is None and closure.get("nope", frozenset()) == frozenset()


def test_a_chain_gives_each_task_everything_above_it() -> None:
    closure = upstream_closure(make_dag([("a", "b"), ("b", "c"), ("c", "d")], [("d", "?x"), ("?x", "e")]))
    assert closure["a"] == frozenset()
    assert closure["d"] == {"a", "b", "c"}
    assert closure["e"] == {"a", "b", "c", "d"}
