"""How a rule's severity (``error``, ``warning``, ``info``) is named by each output format.

A lookup table, not a policy: severities are decided by the rules themselves.
"""

from __future__ import annotations

from typing import Dict

# SARIF 2.1.0 ``level``: none, note, warning, error
SARIF_LEVELS: Dict[str, str] = {"error": "error", "warning": "warning", "info": "note"}

# GitHub Actions workflow commands: ::error, ::warning, ::notice
GITHUB_COMMANDS: Dict[str, str] = {"error": "error", "warning": "warning", "info": "notice"}


def sarif_level(severity: str) -> str:
    return SARIF_LEVELS.get(severity, "warning")


def github_command(severity: str) -> str:
    return GITHUB_COMMANDS.get(severity, "warning")
