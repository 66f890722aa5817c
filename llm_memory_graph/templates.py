"""Prompt templates: variable checks, sandboxed Jinja rendering with inheritance, and diffs.

Rendering is Jinja2 in a ``SandboxedEnvironment`` with ``StrictUndefined``: a variable the
text uses but nobody gave is an error naming it, and reaching for Python internals
(``{{ x.__class__ }}``) is refused. Variables are checked against the version's typed
specs before rendering: a missing required one, an unknown one, or one of the wrong type
is an error naming it. A version may extend a parent version: its text says
``{% extends "parent" %}`` and overrides ``{% block %}``s; the chain of parents is resolved
from the store, and a chain that loops or names a missing version is an error.

Nothing here does I/O; the graph fetches the versions and passes them in.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from .errors import TemplateRenderError
from .schema import TemplateVersion, VariableSpec

if TYPE_CHECKING:  # Jinja is imported when a template is first parsed: most programs never do
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

__all__ = [
    "PARENT",
    "content_hash",
    "infer_variables",
    "parse_version_number",
    "render",
    "unified_diff",
    "validate_variables",
]

#: The name a child version's text extends to reach its parent: ``{% extends "parent" %}``.
PARENT = "parent"

_TYPES: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "list": list[Any],
    "object": dict[str, Any],
}


def content_hash(body: str, variables: Sequence[VariableSpec], parent_id: str | None) -> str:
    """sha256 of what makes a version: its text, its variable specs and its parent.

    Publishing a version with the same hash as an existing one returns that version.
    """
    canonical = json.dumps(
        {"body": body, "variables": [v.model_dump(mode="json") for v in variables], "parent": parent_id},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def parse_version_number(value: int | str) -> int:
    """Read a version written ``3`` or ``v3``.

    :raises ValueError: for anything else.
    """
    text = str(value).strip().lower().removeprefix("v")
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"a version is written 3 or v3, not {value!r}")
    return int(text)


def _environment(chain: Sequence[TemplateVersion]) -> SandboxedEnvironment:
    """A sandbox whose loader knows every version of the chain, child first."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    sources = {f"v{i}": v.body for i, v in enumerate(chain)}

    class _ChainEnvironment(SandboxedEnvironment):
        def join_path(self, template: str, parent: str) -> str:
            # "parent" in version i's text means version i + 1 of the chain.
            if template == PARENT and parent in sources:
                return f"v{int(parent[1:]) + 1}"
            return template

    return _ChainEnvironment(
        loader=jinja2.DictLoader(sources),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )


def infer_variables(body: str) -> list[VariableSpec]:
    """Return a required string spec for every variable the text uses (a sensible default).

    :raises TemplateRenderError: if the text is not valid Jinja.
    """
    import jinja2
    from jinja2 import meta
    from jinja2.sandbox import SandboxedEnvironment

    try:
        names = meta.find_undeclared_variables(SandboxedEnvironment().parse(body))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateRenderError(f"line {exc.lineno}: {exc.message}", template="(new version)") from exc
    return [VariableSpec(name=n) for n in sorted(names)]


def validate_variables(
    specs: Sequence[VariableSpec], variables: Mapping[str, Any], *, template: str
) -> dict[str, Any]:
    """Check ``variables`` against the specs and fill defaults; return what to render with.

    :raises TemplateRenderError: naming the first missing, unknown or ill-typed variable.
    """
    unknown = sorted(set(variables) - {s.name for s in specs})
    if unknown:
        raise TemplateRenderError(
            "is not a variable of this template", template=template, variable=unknown[0]
        )
    fields: dict[str, Any] = {}
    for spec in specs:
        kind = _TYPES[spec.type]
        if spec.required and spec.default is None:
            fields[spec.name] = (kind, ...)
        else:
            fields[spec.name] = (kind | None, spec.default)
    model: type[BaseModel] = create_model(
        "TemplateVariables", __config__=ConfigDict(strict=True, extra="forbid"), **fields
    )
    try:
        checked = model.model_validate(dict(variables))
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else None
        message = "is required" if first["type"] == "missing" else first["msg"]
        raise TemplateRenderError(message, template=template, variable=name) from exc
    return checked.model_dump()


def render(chain: Sequence[TemplateVersion], variables: Mapping[str, Any], *, template: str) -> str:
    """Render the first version of ``chain`` (each later one is the parent of the one before).

    :raises TemplateRenderError: on a missing variable, a syntax error, or a sandbox violation.
    """
    import jinja2
    from jinja2.exceptions import SecurityError

    environment = _environment(chain)
    try:
        return environment.get_template("v0").render(dict(variables))
    except jinja2.UndefinedError as exc:
        raise TemplateRenderError(
            f"is used but was not given ({exc.message})", template=template, variable=_undefined_name(exc)
        ) from exc
    except SecurityError as exc:
        raise TemplateRenderError(f"the sandbox refused: {exc}", template=template) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateRenderError(f"line {exc.lineno}: {exc.message}", template=template) from exc
    except jinja2.TemplateNotFound as exc:
        if exc.name == f"v{len(chain)}":
            message = f'a version of the chain extends "{PARENT}" but has no parent version'
        else:
            message = f'extends {exc.name!r}; a version extends only "{PARENT}", its parent version'
        raise TemplateRenderError(message, template=template) from exc


def _undefined_name(exc: jinja2.UndefinedError) -> str | None:
    message = exc.message or ""
    if message.startswith("'") and "' is undefined" in message:
        return message[1 : message.index("' is undefined")]
    return None


def unified_diff(old: TemplateVersion, new: TemplateVersion, *, name: str) -> str:
    """A unified diff of two versions' text, labelled ``name@v<N>``."""
    lines = difflib.unified_diff(
        old.body.splitlines(keepends=True),
        new.body.splitlines(keepends=True),
        fromfile=f"{name}@v{old.version}",
        tofile=f"{name}@v{new.version}",
    )
    return "".join(lines)
