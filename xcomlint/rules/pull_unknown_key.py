"""XCL104 pull-unknown-key: the named task never pushes that key."""

from __future__ import annotations

from typing import Iterator

from ..knowledge import ALWAYS_ALLOWED_KEY_PREFIXES
from ..model.records import RETURN_KEY, Dag
from .context import RuleContext
from .pulls import named_producers, pull_effect, string_end
from .registry import Report, rule
from .suggest import closest, quoted_list


@rule("XCL104", "pull-unknown-key", "The key is never pushed by the task the pull names.")
def pull_unknown_key(dag: Dag, context: RuleContext) -> Iterator[Report]:
    tasks = {t.task_id: t for t in dag.tasks if isinstance(t.task_id, str)}
    for pull in dag.pulls:
        key = pull.effective_key
        if pull.has_star_args or pull.targets_other_dag or not isinstance(key, str) or not key:
            continue  # key="" / key=None is XCL108's finding
        # a missing return value is XCL106's finding (the task is silent)
        if key == RETURN_KEY or key.startswith(ALWAYS_ALLOWED_KEY_PREFIXES):
            continue
        for producer in named_producers(pull):
            task = tasks.get(producer)
            if task is None or not task.pushes_known or task.pushes_nothing:
                continue
            pushed = {p.key for p in dag.pushes if p.task_id == producer and isinstance(p.key, str)}
            if key in pushed:
                continue
            suggestion = closest(key, pushed)
            hint = f"; did you mean '{suggestion}'?" if suggestion else f"; it pushes only {quoted_list(pushed)}"
            yield Report(
                pull.span,
                f"task '{producer}' never pushes key '{key}'{hint} ({pull_effect(pull)})",
                task_id=pull.consumer if isinstance(pull.consumer, str) else None,
                extra_noqa_lines=string_end(pull),
            )
