"""The text gate: functions whose text cannot make a task are not walked, and
nothing that makes a task is ever hidden by it."""

from __future__ import annotations

from typing import Set

import pytest
from conftest import lint, model_of

from xcomlint.model.text_gate import TextGate, function_texts


def gate(source: str, makers: Set[str] = frozenset()) -> TextGate:
    return TextGate(source, lambda: set(makers))


def test_a_function_text_holds_its_decorators_and_nested_functions_only() -> None:
    texts = function_texts(
        "@task\n"
        "def a(x):\n"
        "    return 1\n"
        "class C:\n"
        "    @staticmethod\n"
        "    @other(\n"
        "        1)\n"
        "    def m():\n"
        "        def inner():\n"
        "            pass\n"
        "        return 2\n"
        "def b():\n"
        "    pass\n"
    )
    assert texts["a"] == "@task\ndef a(x):\n    return 1\n"
    assert texts["m"].startswith("    @staticmethod\n    @other(\n") and "def inner" in texts["m"]
    assert "def b" not in texts["m"] and "class" not in texts["a"]
    assert texts["b"] == "def b():\n    pass\n"


def test_helpers_without_a_task_word_are_not_walked() -> None:
    source = "def helper(x):\n    return x + 1\n\ndef calls_helper():\n    return helper(2)\n"
    assert not gate(source).may_make_tasks("helper")
    assert not gate(source).may_make_tasks("calls_helper")


def test_a_call_of_a_function_that_makes_a_task_is_seen_through_any_depth_and_cycles() -> None:
    source = (
        "def first():\n    return second()\n\n"
        "def second():\n    if False:\n        first()\n    return third()\n\n"
        "def third():\n    return BashOperator(task_id='t', bash_command='true')\n"
    )
    checked = gate(source)
    # ``second`` is judged while ``first`` is being judged: the cycle must not
    # leave a half-way verdict behind
    assert checked.may_make_tasks("first") and checked.may_make_tasks("second")


def test_names_the_file_binds_to_task_makers_count() -> None:
    source = "def build():\n    return extract()\n"
    assert not gate(source).may_make_tasks("build")
    assert gate(source, {"extract"}).may_make_tasks("build")


def test_a_lambda_or_an_unread_def_is_walked() -> None:
    assert gate("x = lambda: None\n").may_make_tasks("<lambda>")


def test_a_factory_calling_a_taskflow_function_defined_after_it_still_makes_tasks() -> None:
    model = model_of(
        """
        from airflow.decorators import task

        def build():
            value = produce()
            consume(value)

        @task
        def produce():
            return {1, 2}

        @task
        def consume(value):
            return value
        """
    )
    tasks = {task.task_id for dag in model.dags for task in dag.tasks}
    assert {"produce", "consume"} <= tasks


def test_an_aliased_operator_made_from_a_spec_in_a_factory_is_still_a_task() -> None:
    model = model_of(
        """
        from airflow.operators.python import PythonOperator as Run

        SPEC = {"task_id": "only", "python_callable": print}

        def build():
            return Run(**SPEC)
        """
    )
    assert "only" in {task.task_id for dag in model.dags for task in dag.tasks}


def test_a_module_alias_of_airflow_seen_through_the_imports() -> None:
    findings = lint(
        """
        from airflow import decorators as af

        def build():
            @af.task
            def make():
                return {1, 2}
            make()
        """,
        select=["XCL201"],
    )
    assert [f.code for f in findings] == ["XCL201"]


@pytest.mark.parametrize("decorator", ["task", "setup"])
def test_a_factory_whose_only_task_is_a_nested_taskflow_function_is_run(decorator: str) -> None:
    """``@setup`` makes a task as ``@task`` does: the walk and the text gate
    know it from the decorator the model itself reads."""
    findings = lint(
        f"""
        from airflow.decorators import {decorator}

        def build():
            @{decorator}
            def make():
                return {{1, 2}}
            make()
        """,
        select=["XCL201"],
    )
    assert [(f.code, f.line) for f in findings] == [("XCL201", 7)]


def test_a_whole_word_is_found_as_the_word_pattern_finds_it() -> None:
    """``mentions`` answers what ``\\bword\\b`` would, on every kind of neighbour."""
    import random
    import re

    from xcomlint.model.text_gate import mentions

    alphabet = ["a", "b", "ab", "_", "1", " ", ".", "(", "\n", "é", "表", "ǅ", "٣", "\u0301"]
    words = ["a", "ab", "b_1", "é", "表a"]
    generator = random.Random(7)
    for _ in range(20_000):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 12)))
        word = generator.choice(words)
        expected = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None
        assert mentions(text, word) == expected, (text, word)


def test_a_file_of_many_functions_is_judged_as_one_of_few() -> None:
    """Past a number of names the gate collects each text's words once instead
    of searching for each name: the verdicts are the same."""
    chain = "".join(f"def f{i}():\n    return f{i + 1}()\n\n" for i in range(40))
    source = chain + "def f40():\n    return BashOperator(task_id='t')\n\ndef lonely():\n    return f0\n"
    many = gate(source)
    assert all(many.may_make_tasks(f"f{i}") for i in range(41))
    assert many.may_make_tasks("lonely")  # the name of a maker, not a call of it: the walk decides
    few = "def f0():\n    return f1()\n\ndef f1():\n    return 2\n\ndef f2():\n    return f0()\n"
    assert not any(gate(few).may_make_tasks(name) for name in ("f0", "f1", "f2"))
    assert gate(few, {"f1"}).may_make_tasks("f2")
