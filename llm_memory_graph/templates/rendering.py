"""Prompt templates: variable checks, sandboxed Jinja rendering with inheritance, and diffs.

Rendering is Jinja2 in a ``SandboxedEnvironment`` with ``StrictUndefined``: a variable the
text uses but nobody gave is an error naming it, and reaching for Python internals
(``{{ x.__class__ }}``) is refused. Variables are checked against the version's typed
specs before rendering: a missing required one, an unknown one, or one of the wrong type
is an error naming it. A version may extend a parent version: its text says
``{% extends "parent" %}`` and overrides ``{% block %}``s; the chain of parents is resolved
from the store, and a chain that loops or names a missing version is an error.

Parsing and rendering are bounded (``TemplateLimits``): the rendered text and what the
template builds on the way, the loop iterations, calls and operators it runs, the ranges,
integers and nesting depth it may reach, and the wall time. A template past a bound, and
any other failure of its code (a division by zero, a wrong type, a recursion), is a
``TemplateRenderError`` naming the template; nothing is rendered or recorded.

Nothing here does I/O; the graph fetches the versions and passes them in.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from ..errors import InvalidInputError, TemplateRenderError
from ..schema import TemplateVersion, VariableSpec

if TYPE_CHECKING:  # Jinja is imported when a template is first parsed: most programs never do
    import jinja2

    from .sandbox import BoundedEnvironment

__all__ = [
    "DEFAULT_LIMITS",
    "PARENT",
    "TemplateLimits",
    "content_hash",
    "infer_variables",
    "parse_version_number",
    "render",
    "unified_diff",
    "validate_variables",
]

#: The name a child version's text extends to reach its parent: ``{% extends "parent" %}``.
PARENT = "parent"


@dataclass(frozen=True, kw_only=True)
class TemplateLimits:
    """The bounds one parse or render of a template stays within; past one, a
    ``TemplateRenderError`` names it. Raise a bound for one call
    (``graph.render_template(..., limits=TemplateLimits(max_steps=5_000_000))``) or for
    every call of a graph (``graph.template_limits = TemplateLimits(...)``)::

        graph.template_limits = TemplateLimits(max_output_chars=4_000_000, timeout=10.0)

    :param max_output_chars: the longest rendered text, and the longest string, list or
        text one operation (an operator, a filter, a method call, ``~``) may build.
    :param max_built_chars: the characters (and list items) all operations of one render
        may build together, so that many big pieces cannot add up.
    :param max_steps: loop iterations, calls, includes, operators and filters one render
        may run.
    :param max_range: the longest ``range()``.
    :param max_depth: how deep macro, ``caller()`` and recursive-loop calls may nest.
    :param max_int_bits: the widest integer ``**`` or ``*`` may build.
    :param timeout: seconds one parse or render may take, checked at every step.
    """

    max_output_chars: int = 1_000_000
    max_built_chars: int = 10_000_000
    max_steps: int = 250_000
    max_range: int = 100_000
    max_depth: int = 64
    max_int_bits: int = 4_096
    timeout: float = 5.0

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise InvalidInputError(f"must be a positive number, got {value!r}", field=field.name)


#: The bounds used unless a graph or a call says otherwise.
DEFAULT_LIMITS = TemplateLimits()

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


def _environment(chain: Sequence[TemplateVersion], limits: TemplateLimits) -> BoundedEnvironment:
    """A bounded sandbox whose loader knows every version of the chain, child first.

    A version reaches its parent by the name ``"parent"`` and nothing else, so no version
    can extend or include itself or a child.
    """
    import jinja2

    from .sandbox import BoundedEnvironment

    sources = {f"v{i}": v.body for i, v in enumerate(chain)}

    class _ChainEnvironment(BoundedEnvironment):
        def join_path(self, template: str, parent: str) -> str:
            # "parent" in version i's text means version i + 1 of the chain.
            if template == PARENT and parent in sources:
                return f"v{int(parent[1:]) + 1}"
            return f"{template} (not {PARENT!r})"

    return _ChainEnvironment(
        limits,
        loader=jinja2.DictLoader(sources),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )


@contextmanager
def _template_errors(template: str) -> Iterator[None]:
    """Turn whatever a template's text or code raises into ``TemplateRenderError``."""
    import jinja2
    from jinja2.exceptions import SecurityError

    from .sandbox import LimitExceeded

    try:
        yield
    except LimitExceeded as exc:
        raise TemplateRenderError(
            f"{exc}; raise TemplateLimits.{exc.limit} to allow it", template=template, limit=exc.limit
        ) from exc
    except jinja2.UndefinedError as exc:
        raise TemplateRenderError(
            f"is used but was not given ({exc.message})", template=template, variable=_undefined_name(exc)
        ) from exc
    except SecurityError as exc:
        raise TemplateRenderError(f"the sandbox refused: {exc}", template=template) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateRenderError(f"line {exc.lineno}: {exc.message}", template=template) from exc
    except jinja2.TemplateNotFound as exc:
        name = str(exc.name)
        if name.startswith("v") and name[1:].isdigit():
            message = f'a version of the chain extends "{PARENT}" but has no parent version'
        else:
            message = f'extends or includes {name}; a version reaches only "{PARENT}", its parent version'
        raise TemplateRenderError(message, template=template) from exc
    except RecursionError as exc:
        raise TemplateRenderError(
            "the template recursed too deeply", template=template, limit="max_depth"
        ) from exc
    except MemoryError as exc:
        raise TemplateRenderError("the template ran out of memory", template=template) from exc
    except (
        jinja2.TemplateError,
        ArithmeticError,  # ZeroDivisionError, OverflowError
        TypeError,
        ValueError,
        LookupError,
        AttributeError,
        SyntaxError,
    ) as exc:
        raise TemplateRenderError(f"{type(exc).__name__}: {exc}", template=template) from exc


def infer_variables(body: str, *, limits: TemplateLimits = DEFAULT_LIMITS) -> list[VariableSpec]:
    """Return a required string spec for every variable the text uses (a sensible default).

    Finding them runs Jinja's compiler, which folds constant expressions; that work is
    bounded by ``limits`` as a render is.

    :raises TemplateRenderError: if the text is not valid Jinja or passes a bound.
    """
    from jinja2 import meta

    from .sandbox import BoundedEnvironment

    with _template_errors("(new version)"):
        names = meta.find_undeclared_variables(BoundedEnvironment(limits).parse(body))
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


def render(
    chain: Sequence[TemplateVersion],
    variables: Mapping[str, Any],
    *,
    template: str,
    limits: TemplateLimits = DEFAULT_LIMITS,
) -> str:
    """Render the first version of ``chain`` (each later one is the parent of the one before).

    :raises TemplateRenderError: on a missing variable, a syntax error, a sandbox
        violation, a bound of ``limits`` passed, or any failure of the template's code.
    """
    with _template_errors(template):
        return _environment(chain, limits).get_template("v0").render(dict(variables))


def _undefined_name(exc: jinja2.UndefinedError) -> str | None:
    message = exc.message or ""
    if message.startswith("'") and "' is undefined" in message:
        return message[1 : message.index("' is undefined")]
    return None


def unified_diff(old: TemplateVersion, new: TemplateVersion, *, name: str) -> str:
    """A unified diff of two versions' text, labelled ``name@v<N>``, one line per line
    (a last line without a final newline is marked as ``diff`` marks it).
    """
    lines = difflib.unified_diff(
        old.body.splitlines(keepends=True),
        new.body.splitlines(keepends=True),
        fromfile=f"{name}@v{old.version}",
        tofile=f"{name}@v{new.version}",
    )
    return "".join(
        line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in lines
    )
