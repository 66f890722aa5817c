# Generated from tests/contract/async_/test_templates.py by scripts/unasync.py; do not edit.
"""Contract: template versions, labels and their history, inheritance, rendering, A/B numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from llm_memory_graph import MemoryGraph, PromptTemplate, TemplateVersion
from llm_memory_graph.errors import (
    InvalidInputError,
    TemplateInheritanceError,
    TemplateNotFoundError,
    TemplateRenderError,
)
from llm_memory_graph.schema import Labels
from llm_memory_graph.templates import content_hash

GREETING = "Hello {{ name }}, about {{ topic }}."


def test_versions_are_numbered_one_two_three(graph: MemoryGraph) -> None:
    numbers = [(graph.publish_template("support", f"v{i} {{{{ name }}}}")).version for i in range(3)]
    assert numbers == [1, 2, 3]
    assert [v.version for v in graph.template_versions("support")] == [1, 2, 3]


def test_publishing_identical_text_returns_the_existing_version(graph: MemoryGraph) -> None:
    first = graph.publish_template("support", GREETING, message="first")
    again = graph.publish_template("support", GREETING, message="again")
    assert again.id == first.id and again.message == "first"
    assert len(graph.template_versions("support")) == 1


def test_concurrent_publishers_never_share_a_number(graph: MemoryGraph, concurrently: Any) -> None:
    published = concurrently(
        [lambda i=i: graph.publish_template("support", f"text {i} {{{{ x }}}}") for i in range(12)]
    )
    assert sorted(v.version for v in published) == list(range(1, 13))


def test_versions_are_written_3_or_v3(graph: MemoryGraph) -> None:
    for i in range(3):
        graph.publish_template("support", f"text {i}")
    assert (graph.get_template_version("support", version="v2")).body == "text 1"
    assert (graph.get_template_version("support", version=3)).body == "text 2"
    with pytest.raises(TemplateNotFoundError, match="no version v9"):
        graph.get_template_version("support", version="v9")
    with pytest.raises(InvalidInputError, match="written 3 or v3"):
        graph.get_template_version("support", version="three")


def test_labels_move_and_keep_their_history(graph: MemoryGraph) -> None:
    v1 = graph.publish_template("support", "one", label="production", author="ana")
    v2 = graph.publish_template("support", "two")
    before_move = datetime.now(UTC)
    graph.move_label("support", "production", 2, actor="bo", reason="better tone")
    assert (graph.get_template_version("support", label="production")).id == v2.id
    assert (graph.get_template_version("support", label="production", as_of=before_move)).id == v1.id
    history = graph.label_history("support", "production")
    assert [(m.target_id, m.actor, m.reason) for m in history] == [
        (v1.id, "ana", None),
        (v2.id, "bo", "better tone"),
    ]


def test_a_rollback_is_a_label_move(graph: MemoryGraph) -> None:
    v1 = graph.publish_template("support", "one", label="production")
    graph.publish_template("support", "two", label="production")
    graph.move_label("support", "production", "v1", reason="rollback")
    assert (graph.get_template_version("support", label="production")).id == v1.id
    assert len(graph.label_history("support", "production")) == 3


def test_a_label_before_its_first_move_is_not_found(graph: MemoryGraph) -> None:
    first = graph.publish_template("support", "one")
    graph.move_label("support", "production", 1)
    with pytest.raises(TemplateNotFoundError, match="label 'production' at"):
        graph.get_template_version(
            "support", label="production", as_of=first.created_at - timedelta(days=1)
        )


def _draft(graph: MemoryGraph, name: str, body: str) -> TemplateVersion:
    template = (graph.find(types="PromptTemplate", name=name)).items[0]
    assert isinstance(template, PromptTemplate)
    return TemplateVersion(template_id=template.id, body=body, content_hash=content_hash(body, [], None))


# issue 13: publishing and moving the label were two transactions; a kill between them
# left the label on the old version.
def test_publishing_with_an_invalid_label_publishes_nothing(graph: MemoryGraph) -> None:
    graph.publish_template("support", "one", label="production")
    with pytest.raises(InvalidInputError, match="label"):
        graph.publish_template("support", "two", label="no spaces allowed")
    assert [v.body for v in graph.template_versions("support")] == ["one"]


def test_a_label_move_the_store_refuses_takes_the_new_version_back_with_it(
    graph: MemoryGraph,
) -> None:
    graph.publish_template("support", "one", label="production")
    (earlier,) = graph.label_history("support", "production")
    draft = _draft(graph, "support", "two")
    clash = Labels(id=earlier.id, source_id=draft.template_id, target_id=draft.id, label="production")
    with pytest.raises(InvalidInputError, match="cannot change"):  # the edge id is taken: refused
        graph.store.publish_version(draft, label=clash)
    assert [v.body for v in graph.template_versions("support")] == ["one"]
    assert (graph.get_template_version("support", label="production")).body == "one"


def test_a_label_move_from_another_template_is_refused_before_publishing(
    graph: MemoryGraph,
) -> None:
    graph.publish_template("support", "one")
    other = graph.publish_template("billing", "one")
    draft = _draft(graph, "support", "two")
    stray = Labels(source_id=other.template_id, target_id=draft.id, label="production")
    with pytest.raises(InvalidInputError, match="template") as caught:
        graph.store.publish_version(draft, label=stray)
    assert caught.value.field == "label.source_id"
    assert [v.body for v in graph.template_versions("support")] == ["one"]


def test_a_version_of_another_template_is_refused_by_id(graph: MemoryGraph) -> None:
    ours = graph.publish_template("alpha", "alpha text", label="production")
    theirs = graph.publish_template("beta", "beta text")
    with pytest.raises(InvalidInputError, match="version of another template"):
        graph.move_label("alpha", "production", theirs.id)
    with pytest.raises(InvalidInputError, match="version of another template"):
        graph.get_template_version("alpha", version=theirs.id)
    with pytest.raises(InvalidInputError, match="version of another template"):
        graph.diff_versions("alpha", ours.id, theirs.id)
    assert (graph.get_template_version("alpha", label="production")).id == ours.id
    assert len(graph.label_history("alpha", "production")) == 1


def test_a_parent_may_be_a_version_of_another_template(graph: MemoryGraph) -> None:
    base = graph.publish_template("base", "{% block body %}base{% endblock %}")
    child = graph.publish_template(
        "child", '{% extends "parent" %}{% block body %}child{% endblock %}', parent=base.id
    )
    assert graph.render_template("child", version=child.version) == "child"


def test_republishing_identical_text_with_a_label_moves_it_to_the_existing_version(
    graph: MemoryGraph,
) -> None:
    first = graph.publish_template("support", "one")
    graph.publish_template("support", "two", label="production")
    again = graph.publish_template("support", "one", label="production", message="rollback")
    assert again.id == first.id
    assert (graph.get_template_version("support", label="production")).id == first.id
    assert [m.reason for m in graph.label_history("support", "production")] == [None, "rollback"]


def test_history_lists_who_when_why_and_current_labels(graph: MemoryGraph) -> None:
    graph.publish_template("support", "one", author="ana", message="first draft", label="production")
    graph.publish_template("support", "two", author="bo", message="shorter", label="staging")
    history = graph.template_history("support")
    assert [(h.version.version, h.version.author, h.version.message, h.labels) for h in history] == [
        (1, "ana", "first draft", ["production"]),
        (2, "bo", "shorter", ["staging"]),
    ]


def test_diff_shows_what_changed_between_versions(graph: MemoryGraph) -> None:
    graph.publish_template("support", "Hello {{ name }}.\nBye.\n")
    graph.publish_template("support", "Hi {{ name }}.\nBye.\n")
    diff = graph.diff_versions("support", 1, 2)
    assert "--- support@v1" in diff and "+++ support@v2" in diff
    assert "-Hello {{ name }}." in diff and "+Hi {{ name }}." in diff


def test_rendering_fills_variables_and_defaults(graph: MemoryGraph) -> None:
    graph.publish_template(
        "support",
        "{{ greeting }} {{ name }} ({{ count }})",
        variables=[
            {"name": "greeting", "required": False, "default": "Hi"},
            {"name": "name"},
            {"name": "count", "type": "integer"},
        ],
    )
    assert graph.render_template("support", {"name": "Dana", "count": 2}) == "Hi Dana (2)"


@pytest.mark.parametrize(
    ("variables", "variable", "message"),
    [
        pytest.param({"name": "Dana"}, "topic", "is required", id="missing"),
        pytest.param({"name": "Dana", "topic": "t", "tone": "warm"}, "tone", "is not a variable", id="extra"),
        pytest.param({"name": 3, "topic": "t"}, "name", "string", id="wrong-type"),
    ],
)
def test_bad_variables_are_refused_naming_the_variable(
    graph: MemoryGraph, variables: dict[str, Any], variable: str, message: str
) -> None:
    graph.publish_template("support", GREETING)
    with pytest.raises(TemplateRenderError, match=message) as caught:
        graph.render_template("support", variables)
    assert caught.value.variable == variable


def test_a_variable_used_but_not_declared_is_an_error_naming_it(graph: MemoryGraph) -> None:
    graph.publish_template("support", "{{ name }} {{ secret }}", variables=[{"name": "name"}])
    with pytest.raises(TemplateRenderError) as caught:
        graph.render_template("support", {"name": "Dana"})
    assert caught.value.variable == "secret"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("{{ name.__class__.__mro__ }}", id="class-attribute"),
        pytest.param("{{ name.__class__.__base__.__subclasses__() }}", id="subclasses"),
        pytest.param("{{ cycler.__init__.__globals__ }}", id="globals"),
        pytest.param("{{ name.format.__globals__ }}", id="method-globals"),
    ],
)
def test_sandbox_escapes_are_refused(graph: MemoryGraph, body: str) -> None:
    graph.publish_template("evil", body, variables=[{"name": "name"}])
    with pytest.raises(TemplateRenderError):
        graph.render_template("evil", {"name": "x"})


def test_a_child_version_overrides_its_parents_blocks(graph: MemoryGraph) -> None:
    base = graph.publish_template(
        "support", "{% block head %}Hi{% endblock %} {{ name }}.{% block tail %}{% endblock %}"
    )
    middle = graph.publish_template(
        "support",
        '{% extends "parent" %}{% block tail %} About {{ topic }}.{% endblock %}',
        parent=base.version,
    )
    graph.publish_template(
        "support", '{% extends "parent" %}{% block head %}Dear{% endblock %}', parent=middle.version
    )
    text = graph.render_template("support", {"name": "Dana", "topic": "refunds"}, version=3)
    assert text == "Dear Dana. About refunds."


def test_a_cycle_of_parents_is_a_clear_error(graph: MemoryGraph) -> None:
    a = graph.publish_template("support", "a")
    b = graph.publish_template("support", '{% extends "parent" %}', parent=a.version)
    graph.link(a, b, "INHERITS")  # written by hand: the loop no publish could make
    with pytest.raises(TemplateInheritanceError, match="loops back"):
        graph.render_template("support", {}, version=2)


def test_extending_without_a_parent_is_a_clear_error(graph: MemoryGraph) -> None:
    graph.publish_template("support", '{% extends "parent" %}{% block x %}{% endblock %}')
    with pytest.raises(TemplateRenderError, match="has no parent version"):
        graph.render_template("support", {})


def test_an_unknown_template_is_not_found(graph: MemoryGraph) -> None:
    with pytest.raises(TemplateNotFoundError, match="no template 'nope'"):
        graph.render_template("nope", {})


def test_render_prompt_records_the_prompt_and_the_variables_used(graph: MemoryGraph) -> None:
    version = graph.publish_template("support", GREETING, label="production")
    chat = graph.start_conversation()
    prompt = graph.render_prompt(
        "support", {"name": "Dana", "topic": "refunds"}, label="production", conversation=chat
    )
    assert prompt.content == "Hello Dana, about refunds." and prompt.sequence == 1
    (link,) = graph.neighbors(prompt, direction="out", edge_types=["INSTANTIATES"])
    assert link.node.id == version.id and link.edge.variables == {"name": "Dana", "topic": "refunds"}  # type: ignore[union-attr]


def test_render_prompt_records_what_it_depends_on_and_what_triggered_it(
    graph: MemoryGraph,
) -> None:
    # issue 13: render_prompt takes depends_on= and triggered_by= as add_prompt does.
    graph.publish_template("support", GREETING)
    earlier = graph.add_prompt("Find the order.")
    answer = graph.add_completion(earlier, "Calling lookup.")
    call = graph.add_tool_invocation(answer, "lookup")
    prompt = graph.render_prompt(
        "support", {"name": "Dana", "topic": "refunds"}, depends_on=[answer], triggered_by=call
    )
    found = {
        (n.edge.type, n.node.id)
        for n in graph.neighbors(prompt, edge_types=["DEPENDS_ON", "TRIGGERS", "INSTANTIATES"])
    }
    version = graph.get_template_version("support")
    assert found == {("DEPENDS_ON", answer.id), ("TRIGGERS", call.id), ("INSTANTIATES", version.id)}


def test_what_follows_a_rendered_prompt_is_reachable_from_its_version(graph: MemoryGraph) -> None:
    version = graph.publish_template("support", GREETING)
    prompt = graph.render_prompt("support", {"name": "Dana", "topic": "refunds"})
    answer = graph.add_completion(prompt, "Sure.")
    call = graph.add_tool_invocation(answer, "lookup")
    rating = graph.add_feedback(answer, score=5)
    reached = set((graph.impact(version)).depths)
    assert {prompt.id, answer.id, call.id, rating.id} <= reached


def test_compare_versions_reports_hand_computed_numbers(graph: MemoryGraph) -> None:
    t0 = datetime(2026, 4, 1, tzinfo=UTC)
    graph.publish_template("support", "A {{ q }}")
    graph.publish_template("support", "B {{ q }}")
    cases: list[tuple[str, float, int, float, str | None, float | None]] = [
        ("v1", 100.0, 10, 0.01, None, 4.0),
        ("v1", 300.0, 20, 0.02, "timeout", None),
        ("v1", 200.0, 30, 0.03, None, 2.0),
        ("v2", 50.0, 5, 0.005, None, 5.0),
    ]
    for i, (version, latency, tokens, cost, error, score) in enumerate(cases):
        prompt = graph.render_prompt(
            "support", {"q": "x"}, version=version, created_at=t0 + timedelta(minutes=i)
        )
        answer = graph.add_completion(
            prompt,
            "a",
            latency_ms=latency,
            input_tokens=tokens,
            output_tokens=1,
            cost_usd=cost,
            error=error,
            created_at=t0 + timedelta(minutes=i, seconds=1),
        )
        if score is not None:
            graph.add_feedback(answer, score=score)
    first, second = graph.compare_versions("support", "v1", "v2", since=t0)
    assert (first.version, first.uses, first.completions, first.errors) == (1, 3, 3, 1)
    assert (first.latency_p50_ms, first.latency_p95_ms) == (200.0, 300.0)
    assert (first.input_tokens, first.output_tokens, first.total_tokens) == (60, 3, 63)
    assert first.cost_usd == pytest.approx(0.06) and first.error_rate == pytest.approx(1 / 3)
    assert (first.feedback_count, first.feedback_avg) == (2, 3.0)
    assert (second.version, second.uses, second.completions, second.latency_p50_ms, second.feedback_avg) == (
        2,
        1,
        1,
        50.0,
        5.0,
    )


def test_compare_versions_counts_only_the_period_asked(graph: MemoryGraph) -> None:
    graph.publish_template("support", "A {{ q }}")
    old = datetime.now(UTC) - timedelta(days=30)
    prompt = graph.render_prompt("support", {"q": "x"}, created_at=old)
    graph.add_completion(prompt, "a", created_at=old + timedelta(seconds=1))
    (stats,) = graph.compare_versions("support", 1, since="7d")
    assert (stats.uses, stats.completions, stats.latency_p50_ms) == (0, 0, None)


def test_a_query_by_template_finds_its_versions_only(graph: MemoryGraph) -> None:
    first = graph.publish_template("a", "one {{ x }}")
    second = graph.publish_template("a", "two {{ x }}")
    graph.publish_template("b", "other {{ x }}")
    template = (graph.find(types="PromptTemplate", name="a")).items[0]
    found = graph.query().types("TemplateVersion").template(template).page(limit=10)
    assert [v.id for v in found.items] == [first.id, second.id]
    assert graph.query().template(template.id).count() == 2
