"""XCL110 template-in-non-templated-field: a Jinja pull Airflow never renders."""

from __future__ import annotations

from typing import Iterator

from ..model.records import Dag
from .context import RuleContext
from .registry import Report, rule
from .suggest import quoted_list


@rule(
    "XCL110",
    "template-in-non-templated-field",
    "A Jinja xcom_pull in an argument the operator does not template: it is never rendered.",
)
def template_in_non_templated_field(dag: Dag, context: RuleContext) -> Iterator[Report]:
    for found in dag.untemplated_pulls:
        fields = quoted_list(found.template_fields) if found.template_fields else "none of its arguments"
        yield Report(
            found.span,
            f"'{found.argument}' is not a template field of {found.operator}, so Airflow never renders this "
            f"xcom_pull: the task receives the text '{{{{ ... }}}}' itself; it templates {fields}. Pass the "
            f"value through a templated argument, or pass the XComArg (.output) to one",
            task_id=found.consumer if isinstance(found.consumer, str) else None,
            extra_noqa_lines=(found.end_line_of_string,) if found.end_line_of_string else (),
        )
