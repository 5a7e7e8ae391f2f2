"""Static values of literal expressions: strings, ids, ``str.format``, builtins."""

from __future__ import annotations

import re
import string
from typing import Any, Dict, List, Optional

import libcst as cst

from .records import UNKNOWN, TaskId
from .values import ConstVal, ListVal, StrPiece, StrVal, XComArgRef, unknown_str

MAX_UNROLL = 64  # literal loops longer than this are not unrolled
SUFFIX = re.compile(r"__\d+$")


def id_text(value: Any) -> TaskId:
    if isinstance(value, StrVal) and value.known:
        return value.text
    return UNKNOWN


def same_value(a: Any, b: Any) -> bool:
    if isinstance(a, StrVal) and isinstance(b, StrVal):
        return a.known and b.known and a.text == b.text
    return a is b


def xcomarg_string(value: XComArgRef, how: str, node: cst.CSTNode) -> StrVal:
    """``str(xcomarg)`` / ``f"{xcomarg}"``: the Jinja pull Airflow's ``XComArg.__str__``
    writes. Rendered only in a templated field, and it creates no dependency."""
    text = xcomarg_template(value)
    if text is None:
        return StrVal("\x00", (), known=False, embedded=((value, how, node),))
    return StrVal(text, (StrPiece(0, len(text), node, None),), embedded=((value, how, node),))


def xcomarg_template(value: XComArgRef) -> Optional[str]:
    task = value.task
    if not isinstance(task.task_id, str) or not isinstance(value.key, str):
        return None
    dag = f"dag_id='{task.dag.dag_id}', " if task.dag is not None and isinstance(task.dag.dag_id, str) else ""
    return f"{{{{ task_instance.xcom_pull(task_ids='{task.task_id}', {dag}key='{value.key}') }}}}"


def format_value(value: Any) -> Optional[str]:
    if isinstance(value, XComArgRef):
        return xcomarg_template(value)
    if isinstance(value, StrVal) and value.known:
        return value.text
    if isinstance(value, ConstVal) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
        return str(value.value)
    return None


def format_call(template: StrVal, args: List[Any], kwargs: Dict[str, Any]) -> Any:
    """``template.format(...)`` with plain replacement fields only. A format
    spec, a conversion or an index or attribute of an argument is UNKNOWN: they
    can make text no literal of the file holds (``"{:x<3}"`` pads with ``x``,
    ``"{0[1]}"`` picks one character), and the site pre-check relies on every
    computed string being literals, numbers and XComArgs joined end to end."""
    if not template.known or not _plain_fields(template.text):
        return unknown_str()
    plain_args = [format_value(a) for a in args]
    plain_kwargs = {k: format_value(v) for k, v in kwargs.items()}
    if any(a is None for a in plain_args) or any(v is None for v in plain_kwargs.values()):
        return unknown_str()
    try:
        return StrVal(template.text.format(*plain_args, **plain_kwargs))
    except (IndexError, KeyError, ValueError, AttributeError):
        return unknown_str()


def _plain_fields(template: str) -> bool:
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return False
    return all(
        name is None or (not spec and conversion is None and (name == "" or name.isdigit() or name.isidentifier()))
        for _, name, spec, conversion in fields
    )


def call_builtin(name: str, args: List[Any]) -> Any:
    if name == "range":
        return literal_range(args)
    if name == "str" and len(args) == 1:
        text = format_value(args[0])
        return StrVal(text) if text is not None else unknown_str()
    if name in ("list", "tuple") and len(args) == 1 and isinstance(args[0], ListVal):
        return ListVal(list(args[0].items))
    return UNKNOWN


def literal_range(args: List[Any]) -> Any:
    numbers = [a.value for a in args if isinstance(a, ConstVal) and isinstance(a.value, int)]
    if len(numbers) != len(args) or not 1 <= len(numbers) <= 3:
        return UNKNOWN
    try:
        values = range(*numbers)
    except ValueError:
        return UNKNOWN
    if len(values) > MAX_UNROLL:
        return UNKNOWN
    return ListVal([ConstVal(v) for v in values])

