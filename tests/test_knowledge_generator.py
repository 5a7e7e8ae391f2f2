"""The operator-knowledge generator's static reading, on small source trees.

Nothing is downloaded: each test builds the modules of a tiny Airflow (the
base classes at their real paths) and of a provider, and reads them the way
``scripts/generate_knowledge.py`` reads the real wheels.
"""

from __future__ import annotations

import json
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Dict

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
sys.path.insert(0, str(SCRIPTS))

import generate_knowledge as gk  # noqa: E402
import knowledge_source as ks  # noqa: E402

AIRFLOW3 = {
    "airflow": "",
    "airflow.sdk": """
        __lazy_imports = {"BaseOperator": ".bases.operator", "BaseSensorOperator": ".bases.sensor"}
        def __getattr__(name):
            return None
    """,
    "airflow.sdk.bases": "",
    "airflow.sdk.bases.operator": """
        class BaseOperator:
            template_fields = ()
            def __init__(self, do_xcom_push: bool = True, **kwargs):
                if isinstance(self.template_fields, str):
                    self.template_fields = [self.template_fields]
            def execute(self, context):
                raise NotImplementedError()
    """,
    "airflow.sdk.bases.sensor": """
        from airflow.sdk.bases.operator import BaseOperator
        class PokeReturnValue:
            pass
        class BaseSensorOperator(BaseOperator):
            def poke(self, context):
                raise NotImplementedError()
            def execute(self, context):
                value = self.poke(context)
                return value.xcom_value
    """,
    "airflow.operators": """
        from airflow.utils.deprecation_tools import add_deprecated_classes
        __deprecated_classes = {"shell": {"ShellOperator": "airflow.providers.demo.operators.shell.ShellOperator"}}
        add_deprecated_classes(__deprecated_classes, __name__)
    """,
}
AIRFLOW2 = {
    "airflow": "",
    "airflow.models": "from airflow.models.baseoperator import BaseOperator\n",
    "airflow.models.baseoperator": AIRFLOW3["airflow.sdk.bases.operator"],
    "airflow.sensors": "",
    "airflow.sensors.base": AIRFLOW3["airflow.sdk.bases.sensor"].replace(
        "airflow.sdk.bases.operator", "airflow.models.baseoperator"),
}
COMPAT = textwrap.dedent("""
    from airflow.providers.demo.version_compat import AIRFLOW_V_3_0_PLUS
    if AIRFLOW_V_3_0_PLUS:
        from airflow.sdk import BaseOperator
        from airflow.sdk.bases.sensor import BaseSensorOperator, PokeReturnValue
    else:
        from airflow.models import BaseOperator
        from airflow.sensors.base import BaseSensorOperator, PokeReturnValue
""")


def world(provider: Dict[str, str], version=(3, 3, 2)) -> ks.World:
    core = AIRFLOW3 if version[0] >= 3 else AIRFLOW2
    modules = {**core, "airflow.providers": "", "airflow.providers.demo": "",
               "airflow.providers.demo.version_compat": "AIRFLOW_V_3_0_PLUS = True\n",
               "airflow.providers.demo.operators": "", **provider}
    packages = {name for name in modules for other in modules if other.startswith(name + ".")}
    sources = {name: (textwrap.dedent(text), name in packages) for name, text in modules.items()}
    return ks.World("test", version, sources)


def facts(source: str, name: str = "Op", version=(3, 3, 2), extra: Dict[str, str] = None) -> ks.Facts:
    w = world({"airflow.providers.demo.operators.demo": COMPAT + textwrap.dedent(source), **(extra or {})}, version)
    ref = w.lookup("airflow.providers.demo.operators.demo", name)
    assert isinstance(ref, ks.ClassRef)
    return ks.operator_facts(w, ref)


@pytest.mark.parametrize("body, expected", [
    ('template_fields = ("a", "b")', ("a", "b")),
    ('template_fields: Sequence[str] = ["a"]', ("a",)),
    ('template_fields = Base.template_fields + ("c",)', ("a", "b", "c")),
    ('template_fields = (*Base.template_fields, "c")', ("a", "b", "c")),
    ('template_fields = tuple({"c"} | set(Base.template_fields))', ("a", "b", "c")),
    ('template_fields = tuple({"c"}.union(Base.template_fields))', ("a", "b", "c")),
    ('template_fields = sorted(FIELDS)', ("x", "y")),
    ('template_fields = merged("c", "d")', ("c", "conn_id", "d")),
    ('template_fields = "sql"', ("sql",)),
    ("pass", ("a", "b")),
])
def test_template_fields_forms(body: str, expected) -> None:
    source = f"""
        FIELDS = ["y", "x"]
        def merged(*fields: str) -> tuple:
            if not all(isinstance(f, str) for f in fields):
                raise TypeError("strings only")
            return tuple(sorted({{"conn_id"}} | set(fields)))
        class Base(BaseOperator):
            template_fields = ("a", "b")
        class Op(Base):
            {body}
    """
    assert facts(source).template_fields == expected


@pytest.mark.parametrize("body", [
    "template_fields = compute_fields()",
    "template_fields = (f'{PREFIX}_sql',)",
    "@property\n            def template_fields(self):\n                return ('a',)",
    "def __init__(self, **kwargs):\n"
    "                super().__init__(**kwargs)\n"
    "                self.template_fields = ('a',)",
])
def test_template_fields_not_evaluable_are_unknown(body: str) -> None:
    source = f"""
        from somewhere import compute_fields
        PREFIX = "x"
        class Op(BaseOperator):
            {body}
    """
    assert facts(source).template_fields is None


def test_helper_from_another_module_and_inheritance_through_modules() -> None:
    extra = {
        "airflow.providers.demo.utils": """
            def demo_fields(*names):
                return tuple(sorted({"demo_conn_id"} | set(names)))
        """,
        "airflow.providers.demo.operators.base": """
            from airflow.providers.demo.utils import demo_fields
            from airflow.sdk import BaseOperator
            class DemoBase(BaseOperator):
                template_fields = demo_fields("bucket")
        """,
    }
    source = """
        from airflow.providers.demo.operators.base import DemoBase
        class Op(DemoBase):
            def execute(self, context):
                return 1
    """
    result = facts(source, extra=extra)
    assert result.template_fields == ("bucket", "demo_conn_id")
    assert result.pushes == ks.PUSHES_RETURN


@pytest.mark.parametrize("version", [(2, 10, 5), (3, 3, 2)])
def test_conditional_imports_resolve_in_each_world(version) -> None:
    result = facts("""
        try:
            from airflow.sdk import BaseOperator as Base
        except ImportError:
            from airflow.models import BaseOperator as Base
        class Op(Base):
            template_fields = ("a",)
            def execute(self, context):
                return None
    """, version=version)
    assert result.template_fields == ("a",)
    assert result.pushes == ks.PUSHES_NOTHING


@pytest.mark.parametrize("execute, expected", [
    ("return self.hook.run()", ks.PUSHES_RETURN),
    ("self.hook.run()", ks.PUSHES_NOTHING),
    ("if self.x:\n                    return\n                return None", ks.PUSHES_NOTHING),
    ("return self.helper()", ks.PUSHES_NOTHING),
    ("return self.valued()", ks.PUSHES_RETURN),
    ("return super().execute(context)", ks.PUSHES_UNKNOWN),
    ("raise NotImplementedError()", ks.PUSHES_UNKNOWN),
    ("yield 1", ks.PUSHES_UNKNOWN),
    ("self.defer(trigger=T(), method_name='done')", ks.PUSHES_RETURN),
    ("self.defer(trigger=T(), method_name=self.finish_method)", ks.PUSHES_RETURN),
    ("self.defer(trigger=T())", ks.PUSHES_NOTHING),
    ("self.defer(trigger=T(), method_name=self.done.__name__)", ks.PUSHES_RETURN),
])
def test_what_execute_returns(execute: str, expected: str) -> None:
    source = f"""
        class Op(BaseOperator):
            finish_method = "done"
            def helper(self):
                self.log.info("x")
            def valued(self):
                return {{"a": 1}}
            def done(self, context, event):
                return event["value"]
            def execute_complete(self, context, event):
                self.log.info("done")
            def execute(self, context):
                {execute}
    """
    assert facts(source).pushes == expected


def test_super_execute_is_followed() -> None:
    source = """
        class Parent(BaseOperator):
            def execute(self, context):
                return [1, 2]
        class Op(Parent):
            def execute(self, context):
                self.log.info("child")
                return super().execute(context)
        class Quiet(Parent):
            def execute(self, context):
                super().execute(context)
    """
    assert facts(source).pushes == ks.PUSHES_RETURN
    assert facts(source, "Quiet").pushes == ks.PUSHES_NOTHING


@pytest.mark.parametrize("poke, expected", [
    ("return self.path.exists()", ks.PUSHES_NOTHING),
    ("return False", ks.PUSHES_NOTHING),
    ("return PokeReturnValue(is_done=True, xcom_value=1)", ks.PUSHES_RETURN),
    ("return self.client.check()", ks.PUSHES_UNKNOWN),
])
def test_sensors_push_only_a_poke_return_value(poke: str, expected: str) -> None:
    result = facts(f"""
        class Op(BaseSensorOperator):
            template_fields = ("path",)
            def poke(self, context):
                {poke}
    """)
    assert result.sensor
    assert result.pushes == expected


def test_sensor_poke_annotation_with_poke_return_value() -> None:
    result = facts("""
        class Op(BaseSensorOperator):
            def poke(self, context) -> bool | PokeReturnValue:
                return self.check(context)
            def check(self, context):
                return True
    """)
    assert result.pushes == ks.PUSHES_RETURN


def test_do_xcom_push_default_false_is_opt_in() -> None:
    source = """
        class Op(BaseOperator):
            def __init__(self, *, do_xcom_push: bool = False, **kwargs):
                super().__init__(do_xcom_push=do_xcom_push, **kwargs)
            def execute(self, context):
                return self.result
        class Quiet(Op):
            def execute(self, context):
                return None
    """
    assert facts(source).pushes == ks.PUSHES_OPT_IN
    assert facts(source, "Quiet").pushes == ks.PUSHES_NOTHING


def test_keys_from_literals_constants_and_class_attributes() -> None:
    result = facts("""
        RUN_KEY = "run_id"
        class Link:
            key = "job_link"
            @classmethod
            def persist(cls, context, url):
                context["ti"].xcom_push(key=cls.key, value=url)
        class Op(BaseOperator):
            state_key = "state"
            def execute(self, context):
                ti = context["ti"]
                ti.xcom_push(key="literal", value=1)
                context["ti"].xcom_push(RUN_KEY, 2)
                self.xcom_push(context, key=self.state_key, value=3)
                self.report(context)
                Link.persist(context=context, url="u")
                context["ti"].xcom_push(key=LinkClass().xcom_key, value="u")
            def report(self, context):
                context["task_instance"].xcom_push(key="report", value=4)
    """)
    assert result.keys == ("job_link", "literal", "report", "run_id", "state")
    assert result.keys_known
    assert result.pushes == ks.PUSHES_NOTHING


@pytest.mark.parametrize("statement", [
    "context['ti'].xcom_push(key=f'{self.name}_id', value=1)",
    "external_helper(context)",
    "self.hook.submit(context=context)",
])
def test_keys_unknown_when_a_key_or_the_context_escapes(statement: str) -> None:
    result = facts(f"""
        from somewhere import external_helper
        class Op(BaseOperator):
            def execute(self, context):
                {statement}
    """)
    assert not result.keys_known


def test_context_passed_to_a_module_function_is_followed() -> None:
    result = facts("""
        def store_link(context, url):
            context["ti"].xcom_push(key="link", value=url)
        class Op(BaseOperator):
            def __init__(self, callbacks=None, **kwargs):
                super().__init__(**kwargs)
                self.callbacks = callbacks or []
            def execute(self, context):
                store_link(context, "u")
                for callback in self.callbacks:
                    callback.on_start(context=context)
    """)
    assert result.keys == ("link",)
    assert result.keys_known


def test_python_operator_family_pushes_the_callable() -> None:
    extra = {"airflow.providers.standard": "", "airflow.providers.standard.operators": "",
             "airflow.providers.standard.operators.python": """
                 from airflow.sdk import BaseOperator
                 class PythonOperator(BaseOperator):
                     template_fields = ("op_args",)
                     def execute(self, context):
                         return self.python_callable()
             """}
    source = """
        from airflow.providers.standard.operators.python import PythonOperator
        class Op(PythonOperator):
            pass
        class Own(PythonOperator):
            def execute(self, context):
                super().execute(context)
    """
    assert facts(source, extra=extra).pushes == ks.PUSHES_CALLABLE
    assert facts(source, "Own", extra=extra).pushes == ks.PUSHES_NOTHING


def test_public_names_and_aliases() -> None:
    w = world({
        "airflow.providers.demo.operators": """
            from airflow.providers.demo.operators.shell import ShellOperator
            _EXPORTS = {"LazyOperator": "airflow.providers.demo.operators.lazy"}
            def __getattr__(name):
                if name == "OldShellOperator":
                    return ShellOperator
                raise AttributeError(name)
        """,
        "airflow.providers.demo.operators.shell": COMPAT + """
class ShellOperator(BaseOperator):
    template_fields = ("command",)
class _Private(BaseOperator):
    pass
""",
        "airflow.providers.demo.operators.lazy": COMPAT + "class LazyOperator(BaseOperator):\n    pass\n",
    })
    names = ks.public_names(w)
    shell = "airflow.providers.demo.operators.shell.ShellOperator"
    for alias in ("airflow.providers.demo.operators.ShellOperator", "airflow.providers.demo.operators.OldShellOperator",
                  "airflow.operators.shell.ShellOperator", shell):
        assert names[alias].qualified == shell, alias
    assert names["airflow.providers.demo.operators.LazyOperator"].qualified.endswith("lazy.LazyOperator")
    assert not any("_Private" in name for name in names)
    assert shell in ks.operator_classes(w)


def _wheel(path: Path, modules: Dict[str, str], packages=()) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in modules.items():
            is_package = name in packages or any(other.startswith(name + ".") for other in modules)
            file = name.replace(".", "/") + ("/__init__.py" if is_package else ".py")
            archive.writestr(file, textwrap.dedent(text))
    return path


def test_generate_merges_the_two_worlds(tmp_path: Path) -> None:
    provider = {
        "airflow.providers": "", "airflow.providers.demo": "",
        "airflow.providers.demo.version_compat": "AIRFLOW_V_3_0_PLUS = True\n",
        "airflow.providers.demo.get_provider_info": """
            def get_provider_info():
                return {"task-decorators": [{"class-name": "airflow.providers.demo.decorators.demo_task",
                                             "name": "demo"}]}
        """,
        "airflow.providers.demo.operators": "",
        "airflow.providers.demo.operators.shell": COMPAT + """
class ShellOperator(BaseOperator):
    if AIRFLOW_V_3_0_PLUS:
        template_fields = ("command", "env")
    else:
        template_fields = ("command",)
    def execute(self, context):
        if AIRFLOW_V_3_0_PLUS:
            return None
        return self.output
""",
    }
    wheels = {
        "apache-airflow": _wheel(tmp_path / "af2.whl", AIRFLOW2),
        "apache-airflow-core": _wheel(tmp_path / "core.whl", {k: v for k, v in AIRFLOW3.items()
                                                              if not k.startswith("airflow.sdk")}),
        "apache-airflow-task-sdk": _wheel(tmp_path / "sdk.whl", {k: v for k, v in AIRFLOW3.items()
                                                                 if k.startswith("airflow.sdk")}, {"airflow.sdk"}),
        "apache-airflow-providers-demo": _wheel(tmp_path / "demo.whl", provider),
    }
    versions = {"apache-airflow": "2.10.5", "apache-airflow-core": "3.3.2", "apache-airflow-task-sdk": "1.3.2",
                "apache-airflow-providers-demo": "1.0.0"}
    data = json.loads(json.dumps(gk.generate(wheels, versions)))
    assert data["packages"] == versions
    record = data["operators"][data["names"]["airflow.providers.demo.operators.shell.ShellOperator"]]
    assert data["fields"][record[1]] == ["command", "env"]  # the union of both worlds
    assert record[2] == ks.PUSHES_RETURN  # nothing in Airflow 3, a value in Airflow 2
    alias = data["operators"][data["names"]["airflow.operators.shell.ShellOperator"]]
    assert alias[0] == "airflow.providers.demo.operators.shell.ShellOperator"
    assert data["decorators"]["demo"] == ["airflow.providers.demo.decorators.demo_task"]


def test_lock_lines_are_checked(tmp_path: Path) -> None:
    lock = tmp_path / "lock"
    lock.write_text("# comment\napache-airflow==2.10.5 --hash=sha256:" + "a" * 64 + "\n")
    assert gk.read_lock(lock) == [("apache-airflow", "2.10.5", "a" * 64)]
    lock.write_text("apache-airflow>=2\n")
    with pytest.raises(SystemExit, match="expected 'name==version"):
        gk.read_lock(lock)


@pytest.mark.parametrize("values, expected", [
    (["nothing", "nothing"], "nothing"),
    (["nothing", "return"], "return"),
    (["opt-in", "nothing"], "opt-in"),
    (["return", "unknown"], "unknown"),
    (["callable", "return"], "unknown"),
])
def test_merge_is_conservative(values, expected) -> None:
    assert gk.merge_pushes(values) == expected
    merged = gk.merge([ks.Facts(("a",), "nothing", ("k",), True, False), ks.Facts(None, "nothing", (), False, True)])
    assert merged.template_fields is None and not merged.keys_known and merged.sensor and merged.keys == ("k",)


@pytest.mark.parametrize("statement, pulls", [
    ("params = context['ti'].xcom_pull(task_ids=self.source, key=self.key)", True),
    ("unread_helper(context)", True),
    ("self.log.info('no pull')", False),
])
def test_operators_that_pull(statement: str, pulls: bool) -> None:
    result = facts(f"""
        from somewhere import unread_helper
        class Op(BaseOperator):
            def execute(self, context):
                {statement}
    """)
    assert result.pulls is pulls
