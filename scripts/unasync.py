"""Generate the synchronous twins from their async sources, line by line.

    python scripts/unasync.py          # rewrite the generated files
    python scripts/unasync.py --check  # exit 1 if any generated file is stale

A source is any file that starts with ``MARKER`` in a folder called ``_async`` (or
``async_`` for the tests); its twin has the same name in the sibling ``_sync`` (``sync_``)
folder. The substitutions are generic, as httpcore's are: ``Async`` and ``a`` prefixes,
``async``/``await`` keywords, ``Awaitable[X]``; no rule names a file or one class. Each is a
regular expression applied to every line in order, so line numbers match between a source
and its twin. A substitution that no source uses is an error: the table must not keep rules
for code that is gone.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Where sources are looked for, and the folder names of a source and of its twin.
TREES = ["llm_memory_graph", "tests"]
FOLDERS = {"_async": "_sync", "async_": "sync_"}

SUBSTITUTIONS = [
    # AsyncMemoryGraph -> MemoryGraph, _AsyncWriteMethods -> _WriteMethods, AsyncIterator -> Iterator.
    (r"\b(_?)Async(?=[A-Z])", r"\1"),
    # aiter_pages -> iter_pages, aclose -> close, astream -> stream; __aenter__ -> __enter__.
    (r"\ba(iter_\w+|close|stream|invoke)\b", r"\1"),
    (r"\b__a(enter|exit|iter|next)__\b", r"__\1__"),
    (r"\bStopAsyncIteration\b", "StopIteration"),
    (r"\._async\b", "._sync"),
    (r"Awaitable\[(\w+)\]", r"\1"),
    (r"Awaitable, ", ""),
    (r"\basync (def|for|with)\b", r"\1"),
    (r"\bawait ", ""),
]

#: First line of every async source; the twin gets HEADER on that line instead.
MARKER = "# Async source: edit here, then run scripts/unasync.py to regenerate the sync twin.\n"
HEADER = "# Generated from {source} by scripts/unasync.py; do not edit.\n"


def unasync(text: str, used: set[int]) -> str:
    """Return ``text`` with every substitution applied to every line."""
    lines = []
    for line in text.splitlines(keepends=True):
        for i, (pattern, replacement) in enumerate(SUBSTITUTIONS):
            line, count = re.subn(pattern, replacement, line)
            if count:
                used.add(i)
        lines.append(line)
    return "".join(lines)


def sources() -> Iterator[tuple[Path, Path]]:
    """Every async source, with the path of its twin."""
    for tree in TREES:
        for folder, twin in FOLDERS.items():
            for path in sorted((ROOT / tree).rglob(f"{folder}/*.py")):
                if path.read_text().startswith(MARKER):
                    yield path, path.parent.parent / twin / path.name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a generated file is stale")
    args = parser.parse_args()
    used: set[int] = set()
    stale = []
    pairs = list(sources())
    if not pairs:
        print("no async sources found", file=sys.stderr)
        return 1
    for source, target in pairs:
        text = source.read_text()
        generated = HEADER.format(source=source.relative_to(ROOT)) + unasync(text.removeprefix(MARKER), used)
        path = target
        if not path.exists() or path.read_text() != generated:
            stale.append(str(target.relative_to(ROOT)))
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(generated)
    unused = [SUBSTITUTIONS[i][0] for i in range(len(SUBSTITUTIONS)) if i not in used]
    if unused:
        print(f"unused substitutions: {unused}", file=sys.stderr)
        return 1
    if stale:
        verb = "stale" if args.check else "regenerated"
        print(f"{verb}: {', '.join(stale)}", file=sys.stderr)
        return 1 if args.check else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
