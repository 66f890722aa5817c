"""The bounded Jinja sandbox prompt templates are parsed and rendered in.

Jinja's ``ImmutableSandboxedEnvironment`` refuses Python internals and changes to the
lists and dicts a template is given; it does not bound work or memory. This environment
adds the bounds of ``TemplateLimits``:

* every operator (``+ - * / // % **``) is intercepted (``intercepted_binops``), so it is
  checked before it runs, and, as Jinja does not fold intercepted operators, the compiler
  never computes ``10 ** (10 ** 8)`` while publishing;
* every filter, global (``range``, ``lipsum``) and method call is checked before it runs
  (``'{:>999999999}'.format(1)``, ``'x'.center(10 ** 9)``, ``s | indent(10 ** 9)``) and
  its result measured after; the compiler folds filters on constants through the same
  checks, and a fold they refuse is simply left to run time, where it is refused;
* every loop iteration, call, include, operator and filter is a step: the steps and the
  wall time of one render are bounded, and so is the depth of nested calls;
* the rendered text, every string one operation builds, and all they build together are
  bounded in size.

A bound that is hit raises ``LimitExceeded``; ``templates.py`` turns it, and every other
failure of the template, into ``TemplateRenderError``. Nothing here does I/O.
"""

from __future__ import annotations

import re
import time
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import update_wrapper
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
from jinja2.utils import _PassArg, generate_lorem_ipsum
from markupsafe import EscapeFormatter, Markup

from .rendering import TemplateLimits

__all__ = ["BoundedEnvironment", "LimitExceeded"]

#: ``%`` conversions of printf-style formatting, with their width and precision.
_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")
#: Width and precision of a ``str.format`` spec (``>20``, ``0>8.3f``, ``,.2f`` ...).
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[+\- ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?")

#: Filters that turn their input into text, so its printed size is checked first.
_STRINGIFYING = frozenset(
    [
        "capitalize",
        "center",
        "e",
        "escape",
        "forceescape",
        "format",
        "indent",
        "join",
        "lower",
        "pprint",
        "replace",
        "safe",
        "string",
        "striptags",
        "title",
        "tojson",
        "trim",
        "truncate",
        "upper",
        "urlencode",
        "urlize",
        "wordcount",
        "wordwrap",
        "xmlattr",
    ]
)


class LimitExceeded(Exception):
    """A template went past one of its ``TemplateLimits``; ``limit`` names the field."""

    def __init__(self, limit: str, message: str) -> None:
        self.limit = limit
        super().__init__(message)


def _is_int(value: Any) -> bool:
    return isinstance(value, int)


def _width(value: Any) -> int:
    """A width given as a number or as the text to repeat (``indent("  ")``)."""
    if isinstance(value, str):
        return len(value)
    return value if isinstance(value, int) else 0


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator, plus a step at each loop iteration and include, and a
    checked join for the ``~`` operator.
    """

    _tick_next_block = False

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        self._tick_next_block = True  # the first block a for loop writes is its body
        super().visit_For(node, frame)

    def blockvisit(self, nodes: Iterable[nodes.Node], frame: Frame) -> None:
        if self._tick_next_block:
            self._tick_next_block = False
            self.writeline("environment.tick()")
        super().blockvisit(nodes, frame)

    def visit_Include(self, node: nodes.Include, frame: Frame) -> None:
        self.writeline("environment.tick()", node)
        super().visit_Include(node, frame)

    def visit_Import(self, node: nodes.Import, frame: Frame) -> None:
        self.writeline("environment.tick()", node)
        super().visit_Import(node, frame)

    def visit_FromImport(self, node: nodes.FromImport, frame: Frame) -> None:
        self.writeline("environment.tick()", node)
        super().visit_FromImport(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.join_parts((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _BoundedFormatter(SandboxedFormatter):
    """``str.format`` in the sandbox, refusing a width or precision past the output bound."""

    _bounded: BoundedEnvironment

    def format_field(self, value: Any, format_spec: str) -> Any:
        self._bounded.check_format_spec(format_spec, value)
        return self._bounded.checked(super().format_field(value, format_spec))


class _BoundedEscapeFormatter(_BoundedFormatter, EscapeFormatter):
    """The same for ``Markup.format``."""


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """A sandbox that counts and bounds what one render (or one parse) does.

    Make one per render: the counters start when it is made.
    """

    intercepted_binops = frozenset(["+", "-", "*", "/", "//", "%", "**"])
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, limits: TemplateLimits, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits
        self.steps = 0
        self.built = 0
        self.depth = 0
        self.deadline = time.monotonic() + limits.timeout
        self.finalize = self._finalize
        self.filters = {name: self._guarded_filter(name, f) for name, f in self.filters.items()}
        self.globals["range"] = self._range
        self.globals["lipsum"] = self._lipsum

    # ------------------------------------------------------------ counters

    def tick(self, steps: int = 1) -> None:
        """Count steps; refuse past ``max_steps`` or the time budget."""
        self.steps += steps
        if self.steps > self.limits.max_steps:
            raise LimitExceeded(
                "max_steps",
                f"the template ran more than {self.limits.max_steps:,} steps (loop iterations, "
                "calls, includes, operators and filters)",
            )
        if time.monotonic() > self.deadline:
            raise LimitExceeded("timeout", f"the template ran longer than {self.limits.timeout:g} s")

    def check_size(self, size: int, what: str = "a string or list") -> None:
        """Refuse building ``what`` of ``size`` characters or items past ``max_output_chars``."""
        if size > self.limits.max_output_chars:
            raise LimitExceeded(
                "max_output_chars",
                f"the template would build {what} of {size:,} characters or items, more than "
                f"{self.limits.max_output_chars:,}",
            )

    def add_built(self, size: int) -> None:
        """Count what an operation built; refuse past ``max_built_chars`` in all."""
        self.built += size
        if self.built > self.limits.max_built_chars:
            raise LimitExceeded(
                "max_built_chars",
                f"the template built more than {self.limits.max_built_chars:,} characters or items in all",
            )

    def checked(self, result: Any) -> Any:
        """Measure what an operation returned, count it, and return it."""
        if isinstance(result, str | bytes | list | tuple | dict | set | frozenset):
            self.check_size(len(result))
            self.add_built(len(result))
        elif _is_int(result):
            self.check_int(result)
        return result

    def check_int(self, value: int) -> None:
        """Refuse an integer wider than ``max_int_bits``."""
        if value.bit_length() > self.limits.max_int_bits:
            raise LimitExceeded(
                "max_int_bits",
                f"the template would build an integer wider than {self.limits.max_int_bits:,} bits",
            )

    def printed_size(self, value: Any) -> int:
        """Estimate ``len(str(value))`` without building it, and refuse it past the output bound.

        A list that holds the same big list many times prints exponentially large: the
        walk stops as soon as the estimate passes the bound, and counts what it visited
        as steps.
        """
        if isinstance(value, str | bytes):
            self.check_size(len(value), "a text")
            return len(value)
        limit = self.limits.max_output_chars
        total = 0
        visited = 0
        stack = [value]
        while stack and total <= limit:
            item = stack.pop()
            visited += 1
            if isinstance(item, str | bytes):
                total += len(item) + 4
            elif isinstance(item, Mapping):
                total += 4
                for key, child in item.items():
                    stack.append(key)
                    stack.append(child)
            elif isinstance(item, list | tuple | set | frozenset):
                total += 4
                stack.extend(item)
            elif _is_int(item):
                total += item.bit_length() // 3 + 4
            else:
                total += 24
        self.tick(visited)
        self.check_size(total, "a text")
        return total

    def shape(self, value: Any) -> tuple[int, int]:
        """Count the items of a nested value and how deep it nests (for ``tojson(indent)``),
        after ``printed_size`` has bounded it.
        """
        items = 0
        deepest = 0
        stack = [(value, 1)]
        while stack:
            item, depth = stack.pop()
            items += 1
            deepest = max(deepest, depth)
            if isinstance(item, Mapping):
                stack.extend((child, depth + 1) for child in item.values())
            elif isinstance(item, list | tuple | set | frozenset):
                stack.extend((child, depth + 1) for child in item)
        self.tick(items)
        return items, deepest

    # ------------------------------------------------------------ hooks Jinja calls

    def _finalize(self, value: Any) -> Any:
        """Every ``{{ value }}`` passes here before it is printed."""
        self.add_built(self.printed_size(value))
        return value

    def concat(self, parts: Iterable[str]) -> str:
        """Join a render's (or a macro's, a block's) output, refusing it past the output bound."""
        pieces = []
        total = 0
        for part in parts:
            total += len(part)
            self.check_size(total, "a text")
            pieces.append(part)
        return "".join(pieces)

    def join_parts(self, parts: Sequence[Any]) -> str:
        """The ``~`` operator: join the parts as text, checked before joining."""
        self.tick()
        total = sum(self.printed_size(p) for p in parts)
        self.check_size(total, "a text")
        self.add_built(total)
        return "".join(str(p) for p in parts)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """Every ``+ - * / // % **``: refuse one whose result would pass a bound."""
        self.tick()
        if operator == "**" and _is_int(left) and _is_int(right) and right > 0 and abs(left) > 1:
            bits = (abs(left).bit_length() - 1) * right + 1
            if bits > self.limits.max_int_bits:
                raise LimitExceeded(
                    "max_int_bits",
                    f"{left} ** {right} would be wider than {self.limits.max_int_bits:,} bits",
                )
        elif operator == "*":
            self._check_product(left, right)
        elif operator == "+" and isinstance(left, Sequence) and isinstance(right, Sequence):
            self.check_size(len(left) + len(right))
        elif operator == "%" and isinstance(left, str | bytes):
            self.check_printf(left, right)
        return self.checked(super().call_binop(context, operator, left, right))

    def _check_product(self, left: Any, right: Any) -> None:
        if _is_int(left) and _is_int(right):
            if left.bit_length() + right.bit_length() > self.limits.max_int_bits + 1:
                raise LimitExceeded(
                    "max_int_bits", f"a product would be wider than {self.limits.max_int_bits:,} bits"
                )
            return
        sequence, times = (left, right) if _is_int(right) else (right, left)
        if isinstance(sequence, Sequence) and _is_int(times):
            self.check_size(len(sequence) * max(times, 0))

    def check_printf(self, template: str | bytes, args: Any) -> None:
        """``'%999999999d' % 1`` and the ``format`` filter: refuse widths past the bound."""
        text = template.decode("latin-1") if isinstance(template, bytes) else template
        values = args if isinstance(args, tuple) else (args,)
        size = len(text) + sum(self.printed_size(v) for v in values)
        for width, precision in _PRINTF.findall(text):
            for number in (width, precision):
                if number == "*":
                    size += sum(abs(v) for v in values if _is_int(v))
                elif number:
                    size += int(number)
        self.check_size(size, "a text")

    def check_format_spec(self, format_spec: str, value: Any) -> None:
        """``'{:>999999999}'.format(1)``: refuse a width or precision past the bound."""
        match = _FORMAT_SPEC.match(format_spec)
        width, precision = match.groups() if match else ("", "")
        size = max(self.printed_size(value) + int(precision or 0), int(width or 0))
        self.check_size(size, "a text")

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Every call from a template: a step, a level of depth, and checked arguments."""
        self.tick()
        args = self._checked_call(obj, args, kwargs)
        if self.depth >= self.limits.max_depth:
            raise LimitExceeded(
                "max_depth", f"the template nests calls deeper than {self.limits.max_depth} levels"
            )
        self.depth += 1
        try:
            result = super().call(context, obj, *args, **kwargs)
        finally:
            self.depth -= 1
        return self.checked(result)

    def _checked_call(self, obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        """Check a call of a text method that can build past the bound; return its arguments
        (``join``'s iterable read into a list, so it can be measured first).
        """
        owner = getattr(obj, "__self__", None)
        if not isinstance(obj, types.BuiltinMethodType):
            return args
        name = obj.__name__
        if isinstance(owner, str | bytes):
            if name == "join" and args:
                items = list(args[0])
                self.tick(len(items))
                size = sum(len(i) for i in items if isinstance(i, str | bytes)) + len(owner) * len(items)
                self.check_size(size, "a text")
                return (items, *args[1:])
            self.check_size(_text_method_size(owner, name, args, kwargs), "a text")
        elif _is_int(owner) and name == "to_bytes":
            self.check_size(_width(args[0] if args else kwargs.get("length", 1)), "a bytes value")
        return args

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` and ``format_map`` through a formatter that checks each field."""
        if not isinstance(value, types.MethodType | types.BuiltinMethodType) or value.__name__ not in (
            "format",
            "format_map",
        ):
            return None
        text = value.__self__
        if not isinstance(text, str):
            return None
        formatter: _BoundedFormatter
        if isinstance(text, Markup):
            formatter = _BoundedEscapeFormatter(self, escape=text.escape)
        else:
            formatter = _BoundedFormatter(self)
        formatter._bounded = self
        is_map = value.__name__ == "format_map"
        kind = type(text)

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                kwargs, args = args[0], ()
            return kind(formatter.vformat(text, args, kwargs))

        return update_wrapper(wrapper, value)

    # ------------------------------------------------------------ globals and filters

    def _range(self, *args: int) -> range:
        """``range``, no longer than ``max_range``."""
        numbers = range(*args)
        if len(numbers) > self.limits.max_range:
            raise LimitExceeded(
                "max_range", f"range() of {len(numbers):,} numbers is longer than {self.limits.max_range:,}"
            )
        return numbers

    def _lipsum(self, n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
        """``lipsum``, refused when it could write past the output bound."""
        self.tick()
        self.check_size(_width(n) * _width(max) * 16, "a text")
        return self.checked(generate_lorem_ipsum(n=n, html=html, min=min, max=max))  # type: ignore[no-any-return]

    def _guarded_filter(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a filter: a step, its input's printed size and its widths checked before,
        its result measured after. Jinja's compiler folds filters on constants through
        the wrapper too.
        """
        passes = _PassArg.from_obj(function) is not None
        check = _FILTER_CHECKS.get(name)
        stringifies = name in _STRINGIFYING

        def guarded(*args: Any, **kwargs: Any) -> Any:
            self.tick()
            values = args[1:] if passes else args
            if values:
                size = self.printed_size(values[0]) if stringifies else 0
                if check is not None:
                    self.check_size(check(self, size, values[0], values[1:], kwargs), "a text")
            return self.checked(function(*args, **kwargs))

        return update_wrapper(guarded, function)


def _text_method_size(text: str | bytes, name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> int:
    """How long the result of ``text.<name>(*args)`` can be, for the methods that can grow it."""
    size = len(text)
    if name in ("center", "ljust", "rjust", "zfill") and args:
        return max(size, _width(args[0]))
    if name == "expandtabs":
        tab = b"\t" if isinstance(text, bytes) else "\t"
        return size + text.count(tab) * _width(args[0] if args else kwargs.get("tabsize", 8))  # type: ignore[arg-type]
    if name == "replace" and len(args) >= 2:
        return _replaced_size(text, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count", -1))
    if name == "translate" and args and isinstance(args[0], Mapping):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str | bytes)), default=1)
        return size * max(longest, 1)
    if name == "encode":
        return size * 4
    return size


def _replaced_size(text: Any, old: Any, new: Any, count: Any) -> int:
    if (
        not isinstance(text, str | bytes)
        or not isinstance(old, str | bytes)
        or not isinstance(new, str | bytes)
    ):
        return len(text) if isinstance(text, str | bytes) else 0
    found = text.count(old) if old else len(text) + 1  # type: ignore[arg-type]
    if _is_int(count) and count >= 0:
        found = min(found, count)
    return len(text) + found * max(len(new) - len(old), 0)


def _arg(args: Sequence[Any], kwargs: Mapping[str, Any], position: int, name: str, default: Any) -> Any:
    if len(args) > position:
        return args[position]
    return kwargs.get(name, default)


#: How long a filter's result can be: (environment, printed size of the input, the input,
#: the other arguments) -> an upper estimate.
_SizeCheck = Callable[["BoundedEnvironment", int, Any, Sequence[Any], Mapping[str, Any]], int]


def _indent_size(
    env: BoundedEnvironment, size: int, value: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> int:
    lines = str(value).count("\n") + 1
    return size + lines * _width(_arg(args, kwargs, 0, "width", 4))


def _wordwrap_size(
    env: BoundedEnvironment, size: int, value: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> int:
    width = max(_width(_arg(args, kwargs, 0, "width", 79)), 1)
    wrap = _arg(args, kwargs, 2, "wrapstring", None)
    return size + (size // width + 1) * max(len(str(wrap)) if wrap is not None else 1, 1)


def _join_size(
    env: BoundedEnvironment, size: int, value: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> int:
    joiner = _arg(args, kwargs, 0, "d", "")
    count = len(value) if isinstance(value, Sequence | Mapping) else 0
    return size + count * len(str(joiner))


def _replace_size(
    env: BoundedEnvironment, size: int, value: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> int:
    old = _arg(args, kwargs, 0, "old", "")
    new = _arg(args, kwargs, 1, "new", "")
    count = _arg(args, kwargs, 2, "count", None)
    return _replaced_size(str(value), str(old), str(new), -1 if count is None else count)


def _format_size(
    env: BoundedEnvironment, size: int, value: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> int:
    env.check_printf(str(value), tuple(args) if args else dict(kwargs))
    return size


def _center_size(
    env: BoundedEnvironment, size: int, value: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> int:
    return max(size, _width(_arg(args, kwargs, 0, "width", 80)))


def _batch_size(
    env: BoundedEnvironment, size: int, value: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> int:
    return _width(_arg(args, kwargs, 0, "linecount", 1))


def _slice_size(
    env: BoundedEnvironment, size: int, value: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> int:
    return _width(_arg(args, kwargs, 0, "slices", 1))


def _tojson_size(
    env: BoundedEnvironment, size: int, value: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> int:
    indent = _width(_arg(args, kwargs, 0, "indent", None))
    if not indent:
        return size
    items, depth = env.shape(value)
    return size + items * (depth * indent + 1)


def _urlize_size(
    env: BoundedEnvironment, size: int, value: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> int:
    extra = sum(len(str(kwargs.get(k) or "")) for k in ("target", "rel"))
    return 3 * size + (size // 4 + 1) * extra


#: The filters whose output can outgrow their input, and how far.
_FILTER_CHECKS: dict[str, _SizeCheck] = {
    "batch": _batch_size,
    "center": _center_size,
    "format": _format_size,
    "indent": _indent_size,
    "join": _join_size,
    "replace": _replace_size,
    "slice": _slice_size,
    "tojson": _tojson_size,
    "urlize": _urlize_size,
    "wordwrap": _wordwrap_size,
}
