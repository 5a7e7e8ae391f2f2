"""What kind of value a task pushes or returns, worked out from its expression.

Only what is certain is reported: a literal set is a set, ``pd.read_csv(...)``
is a DataFrame, ``Variable.get("db_password")`` is a secret. A variable
assigned once in the same function is followed; anything else is unknown,
and rules say nothing about unknown values.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Iterable, List, Optional, Tuple

import libcst as cst

from ..knowledge import airflow_name
from .callables import CallableSummary
from .imports import dotted_name
from .moments import DATETIME, TIMEDELTA, arithmetic, describe_types, moment_types, moment_value, one_moment
from .records import UNKNOWN_VALUE, ValueInfo
from .values import ClassVal, FunctionVal, ImportedVal, StrVal

if TYPE_CHECKING:  # pragma: no cover
    from .builder import Builder

MAX_DEPTH = 6

# Airflow's own secret masker treats names containing these words as sensitive
# (DEFAULT_SENSITIVE_FIELDS); xcomlint uses the same list, plus "credential"
_SECRET_NAME = re.compile(
    r"access_?token|api_?key|authori[sz]ation|passphrase|passw(or)?d|pwd|private_?key|secret|token|credential|keyfile|service_account",
    re.IGNORECASE,
)
# the types of the ``datetime`` module, and the functions of ``datetime.X`` and
# of ``pendulum`` that make a value of type X (``datetime.date.today()``)
_DATETIME_TYPES = frozenset({"datetime", "date", "time", "timedelta"})
_DATETIME_CONSTRUCTORS = frozenset(
    {"now", "utcnow", "today", "fromtimestamp", "utcfromtimestamp", "fromisoformat", "strptime", "combine",
     "fromordinal", "fromisocalendar"}
)
_PENDULUM_CALLS = {
    "datetime": DATETIME, "now": DATETIME, "today": DATETIME, "yesterday": DATETIME, "tomorrow": DATETIME,
    "parse": DATETIME, "instance": DATETIME, "from_timestamp": DATETIME, "from_format": DATETIME,
    "local": DATETIME, "naive": DATETIME, "date": "date", "time": "time", "duration": TIMEDELTA,
}
_CLIENT_CALLS = {
    "boto3.client": "a boto3 client", "boto3.resource": "a boto3 resource", "boto3.Session": "a boto3 session",
    "boto3.session.Session": "a boto3 session", "psycopg2.connect": "a database connection",
    "pymysql.connect": "a database connection", "sqlite3.connect": "a database connection",
    "mysql.connector.connect": "a database connection", "snowflake.connector.connect": "a database connection",
    "sqlalchemy.create_engine": "a SQLAlchemy engine", "requests.Session": "a requests session",
    "redis.Redis": "a Redis client", "pymongo.MongoClient": "a MongoDB client", "socket.socket": "a socket",
    "threading.Lock": "a lock", "threading.Thread": "a thread", "paramiko.SSHClient": "an SSH client",
}
# methods of datetime, date, pendulum and pandas Timestamp values that return
# another such value: of the type named here, or (None) of the receiver's type
_DATETIME_METHODS = {
    "date": "date", "time": "time", "timetz": "time", "utcoffset": TIMEDELTA, "dst": TIMEDELTA,
    "to_pydatetime": DATETIME, "date_time": DATETIME,
    **dict.fromkeys(("replace", "astimezone", "start_of", "end_of", "add", "subtract", "in_timezone", "in_tz",
                     "naive", "next", "previous", "first_of", "last_of", "nth_of", "average", "normalize",
                     "floor", "ceil", "round", "tz_localize", "tz_convert")),
}
_SIGNS = {cst.Add: "+", cst.Subtract: "-", cst.Multiply: "*", cst.Divide: "/", cst.FloorDivide: "//",
          cst.Modulo: "%"}
# builtins whose result is a str, a number or a bool whatever they are given
_SCALAR_BUILTINS = frozenset(
    {"str", "repr", "ascii", "int", "float", "bool", "len", "round", "sum", "hash", "id", "ord", "chr", "hex",
     "oct", "bin", "format", "isinstance", "issubclass", "callable", "any", "all", "hasattr"}
)
_HTTP_CALLS = frozenset({"get", "post", "put", "patch", "delete", "head", "request"})
_ITERATORS = {"range": "a range object", "map": "a map iterator", "filter": "a filter iterator",
              "zip": "a zip iterator", "enumerate": "an enumerate iterator", "reversed": "a reverse iterator",
              "iter": "an iterator"}
_CONNECTION_SECRETS = frozenset({"password", "extra", "extra_dejson", "get_uri", "get_password", "get_extra"})
_ROW_METHODS = frozenset({"fetchall", "fetchmany", "get_records"})
_DATAFRAME_METHODS = frozenset({"get_pandas_df", "get_df", "get_polars_df", "to_pandas", "to_polars", "df"})
_FRAME_DATA_METHODS = frozenset({"to_dict", "to_json", "to_records", "tolist", "to_csv", "to_numpy", "to_list"})


# a name that ends with one of these words holds where a secret is, not the secret
# itself: ``VECTOR_SECRET_NAME``, ``DB_PASSWORD_ARN``, ``TOKEN_URL``
_POINTER_SUFFIX = re.compile(r"[_\-.](name|arn|id|path|url|uri|file|location|ref|region|bucket|prefix|version)$",
                             re.IGNORECASE)


def looks_secret(name: Optional[str]) -> bool:
    if not name or _SECRET_NAME.search(name) is None:
        return False
    return _POINTER_SUFFIX.search(name) is None


def merge(parts: Iterable[ValueInfo], known: bool, mapping: Optional[bool]) -> ValueInfo:
    parts = list(parts)
    non_json: List[Tuple[str, str]] = []
    for part in parts:
        for item in part.non_json:
            if item not in non_json:
                non_json.append(item)
    payload = next((p.payload for p in parts if p.payload), None)
    return ValueInfo(
        known=known and all(p.known for p in parts),
        non_json=tuple(non_json),
        payload=payload,
        dataframe=any(p.dataframe for p in parts),
        secret=next((p.secret for p in parts if p.secret), None),
        mapping=mapping,
    )


def _kind(kind: str, description: str, mapping: Optional[bool] = False) -> ValueInfo:
    return ValueInfo(known=True, non_json=((kind, description),), mapping=mapping)


JSON_SCALAR = ValueInfo(known=True, mapping=False)


class ValueAnalyzer:
    def __init__(self, builder: "Builder") -> None:
        self.builder = builder

    # ------------------------------------------------------------------ entry
    def analyze(self, expr: Optional[cst.BaseExpression], function: Optional[FunctionVal],
                summary: Optional[CallableSummary], depth: int = 0) -> ValueInfo:
        if expr is None or depth > MAX_DEPTH:
            return UNKNOWN_VALUE
        try:
            info = self._analyze(expr, function, summary, depth)
        except RecursionError:
            return UNKNOWN_VALUE
        if depth == 0 and isinstance(expr, (cst.List, cst.Tuple, cst.Dict, cst.Set, cst.SimpleString, cst.ConcatenatedString)):
            info = replace(info, literal_bytes=len(self.builder.module.code_for_node(expr).encode("utf-8", "replace")))
        if depth == 0 and info.whole == "datetime" and not _takes_a_method(expr):
            info = replace(info, whole=None)  # ``await x`` or ``a or b``: ``.isoformat()`` would bind to a part
        return info

    def _sub(self, expr, function, summary, depth) -> ValueInfo:
        return self.analyze(expr, function, summary, depth + 1)

    def _analyze(self, expr: cst.BaseExpression, function: Optional[FunctionVal],
                 summary: Optional[CallableSummary], depth: int) -> ValueInfo:
        sub = lambda e: self._sub(e, function, summary, depth)  # noqa: E731
        if isinstance(expr, cst.SimpleString):
            if "b" in expr.prefix.lower():
                return _kind("bytes", "a bytes literal")
            return JSON_SCALAR
        if isinstance(expr, (cst.Integer, cst.Float)):
            return JSON_SCALAR
        if isinstance(expr, cst.Imaginary):
            return _kind("complex", "a complex number")
        if isinstance(expr, cst.ConcatenatedString):
            return merge([sub(expr.left), sub(expr.right)], True, False)
        if isinstance(expr, cst.FormattedString):
            holes = [sub(p.expression) for p in expr.parts if isinstance(p, cst.FormattedStringExpression)]
            return ValueInfo(known=True, mapping=False, secret=next((h.secret for h in holes if h.secret), None))
        if isinstance(expr, cst.Name):
            return self._name(expr.value, function, summary, depth)
        if isinstance(expr, (cst.List, cst.Tuple)):
            return merge([sub(e.value) for e in expr.elements], True, False)
        if isinstance(expr, cst.Set):
            inner = merge([sub(e.value) for e in expr.elements], True, False)
            return replace(merge([inner, _kind("set", "a set")], True, False), whole="set")
        if isinstance(expr, cst.Dict):
            parts = []
            str_keys: Optional[bool] = True
            for element in expr.elements:
                if isinstance(element, cst.DictElement):
                    if isinstance(element.key, cst.Tuple):
                        parts.append(_kind("tuple_keys", "a dict with tuple keys", True))
                    if isinstance(element.key, (cst.Integer, cst.Float, cst.Tuple, cst.Imaginary)) or (
                        isinstance(element.key, cst.Name) and element.key.value in ("True", "False", "None")
                    ):
                        str_keys = False
                    elif not isinstance(element.key, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)) and str_keys:
                        str_keys = None
                    parts.append(sub(element.value))
                else:
                    parts.append(sub(element.value))
                    str_keys = None if str_keys else str_keys
            return replace(merge(parts, True, True), str_keys=str_keys)
        if isinstance(expr, (cst.ListComp,)):
            return merge([sub(expr.elt)], False, False)
        if isinstance(expr, cst.SetComp):
            return replace(_kind("set", "a set"), whole="set")
        if isinstance(expr, cst.DictComp):
            return merge([sub(expr.value)], False, True)
        if isinstance(expr, cst.GeneratorExp):
            return _kind("generator", "a generator expression")
        if isinstance(expr, cst.Lambda):
            return _kind("function", "a lambda")
        if isinstance(expr, cst.IfExp):
            body, orelse = sub(expr.body), sub(expr.orelse)
            mapping = body.mapping if body.mapping == orelse.mapping else None
            return merge([body, orelse], True, mapping)
        if isinstance(expr, cst.Await):
            return sub(expr.expression)
        if isinstance(expr, cst.BinaryOperation):
            left, right = sub(expr.left), sub(expr.right)
            sign = _SIGNS.get(type(expr.operator))
            if sign is not None and (left.moment or right.moment):
                moment = arithmetic(sign, left, right, self.builder.module.code_for_node(expr))
                if moment is not None:
                    return moment
            if isinstance(expr.operator, (cst.Add, cst.Modulo)):
                known = left.known and right.known and not left.non_json and not right.non_json
                return ValueInfo(known=known, mapping=False if known else None,
                                 secret=left.secret or right.secret)
            return ValueInfo(secret=left.secret or right.secret)
        if isinstance(expr, cst.Subscript):
            return self._subscript(expr, function, summary, depth)
        if isinstance(expr, cst.Attribute):
            return self._attribute(expr, function, summary, depth)
        if isinstance(expr, cst.Call):
            return self._call(expr, function, summary, depth)
        return UNKNOWN_VALUE

    # ------------------------------------------------------------------ parts
    def _name(self, name: str, function, summary, depth) -> ValueInfo:
        if name in ("True", "False", "None"):
            return JSON_SCALAR
        if summary is not None:
            if name in summary.single_assignments and name not in summary.params:
                return self._sub(summary.single_assignments[name], function, summary, depth)
            if name in summary.params or name in summary.local_names:
                return UNKNOWN_VALUE
        value = function.scope.lookup(name) if function is not None else self.builder.module_scope.lookup(name)
        if isinstance(value, FunctionVal):
            return _kind("function", f"the function '{name}'")
        if isinstance(value, ClassVal):
            return _kind("function", f"the class '{name}'")
        if isinstance(value, StrVal):
            return JSON_SCALAR
        return UNKNOWN_VALUE

    def _qualified(self, expr: cst.BaseExpression, function) -> Optional[str]:
        scope = function.scope if function is not None else self.builder.module_scope
        qualified = self.builder.context_of(scope).imports.qualify(expr)
        if qualified is None and isinstance(expr, cst.Name) and function is not None:
            value = function.scope.lookup(expr.value)
            if isinstance(value, ImportedVal):
                qualified = value.qualified
        return qualified

    def _literal_text(self, expr: Optional[cst.BaseExpression], function) -> Optional[str]:
        if expr is None:
            return None
        scope = function.scope if function is not None else self.builder.module_scope
        saved = self.builder.pure
        self.builder.pure = True
        try:
            value = self.builder.evaluate(expr, scope)
        except Exception:
            return None
        finally:
            self.builder.pure = saved
        return value.text if isinstance(value, StrVal) and value.known else None

    def _is_connection(self, expr: cst.BaseExpression, function, summary, depth: int) -> Optional[str]:
        """The connection id when ``expr`` is a ``get_connection(...)`` result."""
        if isinstance(expr, cst.Name) and summary is not None and expr.value in summary.single_assignments:
            if depth > MAX_DEPTH:
                return None
            return self._is_connection(summary.single_assignments[expr.value], function, summary, depth + 1)
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
            if expr.func.attr.value in ("get_connection", "get_connection_from_secrets"):
                first = expr.args[0].value if expr.args else None
                return self._literal_text(first, function) or ""
        return None

    def _subscript(self, expr: cst.Subscript, function, summary, depth) -> ValueInfo:
        base = dotted_name(expr.value) or ""
        index = expr.slice[0].slice if len(expr.slice) == 1 else None
        key = self._literal_text(index.value, function) if isinstance(index, cst.Index) else None
        if self._qualified(expr.value, function) == "os.environ" or base == "os.environ":
            if looks_secret(key):
                return ValueInfo(known=True, mapping=False, secret=f"the environment variable {key}")
            return JSON_SCALAR
        inner = self._sub(expr.value, function, summary, depth)
        if inner.secret:
            return ValueInfo(secret=inner.secret)
        return UNKNOWN_VALUE

    def _attribute(self, expr: cst.Attribute, function, summary, depth) -> ValueInfo:
        attr = expr.attr.value
        if attr in _CONNECTION_SECRETS:
            connection = self._is_connection(expr.value, function, summary, depth)
            if connection is not None:
                return ValueInfo(secret=f"the {attr} of {_connection(connection)}")
        if attr in ("values",):
            inner = self._sub(expr.value, function, summary, depth)
            if inner.dataframe:
                return ValueInfo(payload="the data of a DataFrame", non_json=(("numpy", "a NumPy array"),))
        return UNKNOWN_VALUE

    def _call(self, expr: cst.Call, function, summary, depth) -> ValueInfo:
        func = expr.func
        args = [a.value for a in expr.args if not a.star]
        # what a builtin makes of its values: ``sorted(ids, key=lambda x: ...)`` sorts ``ids``
        positional = [a.value for a in expr.args if not a.star and a.keyword is None]
        sub = lambda e: self._sub(e, function, summary, depth)  # noqa: E731
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            receiver = func.value
            if method in _CONNECTION_SECRETS:
                connection = self._is_connection(receiver, function, summary, depth)
                if connection is not None:
                    return ValueInfo(known=True, mapping=False, secret=f"the {method}() of {_connection(connection)}")
            if method in _ROW_METHODS:
                return ValueInfo(payload=f"query rows from {method}()")
            if method in _DATAFRAME_METHODS:
                return ValueInfo(dataframe=True, payload=f"a DataFrame from {method}()")
            if method in ("read", "read_text", "read_bytes", "readlines"):
                inner = sub(receiver)
                if method == "read_bytes" or any(k == "file" for k, _ in inner.non_json) or self._is_file_name(receiver, summary):
                    info = ValueInfo(payload=f"the contents of a file ({method}())")
                    return replace(info, non_json=(("bytes", "bytes from read_bytes()"),)) if method == "read_bytes" else info
            if method == "encode":
                return _kind("bytes", "bytes from .encode()")
            if method in _DATETIME_METHODS:
                received = moment_types(sub(receiver))
                if received is not None:
                    made = _DATETIME_METHODS[method]
                    types = frozenset({made}) if made is not None else received
                    text = " ".join(self.builder.module.code_for_node(expr).split())
                    return moment_value(types, f"{describe_types(types)} from {text}")
            if method in ("isoformat", "strftime", "hexdigest", "decode", "lower", "upper", "strip", "join", "format", "replace"):
                holes = [sub(a) for a in args] + [sub(receiver)]
                return ValueInfo(known=True, mapping=False, secret=next((h.secret for h in holes if h.secret), None))
            inner_receiver = None
            if method in _FRAME_DATA_METHODS or method in ("head", "tail", "copy", "dropna", "fillna", "sort_values", "reset_index", "filter", "merge", "groupby", "agg"):
                inner_receiver = sub(receiver)
                if inner_receiver.dataframe:
                    if method in _FRAME_DATA_METHODS:
                        return ValueInfo(payload=f"the data of a DataFrame ({method}())")
                    return ValueInfo(dataframe=True, payload=inner_receiver.payload)
        qualified = self._qualified(func, function)
        if qualified is None and isinstance(func, cst.Name):
            return self._builtin_or_local(func.value, args, positional, function, summary, depth)
        if qualified is None:
            return UNKNOWN_VALUE
        return self._library_call(qualified, expr, args, function, summary, depth)

    def _is_file_name(self, receiver: cst.BaseExpression, summary: Optional[CallableSummary]) -> bool:
        return isinstance(receiver, cst.Name) and summary is not None and receiver.value in summary.file_names

    def _builtin_or_local(self, name: str, args, positional, function, summary, depth) -> ValueInfo:
        sub = lambda e: self._sub(e, function, summary, depth)  # noqa: E731
        local = function.scope.lookup(name) if function is not None else self.builder.module_scope.lookup(name)
        if summary is not None and (name in summary.params or name in summary.local_names):
            return UNKNOWN_VALUE
        if isinstance(local, ClassVal):
            if _is_dataclass_like(local, self.builder):
                return _kind("dataclass", f"an instance of '{name}', a class defined in this file")
            return _kind("user_class", f"an instance of '{name}', a class defined in this file")
        if isinstance(local, FunctionVal):
            called = self.builder.summary(local)
            if called.yields:
                return _kind("generator", f"a generator from '{name}()'")
            if len(called.returns) == 1:
                return self._sub(called.returns[0].value, local, called, depth)
            return UNKNOWN_VALUE
        if local is not None:
            return UNKNOWN_VALUE
        if name in ("set", "frozenset"):
            info = merge([_materialised(sub(a)) for a in positional] + [_kind("set", f"a {name}")], True, False)
            return replace(info, whole="set")
        if name in ("bytes", "bytearray"):
            return _kind("bytes", f"a {name} object")
        if name == "complex":
            return _kind("complex", "a complex number")
        if name == "open":
            return _kind("file", "an open file")
        if name in _ITERATORS:
            return _kind("generator", _ITERATORS[name])
        if name == "dict":
            return merge([_materialised(sub(a)) for a in args], False, True)
        if name in ("list", "tuple", "sorted"):
            # the items of the iterable; ``key=`` and ``reverse=`` are not part of the value
            return merge([_materialised(sub(a), ("generator", "set")) for a in positional[:1]], False, False)
        if name in ("min", "max") and positional:
            # one of the arguments, or one item of a single iterable
            items = [_materialised(sub(a), ("generator", "set")) for a in positional]
            if len(positional) == 1:
                return replace(merge(items, False, None), whole=None)
            return _one_of(items)
        if name == "abs" and len(positional) == 1:
            value = sub(positional[0])
            if moment_types(value) == {TIMEDELTA}:
                return one_moment(TIMEDELTA, "a timedelta from abs()")
            return ValueInfo(known=True, mapping=False, secret=value.secret)
        if name in _SCALAR_BUILTINS:
            holes = [sub(a) for a in args]
            return ValueInfo(known=True, mapping=False, secret=next((h.secret for h in holes if h.secret), None))
        return UNKNOWN_VALUE

    def _library_call(self, qualified: str, expr: cst.Call, args, function, summary, depth) -> ValueInfo:
        parts = qualified.split(".")
        root, last = parts[0], parts[-1]
        # ``datetime.X(...)`` or ``datetime.X.now()`` (written ``X.now()`` or, through
        # another name, ``datetime.datetime.now()``: the last parts say which)
        made = last if last in _DATETIME_TYPES else (
            parts[-2] if len(parts) > 2 and parts[-2] in _DATETIME_TYPES and last in _DATETIME_CONSTRUCTORS else None)
        if root == "datetime" and made is not None:
            return one_moment(made, f"{describe_types(frozenset({made}))} from {qualified}()")
        if root == "pendulum" and last in _PENDULUM_CALLS:
            made = _PENDULUM_CALLS[last]
            return one_moment(made, f"a pendulum {'duration' if made == TIMEDELTA else made} from {qualified}()")
        if airflow_name(qualified) == "utcnow":
            return one_moment(DATETIME, "a datetime from timezone.utcnow()")
        if qualified in ("decimal.Decimal",):
            return _kind("decimal", "a Decimal")
        if root == "uuid" and last in ("uuid1", "uuid3", "uuid4", "uuid5", "UUID"):
            return _kind("uuid", f"a UUID from {qualified}()")
        if root in ("pandas", "polars", "modin", "dask") and (last.startswith(("read_", "scan_")) or last in ("DataFrame", "concat", "merge", "from_dict", "from_records", "json_normalize")):
            return ValueInfo(dataframe=True, payload=f"a DataFrame from {dotted_name(expr.func) or _short(qualified)}()")
        if qualified in _CLIENT_CALLS:
            return _kind("client", _CLIENT_CALLS[qualified])
        if root in ("requests", "httpx") and last in _HTTP_CALLS:
            return _kind("client", f"an HTTP response object from {dotted_name(expr.func) or _short(qualified)}()")
        if root == "json" and last == "dumps":
            holes = [self._sub(a, function, summary, depth) for a in args]
            return ValueInfo(known=True, mapping=False, secret=next((h.secret for h in holes if h.secret), None))
        if root == "os" and last in ("getenv",) or qualified == "os.environ.get":
            name = self._literal_text(args[0], function) if args else None
            if looks_secret(name):
                return ValueInfo(known=True, mapping=False, secret=f"the environment variable {name}")
            return UNKNOWN_VALUE
        name = airflow_name(qualified)
        if name == "get" and len(parts) >= 2 and parts[-2] == "Variable":
            variable = self._literal_text(args[0], function) if args else None
            if looks_secret(variable):
                return ValueInfo(secret=f"Variable.get('{variable}')")
            return UNKNOWN_VALUE
        if name in ("get_connection", "get_connection_from_secrets"):
            connection = self._literal_text(args[0], function) if args else None
            return ValueInfo(known=True, mapping=False, non_json=(("client", "an Airflow Connection object"),),
                             secret=_connection(connection or ""))
        if name is not None and name.endswith("Hook") and name[:1].isupper():
            return _kind("client", f"an Airflow hook ({name})")
        return UNKNOWN_VALUE


def _takes_a_method(expr: cst.BaseExpression) -> bool:
    """Whether ``expr.method()`` calls the method on the whole of ``expr``."""
    return bool(getattr(expr, "lpar", ())) or isinstance(expr, (cst.Name, cst.Call, cst.Attribute, cst.Subscript))


def _one_of(items: List[ValueInfo]) -> ValueInfo:
    """``max(a, b)``: one of the values, so what all of them are."""
    merged = merge(items, True, None)
    types = [moment_types(item) for item in items]
    if all(t is not None for t in types):
        union = frozenset().union(*types)  # type: ignore[arg-type]
        return moment_value(union, f"{describe_types(union)} from max() or min()")
    return replace(merged, mapping=items[0].mapping if all(i.mapping == items[0].mapping for i in items) else None)


def _connection(conn_id: str) -> str:
    return f"connection '{conn_id}'" if conn_id else "a connection"


def _materialised(info: ValueInfo, containers: Tuple[str, ...] = ("generator",)) -> ValueInfo:
    """``list(iterator)`` holds the items, not the iterator (or the set)."""
    kept = tuple(item for item in info.non_json if item[0] not in containers)
    return replace(info, non_json=kept) if kept != info.non_json else info


def _short(qualified: str) -> str:
    parts = qualified.split(".")
    return ".".join(parts[-2:]) if len(parts) > 1 else qualified


def _is_dataclass_like(cls: ClassVal, builder: "Builder") -> bool:
    """Dataclasses, attrs and pydantic models: Airflow serializes them, but the
    pull fails unless the class is in ``allowed_deserialization_classes``."""
    for decorator in cls.node.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        name = (dotted_name(target) or "").rsplit(".", 1)[-1]
        if name in ("dataclass", "define", "frozen", "s", "attrs", "mutable"):
            return True
    for base in cls.bases:
        if isinstance(base, ImportedVal) and base.qualified.rsplit(".", 1)[-1] == "BaseModel":
            return True
    return False
