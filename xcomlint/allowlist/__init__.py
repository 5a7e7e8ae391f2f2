"""The exclusive-XCom allow-list: which task may read which key from which producer.

The records and the loader (and PyYAML with it) are imported on first use:
most runs have no allow-list, and a run served from the cache should start fast.
"""

from typing import Any

from .errors import AllowListError

__all__ = [
    "AllowList", "AllowListError", "CrossDagRule", "DagRules", "XComRule", "load_allowlist", "parse_allowlist",
]


def __getattr__(name: str) -> Any:
    if name in ("load_allowlist", "parse_allowlist"):
        from . import loader

        return getattr(loader, name)
    if name in ("AllowList", "CrossDagRule", "DagRules", "XComRule"):
        from . import records

        return getattr(records, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
