"""Properties of the text checks of issue 13: lone surrogates are refused wherever they
sit, and ``visible`` leaves no control character for a terminal to obey.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llm_memory_graph import InvalidInputError, Prompt
from llm_memory_graph.schema import validating
from llm_memory_graph.views.text import visible

_SURROGATES = st.integers(0xD800, 0xDFFF).map(chr)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@given(before=st.text(), surrogate=_SURROGATES, after=st.text())
def test_a_lone_surrogate_anywhere_in_content_is_refused_naming_its_position(
    before: str, surrogate: str, after: str
) -> None:
    where = re.escape(f"prompt: content: character {len(before)} is a lone surrogate")
    with pytest.raises(InvalidInputError, match=f"^{where}"), validating("prompt"):
        Prompt(content=before + surrogate + after)


@given(text=st.text(), metadata=st.dictionaries(st.from_regex(r"\A[a-z_]{1,8}\Z"), st.text(), max_size=3))
def test_text_without_surrogates_is_accepted(text: str, metadata: dict[str, str]) -> None:
    assert Prompt(content=text, metadata=metadata).content == text


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_visible_text_holds_no_control_character_but_tab(text: str) -> None:
    shown = visible(text)
    assert _CONTROL.search(shown) is None
    assert "\n" not in shown
    if _CONTROL.search(text) is None and "\n" not in text:
        assert shown == text


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_visible_keeps_the_lines_of_text_shown_over_several_lines(text: str) -> None:
    shown = visible(text, newlines=True)
    assert _CONTROL.search(shown) is None
    assert shown.count("\n") == text.replace("\r\n", "\n").count("\n")
