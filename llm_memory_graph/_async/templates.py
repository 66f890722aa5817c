# Async source: edit here, then run scripts/unasync.py to regenerate the sync twin.
"""The prompt-template methods of ``AsyncMemoryGraph``.

Templates are graph citizens: a ``PromptTemplate`` node per name, an immutable
``TemplateVersion`` per published text (numbered 1, 2, 3 ... by the store; identical text
returns the existing version), ``LABELS`` edges for label moves (the edges are the
history, so ``as_of=`` answers "which version was production then?"), ``INHERITS`` to a
parent version, and ``INSTANTIATES`` from every prompt rendered from a version, carrying
the variables used — so completions, tool calls and feedback that follow are reachable
from the version, and versions can be compared on what they produced.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Unpack

from ..arguments import NodeRef
from ..errors import ConstraintError, InvalidInputError, TemplateNotFoundError
from ..recording.builders import build_prompt
from ..recording.fields import PromptFields
from ..schema import (
    Edge,
    EdgeType,
    Instantiates,
    Labels,
    Node,
    NodeType,
    Prompt,
    PromptTemplate,
    TemplateVersion,
    VariableSpec,
    validating,
)
from ..spec import GroupBy, Neighbor, Page, TemplateVersionInfo, VersionStats
from ..templates.rendering import (
    DEFAULT_LIMITS,
    TemplateLimits,
    content_hash,
    infer_variables,
    render,
    unified_diff,
    validate_variables,
)
from ..templates.versions import (
    check_owned,
    current_labels,
    extend_chain,
    label_target,
    merged_variables,
    numbered,
    version_id_or_number,
    version_stats,
)

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from ..query import AsyncQuery
    from ..stores.base import AsyncGraphStore

__all__ = ["_AsyncTemplateMethods"]


class _AsyncTemplateMethods:
    """Template methods, mixed into ``AsyncMemoryGraph``."""

    #: The bounds every parse and render of a template stays within, unless a call
    #: passes its own ``limits=``; set it to raise them for this graph.
    template_limits: TemplateLimits = DEFAULT_LIMITS

    if TYPE_CHECKING:  # what the methods use of the graph they are mixed into

        @property
        def store(self) -> AsyncGraphStore: ...

        def query(self) -> AsyncQuery: ...

        async def find(self, *, types: NodeType, name: str, limit: int) -> Page: ...

        async def get(self, node_id: str) -> Node: ...

        async def add(self, nodes: Sequence[Node] = (), edges: Sequence[Edge] = ()) -> list[Node]: ...

        def iter_neighbors(
            self,
            node: NodeRef,
            *,
            direction: str = "both",
            edge_types: Iterable[EdgeType | str] | None = None,
            batch_size: int = 1000,
        ) -> AsyncIterator[Neighbor]: ...

        async def _add_one(self, node: Node, edges: Sequence[Edge] = ()) -> Node: ...

        def _invalidating(self) -> AbstractContextManager[None]: ...

    async def publish_template(
        self,
        name: str,
        body: str,
        *,
        variables: Iterable[VariableSpec | Mapping[str, Any]] | None = None,
        parent: int | str | None = None,
        message: str | None = None,
        author: str | None = None,
        semver: str | None = None,
        label: str | None = None,
        description: str | None = None,
        limits: TemplateLimits | None = None,
    ) -> TemplateVersion:
        """Publish a version of the template ``name`` (made on first use) and return it.

        Publishing text identical to an existing version (same text, variables and parent)
        returns that version instead of a new one.

        :param variables: typed specs (name, type, required, default, description); by
            default every variable the text uses, as a required string.
        :param parent: a version of the same template this one extends (``3`` or ``"v3"``),
            or the id of any template version; the text then says ``{% extends "parent" %}``.
        :param message: why this version exists, like a commit message.
        :param label: move this label (say ``"staging"``) to the version, in the same
            transaction as the publication: both happen, or neither does.
        :param limits: the bounds of finding the variables the text uses (which runs
            Jinja's compiler); by default ``template_limits``.
        :raises TemplateRenderError: if the text is not valid Jinja or passes a bound.
        """
        with validating("template"):
            specs = (
                infer_variables(body, limits=limits or self.template_limits)
                if variables is None
                else [VariableSpec.model_validate(v) for v in variables]
            )
            template = await self._template_node(name, create=True, description=description)
            parent_id = (
                None if parent is None else (await self._version_of(template, parent, any_template=True)).id
            )
            draft = TemplateVersion(
                template_id=template.id,
                body=body,
                variables=specs,
                message=message,
                author=author,
                semver=semver,
                content_hash=content_hash(body, specs, parent_id),
            )
        with validating("label"):
            move = (
                None
                if label is None
                else Labels(
                    source_id=template.id, target_id=draft.id, label=label, actor=author, reason=message
                )
            )
        with self._invalidating():  # one transaction: the version is published with its label or not at all
            version, _ = await self.store.publish_version(draft, parent_id=parent_id, label=move)
        return version

    async def template_versions(self, name: str) -> list[TemplateVersion]:
        """Return every version of a template, oldest first."""
        template = await self._template_node(name)
        found = [
            n
            async for n in self.query().types(NodeType.TEMPLATE_VERSION).template(template).astream()
            if isinstance(n, TemplateVersion)
        ]
        return sorted(found, key=lambda v: v.version or 0)

    async def get_template_version(
        self,
        name: str,
        *,
        version: int | str | None = None,
        label: str | None = None,
        as_of: datetime | None = None,
    ) -> TemplateVersion:
        """Return one version: by number (``3`` or ``"v3"``), by the version a label points
        at (now, or ``as_of`` a moment in the past), or the newest when neither is given.

        :raises TemplateNotFoundError: if there is no such template, version or label.
        """
        if version is not None and label is not None:
            raise InvalidInputError("give a version or a label, not both", field="version")
        template = await self._template_node(name)
        if label is not None:
            target = label_target(name, label, await self.label_history(name, label), as_of)
            return await self._version_of(template, target)
        if version is not None:
            return await self._version_of(template, version)
        versions = await self.template_versions(name)
        if not versions:
            raise TemplateNotFoundError(name, "version")
        return versions[-1]

    async def move_label(
        self,
        name: str,
        label: str,
        version: int | str,
        *,
        actor: str | None = None,
        reason: str | None = None,
    ) -> Labels:
        """Point ``label`` at a version; the move is recorded (when, by whom, why), so a
        rollback is just another move.
        """
        template = await self._template_node(name)
        target = await self._version_of(template, version)
        with validating("label"):
            move = Labels(source_id=template.id, target_id=target.id, label=label, actor=actor, reason=reason)
        await self.add(edges=[move])
        return move

    async def label_history(self, name: str, label: str | None = None) -> list[Labels]:
        """Return the moves of one label (or of all), oldest first."""
        template = await self._template_node(name)
        moves = [
            n.edge
            async for n in self.iter_neighbors(template, direction="out", edge_types=[EdgeType.LABELS])
            if isinstance(n.edge, Labels) and (label is None or n.edge.label == label)
        ]
        return sorted(moves, key=lambda m: (m.created_at, m.id))

    async def template_history(self, name: str) -> list[TemplateVersionInfo]:
        """Return every version with who published it, when and why, and its current labels."""
        current = current_labels(await self.label_history(name))
        return [
            TemplateVersionInfo(
                version=v, labels=sorted(label for label, vid in current.items() if vid == v.id)
            )
            for v in await self.template_versions(name)
        ]

    async def diff_versions(self, name: str, old: int | str, new: int | str) -> str:
        """Return a unified diff of two versions' text."""
        template = await self._template_node(name)
        return unified_diff(
            await self._version_of(template, old), await self._version_of(template, new), name=name
        )

    async def render_template(
        self,
        name: str,
        variables: Mapping[str, Any] | None = None,
        *,
        version: int | str | None = None,
        label: str | None = None,
        limits: TemplateLimits | None = None,
    ) -> str:
        """Render a version with ``variables``, recording nothing.

        :param limits: the bounds of this render; by default ``template_limits``.
        :raises TemplateRenderError: if a variable is missing, unknown or ill-typed, or the
            template fails or passes a bound.
        """
        chosen = await self.get_template_version(name, version=version, label=label)
        text, _ = await self._render(name, chosen, variables or {}, limits)
        return text

    async def render_prompt(
        self,
        name: str,
        variables: Mapping[str, Any] | None = None,
        *,
        version: int | str | None = None,
        label: str | None = None,
        limits: TemplateLimits | None = None,
        **fields: Unpack[PromptFields],
    ) -> Prompt:
        """Render a version and record the result as a prompt that INSTANTIATES it, with
        the variables used, so what follows the prompt is traceable to the version.

        :param fields: what ``add_prompt`` takes (``conversation``, ``agent``, ``role``,
            ``triggered_by``, ``depends_on`` ...): ``PromptFields``.
        :param limits: the bounds of this render; by default ``template_limits``.
        :raises TemplateRenderError: if a variable is missing, unknown or ill-typed, or the
            template fails or passes a bound; nothing is recorded.
        """
        chosen = await self.get_template_version(name, version=version, label=label)
        text, used = await self._render(name, chosen, variables or {}, limits)
        prompt, edges = build_prompt(text, **fields)
        with validating("prompt"):
            edges.append(Instantiates(source_id=prompt.id, target_id=chosen.id, variables=used))
        return await self._add_one(prompt, edges)  # type: ignore[return-value]

    async def compare_versions(
        self,
        name: str,
        *versions: int | str,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
    ) -> list[VersionStats]:
        """Compare versions (A/B) on what their prompts led to: uses, completion latency
        p50/p95, tokens, cost, feedback average and count, and error rate.

        :param since: only prompts and completions from then on (a datetime, ``"7d"`` ...).
        """
        template = await self._template_node(name)
        chosen = [await self._version_of(template, v) for v in versions]
        query = self.query().types(NodeType.COMPLETION)
        if since is not None:
            query = query.since(since)
        if until is not None:
            query = query.until(until)
        rows = {
            r.group[GroupBy.TEMPLATE_VERSION]: r for r in await query.report(by=[GroupBy.TEMPLATE_VERSION])
        }
        stats = []
        for v in chosen:
            users = [
                u async for u in self.iter_neighbors(v, direction="in", edge_types=[EdgeType.INSTANTIATES])
            ]
            uses = sum(
                1
                for u in users
                if (query.spec.since is None or u.node.created_at >= query.spec.since)
                and (query.spec.until is None or u.node.created_at < query.spec.until)
            )
            stats.append(version_stats(v, uses, rows.get(v.id)))
        return stats

    # ------------------------------------------------------------ helpers

    async def _template_node(
        self, name: str, *, create: bool = False, description: str | None = None
    ) -> PromptTemplate:
        found = await self.find(types=NodeType.PROMPT_TEMPLATE, name=name, limit=1)
        if found.items:
            return found.items[0]  # type: ignore[return-value]
        if not create:
            raise TemplateNotFoundError(name)
        with validating("template"):
            template = PromptTemplate(name=name, description=description)
        try:
            return await self._add_one(template)  # type: ignore[return-value]
        except ConstraintError:  # another publisher made it first: names are unique
            found = await self.find(types=NodeType.PROMPT_TEMPLATE, name=name, limit=1)
            if not found.items:
                raise
            return found.items[0]  # type: ignore[return-value]

    async def _version_of(
        self, template: PromptTemplate, ref: int | str, *, any_template: bool = False
    ) -> TemplateVersion:
        """A version of ``template`` by number (``3``, ``"v3"``) or by id; by id, a version of
        another template only when ``any_template``."""
        found = version_id_or_number(ref)
        if isinstance(found, str):
            return check_owned(template, await self.get(found), found, any_template=any_template)
        return numbered(template, await self.template_versions(template.name), found)

    async def _chain(self, version: TemplateVersion) -> list[TemplateVersion]:
        """The version and its parents, child first, read from the INHERITS edges."""
        chain = [version]
        while extend_chain(chain, await self._parents(chain[-1])):
            pass
        return chain

    async def _parents(self, version: TemplateVersion) -> list[TemplateVersion]:
        """The versions ``version`` INHERITS from (one, when the graph is sound)."""
        return [
            n.node
            async for n in self.iter_neighbors(version, direction="out", edge_types=[EdgeType.INHERITS])
            if isinstance(n.node, TemplateVersion)
        ]

    async def _render(
        self,
        name: str,
        version: TemplateVersion,
        variables: Mapping[str, Any],
        limits: TemplateLimits | None = None,
    ) -> tuple[str, dict[str, Any]]:
        label = f"{name}@v{version.version}"
        chain = await self._chain(version)
        used = validate_variables(merged_variables(chain), variables, template=label)
        return render(chain, used, template=label, limits=limits or self.template_limits), used
