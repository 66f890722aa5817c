"""Where the Neo4j store connects, and how hard it retries: plain settings, no I/O."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ...errors import InvalidInputError
from ..retry import RetryPolicy

__all__ = ["NEO4J_SCHEMES", "Neo4jSettings", "RetryPolicy", "is_neo4j_uri"]

#: URI schemes the official driver accepts.
NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def is_neo4j_uri(target: object) -> bool:
    """Tell whether ``target`` names a Neo4j server rather than a database file."""
    return isinstance(target, str) and target.startswith(NEO4J_SCHEMES)


@dataclass(frozen=True)
class Neo4jSettings:
    """Connection settings for a Neo4j server.

        settings = Neo4jSettings.from_env("neo4j://localhost:7687")

    :param uri: ``bolt://``, ``neo4j://`` or their ``+s``/``+ssc`` secure forms.
    :param user: default ``neo4j``.
    :param password: never printed: it is left out of ``repr()``.
    :param database: the database every call uses; ``None`` is the server's default.
    :raises InvalidInputError: if ``uri`` is not a Neo4j URI the driver can use, or holds
        credentials (``neo4j://alice:secret@host``): the user and password are settings
        of their own, and a password in a URI ends up in shell history and logs. The
        message never repeats what stood before the ``@``.
    """

    uri: str
    user: str = "neo4j"
    password: str | None = field(default=None, repr=False)
    database: str | None = None

    def __post_init__(self) -> None:
        _check_uri(self.uri)

    @classmethod
    def from_env(
        cls,
        uri: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
    ) -> Neo4jSettings:
        """Fill every setting not given from ``NEO4J_URI``, ``NEO4J_USER``,
        ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``.

        :raises ValueError: if there is no URI at all.
        """
        uri = uri or os.environ.get("NEO4J_URI")
        if not uri:
            raise ValueError("no Neo4j URI: pass one or set NEO4J_URI")
        return cls(
            uri=uri,
            user=user or os.environ.get("NEO4J_USER") or "neo4j",
            password=password if password is not None else os.environ.get("NEO4J_PASSWORD"),
            database=database or os.environ.get("NEO4J_DATABASE") or None,
        )

    def auth(self) -> tuple[str, str] | None:
        """The driver's ``auth`` argument: ``None`` when no password is set."""
        return None if self.password is None else (self.user, self.password)


def _check_uri(uri: str) -> None:
    """Refuse a URI the driver would refuse with a traceback, without repeating credentials."""
    if not is_neo4j_uri(uri):
        raise InvalidInputError(f"a Neo4j URI starts with one of {', '.join(NEO4J_SCHEMES)}", field="uri")
    scheme, _, rest = uri.partition("://")
    authority = rest.split("/", 1)[0].split("?", 1)[0]
    if "@" in authority:
        host = authority.rpartition("@")[2]
        raise InvalidInputError(
            f"{scheme}://…@{host}: credentials in the URI are not accepted; give the user with "
            "--user or $NEO4J_USER and the password with $NEO4J_PASSWORD (or user= and password=)",
            field="uri",
        )
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - reading it checks it
    except ValueError as exc:
        raise InvalidInputError(f"{uri[:200]!r} is not a valid URI ({exc})", field="uri") from None
    if not parts.hostname:
        raise InvalidInputError(f"{uri[:200]!r} names no host", field="uri")
