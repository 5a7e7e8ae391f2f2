"""Did-you-mean suggestions for task ids and keys."""

from __future__ import annotations

import difflib
from typing import Iterable, Optional


def closest(word: str, candidates: Iterable[str]) -> Optional[str]:
    found = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return found[0] if found else None


def grouped_id(bare: str, task_ids: Iterable[str]) -> Optional[str]:
    """The full id of a task whose bare id (last segment) is ``bare``, if unique."""
    matches = sorted(t for t in task_ids if "." in t and t.rsplit(".", 1)[1] == bare)
    return matches[0] if len(matches) == 1 else None


def quoted_list(items: Iterable[str], limit: int = 5) -> str:
    items = sorted(set(items))
    shown = ", ".join(f"'{i}'" for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
