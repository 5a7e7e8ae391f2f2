"""What xcomlint knows about Airflow's API: one table, easy to extend.

Names are matched by their last component under the ``airflow`` package, so
the Airflow 2 paths, the Airflow 3 ``airflow.sdk`` paths, the standard
provider and deprecated aliases all resolve to the same entry. A name that is
not imported from ``airflow`` is never treated as Airflow's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Optional, Tuple


def airflow_name(qualified: Optional[str]) -> Optional[str]:
    """The last component of a dotted name under ``airflow``, else None."""
    if not qualified or not (qualified == "airflow" or qualified.startswith("airflow.")):
        return None
    return qualified.rsplit(".", 1)[-1]


DAG_CLASSES = frozenset({"DAG"})
DAG_DECORATORS = frozenset({"dag"})
TASK_DECORATORS = frozenset({"task"})
SETUP_TEARDOWN = frozenset({"setup", "teardown"})
TASK_GROUP_CLASSES = frozenset({"TaskGroup"})
TASK_GROUP_DECORATORS = frozenset({"task_group"})
XCOMARG_CLASSES = frozenset({"XComArg", "PlainXComArg"})
GET_CURRENT_CONTEXT = frozenset({"get_current_context"})
CHAIN = "chain"
CHAIN_LINEAR = "chain_linear"
CROSS_DOWNSTREAM = "cross_downstream"

# names through which a callable reaches the running task instance
TI_NAMES = frozenset({"ti", "task_instance"})

# keys some operators push besides (or instead of) return_value; pulling them
# is never "unknown key" (docs/xcom-semantics.md, false-positive traps)
ALWAYS_ALLOWED_KEY_PREFIXES: Tuple[str, ...] = ("_link_",)

PUSHES_RETURN = "return"  # execute() returns a value: return_value is pushed
PUSHES_NOTHING = "nothing"  # execute() returns None: nothing is pushed
PUSHES_OPT_IN = "opt-in"  # do_xcom_push defaults to False
PUSHES_CALLABLE = "callable"  # whatever python_callable returns
PUSHES_UNKNOWN = "unknown"  # execute() could not be followed


@dataclass(frozen=True)
class OperatorInfo:
    template_fields: Optional[FrozenSet[str]]  # None: not known
    pushes: str
    extra_keys: Tuple[str, ...] = ()
    keys_known: bool = True  # extra_keys is every key execute() pushes besides return_value
    sensor: bool = False
    qualified: str = ""


_PYTHON_FIELDS = frozenset({"templates_dict", "op_args", "op_kwargs"})
_VENV_FIELDS = _PYTHON_FIELDS | {"requirements", "index_urls", "venv_cache_path", "python"}
_EMAIL_FIELDS = frozenset(
    {"to", "subject", "html_content", "files", "from_email", "cc", "bcc", "mime_subtype",
     "mime_charset", "conn_id", "custom_headers"}
)
_KPO_FIELDS = frozenset(
    {"image", "name", "hostname", "cmds", "arguments", "env_vars", "labels", "annotations",
     "namespace", "config_file", "pod_template_file", "pod_template_dict", "container_resources",
     "volumes", "volume_mounts", "cluster_context", "env_from", "configmaps", "node_selector",
     "kubernetes_conn_id", "base_container_name", "trigger_kwargs"}
)

OPERATORS: Dict[str, OperatorInfo] = {
    "BashOperator": OperatorInfo(frozenset({"bash_command", "env", "cwd"}), PUSHES_RETURN),
    "PythonOperator": OperatorInfo(_PYTHON_FIELDS, PUSHES_CALLABLE),
    "BranchPythonOperator": OperatorInfo(_PYTHON_FIELDS, PUSHES_CALLABLE, ("skipmixin_key",)),
    "ShortCircuitOperator": OperatorInfo(_PYTHON_FIELDS, PUSHES_CALLABLE),
    "PythonVirtualenvOperator": OperatorInfo(_VENV_FIELDS, PUSHES_CALLABLE),
    "BranchPythonVirtualenvOperator": OperatorInfo(_VENV_FIELDS, PUSHES_CALLABLE, ("skipmixin_key",)),
    "ExternalPythonOperator": OperatorInfo(_VENV_FIELDS, PUSHES_CALLABLE),
    "BranchExternalPythonOperator": OperatorInfo(_VENV_FIELDS, PUSHES_CALLABLE, ("skipmixin_key",)),
    "EmptyOperator": OperatorInfo(frozenset(), PUSHES_NOTHING),
    "DummyOperator": OperatorInfo(frozenset(), PUSHES_NOTHING),
    "EmailOperator": OperatorInfo(_EMAIL_FIELDS, PUSHES_NOTHING),
    "TriggerDagRunOperator": OperatorInfo(
        frozenset({"trigger_dag_id", "trigger_run_id", "conf", "execution_date", "logical_date",
                   "wait_for_completion", "skip_when_already_exists"}),
        PUSHES_NOTHING,
        ("trigger_run_id", "trigger_execution_date_iso", "trigger_logical_date_iso"),
    ),
    "SQLExecuteQueryOperator": OperatorInfo(
        frozenset({"sql", "parameters", "conn_id", "database", "hook_params"}), PUSHES_RETURN
    ),
    "KubernetesPodOperator": OperatorInfo(_KPO_FIELDS, PUSHES_OPT_IN, ("pod_name", "pod_namespace")),
    "HttpOperator": OperatorInfo(frozenset({"endpoint", "data", "headers", "http_conn_id"}), PUSHES_RETURN),
    "SimpleHttpOperator": OperatorInfo(frozenset({"endpoint", "data", "headers", "http_conn_id"}), PUSHES_RETURN),
    "SSHOperator": OperatorInfo(frozenset({"command", "environment", "remote_host", "ssh_conn_id"}), PUSHES_RETURN),
    "DockerOperator": OperatorInfo(
        frozenset({"image", "command", "environment", "env_file", "container_name", "mounts", "docker_conn_id"}),
        PUSHES_RETURN,
    ),
}

# @task.<flavour>: flavours whose pushed value is the decorated function's
# return value, and flavours that push something else
CALLABLE_FLAVOURS = frozenset(
    {"python", "virtualenv", "external_python", "branch", "branch_virtualenv",
     "branch_external_python", "short_circuit", "docker", "kubernetes", "pyspark", "run_if", "skip_if"}
)
RETURN_FLAVOURS = frozenset({"bash", "kubernetes_cmd"})
BRANCH_FLAVOURS = frozenset({"branch", "branch_virtualenv", "branch_external_python"})


def operator_info(qualified: Optional[str]) -> Optional[OperatorInfo]:
    """Knowledge about an operator class, only when it is imported from airflow."""
    name = airflow_name(qualified)
    return OPERATORS.get(name) if name else None


# What Airflow's own XCom serializer accepts beyond plain JSON, per major
# version (docs/xcom-semantics.md section 6.1: serde in 2.6-2.11 and 3.x).
# Dataclasses, attrs and pydantic models are pushed but fail on the pull
# unless allowed_deserialization_classes lists them, so they are never "accepted".
AIRFLOW_SERIALIZER_ACCEPTS = {
    2: frozenset({"set", "datetime", "decimal"}),
    3: frozenset({"set", "datetime", "decimal", "uuid", "tuple_keys"}),
}

# how to turn each kind of value into something JSON can carry
JSON_FIXES = {
    "set": "push a sorted list instead",
    "bytes": "decode it to text (or base64) first",
    "complex": "push its real and imaginary parts",
    "datetime": "push .isoformat() instead",
    "decimal": "push str(value) instead",
    "uuid": "push str(value) instead",
    "generator": "materialise it with list(...) first",
    "function": "push a name or import path instead",
    "file": "push the file's path instead",
    "client": "push the connection id or resource name instead and build the client in the consumer",
    "user_class": "push a dict of its fields instead",
    "dataclass": "push dataclasses.asdict(value) instead",
    "tuple_keys": "use string keys",
    "numpy": "push .tolist() instead",
}
