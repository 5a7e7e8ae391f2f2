"""The error a broken allow-list raises: what a run without an allow-list
needs of the allow-list machinery, so that it loads nothing else."""

from __future__ import annotations


class AllowListError(Exception):
    """A broken allow-list: the file, line, column and key, and what is wrong."""

    def __init__(self, path: str, line: int, column: int, where: str, message: str) -> None:
        self.path, self.line, self.column, self.where, self.message = path, line, column, where, message
        prefix = f"{where}: " if where else ""
        super().__init__(f"{path}:{line}:{column}: {prefix}{message}")
