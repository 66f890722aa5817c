"""Text and JSON views of nodes, edges, lineages, pages and counts (``_render``)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from llm_memory_graph.schema import (
    Agent,
    Completion,
    Context,
    Conversation,
    DependsOn,
    DerivedFrom,
    Direction,
    Document,
    Edge,
    EdgeType,
    Feedback,
    Generates,
    HandledBy,
    Node,
    NodeType,
    Prompt,
    PromptTemplate,
    References,
    TemplateVersion,
    ToolInvocation,
    TransfersTo,
    Triggers,
)
from llm_memory_graph.spec import Lineage, Page, Stats
from llm_memory_graph.views import text as render


def _lineage(root: Node, nodes: Sequence[Node], edges: Sequence[Edge], direction: str = "up") -> Lineage:
    return Lineage(
        root_id=root.id,
        direction=Direction(direction),
        nodes=[root, *nodes],
        edges=list(edges),
        depths={root.id: 0, **{n.id: i for i, n in enumerate(nodes, start=1)}},
    )


def _pair() -> tuple[Prompt, Completion, Generates]:
    prompt = Prompt(content="What is WAL mode?")
    answer = Completion(content="Write-ahead logging.", response_model="gpt-4o-mini")
    return prompt, answer, Generates(source_id=prompt.id, target_id=answer.id)


# ---------------------------------------------------------------- lineage tree


def test_lineage_tree_puts_the_root_first_and_its_inputs_below() -> None:
    prompt, answer, generates = _pair()

    lines = render.lineage_tree(_lineage(answer, [prompt], [generates])).splitlines()

    assert lines[0].startswith("Completion ")
    assert lines[1].startswith("└─ GENERATES: Prompt ")


def test_lineage_tree_walking_down_lists_outputs_as_children() -> None:
    prompt, answer, generates = _pair()

    lines = render.lineage_tree(_lineage(prompt, [answer], [generates], "down")).splitlines()

    assert lines[0].startswith("Prompt ")
    assert lines[1].startswith("└─ GENERATES: Completion ")


def test_lineage_tree_draws_branches_with_box_characters() -> None:
    prompt, answer, generates = _pair()
    doc = Document(content="WAL lets readers run during a write.", title="SQLite WAL")
    system = Context(content="Be brief.", kind="system")
    edges: list[Edge] = [
        generates,
        References(source_id=prompt.id, target_id=doc.id, rank=1),
        References(source_id=prompt.id, target_id=system.id),
    ]

    lines = render.lineage_tree(_lineage(answer, [prompt, doc, system], edges)).splitlines()

    assert lines[1].startswith("└─ GENERATES: Prompt")
    assert lines[2].startswith("   ├─ REFERENCES")
    assert lines[3].startswith("   └─ REFERENCES")


def test_lineage_tree_labels_references_with_score_and_rank() -> None:
    prompt, answer, generates = _pair()
    doc = Document(content="WAL lets readers run during a write.", title="SQLite WAL")
    ref = References(source_id=prompt.id, target_id=doc.id, score=0.912, rank=1)

    tree = render.lineage_tree(_lineage(answer, [prompt, doc], [generates, ref]))

    assert 'REFERENCES (score 0.91, rank 1): Document "SQLite WAL"' in tree


def test_lineage_tree_labels_revisions_with_their_reason() -> None:
    original = Prompt(content="Explain WAL.")
    revised = Prompt(content="Explain WAL in two sentences.")
    edge = DerivedFrom(source_id=revised.id, target_id=original.id, reason="too long")

    tree = render.lineage_tree(_lineage(revised, [original], [edge]))

    assert '└─ DERIVED_FROM ("too long"): Prompt' in tree


def test_lineage_tree_labels_hand_offs_with_their_reason() -> None:
    router, writer = Agent(name="router"), Agent(name="writer")
    answer = Completion(content="Done.", agent_id=writer.id)
    edges: list[Edge] = [
        HandledBy(source_id=answer.id, target_id=writer.id),
        TransfersTo(source_id=router.id, target_id=writer.id, reason="needs a reply"),
    ]

    lines = render.lineage_tree(_lineage(answer, [writer, router], edges)).splitlines()

    assert lines[1].startswith("└─ HANDLED_BY: Agent writer")
    assert lines[2].startswith('   └─ TRANSFERS_TO ("needs a reply"): Agent router')


def test_lineage_tree_prints_a_node_reached_twice_as_see_above() -> None:
    doc = Document(content="WAL lets readers run during a write.", title="SQLite WAL")
    first = Prompt(content="What is WAL?")
    draft = Completion(content="A journal mode.")
    second = Prompt(content="Expand on this.")
    answer = Completion(content="WAL appends changes to a separate file.")
    edges: list[Edge] = [
        Generates(source_id=second.id, target_id=answer.id),
        DependsOn(source_id=second.id, target_id=draft.id),
        References(source_id=second.id, target_id=doc.id),
        Generates(source_id=first.id, target_id=draft.id),
        References(source_id=first.id, target_id=doc.id),
    ]

    tree = render.lineage_tree(_lineage(answer, [second, draft, doc, first], edges))

    assert tree.count('Document "SQLite WAL"') == 1
    assert tree.count(f"Document (see above)  [{doc.id}]") == 1


def test_lineage_tree_names_an_items_agent_once_instead_of_repeating_it() -> None:
    writer = Agent(name="writer")
    prompt = Prompt(content="Reply to the user.", agent_id=writer.id)
    answer = Completion(content="Hello!", agent_id=writer.id)
    edges: list[Edge] = [
        Generates(source_id=prompt.id, target_id=answer.id),
        HandledBy(source_id=answer.id, target_id=writer.id),
        HandledBy(source_id=prompt.id, target_id=writer.id),
    ]

    tree = render.lineage_tree(_lineage(answer, [prompt, writer], edges))

    assert tree.count("HANDLED_BY") == 1
    assert "Prompt @writer" in tree


def test_lineage_tree_shows_parallel_edges_once_with_a_count() -> None:
    router, writer = Agent(name="router"), Agent(name="writer")
    edges = [TransfersTo(source_id=router.id, target_id=writer.id) for _ in range(3)]

    tree = render.lineage_tree(_lineage(writer, [router], edges))

    assert tree.count("TRANSFERS_TO") == 1
    assert "TRANSFERS_TO (3 edges): Agent router" in tree


def test_lineage_tree_ends_on_a_cycle() -> None:
    first, second = Agent(name="first"), Agent(name="second")
    edges = [
        TransfersTo(source_id=first.id, target_id=second.id),
        TransfersTo(source_id=second.id, target_id=first.id),
    ]

    lines = render.lineage_tree(_lineage(first, [second], edges)).splitlines()

    assert len(lines) == 3
    assert lines[2].endswith(f"Agent first (see above)  [{first.id}]")


def test_lineage_tree_prints_every_full_id() -> None:
    prompt, answer, generates = _pair()

    tree = render.lineage_tree(_lineage(answer, [prompt], [generates]))

    assert f"[{answer.id}]" in tree
    assert f"[{prompt.id}]" in tree


def test_lineage_tree_follows_a_long_chain_without_recursion_limits() -> None:
    prompts = [Prompt(content=f"step {i}") for i in range(1500)]
    edges = [DependsOn(source_id=a.id, target_id=b.id) for a, b in itertools.pairwise(prompts)]

    lines = render.lineage_tree(_lineage(prompts[0], prompts[1:], edges)).splitlines()

    assert len(lines) == 1500


def test_lineage_tree_with_color_off_has_no_escape_codes() -> None:
    prompt, answer, generates = _pair()

    assert "\x1b[" not in render.lineage_tree(_lineage(answer, [prompt], [generates]))


# ---------------------------------------------------------------- summaries


def test_clip_cuts_long_text_to_the_width_with_an_ellipsis() -> None:
    clipped = render.clip("x" * 100, 20)

    assert clipped == '"' + "x" * 19 + '…"'


def test_clip_puts_text_on_one_line() -> None:
    assert render.clip("Hi Dana,\n\n  Thanks") == '"Hi Dana, Thanks"'


def test_node_summary_of_a_completion_shows_model_tokens_cost_and_latency() -> None:
    answer = Completion(
        content="WAL appends changes to a separate file.",
        response_model="gpt-4o-2024-08-06",
        input_tokens=1846,
        output_tokens=58,
        cost_usd=0.005195,
        latency_ms=1930.0,
        finish_reason="tool_calls",
    )

    summary = render.node_summary(answer)

    assert summary == (
        "gpt-4o-2024-08-06 · 1,846 in / 58 out tokens · $0.0052 · 1.9 s · tool_calls · "
        '"WAL appends changes to a separate file."'
    )


def test_node_summary_of_a_tool_call_shows_name_arguments_status_and_result() -> None:
    tool = ToolInvocation(tool_name="calculator", arguments={"expression": "2 + 2"}, result=4, duration_ms=3)

    assert render.node_summary(tool) == 'calculator(expression="2 + 2") · success · 3 ms · → "4"'


def test_node_summary_of_a_failed_tool_call_shows_the_error() -> None:
    tool = ToolInvocation(tool_name="search_docs", error="timed out", status="error")

    assert render.node_summary(tool) == 'search_docs() · error · error: "timed out"'


def test_node_summary_of_a_document_shows_title_source_and_chunk() -> None:
    doc = Document(content="...", title="Refund policy", source="help-center", chunk_index=1, chunk_count=5)

    assert render.node_summary(doc) == '"Refund policy" · help-center · chunk 2/5'


def test_node_summary_of_feedback_shows_score_label_comment_and_rater() -> None:
    rating = Feedback(score=2, label="incomplete", comment="No timing.", rater="cust-1042")

    assert render.node_summary(rating) == 'score 2 · incomplete · "No timing." · by cust-1042'


def test_node_summary_of_an_agent_shows_name_role_and_model() -> None:
    agent = Agent(name="researcher", role="retrieval", model="gpt-4o")

    assert render.node_summary(agent) == "researcher · (retrieval) · gpt-4o"


def test_node_summary_names_the_agent_when_it_is_known() -> None:
    writer = Agent(name="writer")
    prompt = Prompt(content="Reply.", agent_id=writer.id)

    assert render.node_summary(prompt, agents={writer.id: "writer"}) == '@writer · user · "Reply."'


_EVERY_TYPE: list[Node] = [
    Conversation(title="Refunds", user_id="u-1"),
    Prompt(content="Hi"),
    Completion(content="Hello"),
    ToolInvocation(tool_name="search_docs"),
    Agent(name="router"),
    Document(content="Refunds within 30 days."),
    Context(content="Be kind.", kind="system"),
    Feedback(label="good"),
    PromptTemplate(name="support/reply"),
    TemplateVersion(template_id=PromptTemplate(name="t").id, version=1, body="Hello {{ name }}"),
]


@pytest.mark.parametrize("node", _EVERY_TYPE, ids=[str(n.type) for n in _EVERY_TYPE])
def test_node_line_has_type_summary_and_full_id(node: Node) -> None:
    line = render.node_line(node)

    assert line.startswith(f"{node.type} ")
    assert line.endswith(f"  [{node.id}]")
    assert render.node_summary(node)


def test_every_node_type_is_covered_by_the_summary_test() -> None:
    assert {n.type for n in _EVERY_TYPE} == set(NodeType)


# ---------------------------------------------------------------- JSON


def test_lineage_json_gives_each_node_its_depth_id_and_type() -> None:
    prompt, answer, generates = _pair()

    data = render.lineage_json(_lineage(answer, [prompt], [generates]))

    assert data["root_id"] == answer.id
    assert data["direction"] == "up"
    assert [(n["id"], n["type"], n["depth"]) for n in data["nodes"]] == [
        (answer.id, "Completion", 0),
        (prompt.id, "Prompt", 1),
    ]
    assert data["edges"][0]["type"] == "GENERATES"


def test_lineage_json_is_serialisable() -> None:
    prompt, answer, generates = _pair()

    text = render.dumps(render.lineage_json(_lineage(answer, [prompt], [generates])))

    assert json.loads(text)["nodes"][1]["content"] == "What is WAL mode?"


def test_page_json_has_items_and_next_cursor() -> None:
    prompt = Prompt(content="Hi")

    data = render.page_json(Page(items=[prompt], next_cursor="abc"))

    assert data == {"items": [render.node_json(prompt)], "next_cursor": "abc"}


def test_stats_json_keys_are_type_names() -> None:
    stats = Stats(nodes={NodeType.PROMPT: 2}, edges={EdgeType.GENERATES: 1})

    assert render.stats_json(stats) == {"nodes": {"Prompt": 2}, "edges": {"GENERATES": 1}}


def test_dumps_keeps_non_ascii_text_readable() -> None:
    assert render.dumps({"q": "Qu'est-ce que le mode WAL ?"}) == '{\n  "q": "Qu\'est-ce que le mode WAL ?"\n}'


def test_node_json_carries_id_type_and_utc_time() -> None:
    prompt = Prompt(content="Hi", created_at=datetime(2024, 6, 1, tzinfo=UTC))

    data = render.node_json(prompt)

    assert (data["id"], data["type"], data["created_at"]) == (prompt.id, "Prompt", "2024-06-01T00:00:00Z")


# ---------------------------------------------------------------- tables and details


def test_stats_table_lists_totals_then_each_type() -> None:
    stats = Stats(
        nodes={NodeType.PROMPT: 2, NodeType.COMPLETION: 1}, edges={EdgeType.GENERATES: 1, EdgeType.RATES: 0}
    )

    assert render.stats_table(stats).splitlines() == [
        "Nodes         3",
        "  Completion  1",
        "  Prompt      2",
        "Edges         1",
        "  GENERATES   1",
        "  RATES       0",
    ]


def test_stats_table_can_leave_out_empty_types() -> None:
    stats = Stats(nodes={NodeType.PROMPT: 2}, edges={EdgeType.RATES: 0})

    assert "RATES" not in render.stats_table(stats, include_empty=False)


def test_nodes_table_shows_time_id_type_and_summary() -> None:
    prompt = Prompt(content="Hi", created_at=datetime(2024, 6, 1, 9, 30, tzinfo=UTC))

    line = render.nodes_table([prompt])

    assert line == f'2024-06-01 09:30:00  {prompt.id}  Prompt          user · "Hi"'


def test_transcript_text_numbers_items_by_sequence() -> None:
    chat = Conversation(title="Refunds", item_count=2)
    items: list[Node] = [
        Prompt(content="Hi", conversation_id=chat.id, sequence=1),
        Completion(content="Hello", conversation_id=chat.id, sequence=2),
    ]

    lines = render.transcript_text(chat, items).splitlines()

    assert lines[0].startswith('Conversation "Refunds"')
    assert lines[1].startswith("  1. Prompt ")
    assert lines[2].startswith("  2. Completion ")


def test_node_details_lists_every_field() -> None:
    answer = Completion(content="Hello", response_model="gpt-4o", input_tokens=3, output_tokens=1)

    text = render.node_details(answer)

    assert text.splitlines()[0] == f"Completion {answer.id}"
    for field in Completion.model_fields:
        if field not in ("id", "type"):
            assert f"  {field}" in text


def test_node_details_indents_multi_line_text_under_its_field() -> None:
    answer = Completion(content="Hi Dana,\n\nThanks.")

    lines = render.node_details(answer).splitlines()

    start = lines.index("  content:")
    assert lines[start + 1 : start + 4] == ["      Hi Dana,", "      ", "      Thanks."]


def test_node_details_names_the_agent_next_to_its_id() -> None:
    writer = Agent(name="writer")
    prompt = Prompt(content="Reply.", agent_id=writer.id)

    assert f"{writer.id} (writer)" in render.node_details(prompt, agents={writer.id: "writer"})


def test_edge_label_is_the_bare_type_without_properties() -> None:
    prompt, answer, generates = _pair()

    assert render.edge_label(generates) == "GENERATES"
    assert render.edge_label(Triggers(source_id=answer.id, target_id=prompt.id)) == "TRIGGERS"
