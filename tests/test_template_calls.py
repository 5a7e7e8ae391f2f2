"""Pulls and pushes in Jinja templates: the calls read from the tokens alone
are what Jinja's parser makes of the same template."""

from __future__ import annotations

from typing import List, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xcomlint.model.records import UNKNOWN
from xcomlint.model.templates import _calls_from_tokens, _parsed_calls, _scan, find_template_calls

TEMPLATES = [
    "{{ ti.xcom_pull(task_ids='load') }}",
    "select * from t where d = '{{ task_instance.xcom_pull(task_ids=\"extract\", key='run_date') }}'",
    "{{ ti.xcom_pull(task_ids=['a', \"b\"], key=None) }} and {{ ti.xcom_pull('c', 'k', True) }}",
    "{{ ti.xcom_pull(task_ids=('a',), key='x', map_indexes=0, include_prior_dates=false) }}",
    "{{ ti.xcom_pull(task_ids=(), key=[]) }} {{ ti.xcom_push(key='done', value=1.5) }}",
    "{{ ti.xcom_pull(task_ids=producer, key='k\\'q') }}",
    "{% raw %}{{ ti.xcom_pull(task_ids='a') }}{% endraw %}",  # data, not a call
    "{{ ti.xcom_pull(task_ids='a')['path'] }} {{ ti.xcom_pull(task_ids='b', key='k').name | tojson }}",
    "{{ ti.xcom_pull(task_ids='a')['path'] }} {# {{ ti.xcom_pull(task_ids='hidden') }} #}",
    "{{ ti.xcom_pull(task_ids=1_000, key=0x1F) }}",
    "{{ ti.xcom_pull(\n    task_ids='multi',\n    key='line',\n) }}",
]

# shapes only the parser reads: each must give what the parser gives
PARSER_ONLY = [
    "{% if x %}{{ ti.xcom_pull(task_ids='a') }}{% endif %}",
    "{% if x %}{{ ti.xcom_pull(task_ids='a') }}",  # a tag left open: no template, no call
    "{{ ti.xcom_pull(task_ids='a' ~ 'b') }}",
    "{{ ti.xcom_pull(task_ids=-1) }}",
    "{{ ti.xcom_pull(task_ids=('a')) }}",
    "{{ ti.xcom_pull(task_ids='a' 'b') }}",
    "{{ ti.xcom_pull(*ids) }} {{ ti.xcom_pull(**kw) }}",
    "{{ ti.xcom_pull(key='k', 'a') }}",
    "{{ ti.xcom_pull(task_ids=[['a']]) }}",
    "{{ x.ti.xcom_pull(task_ids='a') }} {{ ti.xcom_pull(task_ids='b') }}",
    "{{ ti.xcom_pull(task_ids=params.producer) }}",
    # a dict literal around the call, as ``{{{{ }}}}`` left in a plain string
    # makes it: no valid template, so no call (Airflow fails to render it)
    "{{{{ ti.xcom_pull(task_ids='a') }}}}",
    "{{ 1 + ti.xcom_pull(task_ids='a') }}",
    "{{ ti.xcom_pull(task_ids='a') + 1 }}",
    "{{ ti.xcom_pull(task_ids=ti.xcom_pull(task_ids='a')) }}",
]


def as_plain(calls) -> List[Tuple]:
    return [(c.method, c.offset, c.positional, dict(c.keywords), c.has_star_args, c.arguments) for c in calls]


@pytest.mark.parametrize("text", TEMPLATES)
def test_literal_arguments_are_read_from_the_tokens_as_the_parser_reads_them(text: str) -> None:
    scan = _scan(text)
    assert scan is not None and not scan.has_tags
    fast = _calls_from_tokens(scan)
    assert fast is not None, "read without the parser"
    assert as_plain(fast) == as_plain(_parsed_calls(text, scan))
    assert as_plain(find_template_calls(text)) == as_plain(fast)


def test_the_token_reading_gives_the_values_and_places() -> None:
    text = "x {{ ti.xcom_pull(task_ids=['a', 'b'], key=k) }}"
    scan = _scan(text)
    assert scan is not None
    (call,) = _calls_from_tokens(scan) or ()
    assert call.method == "xcom_pull" and call.offset == text.index("xcom_pull")
    assert call.keywords == {"task_ids": ("a", "b"), "key": UNKNOWN}
    assert [place[0] for place in call.arguments] == ["task_ids", "key"]
    name, start, length, _, _ = call.arguments[0]
    assert text[start:start + length] == "['a', 'b']"


@pytest.mark.parametrize("text", PARSER_ONLY)
def test_other_shapes_are_left_to_the_parser(text: str) -> None:
    scan = _scan(text)
    assert scan is not None
    if not scan.has_tags and scan.plain:
        assert _calls_from_tokens(scan) is None
    assert as_plain(find_template_calls(text)) == as_plain(_parsed_calls(text, scan))


@pytest.mark.parametrize("text", ["{% if x %}{{ ti.xcom_pull(task_ids='a') }}", "{{{{ ti.xcom_pull(task_ids='a') }}}}"])
def test_a_template_jinja_cannot_parse_has_no_call(text: str) -> None:
    assert find_template_calls(text) == ()


literal = st.one_of(
    st.text(alphabet="ab_'\" \\.", max_size=6).map(repr),
    st.integers(-5, 500).map(str),
    st.sampled_from(["True", "false", "none", "None", "ds", "params.x", "1.5", "1_0"]),
)
argument = st.one_of(
    literal,
    st.lists(literal, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
    st.lists(literal, max_size=3).map(lambda items: "(" + ", ".join(items) + ",)" if items else "()"),
)
call = st.tuples(
    st.sampled_from(["ti", "task_instance"]), st.sampled_from(["xcom_pull", "xcom_push"]),
    st.lists(argument, max_size=2),
    st.lists(st.tuples(st.sampled_from(["task_ids", "key", "map_indexes", "value"]), argument), max_size=3),
).map(lambda c: f"{{{{ {c[0]}.{c[1]}(" + ", ".join(c[2] + [f"{k}={v}" for k, v in c[3]]) + ") }}")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(call, st.sampled_from(["select 1", "\n", "{{ ds }}", "{# note #}", " where x = "])),
                min_size=1, max_size=5))
def test_any_template_of_literal_calls_reads_as_the_parser_reads_it(parts: List[str]) -> None:
    text = "".join(parts)
    scan = _scan(text)
    if scan is None:
        return  # the lexer rejects it: neither path reads it
    fast = _calls_from_tokens(scan)
    if fast is not None:
        assert as_plain(fast) == as_plain(_parsed_calls(text, scan))
