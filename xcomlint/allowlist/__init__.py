"""The exclusive-XCom allow-list: which task may read which key from which producer.

The loader (and PyYAML with it) is imported on first use: most runs have no
allow-list, and a run served from the cache should start fast.
"""

from typing import Any

from .records import AllowList, AllowListError, CrossDagRule, DagRules, XComRule

__all__ = [
    "AllowList", "AllowListError", "CrossDagRule", "DagRules", "XComRule", "load_allowlist", "parse_allowlist",
]


def __getattr__(name: str) -> Any:
    if name in ("load_allowlist", "parse_allowlist"):
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
