"""The field types every model shares, and the checks that keep values storable on both
stores: UTC datetimes, canonical UUIDs, flat metadata, finite numbers, Unicode text."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Annotated, Any, TypeAlias, get_args, get_origin
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    JsonValue,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from ..errors import _shown

__all__ = [
    "INT64_MAX",
    "INT64_MIN",
    "Count",
    "Json",
    "JsonObject",
    "Metadata",
    "MetadataScalar",
    "Millis",
    "Model",
    "Money",
    "NodeId",
    "NonEmpty",
    "Positive",
    "Score",
    "UtcDatetime",
    "check_metadata",
    "check_text",
    "utcnow",
]


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must be timezone-aware (for example datetime.now(timezone.utc))")
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-14:00 is in the year 10000 in UTC
        raise ValueError(f"{value.isoformat()} is out of range in UTC (years 1 to 9999)") from None


#: The canonical form (lower-case, hyphenated) every id is stored in: checked with one match.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _canonical_uuid(value: str) -> str:
    try:
        return str(UUID(value))
    except ValueError:
        raise ValueError(f"must be a UUID string, got {_shown(value)}") from None


#: The error type a ``NodeId`` that is no UUID reports (``input_error`` adds the value).
_NOT_A_UUID = "uuid_string"


class _UuidText:
    """``NodeId`` validation. An id already canonical, the common case, is matched by
    pydantic-core's own regex with no call into Python (every model has two or three ids,
    and reads validate them all again); any other form goes through ``_canonical_uuid``.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        canonical = core_schema.str_schema(pattern=f"^{_CANONICAL_UUID.pattern}$")
        converted = core_schema.no_info_after_validator_function(_canonical_uuid, core_schema.str_schema())
        return core_schema.union_schema(
            [canonical, converted],
            mode="left_to_right",
            custom_error_type=_NOT_A_UUID,
            custom_error_message="must be a UUID string",
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "uuid"}


# ``\Z``, not ``$``: ``$`` also matches before a final newline, and "env\n" is no key.
_META_KEY = re.compile(r"\A[A-Za-z_][A-Za-z0-9_.\-]{0,127}\Z")

#: The integers both stores hold: SQLite's INTEGER and Neo4j's Long are signed 64-bit.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

#: A lone UTF-16 surrogate: a Python string may hold one, but it is no Unicode text, and
#: neither store (nor JSON, nor UTF-8) can hold it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _finite(value: Any) -> bool:
    """Tell whether every number in a JSON value is finite and every integer fits in 64
    bits. JSON has no NaN or infinity: the stores would write null in their place, and
    nothing would say so; neither store holds a wider integer.
    """
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, int):
        return INT64_MIN <= value <= INT64_MAX
    if isinstance(value, dict):
        return all(_finite(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(_finite(item) for item in value)
    return True


_NOT_STORABLE = "NaN, infinity and integers beyond 64 bits cannot be stored"


def _check_finite(value: Any) -> Any:
    if not _finite(value):
        raise ValueError(_NOT_STORABLE)
    return value


def _surrogate_in(value: Any, path: str) -> str | None:
    """Return where in ``value`` (a string, or JSON dicts and lists) a lone surrogate
    is, as ``path[.key]: character N``, or ``None`` when there is none.
    """
    kind = type(value)
    if kind is str:
        if value.isascii():
            return None
        found = _SURROGATE.search(value)
        return None if found is None else f"{path}: character {found.start()}"
    if kind is dict:
        for key, item in value.items():
            where = _surrogate_in(key, f"{path} key") or _surrogate_in(item, f"{path}.{key}")
            if where is not None:
                return where
    elif kind is list or kind is tuple:
        for i, item in enumerate(value):
            where = _surrogate_in(item, f"{path}.{i}")
            if where is not None:
                return where
    return None


def _may_hold_text(annotation: Any) -> bool:
    """Tell whether a field of this type may hold free text: ``str``, a dict, list or
    tuple, or a JSON value (not an id, an enum, a literal, a number or a time).
    """
    if annotation is str or annotation is Any:
        return True
    if any(isinstance(arg, _UuidText) for arg in get_args(annotation)):
        return False  # a NodeId: a canonical UUID once valid
    origin = get_origin(annotation)
    if origin in (dict, list, tuple):
        return True
    if annotation is JsonValue or getattr(annotation, "__value__", None) is not None:
        return True  # JsonValue and other type aliases
    return any(_may_hold_text(arg) for arg in get_args(annotation))


_TEXT_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {}


def check_text(model: BaseModel) -> None:
    """Refuse a lone surrogate (``"\\ud800"``) in any text field, key or JSON value of
    ``model``: no store can hold one, and it would fail deep inside a write. Fields that
    are models check themselves.

    :raises ValueError: naming the field and the character's position.
    """
    cls = type(model)
    names = _TEXT_FIELDS.get(cls)
    if names is None:
        names = tuple(
            n
            for n, f in cls.model_fields.items()
            if _may_hold_text(f.annotation) and not any(isinstance(m, _UuidText) for m in f.metadata)
        )
        _TEXT_FIELDS[cls] = names
    values = model.__dict__
    for name in names:
        value = values[name]
        kind = type(value)  # the common cases inline: this runs for every node and edge
        if kind is str:
            if value.isascii():
                continue
        elif (kind is not dict and kind is not list and kind is not tuple) or not value:
            continue
        where = _surrogate_in(value, name)
        if where is not None:
            raise ValueError(
                f"{where} is a lone surrogate, which is not Unicode text and cannot be stored "
                "(decode bytes with errors='replace')"
            )


def check_metadata(value: dict[str, JsonValue]) -> dict[str, JsonValue]:
    for key, item in value.items():
        if not _META_KEY.match(key):
            raise ValueError(
                f"key {_shown(key)} must start with a letter or _ and hold only letters, digits, "
                "_ . - (at most 128 characters)"
            )
        if not _finite(item):
            raise ValueError(f"key {_shown(key)}: {_NOT_STORABLE}")
    return value


#: Value types flat metadata holds; a float must also be finite.
_FLAT_VALUES = frozenset({str, int, bool, type(None)})


def _flat_metadata(value: Any, handler: core_schema.ValidatorFunctionWrapHandler) -> Any:
    """Pass a flat dict of valid keys to scalar values (nearly all metadata) as a copy;
    hand anything else to the full validation, which reports what is wrong.
    """
    if type(value) is not dict:
        return handler(value)
    for key, item in value.items():
        kind = type(item)
        if kind not in _FLAT_VALUES and (kind is not float or not math.isfinite(item)):
            return handler(value)
        if kind is int and not INT64_MIN <= item <= INT64_MAX:
            return handler(value)
        if type(key) is not str or not _META_KEY.match(key):
            return handler(value)
    return dict(value)


class _MetadataDict:
    """``Metadata`` validation. Flat metadata is checked by one loop in Python, for a third
    less than validating it as JSON values (every recorded call with metadata pays it on
    the caller's thread); nested values, and every error, go through
    ``dict[str, JsonValue]`` and ``check_metadata``.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        full = core_schema.no_info_after_validator_function(check_metadata, handler(dict[str, JsonValue]))
        return core_schema.no_info_wrap_validator_function(_flat_metadata, full)


UtcDatetime = Annotated[datetime, AfterValidator(_to_utc)]
NodeId = Annotated[str, _UuidText()]
Metadata = Annotated[dict[str, JsonValue], _MetadataDict()]
#: Any JSON value, and a JSON object, that holds no NaN or infinity.
Json = Annotated[JsonValue, AfterValidator(_check_finite)]
JsonObject = Annotated[dict[str, JsonValue], AfterValidator(_check_finite)]
MetadataScalar: TypeAlias = str | int | float | bool
NonEmpty = Annotated[str, Field(min_length=1)]
# Numbers are strict: "12" or True where a count belongs is a caller's bug, not a 12 or a 1.
Count = Annotated[int, Field(ge=0, le=INT64_MAX, strict=True)]
Positive = Annotated[int, Field(ge=1, le=INT64_MAX, strict=True)]
Money = Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]
Millis = Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]
Score = Annotated[float, Field(allow_inf_nan=False, strict=True)]


class Model(BaseModel):
    """Base of every model here: immutable, and unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class _Text(Model):
    """A model whose text is checked for lone surrogates (``check_text``): every node and
    edge, and what nodes hold (request snapshots, variable specs).
    """

    @model_validator(mode="after")
    def _text_is_unicode(self) -> Any:
        check_text(self)
        return self
