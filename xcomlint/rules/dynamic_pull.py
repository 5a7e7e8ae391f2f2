"""XCL105 dynamic-pull: task_ids or key not a literal, so nothing can be verified."""

from __future__ import annotations

from typing import Iterator

from ..model.records import UNKNOWN, FileModel
from .context import RuleContext
from .pulls import pull_report
from .registry import FILE_SCOPE, Report, rule


def _is_dynamic(value: object) -> bool:
    if value is UNKNOWN:
        return True
    return isinstance(value, tuple) and any(_is_dynamic(v) for v in value)


@rule(
    "XCL105",
    "dynamic-pull",
    "task_ids or key is not a literal, so the pull cannot be verified.",
    default=False,
    severity="info",
    scope=FILE_SCOPE,
)
def dynamic_pull(model: FileModel, context: RuleContext) -> Iterator[Report]:
    for _, pull in model.all_pulls():
        if pull.via == "xcomarg":
            continue
        parts = [name for name, value in (("task_ids", pull.task_ids), ("key", pull.key)) if _is_dynamic(value)]
        if not parts:
            continue
        what = " and ".join(parts)
        verb = "are" if len(parts) > 1 else "is"
        yield pull_report(
            pull,
            f"{what} {verb} computed at runtime, so xcomlint cannot check that this pull finds a value; "
            f"prefer literal task ids and keys",
        )
