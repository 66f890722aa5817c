"""The named Cypher queries and the migration scripts: the top-level ``cypher/`` and
``migrations/`` folders.

Each query lives in ``cypher/<name>.cypher`` with a header line ``// Parameters: $a, $b``
(or ``none``) naming exactly the parameters it takes; the store passes exactly those, which
``check_parameters`` enforces at run time and a test checks statically. Files are read
once. The wheel maps both folders into the package (hatch ``force-include``), so an
installed package reads them from ``llm_memory_graph/``; a checkout or an editable install
reads them from the repository's top level.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from ...errors import UsageError

__all__ = [
    "Migration",
    "Query",
    "check_parameters",
    "cypher_folder",
    "latest_migration",
    "migrations",
    "parameters_used",
    "queries",
    "query",
]

_HEADER = re.compile(r"^// Parameters: (?P<names>.+)$", re.MULTILINE)
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_MIGRATION_NAME = re.compile(r"^V(?P<version>\d{4})__(?P<name>[a-z0-9_]+)\.cypher$")


@dataclass(frozen=True)
class Query:
    """One named query: its text and the parameters its header declares."""

    name: str
    text: str
    parameters: frozenset[str]


@dataclass(frozen=True)
class Migration:
    """One versioned schema script: ``V0001__constraints.cypher`` is version 1."""

    version: int
    name: str
    text: str

    @property
    def checksum(self) -> str:
        """sha256 of the script's text; an applied script must never change."""
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def statements(self) -> list[str]:
        """The script's statements, in order, without comments or terminators."""
        lines = [line for line in self.text.splitlines() if not line.lstrip().startswith("//")]
        return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _parse_header(name: str, text: str) -> frozenset[str]:
    match = _HEADER.search(text)
    if match is None:
        raise UsageError(f"cypher/{name}.cypher has no '// Parameters:' header line")
    names = match["names"].strip()
    return (
        frozenset() if names == "none" else frozenset(n.strip().removeprefix("$") for n in names.split(","))
    )


def _shipped(folder: str) -> Traversable:
    """The folder ``cypher`` or ``migrations``: inside the installed package when a wheel put
    it there, else at the top of the checkout this package runs from."""
    packaged = resources.files("llm_memory_graph") / folder
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / folder


def cypher_folder() -> Traversable:
    """The folder of named queries (``cypher/``), with its ``filters/`` fragments."""
    return _shipped("cypher")


@cache
def queries() -> dict[str, Query]:
    """Return every named query, by name."""
    folder = cypher_folder()
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".cypher"):
            name = entry.name.removesuffix(".cypher")
            text = entry.read_text(encoding="utf-8")
            found[name] = Query(name, text, _parse_header(name, text))
    return found


def query(name: str) -> Query:
    """Return the query called ``name``."""
    try:
        return queries()[name]
    except KeyError:
        raise UsageError(f"no query file cypher/{name}.cypher") from None


def check_parameters(found: Query, params: dict[str, Any]) -> None:
    """Refuse a call whose parameters differ from those the query's header declares."""
    if set(params) != found.parameters:
        raise UsageError(f"query {found.name} takes {sorted(found.parameters)}, was given {sorted(params)}")


@cache
def migrations() -> tuple[Migration, ...]:
    """Return every migration script, oldest first."""
    folder = _shipped("migrations")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match["version"]), match["name"], entry.read_text(encoding="utf-8")))
    return tuple(sorted(found, key=lambda m: m.version))


def parameters_used(text: str) -> frozenset[str]:
    """Return the ``$parameters`` a query's body uses (comments left out)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return frozenset(_PARAMETER.findall(body))


def latest_migration() -> int:
    """Return the migration the store's queries need; older databases must migrate first."""
    return migrations()[-1].version
