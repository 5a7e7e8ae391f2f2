"""What the configuration says about fixes, and the line that counts them
after a run: all a run without ``--fix`` needs of fixing (``autofix`` does
the fixing, and loads what only that needs)."""

from __future__ import annotations

from dataclasses import replace
from typing import List, Optional, Sequence

from .findings import SAFE, UNSAFE, Finding
from .settings import Settings, most_specific
from .summary import plural


def with_fix_policy(findings: Sequence[Finding], settings: Settings) -> List[Finding]:
    """The configuration's say on fixes: ``fixable`` / ``unfixable`` decide which
    rules' fixes exist at all, ``extend-safe-fixes`` / ``extend-unsafe-fixes``
    make a rule's fixes safe or unsafe; the more specific code or prefix wins,
    and between codes as specific as each other, ``unfixable`` and unsafe win."""
    adjusted = []
    for finding in findings:
        fix = finding.fix
        if fix is not None and not most_specific(finding.code, settings.fixable, settings.unfixable):
            fix = None
        if fix is not None:
            safer = most_specific(finding.code, settings.extend_safe_fixes, settings.extend_unsafe_fixes)
            if safer is not None:
                applicability = SAFE if safer else UNSAFE
                if applicability != fix.applicability:
                    fix = replace(fix, applicability=applicability)
        adjusted.append(finding if fix is finding.fix else replace(finding, fix=fix))
    return adjusted


def hidden_hint(count: int) -> str:
    return f"{plural(count, 'hidden fix', 'hidden fixes')} can be enabled with --unsafe-fixes"


def fixable_summary(findings: Sequence[Finding], unsafe: bool) -> Optional[str]:
    """After the findings of a run without ``--fix``: how many ``--fix`` would fix."""
    fixable = sum(1 for f in findings if f.fixable(unsafe))
    hidden = 0 if unsafe else sum(1 for f in findings if f.fix is not None and f.fix.applicability == UNSAFE)
    if not fixable and not hidden:
        return None
    if not fixable:
        return f"No fixes available ({hidden_hint(hidden)})."
    option = "--fix --unsafe-fixes" if unsafe else "--fix"
    text = f"[*] {fixable} fixable with {option}"
    return text + (f" ({hidden_hint(hidden)})." if hidden else ".")
