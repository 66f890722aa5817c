"""The full-text search language, and its safe translation for SQLite FTS5 and Neo4j (Lucene).

A search is words separated by spaces; a result must contain every word::

    refund policy          both words, anywhere, in any order
    "annual plan"          the exact phrase
    refund*                any word starting with "refund"
    refund -annual         "refund" but not "annual" (also -"exact phrase")

Case and accents do not matter. Everything else is taken literally: operators of either
engine (``AND``, ``OR``, ``NEAR``, ``:``, ``^``, ``~``, parentheses, backslashes ...) are
searched for as text or dropped, never obeyed, so a search string cannot change the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InvalidInputError

__all__ = ["TextQuery", "parse_text_query"]

_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


@dataclass(frozen=True)
class _Term:
    words: tuple[str, ...]  # one word, or the words of a phrase
    prefix: bool = False
    excluded: bool = False


@dataclass(frozen=True)
class TextQuery:
    """A parsed search: what must match and what must not."""

    terms: tuple[_Term, ...]

    def fts5(self) -> str:
        """The search as an SQLite FTS5 MATCH expression."""
        wanted = [_fts5_term(t) for t in self.terms if not t.excluded]
        unwanted = [_fts5_term(t) for t in self.terms if t.excluded]
        expression = " AND ".join(wanted)
        if unwanted:
            expression = f"({expression}) NOT ({' OR '.join(unwanted)})"
        return expression

    def lucene(self) -> str:
        """The search as a Lucene query for a Neo4j full-text index."""
        return " ".join(("-" if t.excluded else "+") + _lucene_term(t) for t in self.terms)


def _fts5_term(term: _Term) -> str:
    quoted = '"' + " ".join(term.words).replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


def _lucene_term(term: _Term) -> str:
    if len(term.words) > 1:
        return '"' + " ".join(_LUCENE_SPECIAL.sub(r"\\\1", w) for w in term.words) + '"'
    escaped = _LUCENE_SPECIAL.sub(r"\\\1", term.words[0]).lower()
    return escaped + "*" if term.prefix else escaped


def parse_text_query(text: str) -> TextQuery:
    """Parse a search; words are the letters and digits of each space-separated token.

    :raises InvalidInputError: if nothing is left to search for.
    """
    terms: list[_Term] = []
    for match in _TOKEN.finditer(text):
        if match.group(3) is not None:
            raw = match.group(3)
            excluded = raw.startswith("-") and len(raw) > 1
            raw = raw[1:] if excluded else raw
            prefix = raw.endswith("*")
            words = tuple(_WORD.findall(raw))
            if len(words) > 1:  # "gpt-4o" is the phrase "gpt 4o" to either engine
                terms.append(_Term(words, excluded=excluded))
            elif words:
                terms.append(_Term(words, prefix=prefix, excluded=excluded))
        else:
            words = tuple(_WORD.findall(match.group(2)))
            if words:
                terms.append(_Term(words, excluded=bool(match.group(1))))
    if not any(not t.excluded for t in terms):
        raise InvalidInputError(f"search {text!r} has no word to look for")
    return TextQuery(tuple(terms))
