"""Template bounds (issue 13): a template cannot hang publishing or rendering, nor build
gigabytes; every failure of its code is a ``TemplateRenderError``; normal templates render
exactly as Jinja renders them.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.sandbox import ImmutableSandboxedEnvironment

from llm_memory_graph import (
    InvalidInputError,
    MemoryGraph,
    TemplateLimits,
    TemplateRenderError,
    TemplateVersion,
)
from llm_memory_graph.templates import content_hash, infer_variables, render, unified_diff

TEMPLATE_ID = "01900000-0000-7000-8000-000000000000"


def _version(body: str, number: int = 1) -> TemplateVersion:
    return TemplateVersion(
        template_id=TEMPLATE_ID, body=body, version=number, content_hash=content_hash(body, [], None)
    )


def _render(body: str, limits: TemplateLimits | None = None, **variables: Any) -> str:
    return render([_version(body)], variables, template="t@v1", limits=limits or TemplateLimits())


# ---------------------------------------------------------------- the bombs of the issue

BOMBS = [
    pytest.param("{{ 10 ** (10 ** 8) }}", {}, "max_int_bits", id="power"),
    pytest.param("{{ '%999999999d' % 1 }}", {}, "max_output_chars", id="printf-width"),
    pytest.param("{{ '{:>999999999}'.format(1) }}", {}, "max_output_chars", id="format-width"),
    pytest.param("{{ s * n }}", {"s": "abc", "n": 10**9}, "max_output_chars", id="repeat-variable"),
    pytest.param(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        {},
        "max_steps",
        id="nested-ranges",
    ),
    pytest.param(
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(30) }}",
        {},
        "max_steps",
        id="macro-fan-out",
    ),
    pytest.param("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", {}, "max_depth", id="macro-recursion"),
    pytest.param("{{ range(10 ** 9) | list }}", {}, "max_range", id="range"),
    pytest.param("{{ 'x' | center(999999999) }}", {}, "max_output_chars", id="center-filter"),
    pytest.param("{{ 'x' | indent(999999999) }}", {}, "max_output_chars", id="indent-filter"),
    pytest.param("{{ '%999999999s' | format(1) }}", {}, "max_output_chars", id="format-filter"),
    pytest.param("{{ [1] | batch(10 ** 9, 0) | list }}", {}, "max_output_chars", id="batch-fill"),
    pytest.param("{{ 'x'.ljust(10 ** 9) }}", {}, "max_output_chars", id="ljust"),
    pytest.param("{{ (1).to_bytes(10 ** 9, 'big') }}", {}, "max_output_chars", id="to-bytes"),
    pytest.param("{{ lipsum(10 ** 6) }}", {}, "max_output_chars", id="lipsum"),
    pytest.param(
        "{{ 'aaaaaaaaaa'" + " | replace('a', 'aaaaaaaaaa')" * 9 + " }}",
        {},
        "max_output_chars",
        id="replace-chain",
    ),
    pytest.param(
        "{% set ns = namespace(x='ab') %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
        {},
        "max_output_chars",
        id="concat-doubling",
    ),
    pytest.param(
        "{% set a = [s, s, s, s, s, s, s, s, s, s] %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}"
        "{% set c = [b, b, b, b, b, b, b, b, b, b] %}{% set d = [c, c, c, c, c, c, c, c, c, c] %}{{ d }}",
        {"s": "x" * 100},
        "max_output_chars",
        id="shared-lists-printed",
    ),
    pytest.param(
        "{% macro m() %}{% for i in range(100000) %}{{ s ~ i }}{% endfor %}{% endmacro %}{{ m() | length }}",
        {"s": "x" * 1000},
        "max_built_chars",
        id="macro-buffer",
    ),
    pytest.param(
        "{% for i in range(100000) %}{{ s }}{% endfor %}", {"s": "x" * 100}, "max_output_chars", id="output"
    ),
]


@pytest.mark.parametrize(("body", "variables", "limit"), BOMBS)
def test_a_template_bomb_is_refused_naming_its_bound(
    body: str, variables: dict[str, Any], limit: str
) -> None:
    with pytest.raises(TemplateRenderError, match=f"raise TemplateLimits.{limit}") as caught:
        _render(body, **variables)
    assert caught.value.limit == limit


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("{{ 10 ** (10 ** 8) }}", id="power"),
        pytest.param("{{ '%999999999d' % 1 }}", id="printf-width"),
        pytest.param("{{ 'x' | center(999999999) }}", id="filter-folded-at-compile-time"),
        pytest.param("{{ ('x' | center(999999)) ~ ('x' | center(999999)) }}" * 20, id="many-folds"),
    ],
)
def test_publishing_a_constant_bomb_finishes_and_rendering_it_is_refused(
    fresh_graph: MemoryGraph, body: str
) -> None:
    # Publishing runs Jinja's compiler, which folds constant expressions (issue 13).
    version = fresh_graph.publish_template("bomb", body)
    assert version.variables == []
    with pytest.raises(TemplateRenderError, match="raise TemplateLimits"):
        fresh_graph.render_template("bomb", {})


@pytest.mark.parametrize(
    ("body", "name"),
    [
        pytest.param("{{ 1 / 0 }}", "ZeroDivisionError", id="zero-division"),
        pytest.param("{{ 1 + 'a' }}", "TypeError", id="type"),
        pytest.param("{{ 2.0 ** 100000 }}", "OverflowError", id="overflow"),
    ],
)
def test_a_failing_expression_is_a_render_error(body: str, name: str) -> None:
    with pytest.raises(TemplateRenderError, match=name):
        _render(body)


def test_recursion_past_pythons_own_limit_is_a_render_error() -> None:
    deep = TemplateLimits(max_depth=1_000_000)
    with pytest.raises(TemplateRenderError, match="recursed too deeply"):
        _render("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", deep)


def test_running_out_of_memory_is_a_render_error() -> None:
    # With the bounds raised out of the way, the allocation itself fails at once.
    unbounded = TemplateLimits(max_output_chars=2**62, max_built_chars=2**62)
    with pytest.raises(TemplateRenderError, match="out of memory"):
        _render("{{ 'x' * n }}", unbounded, n=2**62)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param('{% extends "v0" %}', id="self-extends"),
        pytest.param('{% include "v0" %}', id="self-include"),
        pytest.param('{% import "v0" as me %}', id="self-import"),
    ],
)
def test_a_version_cannot_reach_itself(body: str) -> None:
    with pytest.raises(TemplateRenderError, match='reaches only "parent"'):
        _render(body)


def test_a_parent_included_again_and_again_is_bounded() -> None:
    chain = [_version('{% include "parent" %}' * 50, n) for n in range(2, 12)] + [_version("leaf", 12)]
    with pytest.raises(TemplateRenderError) as caught:
        render(chain, {}, template="t@v2")
    assert caught.value.limit == "max_steps"


def test_a_syntax_error_at_publish_names_the_line() -> None:
    with pytest.raises(TemplateRenderError, match="line 2"):
        infer_variables("fine\n{% for %}")


def test_templates_cannot_change_the_lists_they_are_given() -> None:
    # A list doubled in place thirty times would hold a billion items.
    with pytest.raises(TemplateRenderError, match="sandbox refused"):
        _render("{% for i in range(30) %}{{ items.extend(items) }}{% endfor %}", items=[1])


# ---------------------------------------------------------------- the bounds are exact


@settings(max_examples=60, deadline=None)
@given(width=st.integers(min_value=0, max_value=3_000), limit=st.integers(min_value=1, max_value=3_000))
def test_a_format_width_renders_up_to_the_bound_and_no_further(width: int, limit: int) -> None:
    limits = TemplateLimits(max_output_chars=limit)
    body = "{{ '{:>" + str(width) + "}'.format('x') }}"
    if max(width, 1) <= limit:
        assert _render(body, limits) == "x".rjust(width)
    else:
        with pytest.raises(TemplateRenderError, match="max_output_chars"):
            _render(body, limits)


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=20), times=st.integers(min_value=-3, max_value=10**12))
def test_repeating_text_renders_when_it_fits(text: str, times: int) -> None:
    limits = TemplateLimits(max_output_chars=1_000)
    if len(text) * max(times, 0) <= 1_000:
        assert _render("{{ s * n }}", limits, s=text, n=times) == text * times
    else:
        with pytest.raises(TemplateRenderError, match="max_output_chars"):
            _render("{{ s * n }}", limits, s=text, n=times)


@settings(max_examples=60, deadline=None)
@given(
    base=st.integers(min_value=-(10**6), max_value=10**6), exponent=st.integers(min_value=0, max_value=10**9)
)
def test_a_power_renders_when_its_result_is_narrow_enough(base: int, exponent: int) -> None:
    limits = TemplateLimits(max_int_bits=256)
    try:
        expected: int | None = (
            base**exponent if abs(base) < 2 or exponent * abs(base).bit_length() < 400 else None
        )
    except OverflowError:  # pragma: no cover - ints do not overflow
        expected = None
    if expected is not None and expected.bit_length() <= 256:
        assert _render("{{ b ** e }}", limits, b=base, e=exponent) == str(expected)
    else:
        with pytest.raises(TemplateRenderError, match="max_int_bits"):
            _render("{{ b ** e }}", limits, b=base, e=exponent)


def test_a_raised_bound_lets_a_bigger_template_render() -> None:
    body = "{% for i in range(1000) %}{% for j in range(300) %}{% endfor %}{% endfor %}done"
    with pytest.raises(TemplateRenderError, match="max_steps"):
        _render(body)
    assert _render(body, TemplateLimits(max_steps=400_000)) == "done"


@pytest.mark.parametrize("field", ["max_output_chars", "max_steps", "timeout"])
@pytest.mark.parametrize("value", [0, -1, True])
def test_a_bound_must_be_a_positive_number(field: str, value: Any) -> None:
    with pytest.raises(InvalidInputError) as caught:
        TemplateLimits(**{field: value})
    assert caught.value.field == field


# ---------------------------------------------------------------- normal templates are unchanged

NORMAL = [
    pytest.param("Hello {{ name }}!", {"name": "Dana"}, id="variable"),
    pytest.param(
        "{% for d in docs %}[{{ loop.index }}] {{ d }}\n{% endfor %}", {"docs": ["a", "b"]}, id="loop"
    ),
    pytest.param("{{ docs | join(', ') }} {{ docs | length }}", {"docs": ["a", "b", "c"]}, id="join"),
    pytest.param("{{ '%-6s|%5.2f|%03d' % (name, 3.14159, 7) }}", {"name": "ab"}, id="printf"),
    pytest.param("{{ '{:>8}|{:^7}|{:.3f}'.format(name, 'x', 2.5) }}", {"name": "ab"}, id="format"),
    pytest.param(
        "{{ name | center(11) }}|{{ 'a\nb' | indent(2, first=True) }}", {"name": "mid"}, id="center"
    ),
    pytest.param("{{ data | tojson(indent=2) }}", {"data": {"a": [1, 2, {"b": None}]}}, id="tojson"),
    pytest.param(
        "{{ 'a b c d e f' | wordwrap(3) }}|{{ 'aXbX' | replace('X', '--') }}", {}, id="wrap-replace"
    ),
    pytest.param("{{ [1, 2, 3, 4, 5] | batch(2, 0) | list }}", {}, id="batch"),
    pytest.param(
        "{{ 2 ** 10 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ 1.5 * 4 }} {{ 'ab' * 3 }} {{ [1] + [2] }}", {}, id="math"
    ),
    pytest.param(
        "{% macro item(x) %}<{{ x }}>{% endmacro %}{% for x in range(3) %}{{ item(x) }}{% endfor %}",
        {},
        id="macro",
    ),
    pytest.param(
        "{% for n in tree recursive %}{{ n.name }}({{ loop(n.kids) }}){% endfor %}",
        {"tree": [{"name": "a", "kids": [{"name": "b", "kids": []}]}]},
        id="recursive-loop",
    ),
    pytest.param(
        "{% set ns = namespace(s='') %}{% for c in 'abc' %}{% set ns.s = ns.s ~ c %}{% endfor %}{{ ns.s }}",
        {},
        id="namespace",
    ),
    pytest.param(
        "{{ '\t|'.expandtabs(4) }}{{ ', '.join(['x', 'y']) }}{{ name.upper() }}", {"name": "q"}, id="methods"
    ),
]


@pytest.mark.parametrize(("body", "variables"), NORMAL)
def test_a_normal_template_renders_as_jinja_renders_it(body: str, variables: dict[str, Any]) -> None:
    plain = ImmutableSandboxedEnvironment(keep_trailing_newline=True).from_string(body).render(variables)
    assert _render(body, **variables) == plain


def test_the_bounds_of_a_graph_can_be_raised_for_every_call(fresh_graph: MemoryGraph) -> None:
    fresh_graph.publish_template("wide", "{{ '{:>2000000}'.format('x') | length }}")
    with pytest.raises(TemplateRenderError, match="max_output_chars"):
        fresh_graph.render_template("wide", {})
    fresh_graph.template_limits = TemplateLimits(max_output_chars=3_000_000, max_built_chars=10_000_000)
    assert fresh_graph.render_template("wide", {}) == "2000000"


def test_the_bounds_can_be_raised_for_one_render(fresh_graph: MemoryGraph) -> None:
    fresh_graph.publish_template("wide", "{{ '{:>2000000}'.format('x') | length }}")
    wide = TemplateLimits(max_output_chars=3_000_000)
    assert fresh_graph.render_template("wide", {}, limits=wide) == "2000000"
    prompt = fresh_graph.render_prompt("wide", {}, limits=wide)
    assert prompt.content == "2000000"
    with pytest.raises(TemplateRenderError):
        fresh_graph.render_prompt("wide", {})


def test_a_refused_render_prompt_records_nothing(fresh_graph: MemoryGraph) -> None:
    fresh_graph.publish_template(
        "bomb", "{{ s * n }}", variables=[{"name": "s"}, {"name": "n", "type": "integer"}]
    )
    before = fresh_graph.stats()
    with pytest.raises(TemplateRenderError):
        fresh_graph.render_prompt("bomb", {"s": "ab", "n": 10**9})
    assert fresh_graph.stats() == before


# ---------------------------------------------------------------- diffs


def test_a_diff_of_text_without_a_final_newline_keeps_lines_apart() -> None:
    diff = unified_diff(_version("same\nold", 1), _version("same\nnew", 2), name="t")
    assert diff.splitlines()[-5:] == [
        " same",
        "-old",
        "\\ No newline at end of file",
        "+new",
        "\\ No newline at end of file",
    ]
