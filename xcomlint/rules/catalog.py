"""Importing this module registers every rule."""

from . import (  # noqa: F401
    dynamic_pull,
    implicit_pull,
    pull_unknown_key,
    pull_unknown_task,
    pull_without_task_ids,
    syntax_error,
)
