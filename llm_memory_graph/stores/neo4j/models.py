"""neomodel classes for the graph the Neo4j store writes, to read and explore it as objects.

Every node carries the ``GraphNode`` label beside its own (``:GraphNode:Prompt``), and a
class's properties are the fields of the pydantic model of the same name in
:mod:`llm_memory_graph.schema`: ``PromptNode`` has exactly ``Prompt``'s fields. Connect
neomodel to the database the graph lives in, then query::

    from neomodel import db
    from llm_memory_graph.stores.neo4j.models import PromptNode

    db.set_connection(driver=store.driver)  # a sync neo4j.Driver, or url="neo4j://user:pass@host:7687"
    for prompt in PromptNode.nodes.filter(conversation_id=conversation_id).order_by("sequence"):
        print(prompt.content, [c.content for c in prompt.generates.all()])

``Neo4jStore.driver`` is the driver the library itself uses; any sync ``neo4j.Driver`` to the
same server will do. For a database other than the server's default, set
``neomodel.NeomodelConfig.database_name`` (``neomodel.set_config``) before connecting, or put
the name at the end of the URL. neomodel keeps one connection per process (``neomodel.db``),
shared by every thread, and this module leaves it alone: importing it opens no connection,
reads no configuration and does no I/O (declaring the relationships only records their
classes in neomodel's in-memory registry).

These classes are for reading and exploring. Write through the library (``MemoryGraph`` or
``AsyncMemoryGraph``): it numbers the items of a conversation, keeps the CONTAINS, PRECEDES
and HANDLED_BY edges that follow from ``conversation_id`` and ``agent_id``, and writes
``meta_kv`` (the ``key=value`` list that makes metadata filterable) with a ``HAS_META``
self-loop per entry (the index metadata filters seek); a neomodel ``save()`` does none of
that. Likewise, create the schema with ``llm-memory-graph migrate``, not with
neomodel's ``install_labels``: the migrations hold composite and full-text indexes that
neomodel cannot describe, and ``install_labels`` would add single-property indexes of its own.
Those indexes are on the ``GraphNode`` label, while neomodel matches a class by its own label
only (``MATCH (n:Prompt)``), so ORM filters scan that label: on a large graph prefer
``MemoryGraph.find``, ``transcript`` and ``lineage``, or Cypher on ``:GraphNode``.

Properties map one to one: strings, enums and ``type`` are strings; ``created_at`` and
``closed_at`` are native Neo4j ``DateTime`` values (``DateTimeNeo4jFormatProperty``, never
``default_now``); ``metadata`` and the other map-shaped fields are JSON text
(``JSONProperty``), so Cypher cannot filter on their keys, which is what ``meta_kv`` is for.
A property is ``required`` exactly when the pydantic field can never be ``None``. Nothing
has a neomodel default: every value comes from the pydantic model that was stored.

Relationship accessors are named after the edge type, as seen from its source, with the
target's plural added when the edge can reach several node types (``prompt.generates``,
``prompt.references_documents``, ``conversation.contains_prompts``); the reverse accessors
read backwards (``completion.generated_by``, ``document.referenced_by_prompts``,
``prompt.contained_in``, ``agent.handles_completions``, ``prompt.derivatives``). Every
(source, target) pair that :data:`llm_memory_graph.schema.EDGE_RULES` allows has one
accessor each way, carrying the edge's properties through its ``StructuredRel`` class.
"""

from __future__ import annotations

from enum import Enum

from neomodel import (
    ArrayProperty,
    DateTimeNeo4jFormatProperty,
    FloatProperty,
    IntegerProperty,
    JSONProperty,
    RelationshipFrom,
    RelationshipTo,
    StringProperty,
    StructuredNode,
    StructuredRel,
)

from ...schema import AgentStatus, ConversationStatus, EdgeType, FeedbackSource, NodeType, ToolStatus

__all__ = [
    "NODE_MODELS",
    "REL_MODELS",
    "AgentNode",
    "CompletionNode",
    "ContainsRel",
    "ContextNode",
    "ConversationNode",
    "DependsOnRel",
    "DerivedFromRel",
    "DocumentNode",
    "FeedbackNode",
    "GeneratesRel",
    "GraphNode",
    "GraphRel",
    "HandledByRel",
    "InheritsRel",
    "InstantiatesRel",
    "LabelsRel",
    "PrecedesRel",
    "PromptNode",
    "PromptTemplateNode",
    "RatesRel",
    "ReferencesRel",
    "TemplateVersionNode",
    "ToolInvocationNode",
    "TransfersToRel",
    "TriggersRel",
]


def _choices(enum: type[Enum]) -> dict[str, str]:
    """Return neomodel ``choices`` that accept exactly the values of ``enum``."""
    return {member.value: member.value for member in enum}


# ---------------------------------------------------------------- ids
#
# neomodel refuses a property called ``id`` in the body of a node or relationship class,
# because ``StructuredNode.id`` and ``StructuredRel.id`` are its deprecated integer ids
# (Neo4j 4's ``id()``; neomodel 7 itself never reads them). The graph's ids are UUID
# strings called ``id`` everywhere, so each ``id`` property is declared on a plain mixin,
# which the check does not inspect, and shadows the deprecated attribute in the MRO.
# neomodel names and owns the properties of a class body; these two are named by hand below.


class _NodeId:
    id = StringProperty(required=True, unique_index=True)


class _RelId:
    id = StringProperty(required=True, unique_index=True)


# ---------------------------------------------------------------- relationships


class GraphRel(_RelId, StructuredRel):  # type: ignore[misc]  # id shadows StructuredRel.id
    """Properties every relationship has: ``id``, ``created_at``, ``metadata`` and ``meta_kv``.

    ``rel = prompt.generates.relationship(completion)`` returns the ``GeneratesRel``
    between two nodes; ``rel.id`` and ``rel.metadata`` are the edge's fields.
    """

    created_at = DateTimeNeo4jFormatProperty(required=True)
    metadata = JSONProperty(required=True, ensure_ascii=False)
    meta_kv = ArrayProperty(StringProperty(), required=True)


_RelId.id.name, _RelId.id.owner = "id", GraphRel  # what neomodel does for a class body's properties


class ContainsRel(GraphRel):
    """CONTAINS: conversation -> item; ``position`` equals the item's ``sequence``."""

    position = IntegerProperty(required=True)


class PrecedesRel(GraphRel):
    """PRECEDES: an item -> the next item of the same conversation."""


class GeneratesRel(GraphRel):
    """GENERATES: prompt -> the completion it produced."""


class TriggersRel(GraphRel):
    """TRIGGERS: completion -> the tool call it asked for; tool call -> the follow-up prompt."""


class ReferencesRel(GraphRel):
    """REFERENCES: prompt or completion -> a document or context it used, with score and rank."""

    score = FloatProperty()
    rank = IntegerProperty()


class DependsOnRel(GraphRel):
    """DEPENDS_ON: an item -> an earlier item or a document whose output it used."""


class DerivedFromRel(GraphRel):
    """DERIVED_FROM: a revised prompt -> the prompt it was revised from, and why."""

    reason = StringProperty()


class InstantiatesRel(GraphRel):
    """INSTANTIATES: prompt -> the template version it was rendered from, with the variables."""

    variables = JSONProperty(required=True, ensure_ascii=False)


class InheritsRel(GraphRel):
    """INHERITS: template version -> the version or template it extends."""


class HandledByRel(GraphRel):
    """HANDLED_BY: an item -> the agent that handled it."""


class TransfersToRel(GraphRel):
    """TRANSFERS_TO: agent -> the agent it handed the work to, in which conversation and why."""

    reason = StringProperty()
    conversation_id = StringProperty(index=True)


class RatesRel(GraphRel):
    """RATES: feedback -> the completion, prompt or tool call it judges."""


class LabelsRel(GraphRel):
    """LABELS: template -> the version a label pointed at from ``created_at`` on (one per move)."""

    label = StringProperty(required=True)
    actor = StringProperty()
    reason = StringProperty()


# ---------------------------------------------------------------- nodes


class GraphNode(_NodeId, StructuredNode):  # type: ignore[misc]  # id shadows StructuredNode.id
    """Any node of the graph, by the ``GraphNode`` label all of them carry.

    ``GraphNode.nodes.filter(type="Prompt")`` finds nodes of any type by their common
    properties; each result comes back as its own class (``PromptNode`` ...). Instances are
    plain objects: share them between threads only for reading.
    """

    __label__ = "GraphNode"

    type = StringProperty(required=True, index=True, choices=_choices(NodeType))
    created_at = DateTimeNeo4jFormatProperty(required=True, index=True)
    metadata = JSONProperty(required=True, ensure_ascii=False)
    meta_kv = ArrayProperty(StringProperty(), required=True)


_NodeId.id.name, _NodeId.id.owner = "id", GraphNode  # what neomodel does for a class body's properties


class ConversationNode(GraphNode):
    """A ``:GraphNode:Conversation`` node: a session holding prompts, completions, tool calls ...

    ``ConversationNode.nodes.get(id=conversation_id).contains_prompts.order_by("sequence")``
    lists its prompts in order. ``last_item_id`` is the store's own bookkeeping.
    """

    __label__ = "Conversation"

    title = StringProperty()
    user_id = StringProperty(index=True)
    status = StringProperty(required=True, index=True, choices=_choices(ConversationStatus))
    closed_at = DateTimeNeo4jFormatProperty()
    item_count = IntegerProperty(required=True)
    error = StringProperty()
    last_item_id = StringProperty()

    contains_prompts = RelationshipTo("PromptNode", "CONTAINS", model=ContainsRel)
    contains_completions = RelationshipTo("CompletionNode", "CONTAINS", model=ContainsRel)
    contains_tool_invocations = RelationshipTo("ToolInvocationNode", "CONTAINS", model=ContainsRel)
    contains_contexts = RelationshipTo("ContextNode", "CONTAINS", model=ContainsRel)
    contains_feedback = RelationshipTo("FeedbackNode", "CONTAINS", model=ContainsRel)


class PromptNode(GraphNode):
    """A ``:GraphNode:Prompt`` node: text sent to a model.

    ``PromptNode.nodes.filter(conversation_id=cid).order_by("sequence")`` lists the prompts
    of a conversation; ``prompt.generates.all()`` gives the completions each produced.
    """

    __label__ = "Prompt"

    conversation_id = StringProperty(index=True)
    sequence = IntegerProperty()
    user_id = StringProperty(index=True)
    agent_id = StringProperty(index=True)
    content = StringProperty(required=True)
    role = StringProperty(required=True)
    token_count = IntegerProperty()

    precedes_prompts = RelationshipTo("PromptNode", "PRECEDES", model=PrecedesRel)
    precedes_completions = RelationshipTo("CompletionNode", "PRECEDES", model=PrecedesRel)
    precedes_tool_invocations = RelationshipTo("ToolInvocationNode", "PRECEDES", model=PrecedesRel)
    precedes_contexts = RelationshipTo("ContextNode", "PRECEDES", model=PrecedesRel)
    precedes_feedback = RelationshipTo("FeedbackNode", "PRECEDES", model=PrecedesRel)
    generates = RelationshipTo("CompletionNode", "GENERATES", model=GeneratesRel)
    references_documents = RelationshipTo("DocumentNode", "REFERENCES", model=ReferencesRel)
    references_contexts = RelationshipTo("ContextNode", "REFERENCES", model=ReferencesRel)
    depends_on_prompts = RelationshipTo("PromptNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_completions = RelationshipTo("CompletionNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_tool_invocations = RelationshipTo("ToolInvocationNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_documents = RelationshipTo("DocumentNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_contexts = RelationshipTo("ContextNode", "DEPENDS_ON", model=DependsOnRel)
    derived_from = RelationshipTo("PromptNode", "DERIVED_FROM", model=DerivedFromRel)
    instantiates = RelationshipTo("TemplateVersionNode", "INSTANTIATES", model=InstantiatesRel)
    handled_by = RelationshipTo("AgentNode", "HANDLED_BY", model=HandledByRel)
    contained_in = RelationshipFrom("ConversationNode", "CONTAINS", model=ContainsRel)
    preceded_by_prompts = RelationshipFrom("PromptNode", "PRECEDES", model=PrecedesRel)
    preceded_by_completions = RelationshipFrom("CompletionNode", "PRECEDES", model=PrecedesRel)
    preceded_by_tool_invocations = RelationshipFrom("ToolInvocationNode", "PRECEDES", model=PrecedesRel)
    preceded_by_contexts = RelationshipFrom("ContextNode", "PRECEDES", model=PrecedesRel)
    preceded_by_feedback = RelationshipFrom("FeedbackNode", "PRECEDES", model=PrecedesRel)
    triggered_by = RelationshipFrom("ToolInvocationNode", "TRIGGERS", model=TriggersRel)
    depended_on_by_prompts = RelationshipFrom("PromptNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_completions = RelationshipFrom("CompletionNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_tool_invocations = RelationshipFrom("ToolInvocationNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_contexts = RelationshipFrom("ContextNode", "DEPENDS_ON", model=DependsOnRel)
    derivatives = RelationshipFrom("PromptNode", "DERIVED_FROM", model=DerivedFromRel)
    rated_by = RelationshipFrom("FeedbackNode", "RATES", model=RatesRel)


class CompletionNode(GraphNode):
    """A ``:GraphNode:Completion`` node: a model's answer, with its cost and latency.

    ``CompletionNode.nodes.filter(response_model="gpt-4o", cost_usd__gt=0.01)`` finds the
    costly answers of a model; ``completion.generated_by.single()`` is the prompt behind one.
    """

    __label__ = "Completion"

    conversation_id = StringProperty(index=True)
    sequence = IntegerProperty()
    user_id = StringProperty(index=True)
    agent_id = StringProperty(index=True)
    content = StringProperty(required=True)
    provider = StringProperty(index=True)
    request_model = StringProperty(index=True)
    response_model = StringProperty(index=True)
    response_id = StringProperty()
    input_tokens = IntegerProperty()
    output_tokens = IntegerProperty()
    cached_input_tokens = IntegerProperty()
    reasoning_tokens = IntegerProperty()
    total_tokens = IntegerProperty()
    cost_usd = FloatProperty()
    price_version = StringProperty()
    latency_ms = FloatProperty()
    time_to_first_token_ms = FloatProperty()
    finish_reason = StringProperty(index=True)
    error = StringProperty()
    request = JSONProperty(ensure_ascii=False)

    precedes_prompts = RelationshipTo("PromptNode", "PRECEDES", model=PrecedesRel)
    precedes_completions = RelationshipTo("CompletionNode", "PRECEDES", model=PrecedesRel)
    precedes_tool_invocations = RelationshipTo("ToolInvocationNode", "PRECEDES", model=PrecedesRel)
    precedes_contexts = RelationshipTo("ContextNode", "PRECEDES", model=PrecedesRel)
    precedes_feedback = RelationshipTo("FeedbackNode", "PRECEDES", model=PrecedesRel)
    triggers = RelationshipTo("ToolInvocationNode", "TRIGGERS", model=TriggersRel)
    references_documents = RelationshipTo("DocumentNode", "REFERENCES", model=ReferencesRel)
    references_contexts = RelationshipTo("ContextNode", "REFERENCES", model=ReferencesRel)
    depends_on_prompts = RelationshipTo("PromptNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_completions = RelationshipTo("CompletionNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_tool_invocations = RelationshipTo("ToolInvocationNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_documents = RelationshipTo("DocumentNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_contexts = RelationshipTo("ContextNode", "DEPENDS_ON", model=DependsOnRel)
    handled_by = RelationshipTo("AgentNode", "HANDLED_BY", model=HandledByRel)
    contained_in = RelationshipFrom("ConversationNode", "CONTAINS", model=ContainsRel)
    preceded_by_prompts = RelationshipFrom("PromptNode", "PRECEDES", model=PrecedesRel)
    preceded_by_completions = RelationshipFrom("CompletionNode", "PRECEDES", model=PrecedesRel)
    preceded_by_tool_invocations = RelationshipFrom("ToolInvocationNode", "PRECEDES", model=PrecedesRel)
    preceded_by_contexts = RelationshipFrom("ContextNode", "PRECEDES", model=PrecedesRel)
    preceded_by_feedback = RelationshipFrom("FeedbackNode", "PRECEDES", model=PrecedesRel)
    generated_by = RelationshipFrom("PromptNode", "GENERATES", model=GeneratesRel)
    depended_on_by_prompts = RelationshipFrom("PromptNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_completions = RelationshipFrom("CompletionNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_tool_invocations = RelationshipFrom("ToolInvocationNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_contexts = RelationshipFrom("ContextNode", "DEPENDS_ON", model=DependsOnRel)
    rated_by = RelationshipFrom("FeedbackNode", "RATES", model=RatesRel)


class ToolInvocationNode(GraphNode):
    """A ``:GraphNode:ToolInvocation`` node: a tool call, its arguments, and its result or error.

    ``ToolInvocationNode.nodes.filter(tool_name="search", status="error")`` finds failed
    calls; ``call.triggered_by.single()`` is the completion that asked for one.
    """

    __label__ = "ToolInvocation"

    conversation_id = StringProperty(index=True)
    sequence = IntegerProperty()
    user_id = StringProperty(index=True)
    agent_id = StringProperty(index=True)
    tool_name = StringProperty(required=True, index=True)
    tool_call_id = StringProperty()
    arguments = JSONProperty(required=True, ensure_ascii=False)
    result = JSONProperty(ensure_ascii=False)
    status = StringProperty(required=True, index=True, choices=_choices(ToolStatus))
    error = StringProperty()
    duration_ms = FloatProperty()
    cost_usd = FloatProperty()

    precedes_prompts = RelationshipTo("PromptNode", "PRECEDES", model=PrecedesRel)
    precedes_completions = RelationshipTo("CompletionNode", "PRECEDES", model=PrecedesRel)
    precedes_tool_invocations = RelationshipTo("ToolInvocationNode", "PRECEDES", model=PrecedesRel)
    precedes_contexts = RelationshipTo("ContextNode", "PRECEDES", model=PrecedesRel)
    precedes_feedback = RelationshipTo("FeedbackNode", "PRECEDES", model=PrecedesRel)
    triggers = RelationshipTo("PromptNode", "TRIGGERS", model=TriggersRel)
    depends_on_prompts = RelationshipTo("PromptNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_completions = RelationshipTo("CompletionNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_tool_invocations = RelationshipTo("ToolInvocationNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_documents = RelationshipTo("DocumentNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_contexts = RelationshipTo("ContextNode", "DEPENDS_ON", model=DependsOnRel)
    handled_by = RelationshipTo("AgentNode", "HANDLED_BY", model=HandledByRel)
    contained_in = RelationshipFrom("ConversationNode", "CONTAINS", model=ContainsRel)
    preceded_by_prompts = RelationshipFrom("PromptNode", "PRECEDES", model=PrecedesRel)
    preceded_by_completions = RelationshipFrom("CompletionNode", "PRECEDES", model=PrecedesRel)
    preceded_by_tool_invocations = RelationshipFrom("ToolInvocationNode", "PRECEDES", model=PrecedesRel)
    preceded_by_contexts = RelationshipFrom("ContextNode", "PRECEDES", model=PrecedesRel)
    preceded_by_feedback = RelationshipFrom("FeedbackNode", "PRECEDES", model=PrecedesRel)
    triggered_by = RelationshipFrom("CompletionNode", "TRIGGERS", model=TriggersRel)
    depended_on_by_prompts = RelationshipFrom("PromptNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_completions = RelationshipFrom("CompletionNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_tool_invocations = RelationshipFrom("ToolInvocationNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_contexts = RelationshipFrom("ContextNode", "DEPENDS_ON", model=DependsOnRel)
    rated_by = RelationshipFrom("FeedbackNode", "RATES", model=RatesRel)


class AgentNode(GraphNode):
    """A ``:GraphNode:Agent`` node: an agent of a multi-agent system.

    ``AgentNode.nodes.get(name="planner").handles_prompts.all()`` lists the prompts an agent
    handled; ``agent.transfers_to.all()`` the agents it handed work to.
    """

    __label__ = "Agent"

    name = StringProperty(required=True, index=True)
    role = StringProperty()
    description = StringProperty()
    capabilities = ArrayProperty(StringProperty(), required=True)
    model = StringProperty()
    status = StringProperty(required=True, index=True, choices=_choices(AgentStatus))

    transfers_to = RelationshipTo("AgentNode", "TRANSFERS_TO", model=TransfersToRel)
    handles_prompts = RelationshipFrom("PromptNode", "HANDLED_BY", model=HandledByRel)
    handles_completions = RelationshipFrom("CompletionNode", "HANDLED_BY", model=HandledByRel)
    handles_tool_invocations = RelationshipFrom("ToolInvocationNode", "HANDLED_BY", model=HandledByRel)
    handles_contexts = RelationshipFrom("ContextNode", "HANDLED_BY", model=HandledByRel)
    transferred_from = RelationshipFrom("AgentNode", "TRANSFERS_TO", model=TransfersToRel)


class DocumentNode(GraphNode):
    """A ``:GraphNode:Document`` node: a source document or chunk that retrieval brought in.

    ``DocumentNode.nodes.filter(uri=uri)`` finds a document's chunks;
    ``document.referenced_by_prompts.all()`` the prompts that used one.
    """

    __label__ = "Document"

    content = StringProperty(required=True)
    title = StringProperty()
    source = StringProperty()
    uri = StringProperty()
    chunk_index = IntegerProperty()
    chunk_count = IntegerProperty()
    content_hash = StringProperty()
    mime_type = StringProperty()

    referenced_by_prompts = RelationshipFrom("PromptNode", "REFERENCES", model=ReferencesRel)
    referenced_by_completions = RelationshipFrom("CompletionNode", "REFERENCES", model=ReferencesRel)
    depended_on_by_prompts = RelationshipFrom("PromptNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_completions = RelationshipFrom("CompletionNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_tool_invocations = RelationshipFrom("ToolInvocationNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_contexts = RelationshipFrom("ContextNode", "DEPENDS_ON", model=DependsOnRel)


class ContextNode(GraphNode):
    """A ``:GraphNode:Context`` node: a system message, memory, profile or summary given to a model.

    ``ContextNode.nodes.filter(conversation_id=cid, kind="memory")`` lists a conversation's
    memories; ``context.referenced_by_prompts.all()`` the prompts that used one.
    """

    __label__ = "Context"

    conversation_id = StringProperty(index=True)
    sequence = IntegerProperty()
    user_id = StringProperty(index=True)
    agent_id = StringProperty(index=True)
    content = StringProperty(required=True)
    kind = StringProperty(required=True)
    token_count = IntegerProperty()

    precedes_prompts = RelationshipTo("PromptNode", "PRECEDES", model=PrecedesRel)
    precedes_completions = RelationshipTo("CompletionNode", "PRECEDES", model=PrecedesRel)
    precedes_tool_invocations = RelationshipTo("ToolInvocationNode", "PRECEDES", model=PrecedesRel)
    precedes_contexts = RelationshipTo("ContextNode", "PRECEDES", model=PrecedesRel)
    precedes_feedback = RelationshipTo("FeedbackNode", "PRECEDES", model=PrecedesRel)
    depends_on_prompts = RelationshipTo("PromptNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_completions = RelationshipTo("CompletionNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_tool_invocations = RelationshipTo("ToolInvocationNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_documents = RelationshipTo("DocumentNode", "DEPENDS_ON", model=DependsOnRel)
    depends_on_contexts = RelationshipTo("ContextNode", "DEPENDS_ON", model=DependsOnRel)
    handled_by = RelationshipTo("AgentNode", "HANDLED_BY", model=HandledByRel)
    contained_in = RelationshipFrom("ConversationNode", "CONTAINS", model=ContainsRel)
    preceded_by_prompts = RelationshipFrom("PromptNode", "PRECEDES", model=PrecedesRel)
    preceded_by_completions = RelationshipFrom("CompletionNode", "PRECEDES", model=PrecedesRel)
    preceded_by_tool_invocations = RelationshipFrom("ToolInvocationNode", "PRECEDES", model=PrecedesRel)
    preceded_by_contexts = RelationshipFrom("ContextNode", "PRECEDES", model=PrecedesRel)
    preceded_by_feedback = RelationshipFrom("FeedbackNode", "PRECEDES", model=PrecedesRel)
    referenced_by_prompts = RelationshipFrom("PromptNode", "REFERENCES", model=ReferencesRel)
    referenced_by_completions = RelationshipFrom("CompletionNode", "REFERENCES", model=ReferencesRel)
    depended_on_by_prompts = RelationshipFrom("PromptNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_completions = RelationshipFrom("CompletionNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_tool_invocations = RelationshipFrom("ToolInvocationNode", "DEPENDS_ON", model=DependsOnRel)
    depended_on_by_contexts = RelationshipFrom("ContextNode", "DEPENDS_ON", model=DependsOnRel)


class FeedbackNode(GraphNode):
    """A ``:GraphNode:Feedback`` node: a human or automatic judgement of a completion or prompt.

    ``FeedbackNode.nodes.filter(score__lt=0)`` finds negative feedback;
    ``feedback.rates_completions.all()`` the completions it judged.
    """

    __label__ = "Feedback"

    conversation_id = StringProperty(index=True)
    sequence = IntegerProperty()
    user_id = StringProperty(index=True)
    agent_id = StringProperty(index=True)
    score = FloatProperty()
    label = StringProperty()
    comment = StringProperty()
    source = StringProperty(required=True, choices=_choices(FeedbackSource))
    rater = StringProperty()

    precedes_prompts = RelationshipTo("PromptNode", "PRECEDES", model=PrecedesRel)
    precedes_completions = RelationshipTo("CompletionNode", "PRECEDES", model=PrecedesRel)
    precedes_tool_invocations = RelationshipTo("ToolInvocationNode", "PRECEDES", model=PrecedesRel)
    precedes_contexts = RelationshipTo("ContextNode", "PRECEDES", model=PrecedesRel)
    precedes_feedback = RelationshipTo("FeedbackNode", "PRECEDES", model=PrecedesRel)
    rates_prompts = RelationshipTo("PromptNode", "RATES", model=RatesRel)
    rates_completions = RelationshipTo("CompletionNode", "RATES", model=RatesRel)
    rates_tool_invocations = RelationshipTo("ToolInvocationNode", "RATES", model=RatesRel)
    contained_in = RelationshipFrom("ConversationNode", "CONTAINS", model=ContainsRel)
    preceded_by_prompts = RelationshipFrom("PromptNode", "PRECEDES", model=PrecedesRel)
    preceded_by_completions = RelationshipFrom("CompletionNode", "PRECEDES", model=PrecedesRel)
    preceded_by_tool_invocations = RelationshipFrom("ToolInvocationNode", "PRECEDES", model=PrecedesRel)
    preceded_by_contexts = RelationshipFrom("ContextNode", "PRECEDES", model=PrecedesRel)
    preceded_by_feedback = RelationshipFrom("FeedbackNode", "PRECEDES", model=PrecedesRel)


class PromptTemplateNode(GraphNode):
    """A ``:GraphNode:PromptTemplate`` node: a named template whose text lives in its versions.

    ``PromptTemplateNode.nodes.get(name="support/answer")`` finds a template;
    ``template.inherited_by.all()`` the versions that point at it.
    """

    __label__ = "PromptTemplate"

    name = StringProperty(required=True, unique_index=True)
    description = StringProperty()

    inherited_by = RelationshipFrom("TemplateVersionNode", "INHERITS", model=InheritsRel)
    label_moves = RelationshipTo("TemplateVersionNode", "LABELS", model=LabelsRel)


class TemplateVersionNode(GraphNode):
    """A ``:GraphNode:TemplateVersion`` node: one immutable version of a template's text.

    ``TemplateVersionNode.nodes.filter(template_id=tid).order_by("-version")`` lists a
    template's versions, newest first; ``version.instantiated_by.all()`` the prompts rendered.
    """

    __label__ = "TemplateVersion"

    template_id = StringProperty(required=True, index=True)
    version = IntegerProperty()
    body = StringProperty(required=True)
    variables = JSONProperty(required=True, ensure_ascii=False)
    semver = StringProperty()
    message = StringProperty()
    author = StringProperty()
    content_hash = StringProperty()

    inherits_prompt_templates = RelationshipTo("PromptTemplateNode", "INHERITS", model=InheritsRel)
    inherits_template_versions = RelationshipTo("TemplateVersionNode", "INHERITS", model=InheritsRel)
    instantiated_by = RelationshipFrom("PromptNode", "INSTANTIATES", model=InstantiatesRel)
    inherited_by = RelationshipFrom("TemplateVersionNode", "INHERITS", model=InheritsRel)
    labelled_by = RelationshipFrom("PromptTemplateNode", "LABELS", model=LabelsRel)


#: The neomodel class of each node type.
NODE_MODELS: dict[NodeType, type[GraphNode]] = {
    NodeType.CONVERSATION: ConversationNode,
    NodeType.PROMPT: PromptNode,
    NodeType.COMPLETION: CompletionNode,
    NodeType.TOOL_INVOCATION: ToolInvocationNode,
    NodeType.AGENT: AgentNode,
    NodeType.DOCUMENT: DocumentNode,
    NodeType.CONTEXT: ContextNode,
    NodeType.FEEDBACK: FeedbackNode,
    NodeType.PROMPT_TEMPLATE: PromptTemplateNode,
    NodeType.TEMPLATE_VERSION: TemplateVersionNode,
}

#: The neomodel relationship class of each edge type.
REL_MODELS: dict[EdgeType, type[StructuredRel]] = {
    EdgeType.CONTAINS: ContainsRel,
    EdgeType.PRECEDES: PrecedesRel,
    EdgeType.GENERATES: GeneratesRel,
    EdgeType.TRIGGERS: TriggersRel,
    EdgeType.REFERENCES: ReferencesRel,
    EdgeType.DEPENDS_ON: DependsOnRel,
    EdgeType.DERIVED_FROM: DerivedFromRel,
    EdgeType.INSTANTIATES: InstantiatesRel,
    EdgeType.INHERITS: InheritsRel,
    EdgeType.HANDLED_BY: HandledByRel,
    EdgeType.TRANSFERS_TO: TransfersToRel,
    EdgeType.RATES: RatesRel,
    EdgeType.LABELS: LabelsRel,
}
