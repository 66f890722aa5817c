"""The neomodel classes match the pydantic models, the migrations and what the store writes.

No database is needed: everything here reads neomodel's own class introspection.

The requiredness rule: a neomodel property is ``required`` exactly when the pydantic field
can never be ``None`` (its annotation does not admit ``None`` and its default, if any, is
not ``None``). That covers fields without a default (``content``) and fields with a
non-None default or default factory (``id``, ``created_at``, ``metadata``, ``status``), all
of which the store writes on every node.
"""

from __future__ import annotations

import re
import subprocess
import sys
import types
import typing
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, Literal

import neo4j.time
import pytest
from neomodel import (
    ArrayProperty,
    BooleanProperty,
    DateTimeNeo4jFormatProperty,
    FloatProperty,
    IntegerProperty,
    JSONProperty,
    RelationshipDefinition,
    RelationshipFrom,
    RelationshipTo,
    StringProperty,
    StructuredNode,
    StructuredRel,
)
from neomodel.properties import Property
from neomodel.sync_.match import QueryBuilder
from pydantic import BaseModel
from pydantic.fields import FieldInfo

import llm_memory_graph
from llm_memory_graph.schema import (
    EDGE_RULES,
    Agent,
    AgentStatus,
    Completion,
    Contains,
    Context,
    Conversation,
    ConversationStatus,
    DependsOn,
    DerivedFrom,
    Document,
    Edge,
    EdgeType,
    Feedback,
    FeedbackSource,
    Generates,
    HandledBy,
    Inherits,
    Instantiates,
    Labels,
    Node,
    NodeType,
    Precedes,
    Prompt,
    PromptTemplate,
    Rates,
    References,
    RequestSnapshot,
    TemplateVersion,
    ToolInvocation,
    ToolStatus,
    TransfersTo,
    Triggers,
    VariableSpec,
    edge_class,
    node_class,
    parse_node,
)
from llm_memory_graph.stores.neo4j import models
from llm_memory_graph.stores.neo4j._queries import query
from llm_memory_graph.stores.neo4j._records import (
    INTERNAL_PROPERTIES,
    edge_properties,
    json_fields,
    node_properties,
)

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(llm_memory_graph.__file__).parents[1] / "migrations"

#: Edge fields that are the relationship's type and ends in Neo4j, not properties.
EDGE_STRUCTURE = frozenset({"type", "source_id", "target_id"})

#: neomodel's property class for each Python scalar type; bool before int, its base class.
SCALAR_PROPERTIES: tuple[tuple[type, type[Property[Any]]], ...] = (
    (bool, BooleanProperty),
    (int, IntegerProperty),
    (float, FloatProperty),
    (str, StringProperty),
    (datetime, DateTimeNeo4jFormatProperty),
)

ALL_NODE_CLASSES: tuple[type[models.GraphNode], ...] = (models.GraphNode, *models.NODE_MODELS.values())
ALL_CLASSES: tuple[type[StructuredNode] | type[StructuredRel], ...] = (
    *ALL_NODE_CLASSES,
    *models.REL_MODELS.values(),
)


def node_params() -> list[Any]:
    return [pytest.param(t, id=t.value) for t in NodeType]


def edge_params() -> list[Any]:
    return [pytest.param(t, id=t.value) for t in EdgeType]


# ---------------------------------------------------------------- pydantic -> neomodel expectations


def strip(annotation: Any) -> Any:
    """Return ``annotation`` without ``Annotated`` metadata and without ``| None``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return strip(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return strip(args[0])
    return annotation


def admits_none(annotation: Any) -> bool:
    """Tell whether ``None`` is a valid value of ``annotation``."""
    if hasattr(annotation, "__value__"):  # a type alias such as pydantic's JsonValue
        return admits_none(annotation.__value__)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return admits_none(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(admits_none(a) for a in typing.get_args(annotation))
    return annotation is None or annotation is type(None) or annotation is Any


def never_none(field: FieldInfo) -> bool:
    """The requiredness rule: the field can never hold ``None`` (see the module docstring)."""
    if admits_none(field.annotation):
        return False
    return field.is_required() or field.default_factory is not None or field.default is not None


def scalar_property(annotation: Any) -> type[Property[Any]]:
    """Return the neomodel property class for a scalar annotation; enums and literals are strings."""
    if typing.get_origin(annotation) is Literal:
        values = typing.get_args(annotation)
        assert all(isinstance(v, str) for v in values), f"non-string literal {annotation!r}"
        return StringProperty
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        assert all(isinstance(m.value, str) for m in annotation), f"non-string enum {annotation!r}"
        return StringProperty
    for python_type, prop in SCALAR_PROPERTIES:
        if isinstance(annotation, type) and issubclass(annotation, python_type):
            return prop
    raise AssertionError(f"no neomodel property family for {annotation!r}; add one to models.py")


def expected_family(
    model: type[BaseModel], name: str
) -> tuple[type[Property[Any]], type[Property[Any]] | None]:
    """Return (property class, item property class of a list) that a pydantic field should map to."""
    if name in json_fields(model):
        return JSONProperty, None
    annotation = strip(model.model_fields[name].annotation)
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        return ArrayProperty, scalar_property(strip(item))
    return scalar_property(annotation), None


def family(prop: Property[Any]) -> tuple[type[Property[Any]], type[Property[Any]] | None]:
    """Return (property class, item property class of an array) of a neomodel property."""
    if isinstance(prop, ArrayProperty):
        return ArrayProperty, type(prop.base_property) if prop.base_property is not None else None
    return type(prop), None


def is_enum(annotation: Any) -> bool:
    annotation = strip(annotation)
    return isinstance(annotation, type) and issubclass(annotation, Enum)


def enum_values(annotation: Any) -> set[str] | None:
    """Return the values an enum or literal annotation allows, or ``None`` for other types."""
    annotation = strip(annotation)
    if typing.get_origin(annotation) is Literal:
        return {str(getattr(v, "value", v)) for v in typing.get_args(annotation)}
    if is_enum(annotation):
        return {m.value for m in annotation}
    return None


def properties(cls: type[StructuredNode] | type[StructuredRel]) -> dict[str, Property[Any]]:
    return dict(cls.defined_properties(aliases=False, rels=False))


def relationships(cls: type[StructuredNode]) -> dict[str, Any]:
    return dict(cls.defined_properties(aliases=False, properties=False))


def check_parity(
    model: type[BaseModel], orm: type[StructuredNode] | type[StructuredRel], fields: set[str]
) -> None:
    props = properties(orm)
    for name in sorted(fields):
        field = model.model_fields[name]
        assert name in props, f"{orm.__name__} lacks the property {name!r}"
        prop = props[name]
        assert prop.get_db_property_name(name) == name, name
        assert prop.required == never_none(field), f"{orm.__name__}.{name}: required={prop.required}"
        assert family(prop) == expected_family(model, name), f"{orm.__name__}.{name}: {family(prop)}"
        allowed = enum_values(field.annotation)
        choices = getattr(prop, "choices", None)
        if allowed is not None and is_enum(field.annotation):
            assert choices is not None, f"{orm.__name__}.{name} should take its choices from the enum"
            assert set(choices) == allowed, f"{orm.__name__}.{name}: choices differ from the enum"
        elif allowed is not None and choices is not None:
            assert allowed <= set(choices), f"{orm.__name__}.{name}: choices {choices} miss {allowed}"


# ---------------------------------------------------------------- labels


@pytest.mark.parametrize("node_type", node_params())
def test_every_node_type_has_a_neomodel_class_with_both_labels(node_type: NodeType) -> None:
    cls = models.NODE_MODELS[node_type]
    assert cls.__label__ == node_type.value
    assert cls.__name__ == f"{node_type.value}Node"
    assert sorted(cls.inherited_labels()) == sorted({"GraphNode", node_type.value})
    assert issubclass(cls, models.GraphNode)


def test_the_graph_node_base_class_carries_only_the_graph_node_label() -> None:
    assert models.GraphNode.inherited_labels() == ["GraphNode"]


def test_every_edge_type_has_a_neomodel_relationship_class() -> None:
    assert set(models.REL_MODELS) == set(EdgeType)
    for edge_type, cls in models.REL_MODELS.items():
        assert issubclass(cls, models.GraphRel)
        assert cls.__name__ == "".join(p.capitalize() for p in edge_type.value.split("_")) + "Rel"


def test_every_public_class_and_mapping_is_exported() -> None:
    defined = {
        name
        for name, obj in vars(models).items()
        if isinstance(obj, type) and obj.__module__ == models.__name__ and not name.startswith("_")
    }
    assert set(models.__all__) == defined | {"NODE_MODELS", "REL_MODELS"}


# ---------------------------------------------------------------- properties


@pytest.mark.parametrize("node_type", node_params())
def test_node_class_properties_match_the_pydantic_model_field_for_field(node_type: NodeType) -> None:
    model, orm = node_class(node_type), models.NODE_MODELS[node_type]
    internal = set(properties(orm)) - set(model.model_fields)
    assert internal <= INTERNAL_PROPERTIES
    assert internal == ({"meta_kv", "last_item_id"} if node_type is NodeType.CONVERSATION else {"meta_kv"})
    check_parity(model, orm, set(model.model_fields))


@pytest.mark.parametrize("edge_type", edge_params())
def test_relationship_class_properties_match_the_pydantic_edge_field_for_field(edge_type: EdgeType) -> None:
    model, orm = edge_class(edge_type), models.REL_MODELS[edge_type]
    fields = set(model.model_fields) - EDGE_STRUCTURE
    assert set(properties(orm)) - fields == {"meta_kv"}
    check_parity(model, orm, fields)


def test_internal_properties_are_typed_like_the_store_writes_them() -> None:
    for cls in ALL_CLASSES:
        assert family(properties(cls)["meta_kv"]) == (ArrayProperty, StringProperty)
    assert family(properties(models.ConversationNode)["last_item_id"]) == (StringProperty, None)


def test_no_property_has_a_neomodel_default_so_every_value_comes_from_pydantic() -> None:
    for cls in ALL_CLASSES:
        for name, prop in properties(cls).items():
            assert not prop.has_default, f"{cls.__name__}.{name} has a default"


def test_no_property_or_relationship_shadows_a_neomodel_attribute_except_id() -> None:
    for cls in ALL_NODE_CLASSES:
        for name in cls.defined_properties(aliases=False):
            assert name == "id" or not hasattr(StructuredNode, name), f"{cls.__name__}.{name}"
    for rel in models.REL_MODELS.values():
        for name in properties(rel):
            assert name == "id" or not hasattr(StructuredRel, name), f"{rel.__name__}.{name}"
            assert name not in {"source", "target"}


def test_the_id_property_replaces_neomodel_s_deprecated_integer_id() -> None:
    prompt = models.PromptNode(id="0199a3b0-0000-7000-8000-000000000001", content="x")
    assert prompt.id == "0199a3b0-0000-7000-8000-000000000001"
    assert models.GraphNode.id.name == "id"
    assert models.GraphNode.id.owner is models.GraphNode
    assert models.GraphRel.id.owner is models.GraphRel


def test_filtering_by_id_queries_the_id_property() -> None:
    builder = QueryBuilder(models.PromptNode.nodes.filter(id="0199a3b0-0000-7000-8000-000000000001"))
    builder.build_ast()
    assert "WHERE prompt.id = $" in builder.build_query()


# ---------------------------------------------------------------- migrations

CONSTRAINT = re.compile(
    r"CREATE\s+CONSTRAINT\s+\w+\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    r"FOR\s+(?:\(\w+:(?P<label>\w+)\)|\(\)-\[\w+:(?P<rel>\w+)\]-\(\))\s+"
    r"REQUIRE\s+\w+\.(?P<prop>\w+)\s+IS\s+UNIQUE",
    re.IGNORECASE,
)
RANGE_INDEX = re.compile(
    r"CREATE\s+(?:RANGE\s+)?INDEX\s+\w+\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    r"FOR\s+(?:\(\w+:(?P<label>\w+)\)|\(\)-\[\w+:(?P<rel>\w+)\]-\(\))\s+"
    r"ON\s+\((?P<props>[^)]*)\)",
    re.IGNORECASE,
)


def migration_text() -> str:
    files = sorted(MIGRATIONS.glob("*.cypher"))
    assert files, f"no migrations in {MIGRATIONS}"
    return "\n".join(re.sub(r"//[^\n]*", "", f.read_text(encoding="utf-8")) for f in files)


def unique_constraints() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Return the (label, property) node constraints and (type, property) relationship ones."""
    nodes, rels = set(), set()
    for match in CONSTRAINT.finditer(migration_text()):
        if match["label"]:
            nodes.add((match["label"], match["prop"]))
        else:
            rels.add((match["rel"], match["prop"]))
    return nodes, rels


def range_indexes() -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    """Return the (label, properties) node indexes and (type, properties) relationship ones."""
    nodes, rels = [], []
    for match in RANGE_INDEX.finditer(migration_text()):
        props = [p.strip().split(".", 1)[1] for p in match["props"].split(",")]
        if match["label"]:
            nodes.append((match["label"], props))
        else:
            rels.append((match["rel"], props))
    return nodes, rels


def test_the_migrations_parse_into_constraints_and_indexes() -> None:
    nodes, rels = unique_constraints()
    node_indexes, rel_indexes = range_indexes()
    assert ("GraphNode", "id") in nodes
    assert ("CONTAINS", "id") in rels
    assert ("GraphNode", ["created_at", "id"]) in node_indexes
    assert ("TRANSFERS_TO", ["conversation_id"]) in rel_indexes


@pytest.mark.parametrize("cls", [pytest.param(c, id=c.__label__) for c in ALL_NODE_CLASSES])
def test_every_unique_node_property_has_its_constraint_in_the_migrations(cls: type[StructuredNode]) -> None:
    constraints, _ = unique_constraints()
    unique = {name for name, prop in properties(cls).items() if prop.unique_index}
    assert "id" in unique
    for name in unique:
        assert (cls.__label__, properties(cls)[name].get_db_property_name(name)) in constraints
    assert {prop for label, prop in constraints if label == cls.__label__} <= unique


@pytest.mark.parametrize("edge_type", edge_params())
def test_every_relationship_id_has_its_constraint_in_the_migrations(edge_type: EdgeType) -> None:
    _, constraints = unique_constraints()
    unique = {name for name, prop in properties(models.REL_MODELS[edge_type]).items() if prop.unique_index}
    assert unique == {"id"}, "only ids are unique"
    assert (edge_type.value, "id") in constraints
    assert {prop for rel, prop in constraints if rel == edge_type.value} == unique


def test_every_migration_constraint_belongs_to_a_neomodel_class() -> None:
    nodes, rels = unique_constraints()
    assert {label for label, _ in nodes} == {cls.__label__ for cls in ALL_NODE_CLASSES}
    assert {rel for rel, _ in rels} == set(EdgeType)


@pytest.mark.parametrize("cls", [pytest.param(c, id=c.__label__) for c in ALL_NODE_CLASSES])
def test_node_properties_are_indexed_where_a_migration_index_leads_with_them(
    cls: type[StructuredNode],
) -> None:
    node_indexes, _ = range_indexes()
    props = properties(cls)
    leading = {columns[0] for label, columns in node_indexes if label in cls.inherited_labels()}
    indexed = {name for name, prop in props.items() if prop.index}
    unique = {name for name, prop in props.items() if prop.unique_index}
    assert indexed == (leading & set(props)) - unique


@pytest.mark.parametrize("edge_type", edge_params())
def test_relationship_properties_are_indexed_where_a_migration_index_leads_with_them(
    edge_type: EdgeType,
) -> None:
    _, rel_indexes = range_indexes()
    props = properties(models.REL_MODELS[edge_type])
    leading = {columns[0] for rel, columns in rel_indexes if rel == edge_type.value}
    assert leading <= set(props), f"the migrations index {leading - set(props)} on {edge_type}"
    assert {name for name, prop in props.items() if prop.index} == leading


def test_every_migration_index_is_on_a_known_label_and_property() -> None:
    node_indexes, rel_indexes = range_indexes()
    known = {name for cls in ALL_NODE_CLASSES for name in properties(cls)}
    for label, columns in node_indexes:
        assert label in {cls.__label__ for cls in ALL_NODE_CLASSES}
        assert set(columns) <= known, (label, columns)
    for rel, columns in rel_indexes:
        if rel == "HAS_META":  # the store's metadata index, not an edge of the data model
            assert columns == ["kv", "created_at", "node_id"]
            continue
        assert set(columns) <= set(properties(models.REL_MODELS[EdgeType(rel)])), (rel, columns)


# ---------------------------------------------------------------- relationships


def allowed_pairs() -> list[Any]:
    return [
        pytest.param(edge_type, source, target, id=f"{source.value}-{edge_type.value}->{target.value}")
        for edge_type, rule in EDGE_RULES.items()
        for source, target in sorted(rule.pairs)
    ]


def declared(
    cls: type[StructuredNode],
    kind: type[RelationshipDefinition],
    edge_type: EdgeType,
    other: type[StructuredNode],
) -> list[str]:
    """Return the names of ``cls``'s relationships of this kind, type, model and other end."""
    names = []
    for name, definition in relationships(cls).items():
        if type(definition) is not kind or definition.definition["relation_type"] != edge_type.value:
            continue
        definition.lookup_node_class()
        if definition.definition["node_class"] is other:
            assert definition.definition["model"] is models.REL_MODELS[edge_type], name
            names.append(name)
    return names


@pytest.mark.parametrize(("edge_type", "source", "target"), allowed_pairs())
def test_every_allowed_edge_is_a_relationship_to_on_its_source_class(
    edge_type: EdgeType, source: NodeType, target: NodeType
) -> None:
    source_cls, target_cls = models.NODE_MODELS[source], models.NODE_MODELS[target]
    assert len(declared(source_cls, RelationshipTo, edge_type, target_cls)) == 1


@pytest.mark.parametrize(("edge_type", "source", "target"), allowed_pairs())
def test_every_allowed_edge_is_a_relationship_from_on_its_target_class(
    edge_type: EdgeType, source: NodeType, target: NodeType
) -> None:
    source_cls, target_cls = models.NODE_MODELS[source], models.NODE_MODELS[target]
    assert len(declared(target_cls, RelationshipFrom, edge_type, source_cls)) == 1


def test_every_declared_relationship_is_an_allowed_edge() -> None:
    classes = {cls: node_type for node_type, cls in models.NODE_MODELS.items()}
    for cls in ALL_NODE_CLASSES:
        for name, definition in relationships(cls).items():
            assert type(definition) in (RelationshipTo, RelationshipFrom), name
            definition.lookup_node_class()
            edge_type = EdgeType(definition.definition["relation_type"])
            here, there = classes[cls], classes[definition.definition["node_class"]]
            source, target = (here, there) if type(definition) is RelationshipTo else (there, here)
            assert EDGE_RULES[edge_type].allows(source, target), f"{cls.__name__}.{name}"
            assert definition.definition["model"] is models.REL_MODELS[edge_type], f"{cls.__name__}.{name}"


def test_the_graph_node_base_class_declares_no_relationships() -> None:
    assert relationships(models.GraphNode) == {}


# ---------------------------------------------------------------- what the store writes

CONVERSATION_ID = "0199a3b0-0000-7000-8000-00000000c001"
AGENT_ID = "0199a3b0-0000-7000-8000-00000000a001"
OTHER_AGENT_ID = "0199a3b0-0000-7000-8000-00000000a002"
TEMPLATE_ID = "0199a3b0-0000-7000-8000-00000000b001"
CREATED = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
METADATA: dict[str, Any] = {"team": "search", "attempt": 2, "ratio": 0.5, "ok": True, "tags": ["a", "ü"]}
ITEM: dict[str, Any] = {
    "conversation_id": CONVERSATION_ID,
    "sequence": 3,
    "user_id": "user-7",
    "agent_id": AGENT_ID,
    "created_at": CREATED,
    "metadata": METADATA,
}
COMMON: dict[str, Any] = {"created_at": CREATED, "metadata": METADATA}

#: One node of each type with every optional field given, so every property is exercised.
SAMPLE_NODES: dict[NodeType, Node] = {
    NodeType.CONVERSATION: Conversation(
        title="Trip to Lyon",
        user_id="user-7",
        status=ConversationStatus.CLOSED,
        closed_at=CREATED + timedelta(hours=1),
        item_count=3,
        error="TimeoutError: the model took too long",
        **COMMON,
    ),
    NodeType.PROMPT: Prompt(content="Où dormir ?", role="user", token_count=4, **ITEM),
    NodeType.COMPLETION: Completion(
        content="Try the Croix-Rousse.",
        provider="openai",
        request_model="gpt-4o",
        response_model="gpt-4o-2024-08-06",
        response_id="resp-1",
        input_tokens=12,
        output_tokens=6,
        cached_input_tokens=2,
        reasoning_tokens=0,
        total_tokens=18,
        cost_usd=0.0031,
        latency_ms=842.5,
        time_to_first_token_ms=211.0,
        price_version="2026-12-01",
        finish_reason="length",
        error="cut short",
        request=RequestSnapshot(
            messages=[{"role": "user", "content": "Où ?"}], parameters={"temperature": 0.2}
        ),
        **ITEM,
    ),
    NodeType.TOOL_INVOCATION: ToolInvocation(
        tool_name="search",
        tool_call_id="call-1",
        arguments={"q": "hotels", "limit": 3},
        result={"hits": [1, 2, None]},
        status=ToolStatus.ERROR,
        error="timeout",
        duration_ms=30.25,
        cost_usd=0.002,
        **ITEM,
    ),
    NodeType.AGENT: Agent(
        name="planner",
        role="router",
        description="Plans trips.",
        capabilities=["search", "book"],
        model="gpt-4o",
        status=AgentStatus.IDLE,
        **COMMON,
    ),
    NodeType.DOCUMENT: Document(
        content="Lyon hotels ...",
        title="Hotels",
        source="wiki",
        uri="https://example.org/lyon",
        chunk_index=0,
        chunk_count=2,
        mime_type="text/plain",
        **COMMON,
    ),
    NodeType.CONTEXT: Context(content="The user likes trains.", kind="memory", token_count=5, **ITEM),
    NodeType.FEEDBACK: Feedback(
        score=-0.5,
        label="unhelpful",
        comment="Too vague",
        source=FeedbackSource.AUTOMATIC,
        rater="judge",
        **ITEM,
    ),
    NodeType.PROMPT_TEMPLATE: PromptTemplate(
        name="travel/answer", description="Answers travel questions", **COMMON
    ),
    NodeType.TEMPLATE_VERSION: TemplateVersion(
        template_id=TEMPLATE_ID,
        version=2,
        body="Answer {{ question }}",
        variables=[VariableSpec(name="question", description="What was asked")],
        semver="1.1.0",
        message="Shorter",
        author="ana",
        **COMMON,
    ),
}

EDGE_ENDS: dict[str, Any] = {
    "source_id": "0199a3b0-0000-7000-8000-00000000e001",
    "target_id": "0199a3b0-0000-7000-8000-00000000e002",
    **COMMON,
}

#: One edge of each type with every optional field given.
SAMPLE_EDGES: dict[EdgeType, Edge] = {
    EdgeType.CONTAINS: Contains(position=3, **EDGE_ENDS),
    EdgeType.PRECEDES: Precedes(**EDGE_ENDS),
    EdgeType.GENERATES: Generates(**EDGE_ENDS),
    EdgeType.TRIGGERS: Triggers(**EDGE_ENDS),
    EdgeType.REFERENCES: References(score=0.87, rank=1, **EDGE_ENDS),
    EdgeType.DEPENDS_ON: DependsOn(**EDGE_ENDS),
    EdgeType.DERIVED_FROM: DerivedFrom(reason="clearer", **EDGE_ENDS),
    EdgeType.INSTANTIATES: Instantiates(variables={"question": "Où ?", "n": 3}, **EDGE_ENDS),
    EdgeType.INHERITS: Inherits(**EDGE_ENDS),
    EdgeType.HANDLED_BY: HandledBy(**EDGE_ENDS),
    EdgeType.TRANSFERS_TO: TransfersTo(reason="needs booking", conversation_id=CONVERSATION_ID, **EDGE_ENDS),
    EdgeType.RATES: Rates(**EDGE_ENDS),
    EdgeType.LABELS: Labels(label="production", actor="ana", reason="rollback", **EDGE_ENDS),
}


class StoredNode(dict[str, Any]):
    """What neomodel's ``inflate`` reads from a driver node: properties by key, and an element id."""

    element_id = "4:test:1"


class StoredRelationship(dict[str, Any]):
    """What neomodel's ``inflate`` reads from a driver relationship."""

    element_id = "5:test:1"
    start_node = None
    end_node = None


def as_driver_entity(stored: dict[str, Any]) -> Any:
    """Hand a stand-in to ``inflate``, which is typed for the driver's own node and relationship."""
    return stored


def as_read_back(props: dict[str, Any]) -> dict[str, Any]:
    """Return properties as the driver hands them back: the write queries store the ISO-8601
    text of a timestamp as a DateTime (``datetime(row.props.created_at)``).
    """
    return {
        name: neo4j.time.DateTime.from_native(datetime.fromisoformat(value)) if name in TIMES else value
        for name, value in props.items()
    }


#: The properties the write queries turn from ISO-8601 text into DateTime values.
TIMES = frozenset({"created_at", "closed_at"})


def test_every_timestamp_field_is_one_the_write_queries_store_as_a_datetime() -> None:
    samples = [*SAMPLE_NODES.values(), *SAMPLE_EDGES.values()]
    assert {n for s in samples for n in type(s).model_fields if isinstance(getattr(s, n), datetime)} == TIMES
    for name in TIMES:
        assert f"n.{name} = datetime(row.props.{name})" in query("upsert_write").text
    assert query("upsert_write").text.count("r.created_at = datetime(row.props.created_at)") == len(EdgeType)


def test_the_samples_cover_every_node_and_edge_type_with_every_field_set() -> None:
    assert set(SAMPLE_NODES) == set(NodeType)
    assert set(SAMPLE_EDGES) == set(EdgeType)
    for sample in (*SAMPLE_NODES.values(), *SAMPLE_EDGES.values()):
        unset = [name for name in type(sample).model_fields if getattr(sample, name) is None]
        assert unset == [], f"{type(sample).__name__} leaves {unset} unset"


@pytest.mark.parametrize("node_type", node_params())
def test_every_property_the_store_writes_is_known_to_the_neomodel_class(node_type: NodeType) -> None:
    sample = SAMPLE_NODES[node_type]
    last_item_id = EDGE_ENDS["target_id"] if node_type is NodeType.CONVERSATION else None
    stored = node_properties(sample, last_item_id=last_item_id)
    props = properties(models.NODE_MODELS[node_type])
    assert set(stored) <= {prop.get_db_property_name(name) for name, prop in props.items()}
    assert {name for name, prop in props.items() if prop.required} <= set(stored)


@pytest.mark.parametrize("node_type", node_params())
def test_the_store_writes_every_required_property_when_optional_fields_are_empty(node_type: NodeType) -> None:
    model, sample = node_class(node_type), SAMPLE_NODES[node_type]
    data = {name: getattr(sample, name) for name, field in model.model_fields.items() if field.is_required()}
    if node_type is NodeType.FEEDBACK:
        data["score"] = 1.0  # feedback needs a score or a label
    stored = node_properties(parse_node({**data, "type": node_type}))
    props = properties(models.NODE_MODELS[node_type])
    assert {name for name, prop in props.items() if prop.required} <= set(stored)


@pytest.mark.parametrize("node_type", node_params())
def test_neomodel_inflates_what_the_store_writes_back_to_the_pydantic_values(node_type: NodeType) -> None:
    sample = SAMPLE_NODES[node_type]
    stored = as_read_back(node_properties(sample))
    orm = models.NODE_MODELS[node_type].inflate(as_driver_entity(StoredNode(stored)))
    expected = sample.model_dump()
    for name in type(sample).model_fields:
        assert getattr(orm, name) == expected[name], name
    fields = {name: getattr(orm, name) for name in type(sample).model_fields}
    assert type(sample).model_validate(fields) == sample
    assert orm.meta_kv == stored["meta_kv"]


@pytest.mark.parametrize("edge_type", edge_params())
def test_every_property_the_store_writes_on_an_edge_is_known_to_the_neomodel_class(
    edge_type: EdgeType,
) -> None:
    stored = edge_properties(SAMPLE_EDGES[edge_type])
    props = properties(models.REL_MODELS[edge_type])
    assert set(stored) <= {prop.get_db_property_name(name) for name, prop in props.items()}
    assert {name for name, prop in props.items() if prop.required} <= set(stored)


@pytest.mark.parametrize("edge_type", edge_params())
def test_neomodel_inflates_what_the_store_writes_on_an_edge_back_to_the_pydantic_values(
    edge_type: EdgeType,
) -> None:
    sample = SAMPLE_EDGES[edge_type]
    stored = as_read_back(edge_properties(sample))
    rel = models.REL_MODELS[edge_type].inflate(as_driver_entity(StoredRelationship(stored)))
    expected = sample.model_dump()
    fields = {name: getattr(rel, name) for name in set(type(sample).model_fields) - EDGE_STRUCTURE}
    assert fields == {name: expected[name] for name in fields}
    ends = {"type": edge_type, "source_id": sample.source_id, "target_id": sample.target_id}
    assert type(sample).model_validate({**fields, **ends}) == sample


# ---------------------------------------------------------------- import side effects


@pytest.mark.slow
def test_importing_the_models_connects_nothing_reads_no_config_and_warns_nothing() -> None:
    script = """
import neomodel.config
from neomodel.config import NeomodelConfig

def refuse(*args, **kwargs):
    raise AssertionError("neomodel configuration was read at import time")

NeomodelConfig.from_env = classmethod(refuse)
import llm_memory_graph.stores.neo4j.models
from neomodel import db
assert db.driver is None, "a neomodel connection was bound at import time"
"""
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
