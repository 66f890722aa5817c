"""Store-neutral encodings: page cursors, timestamps as integers, metadata values as keys.

Both stores and both facades use these, so a cursor from one page of a SQLite graph means
the same thing as one from Neo4j, and metadata equality has one meaning everywhere.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime, timedelta

from ..errors import InvalidCursorError

__all__ = [
    "decode_cursor",
    "decode_rank_cursor",
    "decode_sequence_cursor",
    "encode_cursor",
    "encode_rank_cursor",
    "encode_sequence_cursor",
    "from_micros",
    "meta_value",
    "to_micros",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_CURSOR_PREFIX = "c1:"
_RANK_PREFIX = "r1:"
_SEQUENCE_PREFIX = "s1:"


def to_micros(value: datetime) -> int:
    """Return a timezone-aware datetime as whole microseconds since the Unix epoch."""
    return (value - _EPOCH) // _MICROSECOND


def from_micros(value: int) -> datetime:
    """Return the UTC datetime ``value`` microseconds after the Unix epoch."""
    return _EPOCH + timedelta(microseconds=value)


def encode_cursor(created_at: datetime, node_id: str) -> str:
    """Return an opaque cursor pointing just after the node with this (created_at, id)."""
    raw = f"{_CURSOR_PREFIX}{to_micros(created_at)}:{node_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """Return the (created_at, id) a cursor points after, or raise ``InvalidCursorError``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, micros, node_id = raw.split(":")
        if prefix + ":" != _CURSOR_PREFIX or not node_id:
            raise ValueError(raw)
        return from_micros(int(micros)), node_id
    except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError):
        raise InvalidCursorError(cursor) from None


def encode_rank_cursor(score: float, node_id: str) -> str:
    """Return an opaque cursor pointing just after the search hit with this (score, id)."""
    raw = f"{_RANK_PREFIX}{score!r}:{node_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_rank_cursor(cursor: str) -> tuple[float, str]:
    """Return the (score, id) a search cursor points after, or raise ``InvalidCursorError``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, score, node_id = raw.split(":")
        value = float(score)
        if prefix + ":" != _RANK_PREFIX or not node_id or value != value:
            raise ValueError(raw)
        return value, node_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursorError(cursor) from None


def encode_sequence_cursor(sequence: int) -> str:
    """Return an opaque cursor pointing just after a conversation's item number ``sequence``."""
    raw = f"{_SEQUENCE_PREFIX}{sequence}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_sequence_cursor(cursor: str) -> int:
    """Return the sequence number a transcript cursor points after, or raise ``InvalidCursorError``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith(_SEQUENCE_PREFIX):
            raise ValueError(raw)
        digits = raw.removeprefix(_SEQUENCE_PREFIX)
        if not digits.isascii() or not digits.isdigit() or len(digits) > 18:
            raise ValueError(raw)
        return int(digits)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursorError(cursor) from None


def meta_value(value: object) -> str:
    """Return the canonical text of a scalar metadata value, the key of equality filters.

    Integral floats compare equal to integers (``3.0 == 3``, as in Cypher), booleans never
    equal numbers, and strings never equal numbers.
    """
    if type(value) is str and _PLAIN_TEXT.fullmatch(value):
        return f'"{value}"'  # what json.dumps writes, for the common case, at a tenth of the cost
    if type(value) is int:
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


#: Text that JSON writes between quotes as it is: nothing to escape.
_PLAIN_TEXT = re.compile(r'[^"\\\x00-\x1f]*')
