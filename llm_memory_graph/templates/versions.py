"""The rules of template versions, with no I/O: how a version is named, which one a label
pointed at, how a chain of parents is walked, and what a version's A/B numbers are.

The facades read the graph and hand what they read to these functions, so the rules are
written once and hold on every store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from ..errors import InvalidInputError, TemplateInheritanceError, TemplateNotFoundError
from ..schema import Labels, PromptTemplate, TemplateVersion, VariableSpec
from ..spec import AggregateRow, VersionStats
from .rendering import parse_version_number

__all__ = [
    "MAX_INHERITANCE",
    "check_owned",
    "current_labels",
    "extend_chain",
    "label_target",
    "merged_variables",
    "numbered",
    "version_id_or_number",
    "version_stats",
]

#: Longest chain of parent versions followed before giving up.
MAX_INHERITANCE = 32

#: The length of a canonical UUID: a version reference this long is an id, not a number.
_ID_LENGTH = 36


def version_id_or_number(ref: int | str) -> str | int:
    """Read a version reference: an id (returned as is) or a number (``3``, ``"v3"``)."""
    if isinstance(ref, str) and len(ref) == _ID_LENGTH:
        return ref
    try:
        return parse_version_number(ref)
    except ValueError as exc:
        raise InvalidInputError(str(exc), field="version") from exc


def check_owned(
    template: PromptTemplate, node: object, ref: str, *, any_template: bool = False
) -> TemplateVersion:
    """Return ``node`` (read by the id ``ref``) if it is a version of ``template``, or of any
    template when ``any_template`` (a parent may come from another template)."""
    if not isinstance(node, TemplateVersion):
        kind = getattr(node, "type", type(node).__name__)
        raise InvalidInputError(f"{ref} is a {kind}, not a TemplateVersion", field="version")
    if not any_template and node.template_id != template.id:
        raise InvalidInputError(
            f"{ref} is a version of another template, not of {template.name!r}", field="version"
        )
    return node


def numbered(template: PromptTemplate, versions: Iterable[TemplateVersion], number: int) -> TemplateVersion:
    """Return the version numbered ``number`` among ``template``'s versions."""
    for v in versions:
        if v.version == number:
            return v
    raise TemplateNotFoundError(template.name, f"version v{number}")


def label_target(name: str, label: str, moves: Sequence[Labels], as_of: datetime | None) -> str:
    """Return the id of the version ``label`` pointed at, now or ``as_of`` a past moment,
    from its moves, oldest first."""
    kept = [m for m in moves if as_of is None or m.created_at <= as_of]
    if not kept:
        when = "" if as_of is None else f" at {as_of.isoformat()}"
        raise TemplateNotFoundError(name, f"label {label!r}{when}")
    return kept[-1].target_id


def current_labels(moves: Iterable[Labels]) -> dict[str, str]:
    """Return where each label points now, by label, from every move, oldest first."""
    return {move.label: move.target_id for move in moves}


def extend_chain(chain: list[TemplateVersion], parents: Sequence[TemplateVersion]) -> bool:
    """Add the parent of ``chain[-1]`` to ``chain``, or return ``False`` when it has none.

    :raises TemplateInheritanceError: if the version has two parents, the chain loops, or
        it grows past ``MAX_INHERITANCE``.
    """
    if not parents:
        return False
    if len(parents) > 1:
        raise TemplateInheritanceError("it has more than one parent version", version_id=chain[-1].id)
    if any(p.id == parents[0].id for p in chain):
        raise TemplateInheritanceError("its chain of parents loops back on itself", version_id=chain[0].id)
    if len(chain) >= MAX_INHERITANCE:
        raise TemplateInheritanceError(
            f"its chain of parents is longer than {MAX_INHERITANCE}", version_id=chain[0].id
        )
    chain.append(parents[0])
    return True


def merged_variables(chain: Sequence[TemplateVersion]) -> list[VariableSpec]:
    """The variable specs of a version and its parents (child first); a child's spec wins."""
    return list({s.name: s for v in reversed(chain) for s in v.variables}.values())


#: A version's totals when no completion followed it in the period: no data, not zeros of rates.
_NO_COMPLETIONS: dict[str, Any] = {
    "completions": 0,
    "errors": 0,
    "error_rate": None,
    "latency_p50_ms": None,
    "latency_p95_ms": None,
    "input_tokens": 0,
    "output_tokens": 0,
    "total_tokens": 0,
    "cost_usd": 0.0,
    "feedback_count": 0,
    "feedback_avg": None,
}


def version_stats(version: TemplateVersion, uses: int, row: AggregateRow | None) -> VersionStats:
    """A version's A/B numbers: its uses, and the totals of the completions that followed
    (``row``, from a report grouped by template version)."""
    totals = dict(_NO_COMPLETIONS)
    if row is not None:
        totals = {name: getattr(row, name) for name in _NO_COMPLETIONS}
        totals["error_rate"] = row.error_rate if row.completions else None
    return VersionStats(version=version.version or 0, version_id=version.id, uses=uses, **totals)
