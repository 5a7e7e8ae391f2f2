"""Did-you-mean suggestions for task ids and keys."""

from __future__ import annotations

from typing import Iterable, Optional, Tuple


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> Optional[str]:
    """``difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)``, the
    same answer for less: the full ratio (the costly part: a generated DAG has
    hundreds of long ids alike) is computed from the most promising candidate
    down, and the search stops when no candidate left can beat the best found
    (``quick_ratio`` bounds ``ratio`` from above)."""
    import difflib  # loaded by the first suggestion: most runs make none

    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    bounded = []
    for candidate in set(candidates):
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() >= cutoff:
            bound = matcher.quick_ratio()
            if bound >= cutoff:
                bounded.append((bound, candidate))
    best: Optional[Tuple[float, str]] = None
    for bound, candidate in sorted(bounded, reverse=True):
        if best is not None and bound < best[0]:
            break
        matcher.set_seq1(candidate)
        score = matcher.ratio()
        if score >= cutoff and (best is None or (score, candidate) > best):
            best = (score, candidate)
    return best[1] if best is not None else None


def grouped_id(bare: str, task_ids: Iterable[str]) -> Optional[str]:
    """The full id of a task whose id ends with ``bare`` after a group prefix
    (``stage`` for ``warehouse.stage``; ``inner.stage`` for a nested
    ``outer.inner.stage``, written without the outer group), if unique."""
    matches = sorted(t for t in task_ids if t.endswith("." + bare))
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
    found = [c for c in set(candidates)
             if len(c) >= 4 and c != word and edit_distance(word, c, 1) == 1 and not _names_another(word, c)]
    return found[0] if len(found) == 1 else None


def _names_another(a: str, b: str) -> bool:
    if a.rstrip("s") == b.rstrip("s"):
        return True  # a plural
    changed = (set(a) ^ set(b)) | {x for x, y in zip(a, b) if x != y} | {y for x, y in zip(a, b) if x != y}
    return bool(changed) and all(ch.isdigit() for ch in changed)


def edit_distance(a: str, b: str, limit: Optional[int] = None) -> int:
    """Insertions, deletions, substitutions and swaps of two neighbours
    (``extarct`` is one swap from ``extract``). With ``limit``, any distance
    above it comes back as ``limit + 1`` as soon as it is certain: a DAG of
    hundreds of tasks asks this of every id for every pull of a missing one."""
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if limit is not None and min(current) > limit and (not previous2 or min(previous) > limit):
            return limit + 1  # a row (and the one before, for swaps) past the limit: no way back
        previous2, previous = previous, current
    return previous[len(b)] if limit is None else min(previous[len(b)], limit + 1)


def typo_of(word: str, candidates: Iterable[str]) -> Optional[str]:
    """The one candidate ``word`` is a one- or two-character typo of: None when
    none is, or several are, or the difference names another thing (a number,
    a plural). Two edits need a word of five characters or more, one edit
    three, so that a short word is not taken for another."""
    allowed = 2 if len(word) >= 5 else 1 if len(word) >= 3 else 0
    close = {c for c in candidates if c != word and edit_distance(word, c, allowed) <= allowed}
    if len(close) != 1:
        return None
    found = next(iter(close))
    return None if _names_another(word, found) else found
