"""Static values of literal expressions: strings, ids, ``str.format``, builtins."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

import libcst as cst

from .records import UNKNOWN, ArgValue, TaskId, parts_pattern
from .values import (
    HOLE,
    ConstVal,
    DictVal,
    EnumMemberVal,
    FilePathVal,
    ListVal,
    StrPiece,
    StrVal,
    XComArgRef,
    unknown_str,
)

MAX_UNROLL = 64  # literal loops longer than this are not unrolled
SUFFIX = re.compile(r"__\d+$")


def id_text(value: Any) -> TaskId:
    if isinstance(value, EnumMemberVal):
        value = value.as_string
    if isinstance(value, StrVal) and value.known:
        return value.text
    return UNKNOWN


def formatted_id(value: Any) -> TaskId:
    """An id Airflow formats into a string: ``TaskGroup.child_id`` writes
    ``f"{group_id}.{label}"``. A member of a ``(str, Enum)`` formats as its value
    up to Python 3.10 and as ``Cls.NAME`` from 3.11 on (a ``StrEnum`` member as
    its value on every version): which one depends on the Python that runs the
    DAG, so the id is not known."""
    if isinstance(value, EnumMemberVal) and value.owner.enum == "str":
        return UNKNOWN
    return id_text(value)


def child_task_id(group: Any, value: Any) -> TaskId:
    """The id of a task or group labelled ``value`` in ``group`` (a GroupState or None)."""
    if group is None:
        return id_text(value)
    return group.child_id(formatted_id(value) if group.prefix else id_text(value))


def id_regex(value: Any) -> str:
    """A regular expression the id made from ``value`` matches: the known parts
    of an f-string id (``f"load_{table}"`` gives ``load_.*``), else anything."""
    if isinstance(value, EnumMemberVal):
        text = value.as_string
        if value.owner.enum == "str" and isinstance(text, StrVal) and text.known:
            # formatted by one Python or another (formatted_id): either form
            return f"(?:{re.escape(text.text)}|{re.escape(value.owner.name)}\\.{re.escape(value.name)})"
        value = text
    if isinstance(value, StrVal):
        return parts_pattern(value.text.split(HOLE))
    return ".*"


def id_parts(text: str) -> Optional[Tuple[str, ...]]:
    """The known parts of an id with unknown ones (``"load_\\x00"`` gives
    ``("load_", "")``), when they say enough (three characters or more) to rule ids out."""
    parts = tuple(text.split(HOLE))
    return parts if sum(len(part) for part in parts) >= 3 else None


def without_holes(value: ArgValue) -> ArgValue:
    """An argument read from a template's text, UNKNOWN where an f-string hole
    made it unknown (``key="row_{table}"``): what a Python pull of that value is."""
    if isinstance(value, str) and HOLE in value:
        return UNKNOWN
    if isinstance(value, tuple):
        return tuple(without_holes(item) for item in value)
    return value


# str methods whose result the model works out for a known string and known arguments
_STRING_METHODS = frozenset(
    {"replace", "split", "rsplit", "removesuffix", "removeprefix", "strip", "lstrip", "rstrip", "upper", "lower",
     "title", "capitalize", "casefold", "zfill"}
)


def string_method(text: str, name: str, args: List[Any], kwargs: Dict[str, Any]) -> Any:
    """``"etl.py".replace(".py", "")`` and the like; UNKNOWN for anything else."""
    if name not in _STRING_METHODS or not hasattr(text, name):
        return UNKNOWN
    plain_args = [_plain(a) for a in args]
    plain_kwargs = {k: _plain(v) for k, v in kwargs.items()}
    if any(a is UNKNOWN for a in plain_args) or any(v is UNKNOWN for v in plain_kwargs.values()):
        return UNKNOWN
    try:
        result = getattr(text, name)(*plain_args, **plain_kwargs)
    except (TypeError, ValueError, OverflowError, MemoryError):
        return UNKNOWN
    if isinstance(result, str):
        return StrVal(result)
    if isinstance(result, list) and len(result) <= MAX_UNROLL:
        return ListVal([StrVal(item) for item in result])
    return UNKNOWN


def _plain(value: Any) -> Any:
    """A known str or int argument as a Python value, else UNKNOWN."""
    if isinstance(value, StrVal) and value.known:
        return value.text
    if isinstance(value, ConstVal) and (value.value is None or type(value.value) is int) and (
        value.value is None or abs(value.value) <= 10_000
    ):
        return value.value
    return UNKNOWN


# ``os.path`` and ``pathlib`` functions that keep a file name the model knows
PATH_FUNCTIONS = frozenset(
    {"os.path.basename", "os.path.splitext", "os.path.abspath", "os.path.realpath", "os.path.normpath",
     "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath"}
)


def path_function(qualified: str, args: List[Any]) -> Any:
    """``os.path.basename(__file__)``, ``Path(__file__)``, ``os.path.splitext(name)``."""
    if len(args) != 1:
        return UNKNOWN
    value = args[0]
    name = qualified.rsplit(".", 1)[-1]
    if name == "basename":
        if isinstance(value, FilePathVal):
            return StrVal(value.name)
        if isinstance(value, StrVal) and value.known:
            return StrVal(value.text.replace("\\", "/").rsplit("/", 1)[-1])
        return UNKNOWN
    if name == "splitext":
        if isinstance(value, StrVal) and value.known:
            import posixpath

            root, ext = posixpath.splitext(value.text)
            return ListVal([StrVal(root), StrVal(ext)])
        return UNKNOWN
    return value if isinstance(value, FilePathVal) else UNKNOWN


def file_path_attribute(path: FilePathVal, attr: str) -> Any:
    """``Path(__file__).stem`` and ``.name``, ``.suffix``; the parent is not known."""
    import posixpath

    root, ext = posixpath.splitext(path.name)
    values = {"name": path.name, "stem": root, "suffix": ext}
    return StrVal(values[attr]) if attr in values else UNKNOWN


def truth(value: Any) -> Optional[bool]:
    """Whether a value is true in an ``if``, when that is known."""
    if isinstance(value, ConstVal):
        return bool(value.value)
    if isinstance(value, StrVal) and value.known:
        return bool(value.text)
    return None


def same_value(a: Any, b: Any) -> bool:
    if isinstance(a, StrVal) and isinstance(b, StrVal):
        return a.known and b.known and a.text == b.text
    return a is b


def xcomarg_string(value: XComArgRef, how: str, node: cst.CSTNode) -> StrVal:
    """``str(xcomarg)`` / ``f"{xcomarg}"``: the Jinja pull Airflow's ``XComArg.__str__``
    writes. Rendered only in a templated field, and it creates no dependency."""
    text = xcomarg_template(value)
    if text is None:
        return StrVal(HOLE, (), known=False, embedded=((value, how, node),))
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


def format_call(template: StrVal, args: List[Any], kwargs: Dict[str, Any]) -> StrVal:
    """``template.format(...)``: the template's own text keeps its source positions
    (so a Jinja pull written in it is found where it stands) and each plain
    replacement field becomes its argument's text. A field with a format spec, a
    conversion, an index or an attribute is a hole of unknown text: it can print
    letters no literal of the file holds (``"{:x<3}"`` pads with ``x``), and the
    site pre-check relies on every computed string being literals, numbers and
    XComArgs joined end to end."""
    result = StrVal("", ())
    position = 0
    automatic = 0
    for start, end, field in _format_fields(template.text):
        result = result + template.slice(position, start)
        position = end
        if field is None:  # ``{{`` or ``}}``: one brace of the two
            result = result + template.slice(start, start + 1)
            continue
        name, _, rest = field.partition(":")
        if rest or "!" in name or "[" in name or "." in name:
            result = result + unknown_str()
            continue
        if name == "":
            value = args[automatic] if automatic < len(args) else UNKNOWN
            automatic += 1
        elif name.isdigit():
            value = args[int(name)] if int(name) < len(args) else UNKNOWN
        else:
            value = kwargs.get(name, UNKNOWN)
        result = result + _as_text(value)
    return result + template.slice(position, len(template.text))


def _format_fields(text: str) -> List[Tuple[int, int, Optional[str]]]:
    """``(start, end, field)`` of each replacement field of a ``str.format``
    template, and ``(start, end, None)`` for each doubled brace."""
    found: List[Tuple[int, int, Optional[str]]] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in "{}" and text[index + 1: index + 2] == char:
            found.append((index, index + 2, None))
            index += 2
        elif char == "{":
            depth, end = 1, index + 1
            while end < len(text) and depth:
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                end += 1
            found.append((index, end, text[index + 1: end - 1] if not depth else "!"))
            index = end
        else:
            index += 1
    return found


_PERCENT = re.compile(r"%(?:\((?P<name>[^)]*)\))?(?P<flags>[-#0 +]*\d*(?:\.\d+)?)(?P<kind>[a-zA-Z%])")


def percent_format(template: StrVal, values: Any) -> StrVal:
    """``template % values``: like ``format_call``, for ``%s`` and ``%d`` fields
    without flags (others are holes); ``values`` is one value, a tuple or a dict."""
    result = StrVal("", ())
    position = 0
    positional = values.items if isinstance(values, ListVal) else [values]
    index = 0
    for match in _PERCENT.finditer(template.text):
        result = result + template.slice(position, match.start())
        position = match.end()
        kind = match.group("kind")
        if kind == "%":
            result = result + template.slice(match.start(), match.start() + 1)
            continue
        if match.group("name") is not None:
            value = values.get(match.group("name")) if isinstance(values, DictVal) else UNKNOWN
        else:
            value = positional[index] if index < len(positional) else UNKNOWN
            index += 1
        if kind not in "sdi" or match.group("flags"):
            result = result + unknown_str()
        else:
            result = result + _as_text(value)
    return result + template.slice(position, len(template.text))


def _as_text(value: Any) -> StrVal:
    """What a formatted value prints, with its source positions when it is a string."""
    if isinstance(value, XComArgRef):
        return xcomarg_string(value, "format", value.node)
    if isinstance(value, StrVal):
        return value
    text = format_value(value)
    return StrVal(text) if text is not None else unknown_str()


# characters json.dumps writes as themselves inside a string (with ensure_ascii,
# the default); a string with any other is a hole, since its escaped text would
# no longer line up with the source
_JSON_PLAIN = re.compile(r"[ !#-\[\]-~]*")
MAX_JSON_DEPTH = 20


def json_dumps(args: List[Any], kwargs: Dict[str, Any]) -> StrVal:
    """``json.dumps(value)``: the JSON text, in which the strings of ``value``
    keep their source positions (a Jinja template in a dict stays a template of
    the rendered field); what the model cannot write exactly is a hole."""
    if len(args) != 1 or kwargs:
        return unknown_str()  # indent, separators, sort_keys... change the layout
    return _json_text(args[0], 0)


def _json_text(value: Any, depth: int) -> StrVal:
    if depth > MAX_JSON_DEPTH:
        return unknown_str()
    if isinstance(value, StrVal):
        # NUL characters stand for the parts of a string that are not known (holes)
        if not _JSON_PLAIN.fullmatch(value.text if value.known else value.text.replace(HOLE, "")):
            return unknown_str()
        return StrVal('"') + value + StrVal('"')
    if isinstance(value, ConstVal):
        constant = value.value
        if constant is None or type(constant) is bool:
            return StrVal("null" if constant is None else str(constant).lower())
        if type(constant) is int:
            return StrVal(str(constant))
        return unknown_str()
    if isinstance(value, ListVal):
        result = StrVal("[")
        for index, item in enumerate(value.items):
            result = result + StrVal(", " if index else "") + _json_text(item, depth + 1)
        return result + StrVal("]")
    if isinstance(value, DictVal):
        result = StrVal("{")
        for index, (key, item) in enumerate(value.items):
            name = _json_text(key, depth + 1) if isinstance(key, StrVal) else unknown_str()
            result = result + StrVal(", " if index else "") + name + StrVal(": ") + _json_text(item, depth + 1)
        return result + StrVal("}")
    return unknown_str()


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

