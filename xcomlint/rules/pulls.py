"""Shared questions the pull rules ask of a Pull record."""

from __future__ import annotations

from typing import Tuple

from ..model.records import Pull


def graph_checkable(pull: Pull) -> bool:
    """A pull in this DAG, by a known task, with every argument statically known."""
    return (
        isinstance(pull.consumer, str)
        and not pull.has_star_args
        and not pull.targets_other_dag
        and pull.via != "xcomarg"
    )


def named_producers(pull: Pull) -> Tuple[str, ...]:
    """The literal task ids a pull names; empty when any is not literal."""
    producers = pull.producers
    if not producers or not all(isinstance(p, str) for p in producers):
        return ()
    return producers  # type: ignore[return-value]


def string_end(pull: Pull) -> tuple:
    """For a pull inside a multi-line string, the string's last line also takes a noqa."""
    return (pull.end_line_of_string,) if pull.end_line_of_string else ()


def pull_effect(pull: Pull) -> str:
    """What a pull that finds nothing does at runtime, for messages."""
    if pull.via == "xcomarg":
        if pull.effective_key == "return_value":
            return "the XComArg resolves to None"
        return "resolving the XComArg fails with XComNotFound on Airflow 2 and gives None on Airflow 3"
    if pull.via == "template":
        return "the template renders 'None'"
    return "the pull returns None"
