"""Where the Neo4j store connects, and how hard it retries: plain settings, no I/O."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .._retry import RetryPolicy

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
    """

    uri: str
    user: str = "neo4j"
    password: str | None = field(default=None, repr=False)
    database: str | None = None

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
