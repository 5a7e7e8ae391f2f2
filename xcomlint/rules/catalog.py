"""Importing this module registers every rule."""

from . import (  # noqa: F401
    allowlist_rules,
    duplicate_push,
    dynamic_pull,
    empty_key,
    implicit_pull,
    large_value,
    multiple_outputs_not_mapping,
    non_json_value,
    positional_pull_arguments,
    pull_from_silent_task,
    pull_unknown_key,
    pull_unknown_task,
    pull_without_task_ids,
    secret_in_xcom,
    syntax_error,
    template_in_non_templated_field,
    unresolved_xcomarg,
    unused_noqa,
    unused_push,
)
