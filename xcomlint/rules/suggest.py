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


def one_typo_from(word: str, candidates: Iterable[str]) -> Optional[str]:
    """The one candidate ``word`` is a single typo away from (a letter replaced,
    added, dropped, or two swapped), when that typo is a plain slip: not a
    different number (``load_1``/``load_2``) and not a plural (``order``/``orders``),
    which name other things as often as they mistype."""
    found = [c for c in set(candidates) if len(c) >= 4 and _one_edit(word, c) and not _names_another(word, c)]
    return found[0] if len(found) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _names_another(a: str, b: str) -> bool:
    if a.rstrip("s") == b.rstrip("s"):
        return True  # a plural
    changed = {ch for ch in set(a) ^ set(b)} | {x for x, y in zip(a, b) if x != y} | {y for x, y in zip(a, b) if x != y}
    return bool(changed) and all(ch.isdigit() for ch in changed)
