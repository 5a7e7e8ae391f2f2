"""The exclusive-XCom allow-list: which task may read which key from which producer."""

from .loader import AllowListError, load_allowlist, parse_allowlist
from .records import AllowList, CrossDagRule, DagRules, XComRule

__all__ = [
    "AllowList", "AllowListError", "CrossDagRule", "DagRules", "XComRule", "load_allowlist", "parse_allowlist",
]
