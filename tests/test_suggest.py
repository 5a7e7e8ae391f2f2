"""Did-you-mean suggestions: ``closest`` answers as difflib's get_close_matches does."""

from __future__ import annotations

import difflib
from typing import List

from hypothesis import given, settings
from hypothesis import strategies as st

from xcomlint.rules.suggest import closest

ids = st.text(alphabet="abcde_.12", min_size=0, max_size=14)


@settings(max_examples=400, deadline=None)
@given(ids, st.lists(ids, max_size=25), st.sampled_from([0.0, 0.3, 0.6, 0.8]))
def test_closest_is_get_close_matches(word: str, candidates: List[str], cutoff: float) -> None:
    found = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=cutoff)
    assert closest(word, candidates, cutoff) == (found[0] if found else None)


def test_closest_among_long_generated_ids() -> None:
    candidates = [f"sq{n:03}.sq{n:03}_enrichment.join_{step}_id" for n in range(40)
                  for step in ("step_pln_snapshot", "br_loctn_ou", "cust")]
    word = "sq005.sq005_enrichment.join_step_pln_snapshot"
    expected = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    assert closest(word, candidates) == expected[0] == "sq005.sq005_enrichment.join_step_pln_snapshot_id"
    assert closest("zzzz", candidates) is None
