"""XCL104 pull-unknown-key: the named task never pushes that key."""

from __future__ import annotations

from typing import Iterator

from ..knowledge import ALWAYS_ALLOWED_KEY_PREFIXES
from ..model.records import RETURN_KEY, Dag
from .context import RuleContext
from .fixes import UNSAFE, literal_replacement, single_fix
from .pulls import pull_effect, pull_report, pulls_from_tasks
from .registry import Report, rule
from .suggest import closest, quoted_list, typo_of


@rule("XCL104", "pull-unknown-key", "The key is never pushed by the task the pull names.")
def pull_unknown_key(dag: Dag, context: RuleContext) -> Iterator[Report]:
    for pull, key, task in pulls_from_tasks(dag):
        # a missing return value, or a task that pushes nothing, is XCL106's finding
        if not task.pushes_known or key == RETURN_KEY or key.startswith(ALWAYS_ALLOWED_KEY_PREFIXES):
            continue
        if task.pushes_nothing:
            continue
        producer = task.task_id
        pushed = {p.key for p in dag.pushes if p.task_id == producer and isinstance(p.key, str)}
        if key in pushed:
            continue
        suggestion = closest(key, pushed)
        hint = f"; did you mean '{suggestion}'?" if suggestion else f"; it pushes only {quoted_list(pushed)}"
        # a short typo of the one close key the task pushes (unsafe: a typo is a
        # guess); one producer only, as the key is read from each task named
        typo = typo_of(key, pushed) if len(pull.producers) == 1 else None
        fix = None
        if typo is not None and typo == suggestion:
            fix = single_fix(f"Replace '{key}' with '{typo}'", UNSAFE, literal_replacement(pull.argument("key"), key, typo))
        yield pull_report(
            pull,
            f"task '{producer}' never pushes key '{key}'{hint} ({pull_effect(pull, task)})",
            at="key",
            fix=fix,
        )
